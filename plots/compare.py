"""The Compare figure: the contour map with every path, the loss curves and η_t, in one chart.

One Plotly figure (a plain dict, ready for JSON) so the step scrubber and the play button move
the markers on the map and on the loss curve together, in the browser, without a round trip.
Only markers are animated; the map is a background image drawn once. Arrays are float32 and
decimated to what a screen can show; nothing non-finite is sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plots.palette import path_color

MAX_POINTS = 400  # per drawn line: more is invisible at chart size and costs redraw time
CLICK_GRID = 25  # cells per side of the invisible grid that catches clicks (and shows f on hover)
CLICK_TRACE = "map"  # the name of that grid's trace
HEAD_TRACES = 3  # the click grid, the minima and the start come before the series' traces
TINY = 1e-12  # floor for a log-scale gap f − f* that reached exactly zero


@dataclass(frozen=True)
class Series:
    """One optimizer's run, as the figure needs it (NaN rows after divergence are allowed)."""

    key: str
    label: str
    color: str
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    lr: np.ndarray  # (steps,)
    diverged_at: int | None
    dash: str = "solid"  # a convention variant is dashed over its default form's solid line
    width: float = 2.5

    @property
    def last(self) -> int:
        return len(self.loss) - 1 if self.diverged_at is None else self.diverged_at - 1


@dataclass(frozen=True)
class MapView:
    """The surface side of the figure."""

    domain: tuple[tuple[float, float], tuple[float, float]]
    image_uri: str  # the shaded contour map (plots.raster)
    minima: Sequence[tuple[float, float]]
    start: tuple[float, float]
    f_min: float | None
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]  # (xs, ys, z) of the click grid


