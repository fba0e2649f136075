"""A Compare view's figure from its settings and runs: the glue between the engine and
`plots.compare`, shared by the page and bench/latency.py."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import optimizers
import surfaces
from plots import compare, palette
from scenarios.settings import Settings, surface_of


def series(runs: Sequence[optimizers.Trajectory]) -> list[compare.Series]:
    """The runs as figure series. A run that diverged at step 0 (its start is where a typed
    formula is undefined) has no point to draw and is left out; colours keep their order."""
    out = []
    for i, t in enumerate(runs):
        if t.diverged_at == 0:
            continue
        style = palette.path_style(t.optimizer, i)
        out.append(
            compare.Series(
                key=t.optimizer,
                label=optimizers.get(t.optimizer).title,
                color=style["color"],
                xy=t.xy,
                loss=t.loss,
                lr=t.lr,
                diverged_at=t.diverged_at,
                dash=style["dash"],
                width=style["width"],
            )
        )
    return out


def compare_figure(
    s: Settings,
    runs: Sequence[optimizers.Trajectory],
    map_uri: str,
    click_grid: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict:
    """The Compare figure for ``s``, given its runs and its surface's map layers."""
    return compare.compare_figure(map_view(s, map_uri, click_grid), series(runs), scale=scale(s))


def scale(s: Settings) -> float:
    """Text, lines and markers: larger in presentation mode (``show=present``)."""
    return compare.PROJECTOR if "present" in s.show else 1.0


def map_view(
    s: Settings, map_uri: str = "", click_grid: tuple[np.ndarray, np.ndarray, np.ndarray] = ()
) -> compare.MapView:
    surface = surface_of(s)
    return compare.MapView(
        surface.domain,
        map_uri,
        surface.minima + surface.local_minima,
        s.start_point,
        surface.f_min,
        click_grid,
    )


def run_swaps(
    s: Settings,
    runs: Sequence[optimizers.Trajectory],
    j: int,
    others: Sequence[optimizers.Trajectory],
) -> list[dict]:
    """For each run in ``others`` (run ``j`` with another hyperparameter value), the traces and
    frame markers that `compare_figure` would give run ``j`` with it in its place
    (`plots.compare.series_swap`)."""
    view = map_view(s)
    drawn = series(runs)
    if len(drawn) != len(runs):  # a run with no point to draw: nothing to swap
        return []
    return [
        compare.series_swap(
            view, drawn, j, series([*runs[:j], o, *runs[j + 1 :]])[j], scale=scale(s)
        )
        for o in others
    ]


def surface_swap(
    figure: dict,
    other: Settings,
    runs: Sequence[optimizers.Trajectory],
    map_uri: str,
    click_grid: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict | None:
    """The figure of ``other`` (the view drawn as ``figure``, with another surface parameter
    value; its ``runs`` and map layers) as a swap onto ``figure`` (`plots.compare.figure_swap`);
    None where the two do not have the same traces (a run with no point to draw on one)."""
    drawn = series(runs)
    if len(drawn) != len(runs):
        return None
    theirs = compare_figure(other, runs, map_uri, click_grid)
    if len(theirs["data"]) != len(figure["data"]):
        return None
    return compare.figure_swap(figure, theirs, drawn, surface_of(other).f_min)


def _fmt(v: float | int | None, spec: str = ".4g") -> str:
    return "—" if v is None else format(v, spec)


def summary_table(
    surface: surfaces.Surface,
    trajectories: list[optimizers.Trajectory],
    stops: list[int | None] | None = None,
) -> list[dict]:
    """One row per run: final f, its gap, distance to a minimum, when it got near, diverged
    and (with a stopping rule) stopped."""
    rows = []
    for i, t in enumerate(trajectories):
        m = optimizers.metrics.summarize(t, surface)
        near = (
            f"first step within {m.tolerance:.2g} of a minimum"
            if m.tolerance
            else "first step near a minimum"
        )
        rows.append(
            {
                "optimizer": optimizers.get(t.optimizer).title,
                "final f": _fmt(m.final_loss),
                "f − f*": _fmt(m.gap),
                "distance to nearest minimum": _fmt(m.distance),
                near: _fmt(m.reached_at, "d"),
                "diverged at step": _fmt(m.diverged_at, "d"),
            }
        )
        if stops is not None:
            rows[-1]["stopped at step"] = _fmt(stops[i], "d")
    return rows


def tex_number(v: float) -> str:
    """A value in LaTeX: 4 significant digits, powers of ten written out."""
    text = f"{v:.4g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"
