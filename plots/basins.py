"""The Basins figure: every start of a grid coloured by where its run ended.

One categorical colour per minimum, grey for "not converged", black for "diverged"; the
minima are white stars, the legend gives each outcome's share of the starts, and a handful
of sample paths can be drawn on top. The grid goes to the browser as one uint8 heatmap (a
base64 typed array with its shape), 40 kB for 200 × 200 starts.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

# Okabe–Ito and Tableau hues that stay apart from each other, from grey and from black.
BASIN_COLORS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#8c6d31",
)
NOT_CONVERGED = "#b4b4b4"
DIVERGED = "#111111"


def basin_color(k: int) -> str:
    return BASIN_COLORS[k % len(BASIN_COLORS)]


def codes(labels: np.ndarray, n_minima: int) -> np.ndarray:
    """Labels (k ≥ 0 a minimum, −1 not converged, −2 diverged) as colour indices 0 … K + 1:
    minima first, then not converged (K), then diverged (K + 1)."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < -2 or labels.max() >= n_minima):
        raise ValueError(f"basin labels must be in [-2, {n_minima - 1}]")
    return np.where(labels >= 0, labels, n_minima - 1 - labels).astype(np.uint8)


def _typed_2d(a: np.ndarray) -> dict:
    """A 2-D uint8 array as Plotly's typed array (base64 bytes plus the shape)."""
    a = np.ascontiguousarray(a, dtype=np.uint8)
    return {
        "dtype": "u1",
        "bdata": base64.b64encode(a.tobytes()).decode("ascii"),
        "shape": f"{a.shape[0]}, {a.shape[1]}",
    }


def _colorscale(colors: Sequence[str]) -> list[list]:
    """A stepped colour scale: integer z = k gets colors[k] exactly (z from −0.5 to K − 0.5)."""
    n = len(colors)
    scale: list[list] = []
    for k, c in enumerate(colors):
        scale += [[k / n, c], [(k + 1) / n, c]]
    return scale


def _num(v: float) -> float:
    return float(f"{float(v):.6g}")


def _label(k: int, point: tuple[float, float], n_global: int) -> str:
    kind = "minimum" if k < n_global else "local minimum"
    return f"{kind} ({point[0]:.3g}, {point[1]:.3g})"


def basin_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    labels: np.ndarray,
    minima: Sequence[tuple[float, float]],
    *,
    n_global: int | None = None,
    paths: np.ndarray | None = None,
    height: int = 620,
) -> dict:
    """``labels[i, j]`` is the outcome of the start (xs[j], ys[i]); ``minima`` the points the
    labels index (the first ``n_global`` global). ``paths`` (k, P, 2), NaN after a divergence,
    are drawn on top."""
    k = len(minima)
    n_global = k if n_global is None else n_global
    c = codes(labels, k)
    colors = [basin_color(i) for i in range(k)] + [NOT_CONVERGED, DIVERGED]
    share = np.bincount(c.ravel(), minlength=k + 2) / max(c.size, 1)
    names = [_label(i, m, n_global) for i, m in enumerate(minima)] + ["not converged", "diverged"]
    (x0, x1), (y0, y1) = (float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1]))
    data: list[dict] = [
        {
            "type": "heatmap",
            "x": np.asarray(xs, dtype=np.float64),
            "y": np.asarray(ys, dtype=np.float64),
            "z": _typed_2d(c),
            "zmin": -0.5,
            "zmax": k + 1.5,
            "colorscale": _colorscale(colors),
            "showscale": False,
            "name": "basins",
            "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>",
        }
    ]
    for i, (name, color) in enumerate(zip(names, colors, strict=True)):
        data.append(  # a legend entry per outcome, with its share of the starts
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],  # no point: the entry is for the legend only
                "y": [None],
                "marker": {"symbol": "square", "size": 14, "color": color},
                "name": f"{name}: {100 * share[i]:.1f}%",
            }
        )
    if paths is not None:
        starts = []
        for path in np.asarray(paths, dtype=np.float64):
            ok = np.isfinite(path).all(axis=1)
            if not ok[0]:
                continue
            path = path[: int(np.argmin(ok)) if not ok.all() else len(path)]
            starts.append(path[0])
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": path[:, 0].astype(np.float32),
                    "y": path[:, 1].astype(np.float32),
                    "line": {"color": "#ffffff", "width": 1.5},
                    "legendgroup": "paths",
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
        if starts:
            s = np.array(starts)
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": s[:, 0].astype(np.float32),
                    "y": s[:, 1].astype(np.float32),
                    "marker": {
                        "size": 8,
                        "color": "#ffffff",
                        "line": {"color": "#111", "width": 1},
                    },
                    "name": "sample paths (from ○)",
                    "legendgroup": "paths",
                    "hovertemplate": "sample start (%{x:.3g}, %{y:.3g})<extra></extra>",
                }
            )
    if minima:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [_num(m[0]) for m in minima],
                "y": [_num(m[1]) for m in minima],
                "marker": {
                    "symbol": "star",
                    "size": 16,
                    "color": "#ffffff",
                    "line": {"color": "#111", "width": 1.2},
                },
                "name": "minima",
                "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
    layout = {
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 20, "b": 40},
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "legend": {"x": 1.02, "y": 1.0, "xanchor": "left", "yanchor": "top"},
        "xaxis": {
            "range": [x0, x1],
            "title": {"text": "start x"},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "constrain": "domain",
        },
        "yaxis": {
            "range": [y0, y1],
            "title": {"text": "start y"},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
    }
    return {"data": data, "layout": layout}