def _f32(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


def decimate(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Row indices 0 … n − 1, at most ``limit`` of them, always keeping both ends."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, limit)).astype(int))


# What every axis shares. Tick labels never reach past the figure (its margins hold them), so
# Plotly is told not to measure each one to find those that would: that measuring is a
# quarter of the first draw's text layout (a CPU profile of a first visit).
AXIS = {"ticklabeloverflow": "allow"}


def loss_axis(series: Sequence[Series], f_min: float | None) -> tuple[str, str]:
    """(axis type, title): the gap to f* on a log axis when f* is known, else f itself."""
    if f_min is not None:
        return "log", "f − f*  (log)"
    return "linear", "f"


def _loss_values(loss: np.ndarray, f_min: float | None) -> np.ndarray:
    return loss if f_min is None else np.maximum(loss - f_min, TINY)


def _drawn(series: Sequence[Series], values) -> np.ndarray:
    parts = [values(s)[: s.last + 1] for s in series if s.last >= 0]
    v = np.concatenate(parts) if parts else np.zeros(0)
    return v[np.isfinite(v)]


def _outward(lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] widened to multiples of a round step (one digit of the span's size)."""
    if not hi > lo:
        lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
    step = 10.0 ** np.floor(np.log10(hi - lo))
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def _nice_above(v: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7.5 × 10ᵏ at or above ``v`` > 0 (round values such
    as η = 0.01 sit inside a bucket, not on its edge)."""
    k = np.floor(np.log10(v))
    for m in (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0):
        if m * 10.0**k >= v * (1 - 1e-12):
            return float(m * 10.0**k)
    return float(10.0 ** (k + 1))


def data_ranges(series: Sequence[Series], f_min: float | None) -> dict[str, list[float]]:
    """Fixed ranges for the step, loss and η_t axes, rounded outward (whole decades on a log
    axis) so that a small change of a hyperparameter usually leaves them as they were. With
    every range fixed the browser can move the changed lines alone, without a full redraw."""
    steps = max((len(s.loss) - 1 for s in series), default=0) or 1
    pad = 0.03 * steps
    out = {"xaxis2": [-pad, steps + pad]}
    loss = _drawn(series, lambda s: _loss_values(s.loss, f_min))
    if f_min is not None:
        loss = loss[loss > 0]
        lo, hi = (np.log10(loss.min()), np.log10(loss.max())) if loss.size else (0.0, 1.0)
        lo, hi = float(np.floor(lo)), float(np.ceil(hi))
        out["yaxis2"] = [lo - 0.15, max(hi, lo + 1.0) + 0.15]  # log axis: decades
    else:
        lo, hi = _outward(*(loss.min(), loss.max()) if loss.size else (0.0, 1.0))
        out["yaxis2"] = [lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)]
    lr = _drawn(series, lambda s: s.lr)
    top = _nice_above(1.1 * float(lr.max())) if lr.size and lr.max() > 0 else 1.0
    out["yaxis3"] = [-0.04 * top, 1.06 * top]
    return out


EVERY_STEP = 50  # the first steps a frame each: momentum's first moves are the lesson
FRAMES = 100  # frames in all; past the first fifty, spaced evenly in log(step)


def frame_steps(series: Sequence[Series], count: int = FRAMES) -> np.ndarray:
    """The steps the animation shows: every step up to `EVERY_STEP` (or ``count`` − 1 when
    that is fewer), then steps spaced evenly in log(step) up to the last, ``count`` in all
    (fewer for a short run: one frame per step)."""
    steps = max((len(s.loss) - 1 for s in series), default=0)
    if steps + 1 <= count:
        return np.arange(steps + 1)
    first = min(EVERY_STEP, count - 2)
    late = np.geomspace(first + 1, steps, count - first - 1)
    return np.unique(np.concatenate([np.arange(first + 1), np.round(late).astype(int)]))


def _markers_at(
    series: Sequence[Series], steps: np.ndarray, f_min: float | None
) -> list[list[dict]]:
    """For each frame step, every series' marker on the map and on the loss curve (a path that
    ended earlier stays at its last point). Gathered per series in one indexing, since the
    figure is rebuilt on every slider move."""
    per_series = []
    for s in series:
        i = np.minimum(steps, s.last)
        # plain floats: a one-element typed array costs more JSON than the number
        xs, ys = ([_num(v) for v in s.xy[i, k].tolist()] for k in (0, 1))
        ls = [_num(v) for v in _loss_values(s.loss[i], f_min).tolist()]
        per_series.append((i.tolist(), xs, ys, ls))
    out = []
    for k in range(len(steps)):
        markers: list[dict] = []
        for i, xs, ys, ls in per_series:
            markers.append({"x": [xs[k]], "y": [ys[k]]})
            markers.append({"x": [i[k]], "y": [ls[k]]})
        out.append(markers)
    return out


PROJECTOR = 1.5  # presentation mode: text, lines and markers this much larger


def compare_figure(
    view: MapView,
    series: Sequence[Series],
    frames: int = FRAMES,
    height: int = 520,
    scale: float = 1.0,
) -> dict:
    """The whole figure as a dict for ``st.plotly_chart`` (or ``plotly.io``); ``scale``
    enlarges its text, lines and markers (`PROJECTOR` in presentation mode)."""
    (x0, x1), (y0, y1) = view.domain
    xs, ys, z = view.grid
    data: list[dict] = [
        {  # an invisible heatmap over the map: a click lands on its nearest cell centre and
            # hovering shows f there. One image for the browser, where 625 invisible markers
            # were each restyled on every redraw.
            "type": "heatmap",
            "x": _f32(xs),
            "y": _f32(ys),
            "z": _rows(z),
            "opacity": 0,
            "showscale": False,
            "hoverongaps": False,
            "hovertemplate": "x = %{x:.3f}<br>y = %{y:.3f}<br>f = %{z:.4g}<extra>click: start here</extra>",
            "showlegend": False,
            "name": CLICK_TRACE,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [m[0] for m in view.minima],
            "y": [m[1] for m in view.minima],
            "marker": {
                "symbol": "star",
                "size": 14 * scale,
                "color": "#ffffff",
                "line": {"color": "#111", "width": 1},
            },
            "name": "minimum",
            "hovertemplate": "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [view.start[0]],
            "y": [view.start[1]],
            "marker": {
                "symbol": "circle",
                "size": 11 * scale,
                "color": "#ffffff",
                "line": {"color": "#111", "width": 2},
            },
            "name": "start",
            "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>",
        },
    ]
    axis_type, axis_title = loss_axis(series, view.f_min)
    for s in series:
        data += _series_traces(view, s, scale)
    last_step = frame_steps(series, frames)[-1:] if series else np.array([0])
    at_last = _markers_at(series, last_step, view.f_min)[0]
    animated: list[int] = []
    for s, marker in zip(series, _chunks(at_last), strict=True):
        animated += [len(data), len(data) + 1]
        data += _marker_traces(s, marker, scale)
    steps = frame_steps(series, frames) if series else np.array([0])
    ranges = data_ranges(series, view.f_min)
    # plotly.js animates a subplot by redrawing the frame's traces on it alone: on a subplot none
    # of whose traces is in the frame (η_t) it removes every line. So each frame also names the
    # η_t lines, unchanged (an empty update).
    rates = [HEAD_TRACES + 4 * j + 3 for j in range(len(series))]
    figure_frames = [
        {"name": str(int(k)), "data": markers + [{}] * len(rates), "traces": animated + rates}
        for k, markers in zip(steps, _markers_at(series, steps, view.f_min), strict=True)
    ]
    layout = {
        "height": height,
        "margin": {"l": 50 * scale, "r": 20, "t": 30 * scale, "b": 40 * scale},
        "hovermode": "closest",
        # a click is an event only (no selection restyles the traces); a drag on the map zooms
        # (the loss and η_t axes are fixed), a double click or the player's ⟲ resets it, and
        # the zoom outlives a rerun on the same map (uirevision)
        "dragmode": "zoom",
        "uirevision": f"{x0},{x1},{y0},{y1}",
        "clickmode": "event",
        "plot_bgcolor": "#ffffff",
        "font": {"size": 12 * scale},
        "legend": {"orientation": "h", "x": 0.0, "y": 1.06, "xanchor": "left", "yanchor": "bottom"},
        "xaxis": {
            **AXIS,
            "domain": [0.0, 0.58],
            "range": [x0, x1],
            "title": {"text": "x", "standoff": 2, "font": {"size": 12 * scale}},
            "automargin": "height",
            "showgrid": False,
            "zeroline": False,
            "fixedrange": False,
            "constrain": "domain",
        },
        "yaxis": {
            **AXIS,
            "domain": [0.0, 1.0],
            "range": [y0, y1],
            "title": {"text": "y"},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": False,
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
        },
        "xaxis2": {
            **AXIS,
            "domain": [0.7, 1.0],
            "anchor": "y2",
            "range": ranges["xaxis2"],
            "showticklabels": False,  # the η_t panel below shares and labels the steps
            "fixedrange": True,
        },
        "yaxis2": {
            **AXIS,
            "domain": [0.42, 1.0],
            "anchor": "x2",
            "type": axis_type,
            "range": ranges["yaxis2"],
            "exponentformat": "power",
            "fixedrange": True,
            **({"dtick": _decade_step(series, view.f_min)} if axis_type == "log" else {}),
        },
        "xaxis3": {
            **AXIS,
            "domain": [0.7, 1.0],
            "anchor": "y3",
            "matches": "x2",
            "title": {"text": "step", "standoff": 2, "font": {"size": 12 * scale}},
            "automargin": "height",
            "fixedrange": True,
        },
        "yaxis3": {
            **AXIS,
            "domain": [0.0, 0.32],
            "anchor": "x3",
            "exponentformat": "power",
            "range": ranges["yaxis3"],
            "fixedrange": True,
        },
        # the panels' titles above them, not beside: between the map and the panels there is
        # room for the tick labels only, and a narrow window would draw one over the other
        "annotations": [
            _panel_title(axis_title, 1.0, scale),
            _panel_title("η<sub>t</sub>", 0.32, scale),
        ],
        "images": [
            {
                "source": view.image_uri,
                "xref": "x",
                "yref": "y",
                "x": x0,
                "y": y1,
                "sizex": x1 - x0,
                "sizey": y1 - y0,
                "sizing": "stretch",
                "layer": "below",
            }
        ],
        # the frames' steps, for the player under the chart (ui/live_chart/chart.js): play,
        # pause, speed, one step either way, a scrubber and the keyboard
        "meta": {"frame_steps": [int(k) for k in steps], "map_aspect": (y1 - y0) / (x1 - x0)},
    }
    return {"data": data, "layout": layout, "frames": figure_frames}


def with_step_arrows(figure: dict, arrows: list[dict]) -> dict:
    """``figure`` with what each run's step is made of at every frame (the list
    `scenarios.analysis.step_arrows` gives for the frame steps), for the player to draw as
    arrows on the map at the frame it shows (ui/live_chart/player.js). A new dict."""
    layout = {**figure["layout"], "meta": {**figure["layout"]["meta"], "arrows": arrows}}
    return {**figure, "layout": layout}


def _panel_title(text: str, top: float, scale: float) -> dict:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0.7,
        "y": top,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12 * scale},
    }


def _series_traces(view: MapView, s: Series, scale: float = 1.0) -> list[dict]:
    """One series' path, end marker, loss line and η_t line (in this order)."""
    keep = decimate(s.last + 1)
    xy, loss = s.xy[keep], _loss_values(s.loss[keep], view.f_min)
    lr_keep = decimate(len(s.lr))
    group = {
        "legendgroup": s.key,
        "line": {"color": s.color, "width": s.width * scale, "dash": s.dash},
    }
    end = s.xy[s.last]
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": _f32(xy[:, 0]),
            "y": _f32(xy[:, 1]),
            "customdata": keep.astype(np.int32),
            "name": s.label,
            "hovertemplate": f"{s.label}<br>step %{{customdata}}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
            **group,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": _f32(end[None, 0]),
            "y": _f32(end[None, 1]),
            "marker": {
                "symbol": "x" if s.diverged_at is not None else "circle",
                "size": (14 if s.diverged_at is not None else 9) * scale,
                "color": s.color,
                "line": {"color": "#111", "width": 1},
            },
            "showlegend": False,
            "legendgroup": s.key,
            "hovertemplate": (
                f"{s.label}: diverged at step {s.diverged_at}<extra></extra>"
                if s.diverged_at is not None
                else f"{s.label}: end<extra></extra>"
            ),
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": keep.astype(np.int32),
            "y": _f32(loss),
            "xaxis": "x2",
            "yaxis": "y2",
            "showlegend": False,
            "hovertemplate": f"{s.label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
            **group,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": (lr_keep + 1).astype(np.int32),
            "y": _f32(s.lr[lr_keep]),
            "xaxis": "x3",
            "yaxis": "y3",
            "showlegend": False,
            "hovertemplate": f"{s.label}<br>step %{{x}}<br>η = %{{y:.4g}}<extra></extra>",
            **group,
        },
    ]


