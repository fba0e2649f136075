"""`RunSpec`: everything about a run but the optimizer, as one frozen, hashable value.

The surface (a `surfaces.SurfaceSpec`, or a `Surface` of the caller's own), its parameters,
the start, the step count, the schedule, the gradient noise and its seed, the batch size on a
data surface and the stopping rule. `RunSpec.make` validates each of them once — an unknown
name, an out-of-range or non-finite value is a ``ValueError`` naming the parameter and its
range — and normalises them (floats, defaults filled in, the start the surface's own when
not given, parameters as sorted pairs), so two equal views give equal specs, and a spec is a
cache key as it is. Every engine entry point (`optimizers.simulate`, `simulate_runs`,
`spread`, `vary`, `sweep`), the CLI and the caches take one.

The optimizer and its hyperparameters stay outside: one spec is shared by the runs of the
Compare page, and a sweep varies hyperparameters over arrays. The stopping rule rides along
but the engine runs the full length regardless; `optimizers.stopping.stopped(t, spec.stop)`
cuts a path where it says (cutting after the fact is the same as stopping there: later steps
never change earlier ones).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace as _replace
from functools import lru_cache

import numpy as np

import surfaces
from optimizers import schedules
from surfaces import DataTerms, Domain, Point, Surface, SurfaceSpec
from surfaces.regularize import ALPHA

MAX_STEPS = 100_000  # the engine's hard limit; the app and CLI set lower ones
# A point this many domain widths away from the domain's centre counts as diverged: far
# enough that honest long excursions (an overshooting momentum) are kept, near enough that
# the loss is still a finite number when it is reported.
BOUND = 25.0

Pairs = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class StopRule:
    """Stop a path at the first step with ‖∇f‖ ≤ ``grad_tol`` or f − f* ≤ ``loss_tol``
    (None: that test is off); `optimizers.stopping` applies it."""

    grad_tol: float | None = None
    loss_tol: float | None = None

    def __post_init__(self) -> None:
        for name in ("grad_tol", "loss_tol"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a positive finite number or None, got {v!r}")

    @property
    def active(self) -> bool:
        return self.grad_tol is not None or self.loss_tol is not None


@dataclass(frozen=True)
class RunSpec:
    """One run's configuration, the optimizer aside. Build it with `make` (which validates);
    the constructor takes the normalised fields as they are."""

    surface: SurfaceSpec | Surface
    surface_params: Pairs  # every parameter, defaults filled; reg_alpha is surface.alpha
    start: Point
    steps: int
    schedule: str
    schedule_params: Pairs
    noise: float  # σ of the Gaussian noise added to each gradient; 0: exact gradients
    seed: int  # of the noise and the batch draws
    batch: int | None  # examples per gradient on a data surface; None: the whole loss
    stop: StopRule

    @classmethod
    def make(
        cls,
        surface: SurfaceSpec | Surface | str,
        *,
        start: object = None,
        steps: object = 500,
        surface_params: Mapping[str, object] | None = None,
        schedule: schedules.Schedule | str = "constant",
        schedule_params: Mapping[str, object] | None = None,
        noise: object = 0.0,
        seed: object = 0,
        batch: object = None,
        stop: StopRule | None = None,
    ) -> RunSpec:
        """The validated spec. ``surface`` is a `SurfaceSpec`, a `SurfaceSpec.key`
        (``"rosenbrock"``, ``"booth+l1@0.5"``) or a `Surface`; ``start`` None is the surface's
        own start; unspecified surface and schedule parameters take their defaults. On a
        regularized `SurfaceSpec` a ``reg_alpha`` in ``surface_params`` sets its α."""
        surf = _as_surface(surface)
        steps = check_steps(steps)
        shape = surf.base() if isinstance(surf, SurfaceSpec) else surf
        name = surf.surface_name if isinstance(surf, SurfaceSpec) else surf.name
        sp = surf.resolve_params(surface_params)
        if isinstance(surf, SurfaceSpec) and surf.reg:
            surf = _replace(surf, alpha=sp[ALPHA.name])  # α lives in the SurfaceSpec
        sch = _as_schedule(schedule)
        schp = sch.resolve_params(schedule_params)
        x0 = check_start(name, shape.domain, shape.start if start is None else start)
        sigma = check_noise(noise)
        seed = check_seed(seed)
        batch = check_batch(name, shape.data, batch)
        if stop is None:
            stop = StopRule()
        elif not isinstance(stop, StopRule):
            raise ValueError(f"stop must be an optimizers.stopping.StopRule or None, got {stop!r}")
        return cls(
            surface=surf,
            surface_params=tuple(sorted(sp.items())),
            start=x0,
            steps=steps,
            schedule=sch.name,
            schedule_params=tuple(sorted(schp.items())),
            noise=sigma,
            seed=seed,
            batch=batch,
            stop=stop,
        )

    def replace(self, **changes: object) -> RunSpec:
        """A copy with ``changes`` (any of `make`'s keywords), validated again. The other
        fields are kept as they are, except surface parameters that a new surface does not
        have (and α, which follows a new `SurfaceSpec`)."""
        surface = _as_surface(changes.pop("surface", self.surface))
        known = {p.name for p in surface.params}
        if isinstance(surface, SurfaceSpec):
            known.discard(ALPHA.name)  # α is the SurfaceSpec's own
        kept = {k: v for k, v in self.surface_params if k in known}
        current = {
            "start": self.start,
            "steps": self.steps,
            "surface_params": kept,
            "schedule": self.schedule,
            "schedule_params": dict(self.schedule_params),
            "noise": self.noise,
            "seed": self.seed,
            "batch": self.batch,
            "stop": self.stop,
        }
        return RunSpec.make(surface, **{**current, **changes})

    def build(self) -> Surface:
        """The `Surface` the run descends, built for these parameters (its minima, when
        regularized, are those of the base's parameters here)."""
        if isinstance(self.surface, Surface):
            return self.surface
        return self.surface.build(dict(self.surface_params))


def _as_surface(surface: object) -> SurfaceSpec | Surface:
    """A name is parsed; a `Surface` that a `SurfaceSpec` builds (a registered one, a typed
    formula's, a regularized one from `surfaces.regularize`) becomes that spec, so that the
    two routes to one view give equal specs (and specs of plain values, which pickle); another
    `Surface` (a caller's own) is kept as it is."""
    if isinstance(surface, str):
        return SurfaceSpec.parse(surface)
    if isinstance(surface, SurfaceSpec):
        return surface
    if isinstance(surface, Surface):
        return _spec_of(surface) or surface
    raise ValueError(f"surface must be a SurfaceSpec, a surface name or a Surface, got {surface!r}")


def _spec_of(surface: Surface) -> SurfaceSpec | None:
    """The `SurfaceSpec` whose `build` (for the surface's default parameters) is ``surface``."""
    defaults = {p.name: p.default for p in surface.params}
    try:
        if surface.name == surfaces.CUSTOM:
            spec = SurfaceSpec(surfaces.CUSTOM, surface.title, surface.domain)
        else:
            spec = SurfaceSpec.parse(surface.name)
            if spec.reg:
                spec = _replace(spec, alpha=defaults[ALPHA.name])
        return spec if spec.build(defaults) == surface else None
    except (KeyError, ValueError):  # not a name a spec reads: the caller's own surface
        return None


def _as_schedule(schedule: object) -> schedules.Schedule:
    if isinstance(schedule, str):
        return schedules.get(schedule)  # KeyError listing the names
    registered = isinstance(schedule, schedules.Schedule) and schedule.name in schedules.REGISTRY
    if registered and schedules.get(schedule.name) == schedule:
        return schedule
    raise ValueError(f"schedule must be a registered schedule or its name, got {schedule!r}")


# ------------------------------------------------------------------------------- the checks


def check_steps(steps: object) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps must be a whole number in [1, {MAX_STEPS}], got {steps!r}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be in [1, {MAX_STEPS}], got {steps}")
    return int(steps)


def check_start(name: str, domain: Domain, start: object) -> Point:
    """Two finite numbers inside the divergence box of the surface ``name``."""
    try:
        x, y = (float(v) for v in start)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"start must be two numbers (x, y), got {start!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"start must be two finite numbers (x, y), got ({x}, {y})")
    (lo_x, lo_y), (hi_x, hi_y) = box(domain)
    if not (lo_x <= x <= hi_x and lo_y <= y <= hi_y):
        raise ValueError(
            f"start ({x:g}, {y:g}) is too far from the domain of {name!r}: "
            f"x must be in [{lo_x:g}, {hi_x:g}], y in [{lo_y:g}, {hi_y:g}]"
        )
    return x, y


def check_noise(noise: object) -> float:
    try:
        sigma = float(noise)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number ≥ 0, got {noise!r}") from None
    if not (math.isfinite(sigma) and 0.0 <= sigma <= 1e6):
        raise ValueError(f"noise must be in [0, 1e6], got {noise!r}")
    return sigma


def check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2³²), got {seed!r}")
    return int(seed)


def check_batch(name: str, data: DataTerms | None, batch: object) -> int | None:
    if batch is None:
        return None
    if data is None:
        raise ValueError(
            f"batch needs a surface defined by data; {name!r} is an analytic function "
            "(use noise for stochastic gradients there)"
        )
    n = data.n
    if isinstance(batch, bool) or not isinstance(batch, int | np.integer) or not 1 <= batch <= n:
        raise ValueError(f"batch must be a whole number in [1, {n}] (the data set), got {batch!r}")
    return int(batch)


@lru_cache(maxsize=256)
def box(domain: Domain) -> tuple[Point, Point]:
    """The bounds beyond which a point counts as diverged: ``BOUND`` widths around the domain's
    centre, as ((x low, y low), (x high, y high))."""
    (x0, x1), (y0, y1) = domain

    def bounds(a: float, b: float) -> tuple[float, float]:
        centre, half = (a + b) / 2.0, (b - a) / 2.0
        return centre - BOUND * half * 2.0, centre + BOUND * half * 2.0

    (lx, hx), (ly, hy) = bounds(x0, x1), bounds(y0, y1)
    return (lx, ly), (hx, hy)
