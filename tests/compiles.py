"""Counting XLA compilations, for the tests that promise a slider move never recompiles."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import jax

COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@contextlib.contextmanager
def count_compiles() -> Iterator[list[float]]:
    """Collect the duration of every XLA compilation made inside the block."""
    events: list[float] = []

    def listener(event: str, duration: float, **kwargs: object) -> None:
        if event == COMPILE_EVENT:
            events.append(duration)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        yield events
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