def _marker_traces(s: Series, marker: list[dict], scale: float = 1.0) -> list[dict]:
    """One series' two animated markers, on the map and on the loss curve."""
    return [
        {
            "type": "scatter",
            "mode": "markers",
            **m,
            "xaxis": axes[0],
            "yaxis": axes[1],
            "marker": {
                "size": 12 * scale,
                "color": s.color,
                "line": {"color": "#111", "width": 1.5},
            },
            "showlegend": False,
            "legendgroup": s.key,
            "hoverinfo": "skip",
        }
        for axes, m in zip((("x", "y"), ("x2", "y2")), marker, strict=True)
    ]


def series_slots(count: int, j: int) -> list[int]:
    """Where series ``j`` of ``count`` has its traces in `compare_figure`'s data: its path, end
    marker, loss and η_t lines, then its two animated markers (every frame's entries
    ``2j`` and ``2j + 1``)."""
    first = HEAD_TRACES + 4 * j
    marker = HEAD_TRACES + 4 * count + 2 * j
    return [first, first + 1, first + 2, first + 3, marker, marker + 1]


def series_swap(
    view: MapView,
    series: Sequence[Series],
    j: int,
    other: Series,
    frames: int = FRAMES,
    scale: float = 1.0,
) -> dict:
    """What `compare_figure(view, series, frames)` would have for series ``j`` with ``other``
    in its place (a run of the same optimizer with another hyperparameter): its six traces
    (the order of `series_slots`) and, per animation frame, its two markers. The frame steps
    and the axes stay those of ``series``: the browser swaps this in without a round trip."""
    steps = frame_steps(series, frames)
    per_frame = _markers_at([other], steps, view.f_min)
    traces = _series_traces(view, other, scale) + _marker_traces(other, per_frame[-1], scale)
    return {"traces": traces, "frames": per_frame}


