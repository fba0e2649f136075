"""The surface in 3-D with the paths lying on it: a rotatable Plotly figure (a plain dict).

Heights are f itself, or log₁₀(f − f*) for surfaces whose interesting detail spans decades
(the ones that ask the contour map for log levels): on a linear axis Rosenbrock is a flat
floor between two walls. Paths use the same transform and are drawn at the larger of their
own height and the highest corner of the grid cell they cross, plus a hair: the drawn surface
interpolates between grid points, and in a valley narrower than a cell (Rosenbrock's floor) it
would otherwise hide the path that runs along the true floor. Heights are clipped to the surface's visible range (the
0.5 % tallest grid values are cut, as on the contour map), and nothing non-finite is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from plots.compare import Series, decimate
from plots.palette import ramp

LIFT = 0.01  # paths float this fraction of the height range above the surface


def log_floor(z: np.ndarray, f_min: float) -> float:
    """The smallest gap f − f* drawn: below it (the minimum itself, 0) heights are floored."""
    gap = np.asarray(z, np.float64) - f_min
    positive = gap[np.isfinite(gap) & (gap > 0)]
    if not positive.size:
        return 1e-12
    return float(max(np.quantile(positive, 0.002), positive.max() * 1e-8))


def heights(
    z: np.ndarray, f_min: float | None, log: bool, floor: float | None = None
) -> tuple[np.ndarray, str]:
    """(transformed heights, axis title) for values ``z``; NaN stays NaN.

    ``floor`` is the smallest gap on the log axis (default: from ``z`` itself); pass the
    surface's own so paths and surface share one axis.
    """
    if log and f_min is not None:
        floor = log_floor(z, f_min) if floor is None else floor
        return np.log10(np.maximum(np.asarray(z, np.float64) - f_min, floor)), "log₁₀(f − f*)"
    return np.asarray(z, np.float64), "f"


def _clip_range(t: np.ndarray) -> tuple[float, float]:
    finite = t[np.isfinite(t)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(np.quantile(finite, 0.995))
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def _cell_top(points: np.ndarray, xs: np.ndarray, ys: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The highest of the four grid heights around each point: the drawn surface (made of the
    grid's cells) lies below it there, even in a valley narrower than a cell."""
    i = np.clip(np.searchsorted(ys, points[:, 1]) - 1, 0, len(ys) - 2)
    j = np.clip(np.searchsorted(xs, points[:, 0]) - 1, 0, len(xs) - 2)
    corners = np.stack([t[i, j], t[i + 1, j], t[i, j + 1], t[i + 1, j + 1]])
    with np.errstate(invalid="ignore"):
        return np.nanmax(np.where(np.isfinite(corners), corners, -np.inf), axis=0)


def z_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round heights in the upper three quarters of [lo, hi]: the z axis rises
    from the corner where the y axis's tick labels end, and labels low on it would sit on them."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = 0.75 * span / count
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = np.ceil((lo + 0.25 * span) / step) * step
    return [float(round(v, 10)) for v in np.arange(first, hi + 1e-9 * span, step)]


def _colorscale(n: int = 8) -> list[list]:
    colors = ramp(n)
    return [[i / (n - 1), f"rgb({r},{g},{b})"] for i, (r, g, b) in enumerate(colors)]


def _finite_or_none(a: np.ndarray) -> list:
    return [float(v) if np.isfinite(v) else None for v in a]


def surface_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
    series: Sequence[Series],
    *,
    minima: Sequence[tuple[float, float]] = (),
    minima_f: Sequence[float] = (),
    f_min: float | None = None,
    log: bool = False,
    height: int = 640,
) -> dict:
    """The figure: ``z[i, j] = f(xs[j], ys[i])`` as a surface, every series as a 3-D line."""
    floor = log_floor(z, f_min) if log and f_min is not None else None
    t, title = heights(z, f_min, log, floor)
    lo, hi = _clip_range(t)
    lift = LIFT * (hi - lo)
    surface = np.clip(t, lo, hi)
    data: list[dict] = [
        {
            "type": "surface",
            "x": np.asarray(xs, np.float32).tolist(),
            "y": np.asarray(ys, np.float32).tolist(),
            "z": [_finite_or_none(row) for row in surface.astype(np.float32)],
            "colorscale": _colorscale(),
            "showscale": False,
            "opacity": 0.85,
            "hovertemplate": "x=%{x:.3f}<br>y=%{y:.3f}<extra></extra>",
            "contours": {
                "z": {"show": True, "usecolormap": True, "width": 1, "project": {"z": False}}
            },
        }
    ]
    for s in series:
        keep = decimate(s.last + 1)
        path = np.asarray(s.xy, np.float64)[keep]
        zt, _ = heights(np.asarray(s.loss, np.float64)[keep], f_min, log, floor)
        inside = np.isfinite(path).all(axis=1)
        top = np.full(len(path), -np.inf)
        top[inside] = _cell_top(path[inside], np.asarray(xs), np.asarray(ys), surface)
        zt = np.clip(np.fmax(zt, top), lo, hi) + lift
        data.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "name": s.label,
                "x": _finite_or_none(path[:, 0]),
                "y": _finite_or_none(path[:, 1]),
                "z": _finite_or_none(zt),
                "line": {"color": s.color, "width": 6},
                "hovertemplate": f"{s.label}<br>x=%{{x:.3f}}<br>y=%{{y:.3f}}<extra></extra>",
            }
        )
        end = s.last
        if end >= 0 and np.isfinite(s.xy[end]).all():
            ze, _ = heights(np.asarray([s.loss[end]], np.float64), f_min, log, floor)
            data.append(
                {
                    "type": "scatter3d",
                    "mode": "markers",
                    "showlegend": False,
                    "x": [float(s.xy[end][0])],
                    "y": [float(s.xy[end][1])],
                    "z": [float(np.clip(ze[0], lo, hi) + lift)],
                    "marker": {
                        "color": s.color,
                        "size": 5,
                        "symbol": "x" if s.diverged_at is not None else "circle",
                    },
                    "hoverinfo": "skip",
                }
            )
    if minima:
        zm, _ = heights(np.asarray(minima_f, np.float64), f_min, log, floor)
        data.append(
            {
                "type": "scatter3d",
                "mode": "markers",
                "name": "minima",
                "x": [float(m[0]) for m in minima],
                "y": [float(m[1]) for m in minima],
                "z": _finite_or_none(np.clip(zm, lo, hi) + lift),
                "marker": {"color": "#ffe14d", "size": 4, "symbol": "diamond"},
                "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
            }
        )
    axis = {"backgroundcolor": "#111827", "gridcolor": "#374151", "color": "#d1d5db"}
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
            "paper_bgcolor": "#0b1020",
            "font": {"color": "#e5e7eb"},
            "legend": {"orientation": "h", "y": 1.02, "x": 0},
            "scene": {
                "xaxis": {**axis, "title": {"text": "x"}, "range": [float(xs[0]), float(xs[-1])]},
                "yaxis": {**axis, "title": {"text": "y"}, "range": [float(ys[0]), float(ys[-1])]},
                "zaxis": {
                    **axis,
                    "title": {"text": title},
                    "range": [lo, hi + 2 * lift],
                    "tickvals": z_ticks(lo, hi),
                },
                "aspectmode": "manual",
                "aspectratio": {"x": 1, "y": 1, "z": 0.45},
                "camera": {"eye": {"x": -0.5, "y": -1.35, "z": 1.9}},
            },
        },
    }
