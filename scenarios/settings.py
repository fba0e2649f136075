"""The settings of a Compare view, with the limits the app enforces."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

import optimizers
import surfaces
from surfaces import Param

DEFAULT_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


class Limits(NamedTuple):
    steps: Param
    noise: Param
    seed: Param
    max_runs: int


LIMITS = Limits(
    steps=Param("steps", 500, 10, 5000, "T", integer=True, help="number of steps"),
    noise=Param("noise", 0.0, 0.0, 10.0, "σ", help="gradient noise standard deviation"),
    seed=Param("seed", 0, 0, 2**31 - 1, "seed", integer=True, help="noise seed"),
    max_runs=8,
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

    @property
    def start_point(self) -> tuple[float, float]:
        return self.start if self.start is not None else surfaces.get(self.surface).start

    def with_surface(self, name: str) -> Settings:
        """Switch surface: its own parameters and start, everything else kept."""
        s = surfaces.get(name)
        return replace(self, surface=name, surface_params=s.resolve_params(), start=None)


def in_domain(surface: surfaces.Surface, point: tuple[float, float]) -> bool:
    (x0, x1), (y0, y1) = surface.domain
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1
