"""The settings of a Compare view, with the limits the app enforces.

A view's surface is a registered one (``surface="rosenbrock"``) or a formula typed by hand
(``surface="custom"``, the name `surfaces.from_formula` gives its surfaces, with ``formula``
and ``domain``), optionally regularized: ``reg="l1"`` or ``"l2"`` adds α·‖x‖₁ or α·‖x‖², with
α the surface parameter ``reg_alpha`` in ``surface_params`` and ``prox`` (L1 only) the
proximal step (surfaces/regularize.py). `surface_of` turns all of it into the `Surface`
object: every page, cache and export goes through it, never through ``surfaces.get(s.surface)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

import optimizers
import surfaces
from optimizers.stopping import StopRule
from surfaces import Domain, Param, Surface
from surfaces.formula import DEFAULT_DOMAIN
from surfaces.regularize import ALPHA
from surfaces.spec import regularized_key

DEFAULT_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
CUSTOM = "custom"  # the surface name of a typed formula (what surfaces.from_formula names it)
DEFAULT_FORMULA = "x**2 + 10*y**2 + sin(3*x)"


class Limits(NamedTuple):
    steps: Param
    noise: Param
    seed: Param
    max_runs: int
    stop_grad: Param
    stop_loss: Param


LIMITS = Limits(
    steps=Param("steps", 500, 10, 20_000, "T", integer=True, help="number of steps"),
    noise=Param("noise", 0.0, 0.0, 10.0, "σ", help="gradient noise standard deviation"),
    seed=Param("seed", 0, 0, 2**31 - 1, "seed", integer=True, help="noise seed"),
    max_runs=8,
    # stopping rules; 0 switches one off
    stop_grad=Param("stop_grad", 0.0, 0.0, 1e3, "‖∇f‖", help="stop when ‖∇f‖ falls to this"),
    stop_loss=Param("stop_loss", 0.0, 0.0, 1e3, "f − f*", help="stop when f − f* falls to this"),
)


@dataclass(frozen=True)
class Run:
    """One optimizer on the map, with all of its hyperparameters."""

    optimizer: str
    hparams: dict[str, float] = field(default_factory=dict, hash=False)

    @classmethod
    def default(cls, name: str) -> Run:
        return cls(name, optimizers.get(name).defaults)


@dataclass(frozen=True)
class Settings:
    surface: str = "rosenbrock"
    surface_params: dict[str, float] = field(default_factory=dict, hash=False)
    start: tuple[float, float] | None = None  # None: the surface's own start
    steps: int = 500
    runs: tuple[Run, ...] = tuple(Run.default(n) for n in DEFAULT_OPTIMIZERS)
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict, hash=False)
    noise: float = 0.0
    seed: int = 0
    # Used only when surface == CUSTOM; kept (not cleared) otherwise, so a typed formula
    # survives a detour through a registered surface.
    formula: str = DEFAULT_FORMULA
    domain: Domain = DEFAULT_DOMAIN
    # Stop each path at the first step with ‖∇f‖ ≤ stop_grad or f − f* ≤ stop_loss (0: off)
    stop_grad: float = 0.0
    stop_loss: float = 0.0
    # Regularization: "" (none), "l1" or "l2", its α in surface_params["reg_alpha"], and for L1
    # the proximal (soft-threshold) step instead of the subgradient
    reg: str = ""
    prox: bool = False
    # The display switches under the chart that are on: "rules" (the update rules with their
    # values), "critical" (where each path ended: gradient, Hessian, verdict), "steps" (the
    # adaptive methods' effective step sizes). They change what is shown, not what is run.
    show: frozenset[str] = frozenset()

    @property
    def stop_rule(self) -> StopRule:
        return StopRule(grad_tol=self.stop_grad or None, loss_tol=self.stop_loss or None)

    @property
    def start_point(self) -> tuple[float, float]:
        return self.start if self.start is not None else surface_of(self).start

    @property
    def alpha(self) -> float:
        """The regularization strength α (its default when the view has none)."""
        return float(self.surface_params.get(ALPHA.name, ALPHA.default))

    @property
    def surface_key(self) -> tuple[str, str, Domain | None]:
        """What identifies the surface: (`surfaces.SurfaceSpec.key`, formula, domain), the last
        two only for CUSTOM."""
        spec = self.surface_spec
        return spec.key, spec.formula, spec.domain

    @property
    def surface_spec(self) -> surfaces.SurfaceSpec:
        """The surface by value: its name, formula and domain for CUSTOM, the penalty."""
        formula, domain = (self.formula, self.domain) if self.surface == CUSTOM else ("", None)
        return surfaces.SurfaceSpec(
            self.surface,
            formula,
            domain,
            self.reg,
            self.alpha if self.reg else ALPHA.default,
            self.prox and bool(self.reg),
        )

    @property
    def spec(self) -> optimizers.RunSpec:
        """What every run of this view shares (the optimizers aside): the engine's one value
        for a run's configuration, and the caches' key."""
        return optimizers.RunSpec.make(
            self.surface_spec,
            start=self.start_point,
            steps=self.steps,
            surface_params=self.surface_params,
            schedule=self.schedule,
            schedule_params=self.schedule_params,
            noise=self.noise,
            seed=self.seed,
            stop=self.stop_rule,
        )

    def with_surface(self, name: str) -> Settings:
        """Switch surface: its own parameters and start, everything else (the regularization
        and its α included) kept."""
        s = resolve_surface(name, self.formula, self.domain)
        params = s.resolve_params()
        if self.reg:
            params[ALPHA.name] = self.alpha
        return replace(self, surface=name, surface_params=params, start=None)


# The one lookup of a surface by name (plain, regularized ``rosenbrock+l1@0.1+prox``, or
# ``custom`` with its formula and domain) and the one way to write such a name: SurfaceSpec's.
resolve_surface = surfaces.lookup
regularized_name = regularized_key


def surface_of(s: Settings) -> Surface:
    """The surface a view draws (a registered one, or its typed formula over its domain, with
    the regularization if it has one)."""
    return resolve_surface(*s.surface_key, params=s.surface_params)


def in_domain(surface: Surface, point: tuple[float, float]) -> bool:
    (x0, x1), (y0, y1) = surface.domain
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1
