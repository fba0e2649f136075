"""One optimizer under several schedules: the runs as figure series and schedule curves.

Glue between the engine and the plots for the Schedules page (no Streamlit here): each run
becomes a `plots.compare.Series` keyed and coloured by its schedule, so the Compare figure's
map, loss and η_t panels show schedules where they usually show optimizers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import optimizers
from plots import compare, palette, schedules


def label(schedule: str, params: Mapping[str, float]) -> str:
    """The schedule's title with its parameters in symbols, e.g. "Cosine (α = 0.1)"."""
    sch = optimizers.schedules.get(schedule)
    if not sch.params:
        return sch.title
    values = ", ".join(f"{p.symbol} = {params.get(p.name, p.default):.3g}" for p in sch.params)
    return f"{sch.title} ({values})"


def series(
    runs: Sequence[tuple[str, Mapping[str, float], optimizers.Trajectory]],
) -> list[compare.Series]:
    """``(schedule, its parameters, trajectory)`` triples as figure series."""
    return [
        compare.Series(
            key=f"schedule-{name}",
            label=label(name, params),
            color=palette.schedule_color(name, i),
            xy=t.xy,
            loss=t.loss,
            lr=t.lr,
            diverged_at=t.diverged_at,
        )
        for i, (name, params, t) in enumerate(runs)
    ]


def every_curve(steps: int) -> list[schedules.Curve]:
    """Every registered schedule at its default parameters, over ``steps`` steps."""
    return [
        schedules.Curve(
            label=s.title,
            color=palette.schedule_color(s.name, i),
            multiplier=s.values(1.0, steps),
        )
        for i, s in enumerate(optimizers.schedules.REGISTRY)
    ]
