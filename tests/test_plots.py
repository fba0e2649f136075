"""The Compare figure and the shaded map: valid Plotly, nothing non-finite, lean payloads."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import optimizers
import surfaces
from plots import compare, lean, palette, raster


def _view(surface, start=None, n=compare.CLICK_GRID):
    _, _, z = surfaces.grid(surface, None, 64, 64)
    image = raster.shade(z, raster.levels(z, surface.f_min, surface.log_levels))
    return compare.MapView(
        surface.domain,
        raster.png_data_uri(image),
        surface.minima,
        start or surface.start,
        surface.f_min,
        surfaces.grid(surface, None, n, n),
    )


def _series(surface, runs, steps=300):
    out = []
    for i, (name, hp) in enumerate(runs):
        t = optimizers.simulate(surface, name, steps=steps, hparams=hp)
        out.append(
            compare.Series(
                name, name, palette.path_color(name, i), t.xy, t.loss, t.lr, t.diverged_at
            )
        )
    return out


def _numbers(obj):
    """Every number in a JSON-decoded figure (typed arrays decoded)."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            import base64

            yield from np.frombuffer(
                base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"])
            ).tolist()
            return
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        yield obj


@pytest.fixture(scope="module")
def rosenbrock_figure():
    s = surfaces.get("rosenbrock")
    runs = [
        ("sgd", {"lr": 10.0}),
        ("momentum", {"lr": 1e-3}),
        ("rmsprop", {}),
        ("adam", {"lr": 0.05}),
    ]
    series = _series(s, runs)
    assert series[0].diverged_at is not None  # the figure must cope with a diverged path
    return s, series, compare.compare_figure(_view(s), series)


def test_figure_is_valid_plotly(rosenbrock_figure):
    _, _, fig = rosenbrock_figure
    go.Figure(fig)  # raises on any invalid property: the runtime skips this check (plots.lean)


def test_nothing_non_finite_reaches_the_browser(rosenbrock_figure):
    _, _, fig = rosenbrock_figure
    text = pio.to_json(lean.LeanFigure(fig).to_dict(), validate=False)
    # (no substring test: "NaN" can occur inside base64 data) a NaN or Infinity token would
    # parse to a float, and typed arrays are decoded, so every number is checked
    assert all(np.isfinite(v) for v in _numbers(json.loads(text)))


def test_a_diverged_path_ends_with_a_cross_at_its_last_finite_point(rosenbrock_figure):
    _, series, fig = rosenbrock_figure
    sgd = series[0]
    ends = [
        t
        for t in fig["data"]
        if t.get("legendgroup") == "sgd" and t.get("mode") == "markers" and "symbol" in t["marker"]
    ]
    assert ends[0]["marker"]["symbol"] == "x"
    assert np.allclose([ends[0]["x"][0], ends[0]["y"][0]], sgd.xy[sgd.diverged_at - 1])
    path = next(t for t in fig["data"] if t.get("name") == "sgd")
    assert len(path["x"]) == sgd.diverged_at  # rows 0 … diverged_at − 1


def test_axes_keep_the_surface_domain(rosenbrock_figure):
    s, _, fig = rosenbrock_figure
    assert fig["layout"]["xaxis"]["range"] == list(s.domain[0])
    assert fig["layout"]["yaxis"]["range"] == list(s.domain[1])


def test_loss_axis_is_the_log_gap_when_the_minimum_is_known(rosenbrock_figure):
    s, series, fig = rosenbrock_figure
    assert fig["layout"]["yaxis2"]["type"] == "log"
    adam = series[3]
    loss = next(
        t
        for t in fig["data"]
        if t.get("legendgroup") == "adam" and t.get("yaxis") == "y2" and t["mode"] == "lines"
    )
    steps = np.asarray(loss["x"])
    expected = np.maximum(adam.loss[steps] - s.f_min, compare.TINY)
    assert np.allclose(loss["y"], expected, rtol=1e-6)


