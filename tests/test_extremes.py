"""Every optimizer × every surface × η across its whole range, at the app's step limit: nothing
raises, divergence is reported, and the figure sent to the browser holds only finite numbers."""

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

STEPS = int(LIMITS.steps.high)
ETAS = (1e-6, 1e-2, 10.0)


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
            t = optimizers.simulate(s, name, steps=STEPS, hparams={"lr": eta})
            last = t.last_finite
            assert np.isfinite(t.xy[: last + 1]).all() and np.isfinite(t.loss[: last + 1]).all()
            if t.diverged_at is not None:
                assert np.isnan(t.xy[t.diverged_at :]).all()
            runs.append(t)
    assert any(t.diverged_at is None for t in runs)
    # The figure as the browser gets it: typed arrays decoded, every number finite.
    for i in range(0, len(runs), 8):
        text = pio.to_json(lean.LeanFigure(_figure(s, runs[i : i + 8])).to_dict(), validate=False)
        fig = json.loads(text)  # a NaN or Infinity token would come back as a float: caught below
        assert _finite_numbers(fig)
        for trace in fig["data"]:
            for key in ("x", "y", "customdata"):
                v = trace.get(key)
                if isinstance(v, dict):
                    data = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
                    assert np.isfinite(data).all(), (surface, trace.get("name"), key)
