"""The 3-D figure: heights, paths lying on the surface, nothing non-finite for the browser."""

from __future__ import annotations

import json

import numpy as np
import pytest

from plots import surface3d
from plots.compare import Series


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _grid(n=60):
    xs = np.linspace(-2, 2, n)
    ys = np.linspace(-1, 3, n)
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, _rosenbrock(X, Y)


def _series(xy, diverged_at=None, key="adam"):
    xy = np.asarray(xy, np.float64)
    loss = _rosenbrock(xy[:, 0], xy[:, 1])
    if diverged_at is not None:
        xy[diverged_at:] = np.nan
        loss[diverged_at:] = np.nan
    return Series(key, key.title(), "#ff00ff", xy, loss, np.ones(len(xy) - 1), diverged_at)


def test_log_heights_are_log10_of_the_gap():
    z = np.array([1.0, 10.0, 1001.0, np.nan])
    t, title = surface3d.heights(z, 1.0, log=True, floor=1e-3)
    assert title.startswith("log")
    assert t[1] == np.log10(9.0) and t[2] == np.log10(1000.0)
    assert np.isnan(t[3])
    assert t[0] == -3.0  # the minimum itself is floored, not −∞
    assert surface3d.log_floor(z, 1.0) > 0
    lin, title = surface3d.heights(z, 1.0, log=False)
    assert title == "f" and lin[2] == 1001.0


def test_paths_lie_on_the_surface_and_json_is_finite():
    xs, ys, z = _grid()
    path = np.stack([np.linspace(-1.5, 1.0, 50), np.linspace(2.0, 1.0, 50)], axis=1)
    fig = surface3d.surface_figure(
        xs, ys, z, [_series(path)], minima=[(1.0, 1.0)], minima_f=[0.0], f_min=0.0, log=True
    )
    json.dumps(fig, allow_nan=False)  # raises on NaN or infinity
    line = next(d for d in fig["data"] if d["type"] == "scatter3d" and d["mode"] == "lines")
    lo, top = fig["layout"]["scene"]["zaxis"]["range"]  # top = hi + 2·lift, lift = LIFT·(hi − lo)
    span = (top - lo) / (1 + 2 * surface3d.LIFT)
    hi, lift = lo + span, surface3d.LIFT * span
    own = np.log10(np.maximum(_rosenbrock(path[:, 0], path[:, 1]), 1e-300))
    t = np.clip(np.log10(np.maximum(z, surface3d.log_floor(z, 0.0))), lo, hi)
    top = []
    for x, y in path:  # the four grid corners around each point, by a plain search
        j = max(k for k in range(len(xs) - 1) if xs[k] <= x)
        i = max(k for k in range(len(ys) - 1) if ys[k] <= y)
        top.append(t[i : i + 2, j : j + 2].max())
    expected = np.clip(np.maximum(own, top), lo, hi) + lift
    got = np.array(line["z"])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)
    assert np.all(got >= np.clip(own, lo, hi) + lift - 1e-3)  # never below its own height


def test_a_diverged_path_ends_with_a_cross_and_sends_no_nan():
    xs, ys, z = _grid()
    path = np.stack([np.linspace(-1.5, 5.0, 30), np.linspace(2.0, 9.0, 30)], axis=1)
    fig = surface3d.surface_figure(xs, ys, z, [_series(path, diverged_at=20)], f_min=0.0, log=True)
    json.dumps(fig, allow_nan=False)
    ends = [d for d in fig["data"] if d["type"] == "scatter3d" and d["mode"] == "markers"]
    assert ends[0]["marker"]["symbol"] == "x"
    assert ends[0]["x"] == [path[19, 0]]


def test_undefined_parts_of_a_surface_are_gaps():
    xs = np.linspace(-1, 1, 20)
    ys = np.linspace(-1, 1, 20)
    X, _ = np.meshgrid(xs, ys)
    with np.errstate(invalid="ignore"):
        z = np.sqrt(X)  # NaN for x < 0
    fig = surface3d.surface_figure(xs, ys, z, [])
    json.dumps(fig, allow_nan=False)
    rows = fig["data"][0]["z"]
    assert rows[0][0] is None and rows[0][-1] is not None


@pytest.mark.parametrize("lo, hi", [(-0.8, 3.3), (0.0, 1200.0), (-12.0, 0.5), (0.01, 0.07)])
def test_height_labels_start_a_quarter_up_the_axis(lo, hi):
    """The z axis rises from the corner where the y axis's labels end (the default camera): its
    labels stay in the upper three quarters, round, evenly spaced, at least two of them."""
    ticks = surface3d.z_ticks(lo, hi)
    assert len(ticks) >= 2
    assert all(lo + 0.25 * (hi - lo) - 1e-12 <= t <= hi + 1e-12 for t in ticks)
    steps = np.diff(ticks)
    np.testing.assert_allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5)) < 1e-9
    assert all(abs(t / steps[0] - round(t / steps[0])) < 1e-9 for t in ticks)