def test_frames_move_only_the_markers_and_end_at_the_last_step(rosenbrock_figure):
    _, series, fig = rosenbrock_figure
    frames = fig["frames"]
    n = len(series)
    animated = frames[0]["traces"]
    markers, rates = animated[: 2 * n], animated[2 * n :]
    assert all(fig["data"][i]["mode"] == "markers" for i in markers)
    # the η_t lines ride along unchanged: plotly.js empties a subplot none of whose traces is in
    # the frame (the η_t panel went blank on ▶ Play)
    assert [fig["data"][i]["yaxis"] for i in rates] == ["y3"] * n
    assert all(f["data"][2 * n :] == [{}] * n for f in frames)
    assert all(f["traces"] == animated for f in frames)
    assert int(frames[-1]["name"]) == max(len(s.loss) - 1 for s in series)
    # at the last frame each marker sits at its run's last finite point
    for s, marker in zip(series, frames[-1]["data"][: 2 * n : 2], strict=True):
        assert np.allclose([marker["x"][0], marker["y"][0]], s.xy[s.last], rtol=1e-5)
    # the player under the chart (ui/live_chart/player.js) is told each frame's step
    assert fig["layout"]["meta"]["frame_steps"] == [int(f["name"]) for f in frames]


def test_the_first_fifty_steps_are_a_frame_each_then_spaced_in_log_step():
    s = surfaces.get("booth")
    for steps in (30, 200, 20000):
        series = _series(s, [("sgd", {"lr": 0.01})], steps=steps)
        shown = compare.frame_steps(series)
        if steps + 1 <= compare.FRAMES:
            assert shown.tolist() == list(range(steps + 1))  # one frame per step
            continue
        assert shown[:51].tolist() == list(range(51))  # momentum's first moves, each shown
        assert shown[-1] == steps and len(shown) <= compare.FRAMES
        late = np.log(shown[51:])
        gaps = np.diff(late)
        # evenly spaced in log(step), up to the rounding of a step to a whole number
        assert np.all(gaps > 0) and gaps.max() - gaps.min() < np.log(1 + 1 / shown[51]) + 0.02


def test_long_runs_are_decimated():
    s = surfaces.get("booth")
    series = _series(s, [("sgd", {"lr": 0.01})], steps=5000)
    fig = compare.compare_figure(_view(s), series)
    path = next(t for t in fig["data"] if t.get("name") == "sgd")
    assert len(path["x"]) <= compare.MAX_POINTS
    assert path["customdata"][0] == 0 and path["customdata"][-1] == 5000


def test_decimate_keeps_both_ends():
    idx = compare.decimate(10_001, 600)
    assert idx[0] == 0 and idx[-1] == 10_000 and len(idx) <= 600 and np.all(np.diff(idx) > 0)
    assert np.array_equal(compare.decimate(5, 600), np.arange(5))


def test_unbounded_surface_uses_a_linear_loss_axis():
    s = surfaces.get("saddle")
    fig = compare.compare_figure(_view(s), _series(s, [("sgd", {"lr": 0.05})], steps=100))
    assert fig["layout"]["yaxis2"]["type"] == "linear"
    go.Figure(fig)


def test_shaded_map_orientation_puts_high_y_on_top():
    s = surfaces.get(
        "saddle"
    )  # f = x² − y²: low (dark) at the top and bottom edges, high at left/right
    _, _, z = surfaces.grid(s, None, 101, 101)
    img = raster.shade(z, raster.levels(z, None, False)).astype(int)
    brightness = img.sum(axis=2)
    assert (
        brightness[50, 0] > brightness[0, 50]
    )  # left edge (x = −2, y = 0) brighter than top (y = 2)
    s = surfaces.get("rosenbrock")
    _, _ys, z = surfaces.grid(s, None, 101, 101)
    img = raster.shade(z, raster.levels(z, s.f_min, True)).astype(int).sum(axis=2)
    # the minimum (1, 1) is the darkest region; in image rows, y = 1 is at row (3 − 1) / 4 · 100
    row = round((s.domain[1][1] - 1.0) / 4.0 * 100)
    col = round((1.0 - s.domain[0][0]) / 4.0 * 100)
    assert img[row, col] <= np.percentile(img, 5)


