"""JAX's persistent compilation cache (optimizers/compile_cache.py): where it lives, that it can
be turned off, and that a second process gets its runner from disk instead of compiling it.
Each check that turns the cache on runs in its own process, since JAX's config is global."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from optimizers import compile_cache

ROOT = Path(__file__).resolve().parents[1]

# One simulate in a fresh process; prints the cache's directory, then how many programs came
# from the cache (JAX's own monitoring event) and the final loss.
CHILD = """
import json, sys
sys.path[:0] = [{root!r}]
import jax
from optimizers import compile_cache
print(json.dumps(str(compile_cache.enable())))
import optimizers
hits = []
jax.monitoring.register_event_listener(
    lambda event, **kw: hits.append(1) if event == "/jax/compilation_cache/cache_hits" else None
)
t = optimizers.simulate("rosenbrock", "adam", steps=300)
print(json.dumps([len(hits), float(t.loss[-1])]))
"""


def _child(env: dict[str, str]) -> tuple[str, int, float]:
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.splitlines()
    path = json.loads(out[-2])
    hits, loss = json.loads(out[-1])
    return path, hits, loss


def test_the_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OPTISCAPE_JAX_CACHE", str(tmp_path / "here"))
    assert compile_cache.directory() == tmp_path / "here"
    for off in ("off", "0", "OFF", " none "):
        monkeypatch.setenv("OPTISCAPE_JAX_CACHE", off)
        assert compile_cache.directory() is None
    monkeypatch.delenv("OPTISCAPE_JAX_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compile_cache.directory() == tmp_path / "xdg" / "optiscape" / "jax"


def test_a_second_process_reads_the_runner_from_disk(tmp_path):
    cache = tmp_path / "jax"
    first_path, first_hits, loss1 = _child({"OPTISCAPE_JAX_CACHE": str(cache)})
    assert first_path == str(cache) and first_hits == 0
    assert any(cache.iterdir())  # the runner was written
    _, second_hits, loss2 = _child({"OPTISCAPE_JAX_CACHE": str(cache)})
    assert second_hits >= 1  # read from disk, not compiled
    assert loss2 == loss1  # the same program


def test_off_means_no_cache_and_an_unusable_directory_is_not_an_error(tmp_path):
    path, hits, _ = _child({"OPTISCAPE_JAX_CACHE": "off"})
    assert path == "None" and hits == 0
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    path, hits, _ = _child({"OPTISCAPE_JAX_CACHE": str(blocker / "jax")})
    assert path == "None" and hits == 0
