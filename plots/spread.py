"""Faint paths behind the main one: the same run under other random draws (other seeds).

Added to a finished Compare figure (a dict) as extra map traces, after every other trace so
the animation frames, which address traces by index, are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from plots.compare import decimate

OPACITY = 0.25


def spread_traces(paths: Sequence[np.ndarray], color: str, label: str) -> list[dict]:
    """One thin, faint line per path ((steps + 1, 2), NaN after divergence: cut there)."""
    traces = []
    for i, xy in enumerate(paths):
        finite = np.isfinite(xy).all(axis=1)
        last = int(np.argmin(finite)) - 1 if not finite.all() else len(xy) - 1
        keep = decimate(last + 1)
        pts = np.asarray(xy, np.float32)[keep]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": pts[:, 0],
                "y": pts[:, 1],
                "line": {"color": color, "width": 1},
                "opacity": OPACITY,
                "name": label,
                "legendgroup": "spread",
                "showlegend": i == 0,
                "hoverinfo": "skip",
            }
        )
    return traces


def with_spread(figure: dict, paths: Sequence[np.ndarray], color: str, label: str) -> dict:
    """``figure`` with the faint paths appended (a new dict; the input is not changed)."""
    return {**figure, "data": [*figure["data"], *spread_traces(paths, color, label)]}
