"""The Compare page's analysis rows: verdicts at the ends of real runs, saddle directions,
and which runs get an effective-step curve."""

from __future__ import annotations

import numpy as np
import pytest

import optimizers
import surfaces
from plots import effective as effective_plot
from scenarios import analysis


def test_gd_from_the_stable_manifold_of_a_saddle_ends_on_it():
    """On f = x⁴/4 − x²/2 + y²/2, x = 0 is invariant: gradient descent from (0, 1.5) converges
    to the saddle at the origin, and the page says so, with f falling along ±x there."""
    s = surfaces.get("bounded_saddle")
    stuck = optimizers.simulate(s, "sgd", start=(0.0, 1.5), steps=400, hparams={"lr": 0.1})
    free = optimizers.simulate(s, "sgd", start=(0.3, 1.5), steps=400, hparams={"lr": 0.1})
    rows = analysis.critical_rows(s, {}, (0.0, 1.5), [stuck, free])
    assert [r[""] for r in rows] == ["start", "SGD", "SGD"]
    assert rows[0]["verdict"].startswith("not critical")
    assert rows[1]["verdict"] == "saddle" and rows[2]["verdict"] == "minimum"
    assert rows[1]["Hessian eigenvalues λ₁, λ₂"] == "-1, 1"
    ((point, direction),) = analysis.saddle_directions(s, {}, [stuck, free])
    assert np.allclose(point, (0.0, 0.0), atol=1e-6)
    assert abs(direction[0]) == pytest.approx(1.0) and abs(direction[1]) < 1e-6


def test_only_adaptive_runs_get_step_size_curves():
    s = surfaces.get("booth")
    runs = [optimizers.simulate(s, n, steps=200) for n in ("sgd", "adagrad", "rmsprop")]
    sizes = analysis.step_sizes(s, runs)
    assert [z.label for z in sizes] == ["AdaGrad", "RMSProp"]
    fig = effective_plot.figure(sizes)
    assert len(fig["data"]) == 4 and fig["layout"]["yaxis"]["type"] == "log"
    for trace in fig["data"]:
        assert np.all(np.asarray(trace["y"]) > 0) and np.all(np.isfinite(trace["y"]))
