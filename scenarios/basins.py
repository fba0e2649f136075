"""The Basins page's view: its settings and their link.

``/basins?surface=himmelblau&opt=sgd&sgd.lr=0.01&steps=500&n=100&paths=1``; the sweep and its
labels are `scenarios.tuning.basin_map`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import optimizers
from scenarios import tuning
from scenarios.link import Reader, params_query, read_optimizer, read_surface
from scenarios.settings import LIMITS
from surfaces import Param

SHOWCASE = {"lr": 0.01}  # SGD on Himmelblau: four clean basins in 500 steps
SIDE = Param(
    "n", tuning.BASIN_SIDE, 50, tuning.MAX_BASIN_SIDE, "n", integer=True, help="starts per side"
)


@dataclass(frozen=True)
class BasinsView:
    surface: str = "himmelblau"
    surface_params: dict[str, float] = field(default_factory=dict, hash=False)
    optimizer: str = "sgd"
    hparams: dict[str, float] = field(
        default_factory=lambda: optimizers.get("sgd").resolve_hparams(SHOWCASE), hash=False
    )
    steps: int = 500
    n: int = tuning.BASIN_SIDE
    paths: bool = True

    @property
    def spec(self) -> optimizers.RunSpec:
        """The run from every start of the grid (validated: a bad view is a ValueError)."""
        return optimizers.RunSpec.make(
            self.surface, steps=self.steps, surface_params=self.surface_params
        )


def encode(v: BasinsView) -> dict[str, str]:
    return {
        "surface": v.surface,
        "opt": v.optimizer,
        "steps": str(v.steps),
        "n": str(v.n),
        "paths": "1" if v.paths else "0",
        **params_query(v.surface, v.surface_params),
        **params_query(v.optimizer, v.hparams),
    }


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[BasinsView, list[str]]:
    read = Reader(query)
    d = BasinsView()
    surface, surface_params = read_surface(read, d.surface)
    optimizer, hparams = read_optimizer(read, "opt", d.optimizer, defaults=d.hparams)
    steps = int(read.scalar("steps", LIMITS.steps, d.steps))
    n = int(read.scalar("n", SIDE, d.n))
    paths = read.flag("paths", d.paths)
    view = BasinsView(surface, surface_params, optimizer, hparams, steps, n, paths)
    return view, read.finish()
