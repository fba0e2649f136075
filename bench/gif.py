"""GIF and MP4 export benchmark: `plots.gif.render_gif` and `render_mp4` against a Matplotlib
animation of the same, saved as a GIF and as an MP4.

    python bench/gif.py              # full report (several minutes on 2 cores)
    python bench/gif.py --quick      # smoke run for CI: fewer repeats and Matplotlib frames
    python bench/gif.py --size 640x480

The example: SGD, Momentum, RMSProp and Adam on Rosenbrock, 300 steps from the default start,
200 frames at 1280 × 720 (slides) and 20 fps, each frame with its step counter, the legend
with every optimizer's hyperparameters and the axis labels.

1. ``render_gif`` and ``render_mp4`` (median of several repeats), the background they need
   (the surface on a 200 × 200 grid, levels and shading; warm, median); the file sizes.
2. What one would write instead: Matplotlib's ``FuncAnimation`` (Agg): ``contourf`` +
   ``contour`` of the same grid and levels, four growing path lines with current-point
   markers, the loss panel, the legend with the hyperparameters, a step counter; saved with
   ``PillowWriter`` (GIF) and with ``FFMpegWriter`` running imageio-ffmpeg's binary with the
   x264 options of `render_mp4` (MP4). Slow, so timed once each (after a warm-up); with
   ``--quick`` they draw fewer frames and their per-frame time (and the GIF's size) are
   scaled up.
3. The same frames as ``render_gif``'s pushed through ``Image.save(save_all=True)``: why the
   renderer writes its own frame records around Pillow's LZW coder.

Each time is given twice: wall clock, and the CPU time of this process and of the ffmpeg it
ran (the MP4 writers). On shared, noisy cores the wall clock also counts waiting for a core,
so read medians, ratios and the CPU column. This is a report: it never asserts on time and always exits 0.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from PIL import Image

import optimizers
import surfaces
from plots import raster
from plots.gif import MP4_OPTIONS, GifPath, frame_steps, render_gif, render_mp4
from plots.palette import path_color, ramp
from scenarios.export import hparams_text

# JAX warns at every fork; the only forks here start ffmpeg (fork, then exec)
warnings.filterwarnings("ignore", r"os\.fork\(\) was called", RuntimeWarning)

SURFACE = "rosenbrock"
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
STEPS = 300
FRAMES = 200
FPS = 20
SIZE = (1280, 720)
GRID = 200
TINY = 1e-12  # floor of f − f* on the log axis, as the app uses


class Time(NamedTuple):
    wall: float  # seconds
    cpu: float  # seconds of this process and of the children it waited for (ffmpeg)

    def __add__(self, other: object) -> Time:
        assert isinstance(other, Time)
        return Time(self.wall + other.wall, self.cpu + other.cpu)

    def __mul__(self, k: object) -> Time:
        assert isinstance(k, int | float)
        return Time(self.wall * k, self.cpu * k)


def now() -> Time:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Time(time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime)


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
        label, detail = optimizers.get(name).title, hparams_text(name, t.hparams)
        out.append(GifPath(label, path_color(name), t.xy, loss, t.diverged_at, detail))
    return out


def matplotlib_animation(
    s: surfaces.Surface,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    paths: list[GifPath],
    frames: int,
    size: tuple[int, int],
    out: str,
) -> tuple[Time, Time]:
    """The same animation with FuncAnimation, written to ``out`` (.gif: PillowWriter; .mp4:
    FFMpegWriter with imageio-ffmpeg's binary and render_mp4's x264 options).

    Returns the time spent building the figure, and saving the animation (drawing every
    frame, then the writer's encoding).
    """
    import imageio_ffmpeg
    import matplotlib
    from matplotlib import pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter

    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    t0 = now()
    xs, ys, z, lv = grid
    steps = frame_steps(paths, frames)
    colors = [tuple(c / 255) for c in ramp(len(lv) + 1)]
    fig, (ax, bx) = plt.subplots(
        1, 2, figsize=(size[0] / 100, size[1] / 100), dpi=100, width_ratios=(1.25, 1)
    )
    ax.contourf(xs, ys, z, levels=lv, colors=colors[1:-1], extend="both")
    ax.contour(xs, ys, z, levels=lv, colors="k", linewidths=0.5, alpha=0.35)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
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
        (line,) = ax.plot([], [], color=p.color, lw=2, label=f"{p.label}  {p.detail}")
        (dot,) = ax.plot([], [], "o", color=p.color, markeredgecolor="#111", markersize=7)
        (curve,) = bx.plot([], [], color=p.color, lw=1.5)
        (mark,) = bx.plot([], [], "o", color=p.color, markeredgecolor="#111", markersize=6)
        artists.append((line, dot, curve, mark))
    fig.legend(loc="lower center", ncols=2, fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.2, wspace=0.3)
    fig.suptitle(s.title)
    counter = bx.text(1.0, 1.02, "", transform=bx.transAxes, ha="right", fontsize=9)

    def update(k: int) -> list:
        step = int(steps[k])
        counter.set_text(f"step {step} / {int(steps[-1])}")
        for p, (line, dot, curve, mark) in zip(paths, artists, strict=True):
            j = min(step, p.last)
            line.set_data(p.xy[: j + 1, 0], p.xy[: j + 1, 1])
            dot.set_data(p.xy[j : j + 1, 0], p.xy[j : j + 1, 1])
            curve.set_data(np.arange(j + 1), p.loss[: j + 1])
            mark.set_data([j], p.loss[j : j + 1])
        return [counter, *(a for group in artists for a in group)]

    anim = FuncAnimation(fig, update, frames=len(steps), blit=False)
    setup = since(t0)
    t1 = now()
    if out.endswith(".mp4"):
        writer = FFMpegWriter(
            fps=FPS, codec="libx264", extra_args=["-pix_fmt", "yuv420p", *MP4_OPTIONS]
        )
    else:
        writer = PillowWriter(fps=FPS)
    anim.save(out, writer=writer)
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
    size = "" if size_kb is None or math.isnan(size_kb) else f"{size_kb:.0f} KB"
    print(f"   {name:40s} {wall:>10s} {cpu:>10s} {size:>9s}   {note}")


def size_arg(text: str) -> tuple[int, int]:
    w, h = (int(v) for v in text.lower().split("x"))
    return w, h


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run for CI")
    parser.add_argument("--size", type=size_arg, default=SIZE, metavar="WxH")
    args = parser.parse_args()
    size = args.size
    repeats = 3 if args.quick else 7
    mpl_frames = 10 if args.quick else FRAMES

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
        f"{FRAMES} frames at {size[0]}×{size[1]}, {FPS} fps"
    )
    print()

    grid = background(s)  # compiles the grid function outside the timing
    paths = gif_paths(s)
    bg_times, shaded = timed(lambda: raster.shade(*background(s)[2:]), repeats)
    assert isinstance(shaded, np.ndarray)
    bg = median(bg_times)
    kw = {"minima": s.minima, "start": s.start, "title": s.title}
    kw |= {"frames": FRAMES, "fps": FPS, "size": size}

    ours: dict[str, tuple[list[Time], bytes]] = {}
    for name, render in (("GIF", render_gif), ("MP4", render_mp4)):
        render(shaded, s.domain, paths, **kw)  # warm: fonts, ffmpeg's first start
        times, data = timed(lambda render=render: render(shaded, s.domain, paths, **kw), repeats)
        assert isinstance(data, bytes)
        ours[name] = times, data
    n_frames = Image.open(io.BytesIO(ours["GIF"][1])).n_frames

    mpl: dict[str, tuple[Time, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("GIF", "MP4"):
            out = os.path.join(tmp, f"matplotlib.{name.lower()}")
            matplotlib_animation(s, grid, paths, 2, size, out)  # warm: font cache, first figure
            setup, saving = matplotlib_animation(s, grid, paths, mpl_frames, size, out)
            mpl_n = len(frame_steps(paths, mpl_frames))
            scale = n_frames / mpl_n  # 1 unless --quick: then the per-frame part is scaled up
            # a GIF's size grows with its frames; an MP4's does not (its frames are deltas)
            kb = os.path.getsize(out) / 1024 * (scale if name == "GIF" else 1)
            mpl[name] = setup + saving * scale, kb if scale == 1 or name == "GIF" else math.nan
    save_all, save_all_bytes = pillow_save_all(ours["GIF"][1])

    print(f"1. plots.gif, median of {repeats} ({n_frames} frames)")
    print(f"   {'':40s} {'wall':>10s} {'CPU':>10s} {'size':>9s}")
    row("background (grid, levels, shade), warm", bg, None)
    for name, (times, data) in ours.items():
        walls = [t.wall for t in times]
        note = f"wall min {min(walls):.3f} s, max {max(walls):.3f} s"
        row(f"render_{name.lower()} export", median(times), len(data) / 1024, note)
    print()
    print("2. Matplotlib FuncAnimation (Agg), one run each")
    if mpl_frames < n_frames:
        print(
            f"   --quick: {len(frame_steps(paths, mpl_frames))} frames drawn; the per-frame part "
            f"and the GIF's size scaled to {n_frames} frames, the figure's set-up counted once; "
            "no MP4 size"
        )
    for name, (t, kb) in mpl.items():
        writer = "PillowWriter" if name == "GIF" else "FFMpegWriter"
        row(f"Matplotlib + {writer} ({name})", t, kb)
    print()
    print("   ratios (Matplotlib / plots.gif, same frames, same size)")
    for name, (times, data) in ours.items():
        t, kb = mpl[name]
        ours_t, ours_kb = median(times), len(data) / 1024
        sizes = "" if math.isnan(kb) else f"; Matplotlib's file is {kb / ours_kb:.2g}× the size"
        print(
            f"   {name}: {t.wall / ours_t.wall:5.1f}× faster by the wall clock, "
            f"{t.cpu / ours_t.cpu:.1f}× by CPU time "
            f"({t.wall / (ours_t.wall + bg.wall):.1f}× with the background){sizes}"
        )
    print()
    print("3. The same GIF frames through Image.save(save_all=True, optimize default), one run")
    gif_t = median(ours["GIF"][0])
    row(
        "Pillow save_all (encoding only)",
        save_all,
        save_all_bytes / 1024,
        f"{save_all.cpu / gif_t.cpu:.1f}× render_gif's whole export (CPU)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