def test_levels_are_log_spaced_above_the_minimum():
    s = surfaces.get("rosenbrock")
    _, _, z = surfaces.grid(s, None, 100, 100)
    lv = raster.levels(z, s.f_min, True)
    ratios = np.diff(np.log(lv - s.f_min))
    assert np.all(lv > s.f_min) and np.allclose(ratios, ratios[0])


def test_nan_regions_are_blank():
    z = np.array([[0.0, 1.0], [np.nan, 2.0]])
    img = raster.shade(z, np.array([0.5, 1.5]))
    assert (img[0, 0] == raster.BLANK).all()  # row 1 of z (NaN) is the top row of the image


def test_png_data_uri_decodes_to_the_image():
    import base64
    import io

    from PIL import Image

    img = np.random.default_rng(0).integers(0, 255, (8, 9, 3), dtype=np.uint8)
    uri = raster.png_data_uri(img)
    back = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
    assert np.array_equal(back, img)


def test_every_optimizer_has_its_own_colour():
    colours = [palette.path_color(n) for n in optimizers.names()]
    assert len(set(colours)) == len(colours)


def test_every_drawn_value_lies_inside_its_fixed_axis_range(rosenbrock_figure):
    # the ranges are fixed (the browser then moves changed lines without a redraw), so they
    # must hold every run's loss gap, η_t and step, taken from the runs themselves
    s, series, fig = rosenbrock_figure
    layout = fig["layout"]
    lo, hi = layout["yaxis2"]["range"]  # log axis: decades
    x_lo, x_hi = layout["xaxis2"]["range"]
    lr_lo, lr_hi = layout["yaxis3"]["range"]
    for run in series:
        gap = np.maximum(run.loss[: run.last + 1] - s.f_min, compare.TINY)
        assert lo < np.log10(gap).min() and np.log10(gap).max() < hi
        assert lr_lo <= 0.0 and run.lr.max() < lr_hi
        assert x_lo < 0 and len(run.loss) - 1 < x_hi
    assert float(lo + 0.15).is_integer() and float(hi - 0.15).is_integer()  # whole decades


def test_a_small_change_of_eta_keeps_the_layout_and_every_traces_style():
    # what lets the browser take its fast path (ui/live_chart/chart.js): only arrays change
    s = surfaces.get("rosenbrock")
    figs = [
        compare.compare_figure(
            _view(s),
            _series(s, [("sgd", {}), ("momentum", {}), ("rmsprop", {}), ("adam", {"lr": lr})]),
        )
        for lr in (0.01, 0.01023)
    ]
    a, b = (json.loads(json.dumps(lean.lean(f))) for f in figs)
    assert a["layout"] == b["layout"]

    def style(t):
        return {k: v for k, v in t.items() if k not in ("x", "y", "customdata")}

    assert [style(t) for t in a["data"]] == [style(t) for t in b["data"]]
    assert a["data"] != b["data"]  # while Adam's path did move


def test_the_click_grid_holds_f_at_its_cell_centres():
    s = surfaces.get("rosenbrock")
    fig = compare.compare_figure(_view(s), _series(s, [("adam", {})]))
    grid = next(t for t in fig["data"] if t.get("name") == compare.CLICK_TRACE)
    assert grid["type"] == "heatmap" and grid["opacity"] == 0
    x, y = np.meshgrid(np.asarray(grid["x"], float), np.asarray(grid["y"], float))
    rosenbrock = (1 - x) ** 2 + 100 * (y - x**2) ** 2  # the closed form, not the registry
    assert np.allclose(np.array(grid["z"], dtype=float), rosenbrock, rtol=1e-5)


