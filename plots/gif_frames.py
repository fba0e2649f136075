"""The pictures in the animated GIF: the contour map with the paths growing on it, and the loss
curves beside it, as palette ("P") images ready for `plots.gif` to write.

Speed comes from never drawing anything twice. The static picture (the map, the axes, the
legend, the stars and the start) is drawn once in RGB and quantized once to a palette; the path
colours, the marker outline and a transparent index get palette entries of their own. Paths are
drawn as palette indices onto a cumulative "trails" image, each frame adding only its new
segments, and a frame is a copy of it plus the current-position markers. With each frame come
the boxes where it may differ from the previous one, which is all the writer compares.

Every frame also carries a step counter ("step 37 / 200"): the one piece of text that changes,
drawn into a small white box on a copy of the trails and mapped onto the exact greys of the
palette. The rest of the text (ticks, axis labels, the legend with each optimizer's
hyperparameters, the title) is static. Text uses the DejaVu Sans subset shipped in
plots/fonts/ (Latin, Greek, sub- and superscripts and the mathematical signs the registries
use: η β₁ ε ρ − √ ‖ ∇), so labels can say "f − f*" and "η = 0.05, β = 0.9".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from plots.palette import hex_to_rgb

if TYPE_CHECKING:
    from plots.gif import GifPath

Domain = tuple[tuple[float, float], tuple[float, float]]
Box = tuple[int, int, int, int]  # left, top, right, bottom (exclusive), in pixels

STATIC_COLORS = 224  # most palette entries for the map's colours (the rest are exact ones)
TEXT = (40, 40, 40)
GRID = (232, 232, 232)
AXIS = (110, 110, 110)
OUTLINE = "#111111"
WHITE = "#ffffff"
GREYS = 24  # exact greys from TEXT to white, the first palette entries: antialiased text
# DejaVu Sans cut down to the characters the app writes (plots/fonts/README.md says how)
FONT = Path(__file__).with_name("fonts") / "DejaVuSans-subset.ttf"
AXIS_LABELS = ("x", "y")


# ---------------------------------------------------------------------------------------
# Layout: where the map, the loss panel and the legend go; the two coordinate transforms
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


@dataclass(frozen=True)
class _Rect:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:  # last pixel column inside
        return self.left + self.width - 1

    @property
    def bottom(self) -> int:  # last pixel row inside
        return self.top + self.height - 1


@dataclass(frozen=True)
class Layout:
    """Where the map, the loss panel and the legend go, in pixels; data to pixel transforms."""

    size: tuple[int, int]
    scale: float  # 1 at 640 × 480
    domain: Domain
    map: _Rect
    loss: _Rect
    loss_range: tuple[float, float]  # in plotted units: log10 of the value on a log axis
    loss_log: bool
    steps: int  # the step axis runs 0 … steps
    loss_label: str
    title: str
    axis_labels: tuple[str, str]  # the map's x and y
    legend: list[list[int]]  # path indices, row by row
    legend_top: int
    counter: Box  # where the step counter goes (white in the static frame)
    font: int  # tick label size, px
    line: int  # height of a row of text, px
    pad: int

    @staticmethod
    def make(
        domain: Domain,
        paths: Sequence[GifPath],
        size: tuple[int, int],
        loss_log: bool,
        loss_label: str,
        title: str,
        steps: int,
        axis_labels: tuple[str, str] = AXIS_LABELS,
    ) -> Layout:
        width, height = size
        scale = min(width / 640.0, height / 480.0)
        fs = max(9, round(11 * scale))
        font = _font(fs)
        line = fs + max(3, round(4 * scale))
        pad = max(4, round(8 * scale))
        tick = max(3, round(4 * scale))
        top = pad + (_title_size(scale) + pad if title else 0)
        # The legend spans the width at the bottom; above it, the map on the left and the loss
        # panel on the right, each with a row of tick labels and an axis label below.
        legend = _legend_rows(paths, width - 2 * pad, fs)
        legend_top = height - pad - len(legend) * (line + 1)
        below = tick + 2 + 2 * line  # tick labels, then the axis label
        bottom = legend_top - pad // 2  # the plots and their labels end here
        split = round(width * 0.56)
        # The map keeps the domain's aspect, with room for tick labels left of and below it.
        (x0, x1), (y0, y1) = domain
        ylabel = font.getlength(axis_labels[1]) + fs // 2
        left = pad + ylabel + max(font.getlength(_fmt(v)) for v in _nice_ticks(y0, y1)) + fs // 2
        avail_w = split - left - pad
        avail_h = bottom - top - below
        aspect = (x1 - x0) / (y1 - y0)
        mw = max(2.0, min(avail_w, avail_h * aspect))
        mh = mw / aspect
        map_top = top + min(line, avail_h - mh)  # level with the loss panel when there is room
        map_rect = _Rect(
            round(left + (avail_w - mw) / 2), round(map_top), max(2, round(mw)), max(2, round(mh))
        )
        # The loss panel: its caption and the step counter above; step ticks and "step" below.
        lo, hi = _loss_range(paths, loss_log)
        ticks = _loss_ticks(lo, hi, loss_log)
        lx = round(split + pad + max(font.getlength(_fmt_loss(t, loss_log)) for t in ticks))
        lx += fs // 2
        lw = width - pad - round(font.getlength(str(steps)) / 2) - lx  # the last tick's label fits
        ltop = top + line
        loss_rect = _Rect(lx, ltop, lw, max(20, bottom - below - ltop))
        longest = font.getlength(counter_text(steps, steps)) + fs
        right = lx + lw
        counter = (round(right - longest), ltop - line, right, ltop - 1)
        return Layout(
            size=(width, height),
            scale=scale,
            domain=domain,
            map=map_rect,
            loss=loss_rect,
            loss_range=(lo, hi),
            loss_log=loss_log,
            steps=max(steps, 1),
            loss_label=loss_label,
            title=title,
            axis_labels=axis_labels,
            legend=legend,
            legend_top=legend_top,
            counter=counter,
            font=fs,
            line=line,
            pad=pad,
        )

    def map_px(self, xy: np.ndarray) -> np.ndarray:
        """Pixel centres (float, (n, 2)) of the points ``xy``, clipped to the map's edges."""
        (x0, x1), (y0, y1) = self.domain
        m = self.map
        with np.errstate(over="ignore", invalid="ignore"):  # far-off points: clipped anyway
            u = m.left + (xy[:, 0] - x0) / (x1 - x0) * m.width - 0.5
            v = m.top + (y1 - xy[:, 1]) / (y1 - y0) * m.height - 0.5
        return np.stack([np.clip(u, m.left, m.right), np.clip(v, m.top, m.bottom)], axis=1)

    def loss_px(self, loss: np.ndarray) -> np.ndarray:
        """Pixel centres (n, 2) of a loss curve against the step, clipped to the panel.

        Non-finite values come back as NaN rows (gaps); on a log axis values ≤ 0 sit on the
        bottom edge.
        """
        r = self.loss
        lo, hi = self.loss_range
        finite = np.isfinite(loss)
        if self.loss_log:
            val = np.full(loss.shape, -np.inf)
            positive = finite & (loss > 0)
            val[positive] = np.log10(loss[positive])
        else:
            val = loss
        with np.errstate(over="ignore", invalid="ignore"):
            v = np.clip(r.top + (hi - val) / (hi - lo) * (r.height - 1), r.top, r.bottom)
        u = r.left + np.arange(len(loss)) / self.steps * (r.width - 1)
        return np.where(finite[:, None], np.stack([u, v], axis=1), np.nan)


