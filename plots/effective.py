"""Effective step sizes over time: η_t times each coordinate's adaptive scale, on a log axis.

One colour per optimizer; x as a solid line, y dashed. AdaGrad's lines only fall; RMSProp's
and Adam's recover when the gradients shrink.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plots.compare import decimate


@dataclass(frozen=True)
class StepSizes:
    label: str
    color: str
    steps: np.ndarray  # (k, 2): η_t · scale_t for x and y, steps 1 … k


def figure(runs: Sequence[StepSizes], *, height: int = 320) -> dict:
    data = []
    for r in runs:
        keep = decimate(len(r.steps))
        for axis, dash in ((0, "solid"), (1, "dash")):
            v = np.asarray(r.steps, np.float64)[keep, axis]
            ok = np.isfinite(v) & (v > 0)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{r.label}, {'xy'[axis]}",
                    "legendgroup": r.label,
                    "x": (keep[ok] + 1).astype(np.float32),
                    "y": v[ok].astype(np.float32),
                    "line": {"color": r.color, "width": 2, "dash": dash},
                    "hovertemplate": f"{r.label} ({'xy'[axis]})<br>step %{{x}}"
                    "<br>step size %{y:.3g}<extra></extra>",
                }
            )
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
            "xaxis": {"title": {"text": "step t"}, "gridcolor": "#e5e7eb"},
            "yaxis": {
                "title": {"text": "η_t / (√s_t + ε)"},
                "type": "log",
                "gridcolor": "#e5e7eb",
                "exponentformat": "power",
            },
        },
    }
