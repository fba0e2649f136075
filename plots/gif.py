"""The animated GIF (and its MP4): the contour map with the paths growing on it, and the loss
curves beside it.

This module checks the arguments and writes the file; `plots.gif_frames` draws the pictures
(the layout, the static frame and its palette, the trails, markers and step counter of each
frame). `render_mp4` pipes the very same frames to the H.264 encoder of the ffmpeg binary that
the ``imageio-ffmpeg`` wheel ships.

Each frame is written as soon as it is drawn, as the rectangle around what changed since the
previous one, unchanged pixels inside it transparent, so files stay small and only the previous
frame is kept. Pillow does the LZW coding (``GifImagePlugin.getdata``); the few container bytes
around it are written here. ``Image.save(save_all=True)`` would hold every full frame, compare
them again and add a 768-byte palette to each: on the issue's example (bench/gif.py) its
encoding alone takes longer than this whole export and the file comes out 1.8× larger.
"""

from __future__ import annotations

import io
import math
import re
import struct
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from plots import gif_frames
from plots.gif_frames import Box, Domain

FRAMES = (2, 1000)
FPS = (1, 50)
WIDTH = (160, 1920)
HEIGHT = (120, 1080)
MAX_PATHS = 24
TRANSPARENT = 255  # palette index that no frame draws with: "unchanged" in a delta frame
# x264 at constant quality 23 (its default; 0 is lossless, 51 worst), tuned for flat colours,
# with the index first so a browser plays it while it loads
MP4_OPTIONS = ("-crf", "23", "-preset", "veryfast", "-tune", "animation", "-movflags", "+faststart")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class GifPath:
    """One optimizer's run as the GIF draws it.

    ``xy`` is (steps + 1, 2) with row 0 the start; ``loss`` (steps + 1,) holds the values to
    plot (already f − f* for a log axis). From ``diverged_at`` on both may be NaN: the path
    stops at the row before, where a cross marks it. The legend shows ``label`` and, after it,
    ``detail`` (the hyperparameters: "η = 0.05, β = 0.9").
    """

    label: str
    color: str  # "#rrggbb"
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    diverged_at: int | None = None
    detail: str = ""

    @property
    def last(self) -> int:
        """The last row drawn: the end, or the row before divergence (−1: nothing to draw)."""
        return len(self.loss) - 1 if self.diverged_at is None else self.diverged_at - 1


def render_gif(
    background: np.ndarray,
    domain: Domain,
    paths: Sequence[GifPath],
    *,
    minima: Sequence[tuple[float, float]] = (),
    start: tuple[float, float] | None = None,
    frames: int = 100,
    fps: float = 20,
    size: tuple[int, int] = (640, 480),
    loss_log: bool = True,
    loss_label: str | None = None,
    title: str = "",
    axis_labels: tuple[str, str] = gif_frames.AXIS_LABELS,
) -> bytes:
    """An animated GIF of ``paths`` moving over the map, their loss curves beside it.

    ``background`` is the shaded map, (H, W, 3) uint8 with row 0 at the top (highest y), as
    `plots.raster.shade` makes it; it spans ``domain`` = ((x0, x1), (y0, y1)) edge to edge and
    is resized once to the map area, which keeps the domain's aspect. Frame k shows every path
    up to step s_k, the s_k evenly spaced from 0 to the longest run with the last frame at its
    end (fewer frames when there are fewer distinct steps), a marker at each current point on
    the map and on the loss curve, and a cross at the last finite point of a diverged path once
    s_k has passed it. Points outside the domain are drawn on the map's edge. ``minima`` get a
    star, ``start`` a white circle. ``loss_label`` defaults to "f − f*" on a log axis, "f" on a
    linear one; ``axis_labels`` name the map's axes. Every frame carries "step k / n" above the
    loss panel, and the legend under the plots names each path with its ``detail``. A frame
    lasts 1000 / ``fps`` ms, rounded to GIF's 10 ms; the GIF loops forever.

    Raises ``ValueError`` naming the argument when one is out of range or shapes disagree.
    """
    bg, domain, paths = _check(background, domain, paths, frames, fps, size)
    palette, pictures = _animation(
        bg, domain, paths, minima, start, frames, size, loss_log, loss_label, title, axis_labels
    )
    delay = max(1, round(100.0 / fps))  # GIF counts in centiseconds
    out = io.BytesIO()
    out.write(_header(size, palette))
    previous: np.ndarray | None = None
    for frame, dirty in pictures:
        # (np.asarray(frame) goes through __array_interface__: ten times slower than this)
        pixels = np.frombuffer(frame.tobytes(), dtype=np.uint8).reshape(size[1], size[0])
        out.write(_frame_bytes(pixels, previous, dirty, delay))
        previous = pixels
    out.write(b";")  # trailer
    return out.getvalue()


