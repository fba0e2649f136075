"""Every optimizer × every surface × η across its whole range (every decade from 10⁻⁶ to 10):
nothing raises, divergence is reported, and the figure sent to the browser holds only finite
numbers.

The full grid runs at the app's step limit, LIMITS.steps.high = 20,000; a sample of
optimizer × surface × extreme-η cases, a typed formula undefined on part of its map among them,
also checks that the figure stays lean there.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import plotly.io as pio
import pytest

import optimizers
import surfaces
from plots import compare, lean, palette
from scenarios import LIMITS

LIMIT = int(LIMITS.steps.high)
GRID_STEPS = LIMIT
ETAS = tuple(10.0**k for k in range(-6, 2))  # η = 10⁻⁶ … 10, every decade


def _figure(surface, runs):
    series = [
        compare.Series(
            t.optimizer,
            t.optimizer,
            palette.path_color(t.optimizer),
            t.xy,
            t.loss,
            t.lr,
            t.diverged_at,
        )
        for t in runs
    ]
    view = compare.MapView(
        surface.domain,
        "data:,",
        surface.minima,
        surface.start,
        surface.f_min,
        surfaces.grid(surface, None, 5, 5),
    )
    return compare.compare_figure(view, series)


def _finite_numbers(obj) -> bool:
    if isinstance(obj, dict):
        return all(_finite_numbers(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_finite_numbers(v) for v in obj)
    return not isinstance(obj, float) or math.isfinite(obj)


@pytest.mark.parametrize("surface", surfaces.names())
def test_any_eta_on_any_surface_is_reported_never_raised(surface):
    s = surfaces.get(surface)
    runs = []
    for name in optimizers.names():
        for eta in ETAS:
            t = optimizers.simulate(s, name, steps=GRID_STEPS, hparams={"lr": eta})
            last = t.last_finite
            assert np.isfinite(t.xy[: last + 1]).all() and np.isfinite(t.loss[: last + 1]).all()
            if t.diverged_at is not None:
                assert np.isnan(t.xy[t.diverged_at :]).all()
            runs.append(t)
    assert any(t.diverged_at is None for t in runs)
    for i in range(0, len(runs), 8):
        _check_browser_figure(s, runs[i : i + 8])


def _check_browser_figure(s: surfaces.Surface, runs: list) -> dict:
    """The figure as the browser gets it: typed arrays decoded, every number finite."""
    text = pio.to_json(lean.LeanFigure(_figure(s, runs)).to_dict(), validate=False)
    fig = json.loads(text)  # a NaN or Infinity token would come back as a float: caught below
    assert _finite_numbers(fig)
    for trace in fig["data"]:
        for key in ("x", "y", "customdata"):
            data = _values(trace.get(key))
            if data is not None:
                assert np.isfinite(data).all(), (s.name, trace.get("name"), key)
    return fig


def _values(v) -> np.ndarray | None:
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    if isinstance(v, list) and all(isinstance(e, int | float) for e in v):
        return np.asarray(v, dtype=np.float64)
    return None


# Cases at the app's own limit: a steady run, a divergent one, a stalled one, and a typed
# formula whose map is undefined (NaN) for x < 0, where paths run into the blank part.
AT_LIMIT = [
    ("rosenbrock", ("adam", "sgd", "momentum"), (1e-2, 10.0, 1e-6)),
    ("himmelblau", ("nesterov", "rmsprop", "adagrad"), (10.0, 1e-6, 1e-2)),
    ("sqrt(x) + y**2", ("sgd", "adam", "momentum"), (1e-2, 10.0, 1e-6)),
]


@pytest.mark.parametrize(("surface", "names", "etas"), AT_LIMIT, ids=lambda v: str(v))
def test_the_app_step_limit_runs_and_its_figure_stays_lean(surface, names, etas):
    s = (
        surfaces.get(surface)
        if surface in surfaces.names()
        else surfaces.from_formula(surface, domain=((-1.0, 2.0), (-1.0, 1.0)), start=(1.5, 0.5))
    )
    runs = []
    for name, eta in zip(names, etas, strict=True):
        t = optimizers.simulate(s, name, steps=LIMIT, hparams={"lr": eta})
        assert t.xy.shape == (LIMIT + 1, 2) and t.lr.shape == (LIMIT,)
        if t.diverged_at is not None:
            assert np.isfinite(t.xy[: t.diverged_at]).all()
            assert np.isnan(t.xy[t.diverged_at :]).all()
        runs.append(t)
    assert any(t.diverged_at is not None for t in runs)  # η = 10 leaves every one of these
    fig = _check_browser_figure(s, runs)
    # Lean at 20,000 steps: every drawn line is decimated to at most MAX_POINTS points, and
    # the whole figure is a fraction of the raw runs (3 × 20,001 × (x, y, f) float32).
    for trace in fig["data"]:
        for key in ("x", "y"):
            data = _values(trace.get(key))
            if data is not None and trace.get("mode") == "lines":
                assert len(data) <= compare.MAX_POINTS, (trace.get("name"), len(data))
    size = len(pio.to_json(lean.LeanFigure(_figure(s, runs)).to_dict(), validate=False))
    assert size < 0.25 * len(runs) * (LIMIT + 1) * 3 * 4
