"""A Compare view's figure from its settings and runs: the glue between the engine and
`plots.compare`, shared by the page and bench/latency.py."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import optimizers
from plots import compare, palette
from scenarios.settings import Settings, surface_of


def series(runs: Sequence[optimizers.Trajectory]) -> list[compare.Series]:
    """The runs as figure series. A run that diverged at step 0 (its start is where a typed
    formula is undefined) has no point to draw and is left out; colours keep their order."""
    return [
        compare.Series(
            key=t.optimizer,
            label=optimizers.get(t.optimizer).title,
            color=palette.path_color(t.optimizer, i),
            xy=t.xy,
            loss=t.loss,
            lr=t.lr,
            diverged_at=t.diverged_at,
        )
        for i, t in enumerate(runs)
        if t.diverged_at != 0
    ]


def compare_figure(
    s: Settings,
    runs: Sequence[optimizers.Trajectory],
    map_uri: str,
    click_grid: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict:
    """The Compare figure for ``s``, given its runs and its surface's map layers."""
    surface = surface_of(s)
    view = compare.MapView(
        surface.domain,
        map_uri,
        surface.minima + surface.local_minima,
        s.start_point,
        surface.f_min,
        click_grid,
    )
    return compare.compare_figure(view, series(runs))
