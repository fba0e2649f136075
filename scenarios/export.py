"""A Compare view as an animated GIF: the engine's paths over the shaded map, for the app's
export button and `optiscape gif` alike (one renderer, one set of colours)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import optimizers
import surfaces
from plots import gif, palette, raster
from scenarios.settings import Settings, surface_of

MAP_PIXELS = 480  # the shaded map's resolution before it is fitted to the GIF's map area


def background(surface: surfaces.Surface, params: dict[str, float]) -> np.ndarray:
    _, _, z = surfaces.grid(surface, params, MAP_PIXELS, MAP_PIXELS)
    return shade(surface, z)


def shade(surface: surfaces.Surface, z: np.ndarray) -> np.ndarray:
    """The shaded map of ``surface`` from its values ``z`` on a grid (`background`'s)."""
    return raster.shade(z, raster.levels(z, surface.f_min, surface.log_levels))


def trajectories(
    s: Settings, surface: surfaces.Surface | None = None
) -> list[optimizers.Trajectory]:
    """The runs of ``s``; ``surface`` stands in for the view's own surface when given."""
    spec = s.spec if surface is None else s.spec.replace(surface=surface)
    return optimizers.simulate_runs(spec, [(r.optimizer, r.hparams) for r in s.runs])


def gif_paths(
    surface: surfaces.Surface, runs: Sequence[optimizers.Trajectory]
) -> list[gif.GifPath]:
    """Each run with its colour, its loss as the GIF plots it (the gap f − f* when f* is known)."""
    return [
        gif.GifPath(
            label=optimizers.get(t.optimizer).title,
            color=palette.path_color(t.optimizer, i),
            xy=t.xy,
            loss=t.loss if surface.f_min is None else np.maximum(t.loss - surface.f_min, 1e-12),
            diverged_at=t.diverged_at,
        )
        for i, t in enumerate(runs)
    ]


def gif_bytes(
    s: Settings,
    *,
    frames: int = 200,
    fps: float = 20,
    size: tuple[int, int] = (640, 480),
    runs: Sequence[optimizers.Trajectory] | None = None,
    image: np.ndarray | None = None,
    surface: surfaces.Surface | None = None,
) -> bytes:
    """The animation of ``s``; pass ``runs`` and ``image`` when they are already computed.

    ``surface`` defaults to `surface_of` ``(s)`` (a registered surface or ``s.formula``); pass
    it for one built elsewhere (``optiscape gif --formula``: then ``s.start`` must be set).
    Frames, fps and size out of range raise ``ValueError`` naming them (`plots.gif`).
    """
    surface = surface or surface_of(s)
    if not s.runs:
        raise ValueError("choose at least one optimizer")
    return gif.render_gif(
        background(surface, s.surface_params) if image is None else image,
        surface.domain,
        gif_paths(surface, trajectories(s, surface) if runs is None else runs),
        minima=surface.minima + surface.local_minima,
        start=s.start_point,
        frames=frames,
        fps=fps,
        size=size,
        loss_log=surface.f_min is not None,
        title=surface.title,
    )
