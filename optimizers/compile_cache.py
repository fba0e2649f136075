"""JAX's persistent compilation cache for the app: a restarted server (or a second process, such
as the CLI) reads its compiled runners from disk instead of compiling them again.

Tracing still happens; what is saved is XLA's compile: Adam's runner on Rosenbrock takes
0.27 s to compile here and 0.02 s to read back, so the Compare page's four save about 1 s. ``enable`` is called by the app's entry point (app.py); the
library itself never turns it on, so the tests and the engine benchmarks measure compiles as
they are.

The directory is ``$OPTISCAPE_JAX_CACHE`` when set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/optiscape/jax`` (``~/.cache/optiscape/jax``), capped at ``MAX_BYTES`` with
least-recently-used eviction. A directory that cannot be created leaves the cache off: a
cache is never a reason for the app not to start.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax

ENV = "OPTISCAPE_JAX_CACHE"
MAX_BYTES = 256 * 2**20
_OFF = {"off", "0", "false", "no", "none"}


def directory() -> Path | None:
    """Where the cache lives, or None when ``$OPTISCAPE_JAX_CACHE`` turns it off."""
    given = os.environ.get(ENV, "").strip()
    if given.lower() in _OFF:
        return None
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "optiscape" / "jax"


def enable() -> Path | None:
    """Turn the cache on for this process (idempotent); returns its directory, or None."""
    path = directory()
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if jax.config.jax_compilation_cache_dir != str(path):
        jax.config.update("jax_compilation_cache_dir", str(path))
        # every runner is worth keeping: they compile in 0.1-0.3 s each, under JAX's default
        # threshold of one second, and are a few kB
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        jax.config.update("jax_compilation_cache_max_size", MAX_BYTES)
    return path