# What a new surface parameter changes on the figure besides its traces: the map image, the
# loss and η_t axes, and the loss panel's title (f, or f − f* on a log axis). Plotly's
# relayout paths.
SURFACE_LAYOUT = (
    "images[0].source",
    "xaxis2.range",
    "yaxis2.type",
    "yaxis2.range",
    "yaxis2.dtick",
    "yaxis3.range",
    "annotations[0].text",
)


def _at_path(layout: dict, path: str):
    node = layout
    for part in re.findall(r"[^.\[\]]+", path):
        if isinstance(node, list):
            node = node[int(part)] if int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        if node is None:
            return None
    return node


def layout_patch(layout: dict) -> dict:
    """The values of `SURFACE_LAYOUT` in ``layout`` (None where unset: relayout removes it)."""
    return {path: _at_path(layout, path) for path in SURFACE_LAYOUT}


def animated_slots(count: int) -> list[int]:
    """The animated markers' traces of a figure with ``count`` series, in the frames' order."""
    return list(range(HEAD_TRACES + 4 * count, HEAD_TRACES + 6 * count))


def figure_swap(now: dict, other: dict, series: Sequence[Series], f_min: float | None) -> dict:
    """``other`` (the figure of the same view on the surface with another parameter value,
    drawn from ``series``) as a swap onto ``now``: every trace, each frame's markers at the
    steps ``now``'s player shows, and the layout values that changed with the surface."""
    steps = np.asarray(now["layout"]["meta"]["frame_steps"])
    return {
        "traces": other["data"],
        "frames": _markers_at(series, steps, f_min),
        "layout": layout_patch(other["layout"]),
    }


