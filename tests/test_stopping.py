"""Stopping rules against gradients and losses computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
import reference

import optimizers
from optimizers.stopping import StopRule, grad_norms, stop_step, stopped


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau", "beale"])
def test_gradient_norms_match_the_hand_written_gradient(surface):
    t = optimizers.simulate(surface, "adam", steps=300, hparams={"lr": 0.02})
    grad = reference.SURFACES[surface].grad
    expected = [np.hypot(*grad(p.astype(np.float64))) for p in t.xy]
    np.testing.assert_allclose(grad_norms(t), expected, rtol=2e-4, atol=1e-4)


@pytest.mark.parametrize("tol", [1.0, 1e-2, 1e-3])
def test_gradient_rule_stops_at_the_first_small_gradient(tol):
    t = optimizers.simulate("booth", "momentum", steps=600, hparams={"lr": 0.01})
    grad = reference.SURFACES["booth"].grad
    norms = np.array([np.hypot(*grad(p.astype(np.float64))) for p in t.xy])
    first = int(np.flatnonzero(norms <= tol)[0])
    k = stop_step(t, StopRule(grad_tol=tol))
    assert abs(k - first) <= 1  # float32 path: a norm within rounding of tol may flip
    cut, at = stopped(t, StopRule(grad_tol=tol))
    assert at == k and len(cut.xy) == k + 1 and len(cut.lr) == k
    np.testing.assert_array_equal(cut.xy, t.xy[: k + 1])


def test_loss_rule_uses_the_gap_to_the_minimum():
    # f* = 3: f itself never falls under 0.01, the gap f − f* does
    t = optimizers.simulate("goldstein_price", "adam", start=(0.2, -0.8), steps=800)
    k = stop_step(t, StopRule(loss_tol=1e-2))
    assert k is not None and k == int(np.flatnonzero(t.loss - 3.0 <= 1e-2)[0])
    assert 0 < k < 800 and abs(t.loss[k] - 3.0) <= 1e-2


def test_whichever_comes_first_and_never():
    t = optimizers.simulate("booth", "sgd", steps=200, hparams={"lr": 0.01})
    g = stop_step(t, StopRule(grad_tol=0.5))
    f = stop_step(t, StopRule(loss_tol=1e-3))
    assert stop_step(t, StopRule(grad_tol=0.5, loss_tol=1e-3)) == min(g, f)
    assert stop_step(t, StopRule(grad_tol=1e-12)) is None
    assert stop_step(t, StopRule()) is None
    assert stopped(t, StopRule())[0] is t


def test_a_diverged_path_never_stops_after_diverging():
    t = optimizers.simulate("rosenbrock", "sgd", steps=100, hparams={"lr": 0.1})
    assert t.diverged_at is not None
    assert stop_step(t, StopRule(grad_tol=1e-3, loss_tol=1e-3)) is None
    assert np.isnan(grad_norms(t)[t.diverged_at :]).all()


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "1"])
def test_bad_tolerances_are_refused(bad):
    with pytest.raises(ValueError, match="grad_tol"):
        StopRule(grad_tol=bad)
