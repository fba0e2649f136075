"""The GIF renderer: a valid, looping GIF whose frames put each path where the map says.

Frames are decoded with Pillow (which composes each delta frame over the previous one) and
checked as a viewer would see them. Where the map lies in the picture is found from the
outside: two renders that differ only in their background differ exactly over the map.
"""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import warnings
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import optimizers
import surfaces
from plots import gif, gif_frames, raster
from plots.gif import GifPath, frame_steps, render_gif, render_mp4
from plots.palette import hex_to_rgb, path_color
from scenarios import export

SIZE = (640, 480)


@cache
def _background(name: str) -> np.ndarray:
    s = surfaces.get(name)
    _, _, z = surfaces.grid(s, nx=120, ny=120)
    return raster.shade(z, raster.levels(z, s.f_min, s.log_levels))


@cache
def _path(surface: str, optimizer: str, steps: int, lr: float | None = None) -> GifPath:
    s = surfaces.get(surface)
    t = optimizers.simulate(s, optimizer, steps=steps, hparams=None if lr is None else {"lr": lr})
    xy = np.asarray(t.xy, dtype=np.float64)  # as render_gif holds it: same pixels everywhere
    loss = np.maximum(np.asarray(t.loss, dtype=np.float64) - s.f_min, 1e-12)
    title = optimizers.get(optimizer).title
    return GifPath(title, path_color(optimizer), xy, loss, t.diverged_at)


def _render(surface: str, paths: list[GifPath], **kw: object) -> bytes:
    s = surfaces.get(surface)
    kw = {"minima": s.minima, "start": s.start, "frames": 30, **kw}
    return render_gif(_background(surface), s.domain, paths, **kw)  # type: ignore[arg-type]