def _decade_step(series: Sequence[Series], f_min: float | None) -> int:
    """Label every k-th decade of the log loss axis: about six labels, never minor ones."""
    values = [_loss_values(s.loss[: s.last + 1], f_min) for s in series if s.last >= 0]
    if not values:
        return 1
    v = np.concatenate(values)
    decades = np.log10(v.max()) - np.log10(v.min())
    return max(1, int(np.ceil(decades / 6)))


def _rows(z: np.ndarray) -> list[list[float | None]]:
    """A 2-D grid as nested lists of 6-digit floats, None where f is undefined (JSON has no NaN)."""
    rows = np.asarray(z, float).tolist()  # Python floats: formatting them is 5× cheaper
    return [[_num(v) if math.isfinite(v) else None for v in row] for row in rows]


def _num(v: float) -> float:
    return float(f"{float(v):.6g}")


def _chunks(items: list[dict]) -> list[list[dict]]:
    return [items[i : i + 2] for i in range(0, len(items), 2)]


# A 1×1 white PNG: the rehearsal's map image (the real one is plots.raster's).
_BLANK_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"


def rehearsal_figure(paths: int = 4) -> dict:
    """A small figure made like `compare_figure`'s (the same subplots, legend, image, click
    grid, play button, scrubber and frames) around ``paths`` made-up five-point paths. The
    browser draws it once, off-screen, while the server computes the real figure
    (ui/plotly_js.py): plotly.js's first draw of a figure runs cold, about 0.3 s of the
    browser's main thread here against 0.06 s for the next one."""
    t = np.linspace(0.0, 1.0, 5)
    series = [
        Series(
            key=f"path{i}",
            label=f"path {i}",
            color=path_color("", i),
            xy=np.stack([t - 1.0, t * (1 + i)], axis=1),
            loss=10.0 ** -(t * (2 + i)),
            lr=np.full(4, 0.01),
            diverged_at=None,
        )
        for i in range(paths)
    ]
    grid = (np.linspace(-1, 1, 3), np.linspace(-1, 1, 3), np.arange(9.0).reshape(3, 3))
    view = MapView(((-2.0, 2.0), (-1.0, 3.0)), _BLANK_PNG, [(1.0, 1.0)], (-1.0, 0.0), 0.0, grid)
    return compare_figure(view, series, frames=4)
