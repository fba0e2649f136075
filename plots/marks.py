"""Marks added to a finished Compare figure: the directions of descent at saddle points.

At a saddle the Hessian has one negative eigenvalue; f falls fastest along its eigenvector,
both ways. The mark is a double-headed segment through the saddle along that direction, a
fifth of the map's smaller side long. Appended after every other trace, so the animation
frames (which address traces by index) are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

COLOR = "#ef4444"


def saddle_traces(
    saddles: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    domain: tuple[tuple[float, float], tuple[float, float]],
) -> list[dict]:
    """``saddles``: (point, unit descent direction) pairs."""
    (x0, x1), (y0, y1) = domain
    half = 0.1 * min(x1 - x0, y1 - y0)
    traces = []
    for i, (p, d) in enumerate(saddles):
        p, d = np.asarray(p, np.float64), np.asarray(d, np.float64)
        a, b = p - half * d, p + half * d
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                # two segments out of the saddle, each ending in an arrow pointing away
                "x": [float(p[0]), float(a[0]), None, float(p[0]), float(b[0])],
                "y": [float(p[1]), float(a[1]), None, float(p[1]), float(b[1])],
                "line": {"color": COLOR, "width": 3},
                "marker": {
                    "symbol": ["circle", "arrow", "circle", "circle", "arrow"],
                    "angleref": "previous",
                    "size": [7, 14, 0, 7, 14],
                    "color": COLOR,
                },
                "name": "saddle: f falls this way",
                "legendgroup": "saddle",
                "showlegend": i == 0,
                "hovertemplate": "saddle (%{x:.3g}, %{y:.3g})<extra></extra>",
            }
        )
    return traces


def with_saddles(figure: dict, saddles, domain) -> dict:
    return {**figure, "data": [*figure["data"], *saddle_traces(saddles, domain)]}
