"""The Tune page's view: its settings, their link, and the Compare view its bests make.

The sweeps and figures themselves are `scenarios.tuning`; this module is what the page keeps
and what its address bar says:
``/tune?surface=rosenbrock&start=-1.5,2&steps=1000&opt=sgd,adam&score=gap&tol=0.001&lr=-5,0.5&points=200&grid=adam``
(``grid``: the heatmap's optimizer; absent, the last chosen one that has a β, β₁ or ρ).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import optimizers
import surfaces
from scenarios import tuning
from scenarios.link import Reader, fmt, params_query, read_point, read_surface
from scenarios.settings import DEFAULT_OPTIMIZERS, LIMITS
from surfaces import Param

LR_RANGE = (-5.0, 0.5)  # log₁₀ η, the default sweep
POINTS = Param("points", tuning.LR_POINTS, 2, tuning.MAX_LR_POINTS, "η values", integer=True)


@dataclass(frozen=True)
class TuneView:
    surface: str = "rosenbrock"
    surface_params: dict[str, float] = field(default_factory=dict, hash=False)
    start: tuple[float, float] | None = None  # None: the surface's own start
    steps: int = tuning.TUNE_STEPS
    optimizers: tuple[str, ...] = DEFAULT_OPTIMIZERS
    metric: tuning.Metric = "gap"
    tol: float = tuning.DEFAULT_TOL
    lr_range: tuple[float, float] = LR_RANGE  # log₁₀ η, low < high
    lr_points: int = tuning.LR_POINTS
    grid: str = ""  # the heatmap's optimizer; "": the last chosen one with a β-like parameter

    @property
    def start_point(self) -> tuple[float, float]:
        return self.start if self.start is not None else surfaces.get(self.surface).start

    @property
    def spec(self) -> optimizers.RunSpec:
        """The run every η of the sweeps shares (validated: a bad view is a ValueError)."""
        return optimizers.RunSpec.make(
            self.surface, start=self.start, steps=self.steps, surface_params=self.surface_params
        )

    @property
    def scored_metric(self) -> tuning.Metric:
        """The score in use: steps to tol needs a known f*, so without one it is the gap."""
        return self.metric if surfaces.get(self.surface).f_min is not None else "gap"

    @property
    def tolerance(self) -> float | None:
        return self.tol if surfaces.get(self.surface).f_min is not None else None

    @property
    def heatmap_optimizer(self) -> str | None:
        choices = tuning.with_decay(self.optimizers)
        if not choices:
            return None
        return self.grid if self.grid in choices else choices[-1]


def lr_bounds() -> tuple[float, float]:
    """The ends of the η range slider, in log₁₀ η."""
    p = tuning.lr_param()
    return round(math.log10(p.low), 4), round(math.log10(p.high), 4)


def encode(v: TuneView) -> dict[str, str]:
    q = {
        "surface": v.surface,
        "steps": str(v.steps),
        "opt": ",".join(v.optimizers),
        "score": v.metric,
        "tol": fmt(v.tol),
        "lr": ",".join(fmt(x) for x in v.lr_range),
        "points": str(v.lr_points),
        **params_query(v.surface, v.surface_params),
    }
    if v.start is not None:
        q["start"] = ",".join(fmt(x) for x in v.start)
    if v.grid:
        q["grid"] = v.grid
    return q


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[TuneView, list[str]]:
    read = Reader(query)
    d = TuneView()
    name, params = read_surface(read, d.surface)
    start = read_point(read, "start", surfaces.get(name).domain)
    steps = int(read.scalar("steps", LIMITS.steps, d.steps))
    chosen = read.names("opt", optimizers.names(), d.optimizers, "optimizer", LIMITS.max_runs)
    metric = read.choice("score", tuning.METRICS, d.metric, "score")
    tol = _tolerance(read, d.tol)
    lr_range = _lr_range(read, d.lr_range)
    points = int(read.scalar("points", POINTS, d.lr_points))
    grid = read.choice("grid", optimizers.names(), "", "optimizer")
    view = TuneView(name, params, start, steps, chosen, metric, tol, lr_range, points, grid)
    return view, read.finish()


def _tolerance(read: Reader, default: float) -> float:
    text = read.take("tol")
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    match = [t for t in tuning.TOLERANCES if math.isclose(t, value, rel_tol=1e-6)]
    if not match:
        read.warn(
            f"ignored tol={text!r}: choose one of {', '.join(f'{t:g}' for t in tuning.TOLERANCES)}"
        )
        return default
    return match[0]


def _lr_range(read: Reader, default: tuple[float, float]) -> tuple[float, float]:
    text = read.q.get("lr")
    values = read.numbers("lr", 2, "two numbers, log₁₀ η low,high")
    if values is None:
        return default
    lo, hi = lr_bounds()
    if not lo <= values[0] < values[1] <= hi:
        read.warn(f"ignored lr={text!r}: needs {lo:g} ≤ low < high ≤ {hi:g} (log₁₀ η)")
        return default
    return values[0], values[1]


def to_compare(v: TuneView, bests: list[tuning.Best]):
    """The Compare view with each optimizer at its best setting (`scenarios.tuning`)."""
    return tuning.to_settings(
        v.surface, bests, start=v.start, steps=v.steps, surface_params=v.surface_params
    )
