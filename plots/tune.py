"""The Tune page's figures: a score against η per optimizer, and a score over η × β.

Honest encodings: a run that diverged has no score, so its curve has a gap there and a ×
marks it in a "diverged" strip above the plot (the heatmap paints its cell red); a run that
never reached the tolerance is a gap with a ○ in the strip (a grey cell). Each optimizer's
best setting is a star. Nothing non-finite is sent: missing values are ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TINY = 1e-12  # floor for a log-scale gap that reached exactly zero
DIVERGED_COLOR = "#d62728"
MISSED_COLOR = "#bdbdbd"
STAR = {"symbol": "star", "size": 16, "line": {"color": "#111", "width": 1}}


@dataclass(frozen=True)
class Curve:
    """One optimizer's scores against η (``values`` NaN where it has none)."""

    key: str
    label: str
    color: str
    lrs: np.ndarray  # (N,)
    values: np.ndarray  # (N,) the score: a gap or a step count
    diverged: np.ndarray  # (N,) bool
    best: int | None  # index of the best η


def _eta_axis(**extra) -> dict:
    """The learning-rate axis both Tune figures share: log₁₀ η, a label per decade."""
    return {
        "type": "log",
        "dtick": 1,  # a label per decade, no minor labels
        "title": {"text": "learning rate η  (log)"},
        "exponentformat": "power",
        "fixedrange": True,
        **extra,
    }


def _nullable(values: np.ndarray, log: bool) -> list[float | None]:
    """Finite values as floats (floored at TINY on a log axis), anything else as None."""
    v = np.asarray(values, dtype=np.float64)
    if log:
        v = np.where(v > TINY, v, np.where(np.isfinite(v), TINY, np.nan))
    return [float(f"{x:.6g}") if np.isfinite(x) else None for x in v]


def _num(v: float) -> float:
    return float(f"{float(v):.6g}")


def isolated(values: np.ndarray) -> np.ndarray:
    """Indices of finite values whose neighbours on both sides are not finite."""
    ok = np.isfinite(np.asarray(values, dtype=np.float64))
    padded = np.concatenate([[False], ok, [False]])
    return np.flatnonzero(ok & ~padded[:-2] & ~padded[2:])


def lr_figure(curves: Sequence[Curve], *, y_title: str, log_y: bool, height: int = 460) -> dict:
    """A line per optimizer (score vs η on a log axis), with a strip above for the η values
    where it diverged (×) or never reached its tolerance (○)."""
    data: list[dict] = []
    rows = [c.label for c in curves]
    for c in curves:
        group = {"legendgroup": c.key}
        y = _nullable(c.values, log_y)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": np.asarray(c.lrs, dtype=np.float64),
                "y": y,
                "name": c.label,
                "line": {"color": c.color, "width": 2.5},
                "connectgaps": False,
                "hovertemplate": f"{c.label}<br>η = %{{x:.4g}}<br>%{{y:.4g}}<extra></extra>",
                **group,
            }
        )
        alone = isolated(c.values)
        if alone.size:  # a valid η between two without a value: a line cannot show it
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": np.asarray(c.lrs, dtype=np.float64)[alone],
                    "y": [y[i] for i in alone],
                    "marker": {"size": 5, "color": c.color},
                    "showlegend": False,
                    "hovertemplate": f"{c.label}<br>η = %{{x:.4g}}<br>%{{y:.4g}}<extra></extra>",
                    **group,
                }
            )
        diverged = np.flatnonzero(np.asarray(c.diverged, dtype=bool))
        missed = np.flatnonzero(~np.asarray(c.diverged, dtype=bool) & np.isnan(c.values))
        for idx, symbol, what in ((diverged, "x", "diverged"), (missed, "circle-open", "missed")):
            if not idx.size:
                continue
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": np.asarray(c.lrs, dtype=np.float64)[idx],
                    "y": [c.label] * idx.size,
                    "yaxis": "y2",
                    "marker": {"symbol": symbol, "size": 7, "color": c.color},
                    "showlegend": False,
                    "hovertemplate": f"{c.label}: {what} at η = %{{x:.4g}}<extra></extra>",
                    **group,
                }
            )
        if c.best is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [_num(c.lrs[c.best])],
                    "y": [_nullable(c.values[c.best : c.best + 1], log_y)[0]],
                    "marker": {**STAR, "color": c.color},
                    "showlegend": False,
                    "hovertemplate": f"{c.label}: best η = %{{x:.4g}}<br>%{{y:.4g}}<extra></extra>",
                    **group,
                }
            )
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": _eta_axis(gridcolor="#e6e6e6"),
        "yaxis": {
            "domain": [0.0, 0.78],
            "type": "log" if log_y else "linear",
            "title": {"text": y_title},
            "exponentformat": "power",
            "gridcolor": "#e6e6e6",
            "fixedrange": True,
        },
        "yaxis2": {  # one row per optimizer: where it diverged (×) or missed the tolerance (○)
            "domain": [0.82, 1.0],
            "anchor": "x",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rows[::-1],
            "range": [-0.5, len(rows) - 0.5],
            "title": {"text": "× diverged<br>○ missed", "font": {"size": 11}},
            "showgrid": False,
            "fixedrange": True,
        },
    }
    return {"data": data, "layout": layout}


