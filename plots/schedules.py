"""Schedule curves: η_t / η against the step for several schedules on one chart (a dict)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plots.compare import decimate


@dataclass(frozen=True)
class Curve:
    label: str
    color: str
    multiplier: np.ndarray  # (T,) η_t / η for t = 0 … T − 1


def curves_figure(curves: Sequence[Curve], *, height: int = 300, log: bool = False) -> dict:
    """One line per schedule; steps count from 1 as in the update rules."""
    data = []
    for c in curves:
        keep = decimate(len(c.multiplier), 800)
        m = np.asarray(c.multiplier, np.float64)[keep]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": c.label,
                "x": (keep + 1).astype(np.float32),
                "y": np.where(np.isfinite(m), m, 0.0).astype(np.float32),
                "line": {"color": c.color, "width": 2.5},
                "hovertemplate": f"{c.label}<br>t = %{{x}}<br>η_t / η = %{{y:.4g}}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 50, "r": 20, "t": 10, "b": 40},
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
            "xaxis": {"title": {"text": "step t"}, "gridcolor": "#e5e7eb"},
            "yaxis": {
                "title": {"text": "η_t / η"},
                "type": "log" if log else "linear",
                "gridcolor": "#e5e7eb",
                "rangemode": "tozero",
            },
        },
    }
