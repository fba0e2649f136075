"""The 3-D page's view: a Compare view (its surface and paths) and how the landscape is drawn.

Its link is the Compare view's link plus ``heights=log`` or ``heights=f`` (log₁₀(f − f*) or f
itself; absent: as the map does) and ``grid=90`` (points per side), so a copied 3-D link opens
the same landscape with the same paths, and Compare's "in 3-D" link opens exactly its view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scenarios import query
from scenarios.link import Reader
from scenarios.settings import Settings, surface_of
from surfaces import Param

GRID = Param("grid", 90, 40, 160, "n", integer=True, help="grid points per side")
HEIGHTS = ("log", "f")
OWN_KEYS = ("heights", "grid")


@dataclass(frozen=True)
class Surface3DView:
    compare: Settings = field(default_factory=Settings)
    heights: str = ""  # "log", "f", or "": log where the map uses log levels and f* is known
    grid: int = 90

    @property
    def log(self) -> bool:
        """Whether the heights are log₁₀(f − f*) (needs a known f*)."""
        surface = surface_of(self.compare)
        if surface.f_min is None:
            return False
        return self.heights == "log" if self.heights else surface.log_levels


def encode(v: Surface3DView) -> dict[str, str]:
    q = query.encode(v.compare)
    if v.heights:
        q["heights"] = v.heights
    q["grid"] = str(v.grid)
    return q


def decode(q: Mapping[str, str | Iterable[str]]) -> tuple[Surface3DView, list[str]]:
    read = Reader({k: v for k, v in q.items() if k in OWN_KEYS})
    heights = read.choice("heights", HEIGHTS, "", "height scale")
    grid = int(read.scalar("grid", GRID))
    compare, warnings = query.decode({k: v for k, v in q.items() if k not in OWN_KEYS})
    return Surface3DView(compare, heights, grid), [*read.finish(), *warnings]