def render_mp4(
    background: np.ndarray,
    domain: Domain,
    paths: Sequence[GifPath],
    *,
    minima: Sequence[tuple[float, float]] = (),
    start: tuple[float, float] | None = None,
    frames: int = 100,
    fps: float = 20,
    size: tuple[int, int] = (640, 480),
    loss_log: bool = True,
    loss_label: str | None = None,
    title: str = "",
    axis_labels: tuple[str, str] = gif_frames.AXIS_LABELS,
) -> bytes:
    """The frames of `render_gif`, same arguments and limits, as an H.264 MP4 (yuv420p).

    H.264's 4:2:0 colour needs an even width and height: an odd one is drawn one pixel
    smaller (``mp4_size``). A frame lasts exactly 1 / ``fps`` s; the video does not loop
    (that is the player's choice). The MP4 is written by ffmpeg to a temporary file, with the
    index at the front (``+faststart``) so a browser can start playing it at once.
    """
    import imageio_ffmpeg  # ships the ffmpeg binary; only needed here

    bg, domain, paths = _check(background, domain, paths, frames, fps, size)
    size = mp4_size(size)
    _, pictures = _animation(
        bg, domain, paths, minima, start, frames, size, loss_log, loss_label, title, axis_labels
    )
    with tempfile.TemporaryDirectory(prefix="optiscape-") as tmp:
        out = Path(tmp) / "animation.mp4"
        writer = imageio_ffmpeg.write_frames(
            str(out),
            size,
            fps=fps,
            codec="libx264",
            pix_fmt_out="yuv420p",
            quality=None,  # the rate control is MP4_OPTIONS' -crf
            macro_block_size=2,  # even sizes as they are: no rescaling
            ffmpeg_log_level="error",
            output_params=list(MP4_OPTIONS),
        )
        with warnings.catch_warnings():
            # JAX warns at every fork; this one is subprocess's fork-then-exec of ffmpeg, which
            # runs no Python in the child, so the deadlock it warns of cannot happen
            warnings.filterwarnings("ignore", r"os\.fork\(\) was called", RuntimeWarning)
            writer.send(None)  # start ffmpeg
        try:
            for frame, _ in pictures:
                writer.send(frame.convert("RGB").tobytes())
        finally:
            writer.close()
        return out.read_bytes()


