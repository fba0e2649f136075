"""The Schedules page's view model: one optimizer under several schedules.

Its settings and their link (``/schedules?surface=rosenbrock&steps=1000&opt=momentum&
momentum.lr=0.001&sched=constant,cosine&cosine.alpha=0.1``), and the glue between the engine
and the plots (no Streamlit here): each run becomes a `plots.compare.Series` keyed and coloured
by its schedule, so the Compare figure's map, loss and η_t panels show schedules where they
usually show optimizers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import optimizers
from plots import compare, palette, schedules
from scenarios.link import Reader, params_query, read_optimizer, read_surface
from scenarios.settings import LIMITS
from surfaces import Param

DEFAULT_SCHEDULES = ("constant", "step", "cosine", "warmup_cosine")
STEPS = Param("steps", 1000, LIMITS.steps.low, 5000, "T", integer=True, help="number of steps")


def _default_params() -> dict[str, dict[str, float]]:
    return {n: optimizers.schedules.get(n).resolve_params(None) for n in DEFAULT_SCHEDULES}


@dataclass(frozen=True)
class SchedulesView:
    surface: str = "rosenbrock"
    surface_params: dict[str, float] = field(default_factory=dict, hash=False)
    steps: int = 1000
    optimizer: str = "momentum"
    hparams: dict[str, float] = field(
        default_factory=lambda: optimizers.get("momentum").defaults, hash=False
    )
    # each chosen schedule with its parameters, in the order chosen
    schedules: dict[str, dict[str, float]] = field(default_factory=_default_params, hash=False)


def encode(v: SchedulesView) -> dict[str, str]:
    q = {
        "surface": v.surface,
        "steps": str(v.steps),
        "opt": v.optimizer,
        "sched": ",".join(v.schedules),
        **params_query(v.surface, v.surface_params),
        **params_query(v.optimizer, v.hparams),
    }
    for name, params in v.schedules.items():
        q.update(params_query(name, params))
    return q


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[SchedulesView, list[str]]:
    read = Reader(query)
    d = SchedulesView()
    surface, surface_params = read_surface(read, d.surface)
    steps = int(read.scalar("steps", STEPS, d.steps))
    optimizer, hparams = read_optimizer(read, "opt", d.optimizer)
    names = optimizers.schedules.names()
    chosen = read.names("sched", names, DEFAULT_SCHEDULES, "schedule", len(names))
    params = {n: read.params(n, optimizers.schedules.get(n).params) for n in chosen}
    view = SchedulesView(surface, surface_params, steps, optimizer, hparams, params)
    return view, read.finish()


def specs(v: SchedulesView) -> list[tuple[str, dict[str, float], optimizers.RunSpec]]:
    """Each chosen schedule, its parameters and the run it gives (from the surface's start)."""
    return [
        (
            name,
            params,
            optimizers.RunSpec.make(
                v.surface,
                steps=v.steps,
                surface_params=v.surface_params,
                schedule=name,
                schedule_params=params,
            ),
        )
        for name, params in v.schedules.items()
    ]


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