def _title_size(scale: float) -> int:
    return max(11, round(15 * scale))


def _loss_range(paths: Sequence[GifPath], log: bool) -> tuple[float, float]:
    values = np.concatenate([p.loss[: max(p.last + 1, 0)] for p in paths])
    values = values[np.isfinite(values)]
    if log:
        values = np.log10(values[values > 0])
    if values.size == 0:
        return (-1.0, 1.0) if log else (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    if log:  # less than a decade between ticks: widen to whole decades, so there are two
        if math.floor(hi) - math.ceil(lo) < 1:
            lo, hi = math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1)
        margin = 0.03 * (hi - lo)
        return lo - margin, hi + margin
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        lo, hi = lo - 0.5, hi + 0.5
    margin = 0.04 * (hi - lo)
    return lo - margin, hi + margin


def _loss_ticks(lo: float, hi: float, log: bool) -> list[float]:
    if not log:
        return _nice_ticks(lo, hi)
    first, last = math.ceil(lo), math.floor(hi)
    every = max(1, math.ceil((last - first) / 4))
    return [float(e) for e in range(last, first - 1, -every)][::-1]


def _room(pixels: int, per_tick: int) -> int:
    """How many tick labels fit along ``pixels`` (2 to 5)."""
    return max(2, min(5, pixels // per_tick + 1))


def _nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round values in [lo, hi], 1-2-2.5-5 spaced, at most ``most`` of them."""
    base = 10.0 ** math.floor(math.log10((hi - lo) / max(most - 1, 1)))
    step = next(m * base for m in (1, 2, 2.5, 5, 10) if (hi - lo) / (m * base) <= most - 1)
    first = math.ceil(lo / step - 1e-9)
    ticks = [(first + i) * step for i in range(most + 1)]
    return [0.0 if abs(t) < step * 1e-9 else t for t in ticks if t <= hi + step * 1e-9]


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _fmt_loss(v: float, log: bool) -> str:
    if not log:
        return _fmt(v)
    e = round(v)
    return {0: "1", 1: "10", 2: "100"}.get(e, f"1e{e}")


def counter_text(step: int, steps: int) -> str:
    return f"step {step} / {steps}"


def legend_text(p: GifPath) -> str:
    """A legend entry's words: the label, then its details (hyperparameters) after two spaces."""
    return f"{p.label}  {p.detail}" if p.detail else p.label


def _legend_rows(paths: Sequence[GifPath], width: float, fs: int) -> list[list[int]]:
    """Path indices per legend row, each entry as wide as its text, as many a row as fit."""
    font = _font(fs + 1)
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, p in enumerate(paths):
        entry = 2 * fs + font.getlength(legend_text(p)) + 2 * fs  # swatch, text, gap
        if rows[-1] and used + entry - 2 * fs > width:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += entry
    return rows


# ---------------------------------------------------------------------------------------
# The static frame and its palette
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ink:
    """Palette entries to draw with, and the static markers to keep above the trails."""

    paths: tuple[int, ...]
    outline: int
    keep_on_top: tuple[tuple[Box, Image.Image, Image.Image], ...]  # box, pixels ("P"), mask
    palette: bytes  # for the step counter's "P" patches


def _grey_index(value: int) -> int:
    """The palette index of the exact grey nearest ``value`` (TEXT … white, see static_frame)."""
    return min(GREYS - 1, max(0, round((value - TEXT[0]) / (255 - TEXT[0]) * (GREYS - 1))))


_GREY_LUT = [_grey_index(v) for v in range(256)]


def static_frame(
    bg: np.ndarray,
    layout: Layout,
    paths: Sequence[GifPath],
    minima: Sequence[tuple[float, float]],
    start: tuple[float, float] | None,
) -> tuple[Image.Image, bytes, Ink]:
    """What every frame starts from, as a "P" image; its palette; the indices to draw with.

    The palette: exact greys for text (antialiased dark on white), the axis and grid colours,
    the path colours and the marker outline, then up to ``STATIC_COLORS`` colours quantized
    from the map alone, and last the transparent index. Only the map needs a quantizer, so
    text, white and the legend keep their exact colours.
    """
    canvas = Image.new("RGB", layout.size, "white")
    m = layout.map
    canvas.paste(
        Image.fromarray(bg).resize((m.width, m.height), Image.Resampling.BILINEAR), (m.left, m.top)
    )
    draw = ImageDraw.Draw(canvas)
    _draw_map_axes(draw, layout)
    _draw_loss_axes(draw, layout)
    _draw_legend(draw, layout, paths)
    if layout.title:
        font = _font(_title_size(layout.scale))
        draw.text((layout.size[0] / 2, layout.pad), layout.title, fill=TEXT, font=font, anchor="ma")
    marks = [("star", at) for at in layout.map_px(_inside(minima, layout.domain))]
    if start is not None:
        marks.append(("circle", layout.map_px(np.asarray([start], dtype=np.float64))[0]))
    stamped = [_stamp(canvas, kind, at, layout.scale) for kind, at in marks]

    greys = np.linspace(TEXT[0], 255, GREYS).round().astype(np.uint8)
    chrome = [*((g, g, g) for g in greys.tolist()), AXIS, GRID]
    chrome += [hex_to_rgb(c) for c in (*(p.color for p in paths), OUTLINE)]
    colors = bytearray(bytes(c for rgb in chrome for c in rgb))
    reference = Image.new("P", (1, 1))  # padded with white, so padding is never a closer match
    reference.putpalette(colors + bytes((255, 255, 255)) * (256 - len(chrome)))
    indices = np.array(canvas.quantize(palette=reference, dither=Image.Dither.NONE))
    n_map = min(STATIC_COLORS, 255 - len(chrome))
    area = (m.left, m.top, m.left + m.width, m.top + m.height)
    quantized = canvas.crop(area).quantize(
        n_map, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    colors += bytes((quantized.getpalette() or [])[: 3 * n_map])
    rows, cols = slice(m.top, m.top + m.height), slice(m.left, m.left + m.width)
    indices[rows, cols] = np.asarray(quantized) + len(chrome)  # at most 254: below gif.TRANSPARENT
    colors += bytes((255, 0, 255)) * (256 - len(colors) // 3)  # unused: gif.TRANSPARENT is one
    frame = Image.fromarray(indices)
    frame.putpalette(colors)  # "L" → "P", indices kept
    ink = Ink(
        paths=tuple(range(len(greys) + 2, len(greys) + 2 + len(paths))),
        outline=len(chrome) - 1,
        keep_on_top=tuple((box, frame.crop(box), mask) for box, mask in stamped),
        palette=bytes(colors),
    )
    return frame, bytes(colors), ink


def _draw_map_axes(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    m, font, tick = layout.map, _font(layout.font), _tick(layout)
    draw.rectangle((m.left - 1, m.top - 1, m.right + 1, m.bottom + 1), outline=AXIS)
    (x0, x1), (y0, y1) = layout.domain
    for x in _nice_ticks(x0, x1, _room(m.width, 4 * layout.font)):
        u = round(layout.map_px(np.array([[x, y0]]))[0, 0])
        draw.line((u, m.bottom + 2, u, m.bottom + 1 + tick), fill=AXIS)
        draw.text((u, m.bottom + tick + 2), _fmt(x), fill=TEXT, font=font, anchor="ma")
    widest = 0.0
    for y in _nice_ticks(y0, y1, _room(m.height, 2 * layout.line)):
        v = round(layout.map_px(np.array([[x0, y]]))[0, 1])
        draw.line((m.left - 1 - tick, v, m.left - 2, v), fill=AXIS)
        draw.text((m.left - tick - 3, v), _fmt(y), fill=TEXT, font=font, anchor="rm")
        widest = max(widest, font.getlength(_fmt(y)))
    xlabel, ylabel = layout.axis_labels
    below = m.bottom + tick + 2 + layout.line
    draw.text(((m.left + m.right) / 2, below), xlabel, fill=TEXT, font=font, anchor="ma")
    # right-aligned beside the tick labels (Layout.make left room for it)
    u = max(layout.pad + font.getlength(ylabel), m.left - tick - 3 - widest - layout.font // 2)
    draw.text((u, (m.top + m.bottom) / 2), ylabel, fill=TEXT, font=font, anchor="rm")


def _draw_loss_axes(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    r, font, tick = layout.loss, _font(layout.font), _tick(layout)
    lo, hi = layout.loss_range
    for t in _loss_ticks(lo, hi, layout.loss_log):
        v = round(r.top + (hi - t) / (hi - lo) * (r.height - 1))
        draw.line((r.left, v, r.right, v), fill=GRID)
        draw.line((r.left - 1 - tick, v, r.left - 2, v), fill=AXIS)
        label = _fmt_loss(t, layout.loss_log)
        draw.text((r.left - tick - 3, v), label, fill=TEXT, font=font, anchor="rm")
    for s in _nice_ticks(0, layout.steps, _room(r.width, 4 * layout.font)):
        if s != round(s):
            continue
        u = round(r.left + s / layout.steps * (r.width - 1))
        draw.line((u, r.top, u, r.bottom), fill=GRID)
        draw.line((u, r.bottom + 2, u, r.bottom + 1 + tick), fill=AXIS)
        draw.text((u, r.bottom + tick + 2), str(round(s)), fill=TEXT, font=font, anchor="ma")
    draw.rectangle((r.left - 1, r.top - 1, r.right + 1, r.bottom + 1), outline=AXIS)
    draw.text((r.left - 1, r.top - 3), layout.loss_label, fill=TEXT, font=font, anchor="ld")
    below = r.bottom + tick + 2 + layout.line
    draw.text(((r.left + r.right) / 2, below), "step", fill=TEXT, font=font, anchor="ma")


def _draw_legend(draw: ImageDraw.ImageDraw, layout: Layout, paths: Sequence[GifPath]) -> None:
    fs = layout.font
    font = _font(fs + 1)
    for j, row in enumerate(layout.legend):
        v = layout.legend_top + j * (layout.line + 1) + layout.line // 2
        u = float(layout.pad)
        for i in row:
            text = legend_text(paths[i])
            left = round(u)
            draw.line(
                (left, v, left + 2 * fs - 4, v), fill=paths[i].color, width=_width(layout) + 1
            )
            draw.text((left + 2 * fs, v), text, fill=TEXT, font=font, anchor="lm")
            u += 2 * fs + font.getlength(text) + 2 * fs


def _tick(layout: Layout) -> int:
    return max(3, round(4 * layout.scale))


def _width(layout: Layout) -> int:
    """Line width of a path, px."""
    return max(2, round(2 * layout.scale))


def _inside(points: Sequence[tuple[float, float]], domain: Domain) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    pts = np.asarray(list(points), dtype=np.float64).reshape(-1, 2)
    keep = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return pts[keep]


def _stamp(canvas: Image.Image, kind: str, at: np.ndarray, scale: float) -> tuple[Box, Image.Image]:
    """Draw a star or a circle, antialiased (4× supersampled), centred at ``at``.

    Returns its box and a mask of the pixels it covers, to put it back above the trails.
    """
    ss = 4
    radius = max(4.0, 8.0 * scale) if kind == "star" else max(3.0, 5.5 * scale)
    half = math.ceil(radius + 2)
    side = 2 * half + 1
    big = Image.new("RGBA", (side * ss, side * ss), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    c, rr = (half + 0.5) * ss, radius * ss
    if kind == "star":
        spikes = [
            (c + rr * f * math.sin(k * math.pi / 5), c - rr * f * math.cos(k * math.pi / 5))
            for k in range(10)
            for f in [1.0 if k % 2 == 0 else 0.45]
        ]
        draw.polygon(spikes, fill=WHITE, outline=OUTLINE, width=round(1.2 * ss))
    else:
        draw.ellipse((c - rr, c - rr, c + rr, c + rr), fill=WHITE, outline=OUTLINE, width=2 * ss)
    small = big.resize((side, side), Image.Resampling.LANCZOS)
    left, top = round(float(at[0])) - half, round(float(at[1])) - half
    canvas.paste(small, (left, top), small)
    mask = small.getchannel("A").point(lambda a: 255 if a >= 64 else 0)
    return (left, top, left + side, top + side), mask


# ---------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------


def frames(
    static: Image.Image,
    layout: Layout,
    paths: Sequence[GifPath],
    steps: np.ndarray,
    ink: Ink,
) -> Iterator[tuple[Image.Image, list[Box]]]:
    """Each frame, with boxes covering everything that may differ from the previous one."""
    trails = static.copy()
    draw = ImageDraw.Draw(trails)
    width = _width(layout)
    dot_map, dot_loss = max(3, round(5 * layout.scale)), max(2, round(4 * layout.scale))
    curves = (
        [(_Pixels(layout.map_px(p.xy), p.last), dot_map) for p in paths],
        [(_Pixels(layout.loss_px(p.loss), p.last), dot_loss) for p in paths],
    )
    drawn = [0] * len(paths)  # rows drawn so far, per path
    crossed = [False] * len(paths)
    last_marks: list[Box] = []
    counter = _Counter(layout, ink.palette)
    for s in (int(s) for s in steps):
        dirty: list[Box] = [layout.counter]
        for i, p in enumerate(paths):
            end = min(s, p.last)
            if end > drawn[i]:
                for side in curves:
                    dirty += side[i][0].line(draw, drawn[i], end, ink.paths[i], width)
                drawn[i] = end
            if p.diverged_at is not None and s >= p.diverged_at and not crossed[i]:
                crossed[i] = True  # from here on a cross marks its last finite point
                for side in curves:
                    pixels, r = side[i]
                    dirty += pixels.cross(draw, r + 1, ink.paths[i], ink.outline, width)
        for box, pixels, mask in ink.keep_on_top:  # stars and the start stay above the trails
            if any(_overlap(box, d) for d in dirty):
                trails.paste(pixels, box[:2], mask)
        frame = trails.copy()
        counter.draw(frame, s)
        fdraw = ImageDraw.Draw(frame)
        marks: list[Box] = []
        for i, p in enumerate(paths):
            if p.diverged_at is None or s < p.diverged_at:
                for side in curves:
                    pixels, r = side[i]
                    marks += pixels.dot(fdraw, min(s, p.last), r, ink.paths[i], ink.outline)
        yield frame, dirty + marks + last_marks
        last_marks = marks


class _Counter:
    """The step counter: each frame's text drawn in greyscale on white, as palette indices."""

    def __init__(self, layout: Layout, palette: bytes) -> None:
        self.box = layout.counter
        self.font = _font(layout.font)
        self.steps = layout.steps
        self.palette = palette
        # where the loss panel's caption sits on its line, the counter's right end level with it
        left, top, right, bottom = self.box
        self.at = (right - left, layout.loss.top - 3 - top)
        self.size = (right - left, bottom - top)

    def draw(self, frame: Image.Image, step: int) -> None:
        patch = Image.new("L", self.size, 255)
        text = counter_text(step, self.steps)
        ImageDraw.Draw(patch).text(self.at, text, fill=TEXT[0], font=self.font, anchor="rd")
        patch = patch.point(_GREY_LUT)
        patch.putpalette(self.palette)  # "L" → "P", indices kept
        frame.paste(patch, self.box[:2])


class _Pixels:
    """A path's points as integer pixels, held as Python lists (cheap to slice per frame)."""

    def __init__(self, px: np.ndarray, last: int) -> None:
        ok = np.isfinite(px).all(axis=1)
        xy = np.where(ok[:, None], np.round(np.nan_to_num(px)), 0).astype(int)
        self.x, self.y = xy[:, 0].tolist(), xy[:, 1].tolist()
        self.flat = xy.ravel().tolist()
        self.ok = ok
        self.all_ok = bool(ok[: last + 1].all())
        self.last = last

    def line(self, draw: ImageDraw.ImageDraw, a: int, b: int, ink: int, width: int) -> list[Box]:
        """Draw rows a … b (skipping non-finite ones); the boxes drawn into."""
        if self.all_ok:
            runs = [(a, b)]
        else:  # split at gaps
            cut = [a - 1, *(a + np.flatnonzero(~self.ok[a : b + 1])).tolist(), b + 1]
            runs = [(lo + 1, hi - 1) for lo, hi in itertools.pairwise(cut) if hi - lo > 2]
        boxes = []
        for lo, hi in runs:
            draw.line(self.flat[2 * lo : 2 * hi + 2], fill=ink, width=width)
            xs, ys = self.x[lo : hi + 1], self.y[lo : hi + 1]
            boxes.append(
                (min(xs) - width, min(ys) - width, max(xs) + width + 1, max(ys) + width + 1)
            )
        return boxes

    def dot(self, draw: ImageDraw.ImageDraw, i: int, r: int, fill: int, outline: int) -> list[Box]:
        if not self.ok[i]:
            return []
        u, v = self.x[i], self.y[i]
        draw.ellipse((u - r, v - r, u + r, v + r), fill=fill, outline=outline)
        return [(u - r - 1, v - r - 1, u + r + 2, v + r + 2)]

    def cross(
        self, draw: ImageDraw.ImageDraw, r: int, fill: int, outline: int, width: int
    ) -> list[Box]:
        """An x at the last row drawn (the last finite point of a diverged path)."""
        if self.last < 0 or not self.ok[self.last]:
            return []
        u, v = self.x[self.last], self.y[self.last]
        for color, w in ((outline, width + 3), (fill, width + 1)):
            draw.line((u - r, v - r, u + r, v + r), fill=color, width=w)
            draw.line((u - r, v + r, u + r, v - r), fill=color, width=w)
        grow = r + width + 2
        return [(u - grow, v - grow, u + grow + 1, v + grow + 1)]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
