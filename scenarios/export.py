"""A Compare view as an animated GIF or MP4: the engine's paths over the shaded map, for the
app's export buttons and `optiscape gif` alike (one renderer, one set of colours), and the
``optiscape gif`` command line that makes the same file (`gif_command`)."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence

import numpy as np

import optimizers
import surfaces
from plots import gif, palette, raster
from scenarios.link import fmt
from scenarios.settings import CUSTOM, Settings, resolve_surface, surface_of
from surfaces.regularize import ALPHA

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
    """Each run with its colour, its loss as the GIF plots it (the gap f − f* when f* is known),
    and its hyperparameters for the legend."""
    return [
        gif.GifPath(
            label=optimizers.get(t.optimizer).title,
            color=palette.path_color(t.optimizer, i),
            xy=t.xy,
            loss=t.loss if surface.f_min is None else np.maximum(t.loss - surface.f_min, 1e-12),
            diverged_at=t.diverged_at,
            detail=hparams_text(t.optimizer, t.hparams),
        )
        for i, t in enumerate(runs)
    ]


def hparams_text(optimizer: str, hparams: Mapping[str, float]) -> str:
    """The hyperparameters by their symbols, in the registry's order: "η = 0.05, β = 0.9"."""
    return ", ".join(
        f"{p.symbol} = {_short(hparams[p.name])}"
        for p in optimizers.get(optimizer).hparams
        if p.name in hparams
    )


def _short(v: float) -> str:
    """Four significant digits, as the sliders' captions show them, exponents unpadded."""
    text = f"{v:.4g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


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
    return _render(gif.render_gif, s, frames, fps, size, runs, image, surface)


def mp4_bytes(
    s: Settings,
    *,
    frames: int = 200,
    fps: float = 20,
    size: tuple[int, int] = (640, 480),
    runs: Sequence[optimizers.Trajectory] | None = None,
    image: np.ndarray | None = None,
    surface: surfaces.Surface | None = None,
) -> bytes:
    """`gif_bytes`'s frames as an H.264 MP4 (an odd width or height is drawn one pixel less)."""
    return _render(gif.render_mp4, s, frames, fps, size, runs, image, surface)


FORMATS = {"gif": gif_bytes, "mp4": mp4_bytes}  # the file suffix → its renderer


def _render(
    render: Callable[..., bytes],
    s: Settings,
    frames: int,
    fps: float,
    size: tuple[int, int],
    runs: Sequence[optimizers.Trajectory] | None,
    image: np.ndarray | None,
    surface: surfaces.Surface | None,
) -> bytes:
    surface = surface or surface_of(s)
    if not s.runs:
        raise ValueError("choose at least one optimizer")
    return render(
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


# ---------------------------------------------------------------------------------------
# The same animation from a terminal
# ---------------------------------------------------------------------------------------


def gif_command(
    s: Settings,
    *,
    frames: int = 200,
    fps: float = 20,
    size: tuple[int, int] = (640, 480),
    out: str | None = None,
) -> str:
    """The ``optiscape gif …`` line that renders the animation of ``s`` (what `gif_bytes`
    makes of it), as one shell-quoted line.

    Flags that the command's defaults already give are left out: hyperparameters, surface and
    schedule parameters at their defaults, the surface's own start, no noise. Numbers are
    written with six significant digits when that is their exact value, in full otherwise.
    ``out`` defaults to the app's download name, ``optiscape-<surface>.gif``.
    """
    words = ["optiscape", "gif"]
    if s.surface == CUSTOM:
        domain = ",".join(_exact(v) for axis in s.domain for v in axis)
        words += ["--formula", s.formula, f"--domain={domain}"]
    else:
        words += ["--surface", s.surface]
    own = {p.name: p.default for p in resolve_surface(s.surface, s.formula, s.domain).params}
    for name, value in s.surface_params.items():
        if name != ALPHA.name and value != own.get(name):
            words += ["--param", f"{name}={_exact(value)}"]
    if s.reg:
        words += ["--reg", s.reg, "--alpha", _exact(s.alpha), *(["--prox"] if s.prox else [])]
    if s.start is not None:
        words.append(f"--start={_exact(s.start[0])},{_exact(s.start[1])}")
    words += ["--steps", str(s.steps)]
    words += ["--optimizers", ",".join(r.optimizer for r in s.runs)]
    for r in s.runs:
        defaults = optimizers.get(r.optimizer).defaults
        for name, value in r.hparams.items():
            if value != defaults.get(name):
                words += ["--set", f"{r.optimizer}.{name}={_exact(value)}"]
    if s.schedule != "constant":
        words += ["--schedule", s.schedule]
        schedule = {p.name: p.default for p in optimizers.schedules.get(s.schedule).params}
        for name, value in s.schedule_params.items():
            if value != schedule.get(name):
                words += ["--schedule-set", f"{name}={_exact(value)}"]
    if s.noise:
        words += ["--noise", _exact(s.noise), "--seed", str(s.seed)]
    if s.stop_grad:
        words += ["--stop-grad", _exact(s.stop_grad)]
    if s.stop_loss:
        words += ["--stop-loss", _exact(s.stop_loss)]
    words += ["--frames", str(frames), "--fps", _exact(fps), "--size", f"{size[0]}x{size[1]}"]
    words += ["--out", out or f"optiscape-{s.surface}.gif"]
    return shlex.join(words)


def _exact(v: float) -> str:
    """``v`` as a link writes it (six significant digits) when that reads back exactly, else
    in full (Python's shortest round-trip form)."""
    text = fmt(v)
    return text if float(text) == v else repr(float(v))