@dataclass(frozen=True)
class Grid:
    """One optimizer's scores over η × β: ``values[i, j]`` at (lrs[j], decays[i])."""

    label: str
    decay_symbol: str
    lrs: np.ndarray  # (nx,)
    decays: np.ndarray  # (ny,) values of β (or β₁, ρ), increasing
    values: np.ndarray  # (ny, nx) NaN where no score
    diverged: np.ndarray  # (ny, nx) bool
    best: tuple[int, int] | None  # (i, j)


def decay_axis(decays: np.ndarray) -> np.ndarray:
    """The heatmap's y coordinate for β: −log₁₀(1 − β), so 0.9, 0.99, 0.999 are evenly apart."""
    return -np.log10(np.maximum(1.0 - np.asarray(decays, dtype=np.float64), 1e-12))


_DECAY_TICKS = (0.0, 0.5, 0.9, 0.99, 0.999, 0.9999)


def grid_figure(g: Grid, *, value_title: str, log_values: bool, height: int = 460) -> dict:
    """A heatmap of the score over (η, β): colour for a score (dark is better), red cells
    diverged, grey cells never reached the tolerance; a star at the best cell."""
    x = np.asarray(g.lrs, dtype=np.float64)
    y = decay_axis(g.decays)
    v = np.asarray(g.values, dtype=np.float64)
    if log_values:
        shown = np.where(np.isfinite(v), np.log10(np.maximum(v, TINY)), np.nan)
        title = f"log₁₀ {value_title}"
    else:
        shown, title = v, value_title
    diverged = np.asarray(g.diverged, dtype=bool)
    missed = ~diverged & ~np.isfinite(v)

    def z(values: np.ndarray) -> list[list[float | None]]:
        return [[_num(a) if np.isfinite(a) else None for a in row] for row in values]

    def flag(mask: np.ndarray) -> list[list[int | None]]:
        return [[1 if m else None for m in row] for row in mask]

    cell = {"type": "heatmap", "x": x, "y": y, "hoverongaps": False, "xgap": 0, "ygap": 0}
    sym = g.decay_symbol
    data: list[dict] = [
        {
            **cell,
            "z": z(shown),
            "colorscale": "Viridis",
            "colorbar": {"title": {"text": title, "side": "right"}, "thickness": 14},
            "name": g.label,
            "customdata": [[_num(b)] * len(x) for b in g.decays],
            "hovertemplate": f"η = %{{x:.4g}}<br>{sym} = %{{customdata:.4g}}<br>{title} = %{{z:.4g}}<extra></extra>",
        },
        {
            **cell,
            "z": flag(diverged),
            "colorscale": [[0.0, DIVERGED_COLOR], [1.0, DIVERGED_COLOR]],
            "showscale": False,
            "name": "diverged",
            "hovertemplate": "η = %{x:.4g}: diverged<extra></extra>",
        },
        {
            **cell,
            "z": flag(missed),
            "colorscale": [[0.0, MISSED_COLOR], [1.0, MISSED_COLOR]],
            "showscale": False,
            "name": "missed",
            "hovertemplate": "η = %{x:.4g}: never within the tolerance<extra></extra>",
        },
    ]
    # legend entries for the two flags (a heatmap has none of its own)
    for name, color in (("diverged", DIVERGED_COLOR), ("not within tol", MISSED_COLOR)):
        if name == "not within tol" and not missed.any():
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],  # no point: the entry is for the legend only
                "y": [None],
                "marker": {"symbol": "square", "size": 12, "color": color},
                "name": name,
                "hoverinfo": "skip",
            }
        )
    if g.best is not None:
        i, j = g.best
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [_num(x[j])],
                "y": [_num(y[i])],
                "marker": {**STAR, "color": "#ffffff"},
                "name": "best",
                "hovertemplate": f"best: η = {g.lrs[j]:.4g}, {sym} = {g.decays[i]:.4g}<extra></extra>",
            }
        )
    lo, hi = float(y.min()), float(y.max())
    ticks = [t for t in _DECAY_TICKS if lo - 1e-9 <= decay_axis(np.array([t]))[0] <= hi + 1e-9]
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": _eta_axis(),
        "yaxis": {
            "title": {"text": sym},
            "tickvals": [_num(t) for t in decay_axis(np.array(ticks))],
            "ticktext": [f"{t:g}" for t in ticks],
            "fixedrange": True,
        },
    }
    return {"data": data, "layout": layout}