def mp4_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size `render_mp4` draws: ``size`` with an odd width or height one pixel less."""
    return size[0] - size[0] % 2, size[1] - size[1] % 2


def frame_steps(paths: Sequence[GifPath], frames: int) -> np.ndarray:
    """The step each frame shows: ``frames`` evenly spaced from 0 to the longest run."""
    longest = max(len(p.loss) - 1 for p in paths)
    return np.unique(np.round(np.linspace(0, longest, min(frames, longest + 1))).astype(int))


def _animation(
    bg: np.ndarray,
    domain: Domain,
    paths: list[GifPath],
    minima: Sequence[tuple[float, float]],
    start: tuple[float, float] | None,
    frames: int,
    size: tuple[int, int],
    loss_log: bool,
    loss_label: str | None,
    title: str,
    axis_labels: tuple[str, str] = gif_frames.AXIS_LABELS,
) -> tuple[bytes, Iterator[tuple[Image.Image, list[Box]]]]:
    """The palette, and the frames ("P" images) with the boxes where each may have changed."""
    steps = frame_steps(paths, frames)
    label = loss_label if loss_label is not None else ("f − f*" if loss_log else "f")
    layout = gif_frames.Layout.make(
        domain, paths, size, loss_log, label, title, int(steps[-1]), axis_labels
    )
    static, palette, ink = gif_frames.static_frame(bg, layout, paths, minima, start)
    return palette, gif_frames.frames(static, layout, paths, steps, ink)


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


def _check(
    background: object,
    domain: object,
    paths: Sequence[GifPath],
    frames: object,
    fps: object,
    size: object,
) -> tuple[np.ndarray, Domain, list[GifPath]]:
    _check_whole("frames", frames, *FRAMES)
    if isinstance(fps, bool) or not isinstance(fps, int | float) or not FPS[0] <= fps <= FPS[1]:
        raise ValueError(f"fps must be a number in [{FPS[0]}, {FPS[1]}], got {fps!r}")
    try:
        width, height = size  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height), got {size!r}") from None
    _check_whole("width", width, *WIDTH)
    _check_whole("height", height, *HEIGHT)
    bg = np.asarray(background)
    if bg.dtype != np.uint8 or bg.ndim != 3 or bg.shape[2] != 3 or min(bg.shape[:2]) < 2:
        raise ValueError(f"background must be an (H, W, 3) uint8 image, got {bg.dtype} {bg.shape}")
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((x0, x1), (y0, y1)), got {domain!r}") from None
    if not all(map(math.isfinite, (x0, x1, y0, y1))) or not (x0 < x1 and y0 < y1):
        raise ValueError(f"domain must be finite with x0 < x1 and y0 < y1, got {domain!r}")
    paths = list(paths)
    if not 1 <= len(paths) <= MAX_PATHS:
        raise ValueError(f"paths must hold 1 to {MAX_PATHS} paths, got {len(paths)}")
    for i, p in enumerate(paths):
        name = f"paths[{i}] ({p.label!r})"
        if not isinstance(p.color, str) or not _HEX.fullmatch(p.color):
            raise ValueError(f"{name}: color must be '#rrggbb', got {p.color!r}")
        xy, loss = np.asarray(p.xy, dtype=np.float64), np.asarray(p.loss, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 1:
            raise ValueError(f"{name}: xy must have shape (steps + 1, 2), got {xy.shape}")
        if loss.shape != (len(xy),):
            raise ValueError(f"{name}: loss must have shape ({len(xy)},), got {loss.shape}")
        d = p.diverged_at
        if d is not None and (
            isinstance(d, bool) or not isinstance(d, int | np.integer) or not 0 <= d < len(xy)
        ):
            raise ValueError(
                f"{name}: diverged_at must be None or in [0, {len(xy) - 1}], got {d!r}"
            )
        if not isinstance(p.label, str) or not isinstance(p.detail, str):
            raise ValueError(f"{name}: label and detail must be text")
        paths[i] = replace(p, xy=xy, loss=loss, diverged_at=None if d is None else int(d))
    if max(len(p.loss) for p in paths) < 2:
        raise ValueError("paths must hold at least one step (two rows) to animate")
    return bg, ((x0, x1), (y0, y1)), paths


def _check_whole(name: str, value: object, low: int, high: int) -> None:
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or not low <= value <= high:  # type: ignore[operator]
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")


# ---------------------------------------------------------------------------------------
# GIF container
# ---------------------------------------------------------------------------------------


def _header(size: tuple[int, int], palette: bytes) -> bytes:
    """GIF89a header with a 256-entry global palette and an endless-loop extension."""
    screen = struct.pack("<HHBBB", *size, 0xF7, 0, 0)  # global table of 2^(7+1) colours
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"  # 0: forever
    return b"GIF89a" + screen + palette + loop


def _frame_bytes(
    pixels: np.ndarray, previous: np.ndarray | None, dirty: Sequence[Box], delay: int
) -> bytes:
    """One frame: all of it the first time, then the rectangle around ``dirty`` in which
    pixels equal to the previous frame's are transparent."""
    info: dict[str, int] = {"duration": 10 * delay, "disposal": 1}  # 1: leave it in place
    if previous is None:
        return b"".join(GifImagePlugin.getdata(Image.fromarray(pixels), (0, 0), **info))
    height, width = pixels.shape
    changes = []
    for a, b, c, d in dirty:
        a, b, c, d = max(0, a), max(0, b), min(width, c), min(height, d)
        if a < c and b < d:
            now = pixels[b:d, a:c]
            changed = now != previous[b:d, a:c]
            if changed.any():
                changes.append(((a, b, c, d), now, changed))
    if not changes:  # one transparent pixel keeps the frame, and its time, in the GIF
        changes = [((0, 0, 1, 1), pixels[:1, :1], np.zeros((1, 1), dtype=bool))]
    left, top = min(box[0] for box, _, _ in changes), min(box[1] for box, _, _ in changes)
    right, bottom = max(box[2] for box, _, _ in changes), max(box[3] for box, _, _ in changes)
    delta = np.full((bottom - top, right - left), TRANSPARENT, dtype=np.uint8)
    for (a, b, c, d), now, changed in changes:
        np.copyto(delta[b - top : d - top, a - left : c - left], now, where=changed)
    info["transparency"] = TRANSPARENT
    return b"".join(GifImagePlugin.getdata(Image.fromarray(delta), (left, top), **info))