def test_the_payload_is_strict_json(rosenbrock_figure):
    # JSON.parse in the browser rejects NaN and Infinity: the figure must have none (a
    # diverged run is in this figure)
    _, _, fig = rosenbrock_figure
    json.dumps(lean.lean(fig), allow_nan=False)


def test_the_click_grid_has_holes_where_f_is_undefined():
    s = surfaces.get("rosenbrock")
    view = _view(s)
    xs, ys, z = view.grid
    z = z.copy()
    z[0, 0], z[3, 4] = np.nan, np.inf
    holed = compare.MapView(
        view.domain, view.image_uri, view.minima, view.start, view.f_min, (xs, ys, z)
    )
    grid = compare.compare_figure(holed, _series(s, [("adam", {})]))["data"][0]
    assert grid["z"][0][0] is None and grid["z"][3][4] is None
    assert sum(v is None for row in grid["z"] for v in row) == 2


def test_the_live_charts_plotly_bundle_draws_every_trace_the_compare_figure_uses(
    rosenbrock_figure,
):
    """The Compare chart loads plotly.js's cartesian bundle (ui/live_chart/), not the full one:
    a trace type outside it would silently not be drawn. The bundle's own registrations are
    read from the file."""
    import re
    from pathlib import Path

    from plots import marks

    bundle = Path(__file__).parents[1] / "ui" / "live_chart" / "plotly-cartesian.min.js"
    text = bundle.read_text()
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))
    assert {"scatter", "heatmap"} <= registered
    _, _, figure = rosenbrock_figure
    with_arrows = marks.with_saddles(figure, [((0.0, 0.0), (0.0, 1.0))], ((-2, 2), (-2, 2)))
    used = {t.get("type", "scatter") for f in (figure, with_arrows) for t in f["data"]}
    used |= {t.get("type", "scatter") for fr in figure["frames"] for t in fr["data"]}
    assert used <= registered, used - registered


def _shape(trace: dict) -> tuple:
    """What makes plotly.js take one drawing path or another: not the data, not the names."""
    return (trace.get("type"), trace.get("mode"), trace.get("xaxis"), trace.get("yaxis"))


def test_the_rehearsal_figure_is_made_like_the_compare_figure(rosenbrock_figure):
    """The browser draws it once while the server computes the first figure (ui/plotly_js.py),
    so that plotly.js's first real draw runs warm: it must go down the same drawing paths."""
    _, _, real = rosenbrock_figure
    rehearsal = compare.rehearsal_figure()
    go.Figure(rehearsal)  # valid Plotly
    json.dumps(lean.lean(rehearsal), allow_nan=False)  # and strict JSON, as the browser reads it
    assert [_shape(t) for t in rehearsal["data"]] == [_shape(t) for t in real["data"]]
    assert rehearsal["layout"].keys() == real["layout"].keys()
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
        assert rehearsal["layout"][axis].get("type") == real["layout"][axis].get("type")
    assert len(rehearsal["layout"]["images"]) == len(real["layout"]["images"]) == 1
    assert rehearsal["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert [len(f["data"]) for f in rehearsal["frames"]] == [len(real["frames"][0]["data"])] * 4
    # small: it travels with the first script run's first element
    assert len(json.dumps(lean.lean(rehearsal))) < 20_000


def test_no_axis_makes_plotly_measure_its_tick_labels(rosenbrock_figure):
    """plotly.js measures every tick label of an axis that may hide those past the figure's
    edge (its default): a quarter of a first draw's text layout. The margins hold the labels,
    so every axis says "allow" (a browser screenshot shows them all)."""
    _, _, fig = rosenbrock_figure
    axes = [k for k in fig["layout"] if k.startswith(("xaxis", "yaxis"))]
    assert len(axes) == 6
    for axis in axes:
        assert fig["layout"][axis]["ticklabeloverflow"] == "allow", axis
