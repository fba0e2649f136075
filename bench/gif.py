"""GIF export benchmark: `plots.gif.render_gif` against a Matplotlib animation of the same.

    python bench/gif.py              # full report (a few minutes on 2 cores)
    python bench/gif.py --quick      # smoke run for CI: fewer Matplotlib frames, scaled

The issue's example: SGD, Momentum, RMSProp and Adam on Rosenbrock, 300 steps from the
default start, 200 frames at 640 × 480 and 20 fps. Targets: under 0.5 s and under 500 KB.

1. ``render_gif`` (median of several repeats), the background it needs (the surface on a
   200 × 200 grid, levels and shading; warm, median) and their total; the file size.
2. What one would write instead: Matplotlib's ``FuncAnimation`` saved with ``PillowWriter``
   (Agg): ``contourf`` + ``contour`` of the same grid and levels, four growing path lines with
   current-point markers, the loss panel beside it. Slow, so timed once (after a warm-up);
   with ``--quick`` it draws fewer frames and its per-frame time and size are scaled up.
3. The same frames as ``render_gif``'s pushed through ``Image.save(save_all=True)``: why the
   renderer writes its own frame records around Pillow's LZW coder.

Each time is given twice: wall clock, and the CPU time of this process. On shared, noisy
cores the wall clock also counts waiting for a core, so read medians, ratios and the CPU
column. This is a report: it never asserts on time and always exits 0.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from PIL import Image

import optimizers
import surfaces
from plots import raster
from plots.gif import GifPath, frame_steps, render_gif
from plots.palette import path_color, ramp

SURFACE = "rosenbrock"
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
STEPS = 300
FRAMES = 200
FPS = 20
SIZE = (640, 480)
GRID = 200
TINY = 1e-12  # floor of f − f* on the log axis, as the app uses
TARGET_S = 0.5
TARGET_KB = 500.0


class Time(NamedTuple):
    wall: float  # seconds
    cpu: float  # seconds of this process

    def __add__(self, other: object) -> Time:
        assert isinstance(other, Time)
        return Time(self.wall + other.wall, self.cpu + other.cpu)

    def __mul__(self, k: object) -> Time:
        assert isinstance(k, int | float)
        return Time(self.wall * k, self.cpu * k)


def now() -> Time:
    return Time(time.perf_counter(), time.process_time())


def since(t0: Time) -> Time:
    t1 = now()
    return Time(t1.wall - t0.wall, t1.cpu - t0.cpu)


def median(times: list[Time]) -> Time:
    return Time(float(np.median([t.wall for t in times])), float(np.median([t.cpu for t in times])))


def timed(fn: Callable[[], object], repeats: int) -> tuple[list[Time], object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = now()
        out = fn()
        times.append(since(t0))
    return times, out


def background(s: surfaces.Surface) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, z = surfaces.grid(s, nx=GRID, ny=GRID)
    lv = raster.levels(z, s.f_min, s.log_levels)
    return xs, ys, z, lv


def gif_paths(s: surfaces.Surface) -> list[GifPath]:
    out = []
    for name in OPTIMIZERS:
        t = optimizers.simulate(s, name, steps=STEPS)
        loss = np.maximum(t.loss - s.f_min, TINY)
        out.append(GifPath(optimizers.get(name).title, path_color(name), t.xy, loss, t.diverged_at))
    return out


def matplotlib_gif(
    s: surfaces.Surface,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    paths: list[GifPath],
    frames: int,
    out: str,
) -> tuple[Time, Time]:
    """The same animation with FuncAnimation + PillowWriter, written to ``out``.

    Returns the time spent building the figure, and saving the animation (drawing every
    frame, then PillowWriter's encoding).
    """
    from matplotlib import pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    t0 = now()
    xs, ys, z, lv = grid
    steps = frame_steps(paths, frames)
    colors = [tuple(c / 255) for c in ramp(len(lv) + 1)]
    fig, (ax, bx) = plt.subplots(
        1, 2, figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100, width_ratios=(1.25, 1)
    )
    ax.contourf(xs, ys, z, levels=lv, colors=colors[1:-1], extend="both")
    ax.contour(xs, ys, z, levels=lv, colors="k", linewidths=0.5, alpha=0.35)
    ax.set_aspect("equal")
    mx, my = zip(*s.minima, strict=True)
    ax.plot(mx, my, "*", color="white", markeredgecolor="#111", markersize=12)
    ax.plot(*s.start, "o", color="white", markeredgecolor="#111", markersize=8)
    bx.set_yscale("log")
    bx.set_xlim(0, int(steps[-1]))
    finite = np.concatenate([p.loss[np.isfinite(p.loss)] for p in paths])
    bx.set_ylim(finite.min() / 1.5, finite.max() * 1.5)
    bx.set_xlabel("step")
    bx.set_title("f − f*", fontsize=9, loc="left")
    artists = []
    for p in paths:
        (line,) = ax.plot([], [], color=p.color, lw=2, label=p.label)
        (dot,) = ax.plot([], [], "o", color=p.color, markeredgecolor="#111", markersize=7)
        (curve,) = bx.plot([], [], color=p.color, lw=1.5)
        (mark,) = bx.plot([], [], "o", color=p.color, markeredgecolor="#111", markersize=6)
        artists.append((line, dot, curve, mark))
    fig.legend(loc="lower center", ncols=len(paths), fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.2, wspace=0.3)
    fig.suptitle(s.title)

    def update(k: int) -> list:
        step = int(steps[k])
        for p, (line, dot, curve, mark) in zip(paths, artists, strict=True):
            j = min(step, p.last)
            line.set_data(p.xy[: j + 1, 0], p.xy[: j + 1, 1])
            dot.set_data(p.xy[j : j + 1, 0], p.xy[j : j + 1, 1])
            curve.set_data(np.arange(j + 1), p.loss[: j + 1])
            mark.set_data([j], p.loss[j : j + 1])
        return [a for group in artists for a in group]

    anim = FuncAnimation(fig, update, frames=len(steps), blit=False)
    setup = since(t0)
    t1 = now()
    anim.save(out, writer=PillowWriter(fps=FPS))
    saving = since(t1)
    plt.close(fig)
    return setup, saving


def pillow_save_all(data: bytes) -> tuple[Time, int]:
    """Re-encode ``data``'s frames (as "P" images in its palette) with ``save_all``."""
    im = Image.open(io.BytesIO(data))
    reference = Image.new("P", (1, 1))
    reference.putpalette(im.getpalette() or [])
    frames = []
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(im.convert("RGB").quantize(palette=reference, dither=Image.Dither.NONE))
    buf = io.BytesIO()
    t0 = now()
    frames[0].save(
        buf, format="GIF", save_all=True, append_images=frames[1:], duration=1000 / FPS, loop=0
    )
    return since(t0), len(buf.getvalue())


def row(name: str, t: Time | None, size_kb: float | None, note: str = "") -> None:
    wall = "" if t is None else f"{t.wall:.3f} s"
    cpu = "" if t is None else f"{t.cpu:.3f} s"
    size = "" if size_kb is None else f"{size_kb:.0f} KB"
    print(f"   {name:40s} {wall:>10s} {cpu:>10s} {size:>9s}   {note}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run for CI")
    args = parser.parse_args()
    repeats = 5 if args.quick else 11
    mpl_frames = 20 if args.quick else FRAMES

    import matplotlib

    matplotlib.use("Agg")
    s = surfaces.get(SURFACE)
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPU(s), "
        f"Pillow {Image.__version__}, Matplotlib {matplotlib.__version__}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{len(OPTIMIZERS)} optimizers ({', '.join(OPTIMIZERS)}) on {SURFACE}, {STEPS} steps, "
        f"{FRAMES} frames at {SIZE[0]}×{SIZE[1]}, {FPS} fps"
    )
    print()

    grid = background(s)  # compiles the grid function outside the timing
    paths = gif_paths(s)
    bg_times, shaded = timed(lambda: raster.shade(*background(s)[2:]), repeats)
    assert isinstance(shaded, np.ndarray)

    def export_gif() -> bytes:
        return render_gif(
            shaded, s.domain, paths, minima=s.minima, start=s.start, title=s.title,
            frames=FRAMES, fps=FPS, size=SIZE,
        )  # fmt: skip

    export_gif()  # warm: fonts load once per process
    gif_times, data = timed(export_gif, repeats)
    assert isinstance(data, bytes)
    n_frames = Image.open(io.BytesIO(data)).n_frames
    export, bg = median(gif_times), median(bg_times)
    total = bg + export
    size_kb = len(data) / 1024

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "matplotlib.gif")
        matplotlib_gif(s, grid, paths, 2, out)  # warm: font cache, first-figure costs
        mpl_setup, mpl_saving = matplotlib_gif(s, grid, paths, mpl_frames, out)
        mpl_kb = os.path.getsize(out) / 1024
    mpl_n = len(frame_steps(paths, mpl_frames))
    scale = n_frames / mpl_n  # 1 unless --quick: then the per-frame part is scaled up
    mpl = mpl_setup + mpl_saving * scale
    save_all, save_all_bytes = pillow_save_all(data)

    print(f"1. plots.gif.render_gif, median of {repeats} ({n_frames} frames)")
    print(f"   {'':40s} {'wall':>10s} {'CPU':>10s} {'size':>9s}")
    row("background (grid, levels, shade), warm", bg, None)
    row(
        "render_gif export",
        export,
        size_kb,
        f"wall min {min(t.wall for t in gif_times):.3f} s, max {max(t.wall for t in gif_times):.3f} s",
    )
    row("total (background + export)", total, size_kb)
    print()
    print("2. Matplotlib FuncAnimation + PillowWriter (Agg), one run")
    if mpl_n != n_frames:
        print(
            f"   --quick: {mpl_n} frames drawn; the per-frame part (drawing and encoding, "
            f"{mpl_saving.wall:.2f} s wall) and the size ({mpl_kb:.0f} KB) scaled ×{scale:.0f} "
            f"to {n_frames} frames; the figure's set-up ({mpl_setup.wall:.2f} s) counted once"
        )
    row("Matplotlib export", mpl, mpl_kb * scale)
    print(
        f"   render_gif is {mpl.wall / export.wall:.0f}× faster by the wall clock "
        f"({mpl.cpu / export.cpu:.0f}× by CPU time; {mpl.wall / total.wall:.0f}× with the "
        f"background), its file {mpl_kb * scale / size_kb:.1f}× smaller"
    )
    print()
    print("3. The same frames through Image.save(save_all=True, optimize default), one run")
    row(
        "Pillow save_all (encoding only)",
        save_all,
        save_all_bytes / 1024,
        f"{save_all.cpu / export.cpu:.1f}× render_gif's whole export (CPU)",
    )
    print()
    print("Targets (the issue), on the median wall clock")
    print(
        f"   time < {TARGET_S} s: export {verdict(export.wall < TARGET_S)} ({export.wall:.3f} s), "
        f"with the background {verdict(total.wall < TARGET_S)} ({total.wall:.3f} s)"
    )
    print(f"   size < {TARGET_KB:.0f} KB: {verdict(size_kb < TARGET_KB)} ({size_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