def _decode(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    frames = []
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(np.asarray(im.convert("RGB")))
    return frames


def _map_box(surface: str, paths: list[GifPath], **kw: object) -> tuple[int, int, int, int]:
    """(left, top, width, height) of the map, from two renders with different backgrounds."""
    return _map_box_of(_background(surface), surfaces.get(surface).domain, paths, **kw)


def _map_box_of(
    bg: np.ndarray, domain: object, paths: list[GifPath], **kw: object
) -> tuple[int, int, int, int]:
    a, b = (
        _decode(render_gif(img, domain, paths, frames=2, **kw))[0]  # type: ignore[arg-type]
        for img in (bg, 255 - bg)
    )
    differ = (a != b).any(axis=2)
    rows, cols = np.flatnonzero(differ.any(axis=1)), np.flatnonzero(differ.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)


def _pixel(surface: str, box: tuple[int, int, int, int], x: float, y: float) -> tuple[int, int]:
    """(row, column) of the point (x, y): the map spans the domain edge to edge."""
    (x0, x1), (y0, y1) = surfaces.get(surface).domain
    left, top, width, height = box
    u = left + (x - x0) / (x1 - x0) * width - 0.5
    v = top + (y1 - y) / (y1 - y0) * height - 0.5
    return round(v), round(u)


def _mask(frame: np.ndarray, color: str) -> np.ndarray:
    return (frame == np.array(hex_to_rgb(color), dtype=np.uint8)).all(axis=2)


# ---------------------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------------------


def test_a_valid_looping_gif_with_the_requested_frames_size_and_timing() -> None:
    paths = [_path("rosenbrock", n, 300) for n in ("sgd", "momentum", "rmsprop", "adam")]
    data = _render("rosenbrock", paths, frames=40, fps=20, size=SIZE, title="Rosenbrock")
    assert data[:6] == b"GIF89a" and data[-1:] == b";"
    im = Image.open(io.BytesIO(data))
    assert im.format == "GIF" and im.is_animated
    assert im.n_frames == 40
    assert im.size == SIZE
    assert im.info["loop"] == 0
    for k in range(im.n_frames):
        im.seek(k)
        assert im.size == SIZE
        assert im.info["duration"] == 50


@pytest.mark.parametrize("fps", [1, 3, 7, 12.5, 20, 30, 50])
def test_each_frame_lasts_one_over_fps_to_gif_precision(fps: float) -> None:
    im = Image.open(io.BytesIO(_render("rosenbrock", [_path("rosenbrock", "adam", 40)], fps=fps)))
    for k in range(im.n_frames):
        im.seek(k)
        assert abs(im.info["duration"] - 1000 / fps) <= 10


def test_fewer_distinct_steps_than_frames_gives_one_frame_per_step() -> None:
    path = _path("rosenbrock", "adam", 9)
    im = Image.open(io.BytesIO(_render("rosenbrock", [path], frames=50)))
    assert im.n_frames == 10 == len(frame_steps([path], 50))


@pytest.mark.parametrize("size", [(160, 120), (1920, 1080), (1000, 300), (300, 1000)])
def test_extreme_sizes_render(size: tuple[int, int]) -> None:
    data = _render("rosenbrock", [_path("rosenbrock", "momentum", 50)], frames=3, size=size)
    im = Image.open(io.BytesIO(data))
    assert (im.size, im.n_frames) == (size, 3)


def test_frames_that_change_nothing_are_kept_with_their_time() -> None:
    n = 12
    still = GifPath("still", "#ff00aa", np.zeros((n, 2)), np.ones(n))  # never moves
    im = Image.open(io.BytesIO(_render("rosenbrock", [still], frames=n)))
    assert im.n_frames == n
    for k in range(n):
        im.seek(k)
        assert im.info["duration"] == 50


def test_delta_frames_decode_to_exactly_the_frames_drawn() -> None:
    # White-box: each frame is written as the changed rectangle with unchanged pixels
    # transparent; composed over the frames before it, it must give back the drawn frame.
    s = surfaces.get("himmelblau")
    paths = [
        _path("himmelblau", "momentum", 120),
        _path("himmelblau", "sgd", 120, lr=0.05),  # diverges: the cross appears mid-way
        _path("himmelblau", "adam", 60),  # ends early: its marker stays put
    ]
    bg = _background("himmelblau")
    decoded = _decode(_render("himmelblau", paths, frames=80, title="t"))
    args = (s.minima, s.start, 80, SIZE, True, None, "t")
    _, drawn = gif._animation(bg, s.domain, paths, *args)
    pictures = [np.asarray(frame.convert("RGB")) for frame, _ in drawn]
    assert len(decoded) == len(pictures) == 80
    for k, (got, want) in enumerate(zip(decoded, pictures, strict=True)):
        assert np.array_equal(got, want), f"frame {k}"


# ---------------------------------------------------------------------------------------
# What the frames show
# ---------------------------------------------------------------------------------------


def test_a_path_ends_on_the_pixel_of_the_minimum_it_reached() -> None:
    path = _path("himmelblau", "momentum", 300)
    assert np.allclose(path.xy[-1], (3.0, 2.0), atol=1e-3)  # the minimum the test relies on
    s = surfaces.get("himmelblau")
    box = _map_box("himmelblau", [path], minima=s.minima, start=s.start)
    frames = _decode(_render("himmelblau", [path], frames=20))
    row, col = _pixel("himmelblau", box, 3.0, 2.0)
    assert _mask(frames[-1], path.color)[row, col]
    # and the first frame has the marker at the start, the only place the path is drawn
    row0, col0 = _pixel("himmelblau", box, *s.start)
    first = _mask(frames[0], path.color)
    assert first[row0, col0]
    left, top, width, height = box
    rows, cols = np.nonzero(first[top : top + height, left : left + width])
    assert np.hypot(rows + top - row0, cols + left - col0).max() <= 8
    last = _mask(frames[-1], path.color)[top : top + height, left : left + width]
    assert last.sum() > 2 * len(rows)  # the trail has grown since


@pytest.mark.parametrize("size", [(640, 480), (1280, 400), (400, 900)])
@pytest.mark.parametrize("domain", [((-2.0, 2.0), (-1.0, 3.0)), ((0.0, 10.0), (0.0, 2.0))])
def test_map_keeps_the_domain_aspect(size: tuple[int, int], domain: tuple) -> None:
    (x0, x1), (y0, y1) = domain
    path = GifPath("p", "#ff00aa", np.array([[x0, y0], [x1, y1]]), np.array([2.0, 1.0]))
    _, _, width, height = _map_box_of(_background("rosenbrock"), domain, [path], size=size)
    assert width / height == pytest.approx((x1 - x0) / (y1 - y0), rel=0.03)


def test_points_outside_the_domain_are_drawn_on_the_map_edge() -> None:
    n = 20
    xy = np.stack([np.linspace(0.0, 1e6, n), np.zeros(n)], axis=1)  # off to the right, at y = 0
    path = GifPath("far", "#ff00aa", xy, np.linspace(10.0, 1.0, n))
    box = _map_box("rosenbrock", [path])
    frames = _decode(_render("rosenbrock", [path], start=None, minima=(), frames=5))
    left, top, width, height = box
    row, _ = _pixel("rosenbrock", box, 0.0, 0.0)
    drawn = _mask(frames[-1], path.color)[: top + height + 8]  # the legend's swatch is below
    assert drawn[row, left + width - 1]  # the right edge, at y = 0
    rows, cols = np.nonzero(drawn[:, : left + width + 8])
    assert cols.max() <= left + width + 6  # the marker overlaps the edge, nothing goes past it
    assert np.abs(rows - row).max() <= 6  # and the line stays on y = 0


def test_a_diverged_path_stops_at_its_last_finite_point_with_a_cross() -> None:
    steps = 40
    good = _path("himmelblau", "momentum", steps)
    bad = _path("himmelblau", "sgd", steps, lr=0.05)
    assert bad.diverged_at is not None and 2 <= bad.diverged_at < steps
    assert len(_decode(_render("himmelblau", [good, bad], frames=steps + 1))) == steps + 1
    # alone, so that no other path covers it: the run still lasts all its steps, s_k = k
    frames = _decode(_render("himmelblau", [bad], frames=steps + 1))
    assert len(frames) == steps + 1
    box = _map_box("himmelblau", [bad])
    left, top, width, height = box
    # nothing changes in the diverged path's colour once its last finite point is passed
    after = [_mask(f, bad.color) for f in frames[bad.diverged_at :]]
    assert all(np.array_equal(after[0], m) for m in after[1:])
    # everything drawn on the map in that colour is near its finite, clipped points
    finite = bad.xy[: bad.diverged_at]
    (x0, x1), (y0, y1) = surfaces.get("himmelblau").domain
    clipped = np.stack([np.clip(finite[:, 0], x0, x1), np.clip(finite[:, 1], y0, y1)], axis=1)
    pts = np.array([_pixel("himmelblau", box, x, y) for x, y in clipped])
    for m in (_mask(f, bad.color) for f in frames):
        rows, cols = np.nonzero(m[top : top + height, left : left + width])
        assert rows.size == 0 or (
            rows.min() + top >= pts[:, 0].min() - 12
            and rows.max() + top <= pts[:, 0].max() + 12
            and cols.min() + left >= pts[:, 1].min() - 12
            and cols.max() + left <= pts[:, 1].max() + 12
        )
    # the cross: the last finite point is in the path's colour, and the marker has moved on
    row, col = pts[-1]
    assert _mask(frames[-1], bad.color)[row, col]
    assert not np.array_equal(_mask(frames[bad.diverged_at - 1], bad.color), after[0])


def test_non_finite_values_and_odd_losses_do_not_crash() -> None:
    n = 30
    xy = np.stack([np.linspace(-1, 1, n), np.linspace(-1, 1, n)], axis=1)
    xy[10] = np.inf  # not flagged as divergence: a gap in the line
    loss = np.linspace(1.0, -1.0, n)  # ≤ 0 on a log axis: drawn on the bottom edge
    loss[12] = np.nan
    paths = [
        GifPath("gaps", "#ff00aa", xy, loss),
        GifPath("nothing finite", "#00ffaa", np.full((n, 2), np.nan), np.full(n, np.nan), 0),
    ]
    for log in (True, False):
        im = Image.open(io.BytesIO(_render("rosenbrock", paths, loss_log=log, frames=10)))
        assert im.n_frames == 10


# ---------------------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------------------


def _bad(**changes: object) -> None:
    s = surfaces.get("rosenbrock")
    args: dict[str, object] = {
        "background": _background("rosenbrock"),
        "domain": s.domain,
        "paths": [_path("rosenbrock", "adam", 20)],
        "frames": 10,
    }
    args.update(changes)
    render_gif(**args)  # type: ignore[arg-type]


GOOD = np.zeros((21, 2))


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"frames": 1}, "frames"),
        ({"frames": 1001}, "frames"),
        ({"frames": 2.5}, "frames"),
        ({"frames": True}, "frames"),
        ({"fps": 0}, "fps"),
        ({"fps": 51}, "fps"),
        ({"fps": float("nan")}, "fps"),
        ({"size": (159, 480)}, "width"),
        ({"size": (1921, 480)}, "width"),
        ({"size": (640, 119)}, "height"),
        ({"size": (640, 1081)}, "height"),
        ({"size": 640}, "size"),
        ({"paths": []}, "paths"),
        ({"background": np.zeros((10, 10, 3))}, "background"),
        ({"background": np.zeros((10, 10), dtype=np.uint8)}, "background"),
        ({"domain": ((2.0, -2.0), (-1.0, 3.0))}, "domain"),
        ({"domain": ((-2.0, 2.0), (-1.0, float("inf")))}, "domain"),
        ({"domain": (1.0, 2.0)}, "domain"),
        ({"paths": [GifPath("p", "red", GOOD, np.zeros(21))]}, "color"),
        ({"paths": [GifPath("p", "#ff0000", np.zeros((21, 3)), np.zeros(21))]}, "xy"),
        ({"paths": [GifPath("p", "#ff0000", GOOD, np.zeros(20))]}, "loss"),
        ({"paths": [GifPath("p", "#ff0000", GOOD, np.zeros(21), 21)]}, "diverged_at"),
        ({"paths": [GifPath("p", "#ff0000", np.zeros((1, 2)), np.zeros(1))]}, "paths"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(changes: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        _bad(**changes)


# ---------------------------------------------------------------------------------------
# Text: the step counter, the legend's hyperparameters, the axis labels, the font
# ---------------------------------------------------------------------------------------


def _registry_symbols() -> set[str]:
    """Every character of every symbol and title the export can write."""
    text = ["step / f − f* x y 0123456789 e−+."]
    for name in surfaces.names():
        s = surfaces.get(name)
        text += [s.title, *(p.symbol for p in s.params)]
    for name in optimizers.names():
        o = optimizers.get(name)
        text += [o.title, *(p.symbol for p in o.hparams)]
    for name in optimizers.schedules.names():
        text += [p.symbol for p in optimizers.schedules.get(name).params]
    return set("".join(text)) - {" "}


def test_the_shipped_font_has_a_glyph_for_every_symbol_the_export_writes() -> None:
    from fontTools.ttLib import TTFont

    cmap = TTFont(gif_frames.FONT).getBestCmap()
    assert {"η", "β", "ε", "ρ", "₁", "₂", "−", "λ", "κ", "θ"} <= _registry_symbols()
    missing = sorted(c for c in _registry_symbols() if ord(c) not in cmap)
    assert missing == []
    # and Pillow draws them with it: η is a glyph of its own, not the "missing" box
    font = ImageFont.truetype(str(gif_frames.FONT), 40)
    boxes = {c: np.asarray(font.getmask(c)) for c in ("η", "β", "\uffff")}
    assert not np.array_equal(boxes["η"], boxes["\uffff"])
    assert not np.array_equal(boxes["η"], boxes["β"])


def _counter_reference(layout: gif_frames.Layout, text: str) -> np.ndarray:
    """``text`` drawn by Pillow alone where the counter goes, as grey levels (0 … 255)."""
    left, top, right, bottom = layout.counter
    patch = Image.new("L", (right - left, bottom - top), 255)
    font = ImageFont.truetype(str(gif_frames.FONT), layout.font)
    at = (right - left, layout.loss.top - 3 - top)
    ImageDraw.Draw(patch).text(at, text, fill=40, font=font, anchor="rd")
    return np.asarray(patch, dtype=float)


def test_every_frame_shows_its_step_above_the_loss_panel() -> None:
    paths = [_path("rosenbrock", n, 200) for n in ("sgd", "adam")]
    frames = _decode(_render("rosenbrock", paths, frames=25))
    steps = frame_steps(paths, 25)
    layout = gif_frames.Layout.make(
        surfaces.get("rosenbrock").domain, paths, SIZE, True, "f − f*", "", int(steps[-1])
    )
    left, top, right, bottom = layout.counter
    regions = [f[top:bottom, left:right].astype(float) for f in frames]
    for a, b in itertools.pairwise(regions):
        assert not np.array_equal(a, b)  # the counter moves on every frame
    for k in (0, 12, 24):
        grey = regions[k].mean(axis=2)
        assert (regions[k].std(axis=2) == 0).all()  # greys only: text on white
        right_text = np.abs(grey - _counter_reference(layout, f"step {steps[k]} / 200"))
        wrong_text = np.abs(grey - _counter_reference(layout, f"step {steps[k] + 1} / 200"))
        assert right_text.max() <= 6  # the palette's 24 greys: at most half a step off
        assert wrong_text.max() > 60


def test_the_legend_names_each_optimizer_with_its_hyperparameters() -> None:
    assert export.hparams_text("momentum", {"lr": 0.05, "beta": 0.9}) == "η = 0.05, β = 0.9"
    assert export.hparams_text("adam", optimizers.get("adam").defaults) == (
        "η = 0.01, β₁ = 0.9, β₂ = 0.999, ε = 1e-8"
    )
    runs = [optimizers.simulate("rosenbrock", "rmsprop", steps=20, hparams={"lr": 0.003})]
    (path,) = export.gif_paths(surfaces.get("rosenbrock"), runs)
    assert path.detail == "η = 0.003, ρ = 0.99, ε = 1e-8"
    # drawn under the plots: the detail changes only pixels below the map
    plain = GifPath(path.label, path.color, path.xy, path.loss)
    a, b = (_decode(_render("rosenbrock", [p], frames=2))[0] for p in (plain, path))
    box = _map_box("rosenbrock", [plain])
    rows = np.flatnonzero((a != b).any(axis=(1, 2)))
    assert rows.size and rows.min() > box[1] + box[3]


def test_the_map_axes_are_labelled() -> None:
    path = _path("rosenbrock", "adam", 20)
    labels = (("x", "y"), ("θ₁", "θ₂"))
    a, b = (_decode(_render("rosenbrock", [path], frames=2, axis_labels=k))[0] for k in labels)
    (la, ta, wa, ha), (lb, tb, wb, hb) = (
        _map_box("rosenbrock", [path], axis_labels=k) for k in labels
    )
    assert lb > la and wb < wa  # the wider y label gets room left of the map
    below = slice(max(ta + ha, tb + hb) + 2, None)
    differ = (a != b).any(axis=2)
    assert differ[below, : la + wa].any()  # x: under the map
    for frame, left, top, height in ((a, la, ta, ha), (b, lb, tb, hb)):
        ink = (frame.max(axis=2) < 128)[top : top + height, : left - 4]
        assert ink[:, : ink.shape[1] // 3].any()  # y: text at the far left, beside the ticks


def test_the_apps_sizes_lie_inside_the_renderers_limits() -> None:
    from ui.export import SIZES

    assert {(1280, 720), (1920, 1080)} <= set(SIZES.values())
    for w, h in SIZES.values():
        assert gif.WIDTH[0] <= w <= gif.WIDTH[1] and gif.HEIGHT[0] <= h <= gif.HEIGHT[1]


# ---------------------------------------------------------------------------------------
# MP4: the same frames through ffmpeg's H.264
# ---------------------------------------------------------------------------------------


def _decode_mp4(data: bytes, tmp_path) -> tuple[dict, list[np.ndarray]]:
    """Codec, size and rate of an MP4 and its RGB frames, as the ffmpeg binary decodes it."""
    import imageio_ffmpeg

    path = tmp_path / "a.mp4"
    path.write_bytes(data)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)]
    with warnings.catch_warnings():  # JAX's warning at fork: here a fork-then-exec of ffmpeg
        warnings.filterwarnings("ignore", r"os\.fork\(\) was called", RuntimeWarning)
        done = subprocess.run(
            [*command, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True
        )
    video = re.search(r"Video: (\w+).*?, (\d+)x(\d+).*?, ([\d.]+) fps", done.stderr.decode())
    assert video, done.stderr.decode()
    w, h = int(video[2]), int(video[3])
    meta = {"codec": video[1], "size": (w, h), "fps": float(video[4])}
    pixels = np.frombuffer(done.stdout, dtype=np.uint8)
    return meta, list(pixels.reshape(-1, h, w, 3))


@pytest.mark.parametrize(("size", "even"), [((480, 360), (480, 360)), ((321, 239), (320, 238))])
def test_the_mp4_holds_the_gifs_frames(tmp_path, size, even) -> None:
    paths = [_path("rosenbrock", n, 120) for n in ("momentum", "adam")]
    s = surfaces.get("rosenbrock")
    kw = {"minima": s.minima, "start": s.start, "frames": 30, "fps": 12.5}
    data = render_mp4(_background("rosenbrock"), s.domain, paths, size=size, **kw)
    meta, frames = _decode_mp4(data, tmp_path)
    assert data[4:8] == b"ftyp"
    assert meta["codec"].startswith("h264") and meta["fps"] == pytest.approx(12.5)
    assert tuple(meta["size"]) == even == gif.mp4_size(size)
    assert len(frames) == len(frame_steps(paths, 30)) == 30
    # frame for frame what the GIF drawn at the even size shows, up to H.264's losses
    drawn = _decode(render_gif(_background("rosenbrock"), s.domain, paths, size=even, **kw))
    for k in (0, 15, 29):
        err = np.abs(frames[k].astype(float) - drawn[k])
        assert err.mean() < 4, k
    # the paths move: successive video frames differ
    assert not np.array_equal(frames[0], frames[29])


def test_the_mp4_checks_its_arguments_like_the_gif() -> None:
    path = _path("rosenbrock", "adam", 20)
    s = surfaces.get("rosenbrock")
    for bad, name in (({"frames": 5000}, "frames"), ({"size": (100, 100)}, "width")):
        with pytest.raises(ValueError, match=name):
            render_mp4(_background("rosenbrock"), s.domain, [path], **bad)  # type: ignore[arg-type]
