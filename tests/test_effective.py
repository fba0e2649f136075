"""Effective step sizes: against the accumulators of the closed forms, and against the path."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import reference

import optimizers
from optimizers import effective

ADAPTIVE = [o.name for o in optimizers.REGISTRY if o.scale is not None]


def _accumulator_steps(name, grad, path, hp, lrs):
    """η_t / (√s_t + ε) (or the ε-inside form) from the gradients at the recorded points."""
    s = np.zeros(2)
    out = []
    for x, lr in zip(path[:-1], lrs, strict=True):
        g = grad(x)
        s = s + g**2 if name.startswith("adagrad") else hp["rho"] * s + (1 - hp["rho"]) * g**2
        root = np.sqrt(s + hp["eps"]) if name.endswith("eps_in") else np.sqrt(s) + hp["eps"]
        out.append(lr / root)
    return np.array(out)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adagrad_eps_in", "rmsprop_eps_in"])
@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_matches_the_closed_form_accumulator(name, schedule):
    with jax.enable_x64(True):
        t = optimizers.simulate(
            "himmelblau", name, steps=300, hparams={"lr": 0.05}, schedule=schedule
        )
        got = effective.effective_steps(t)
    expected = _accumulator_steps(
        name, reference.SURFACES["himmelblau"].grad, t.xy, t.hparams, t.lr
    )
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_adagrad_fades_while_rmsprop_recovers():
    """The picture the page draws: AdaGrad's step only shrinks; RMSProp's grows back once
    the gradients shrink near the minimum."""
    runs = {
        n: optimizers.simulate("booth", n, steps=800, hparams={"lr": 0.5})
        for n in ("adagrad", "rmsprop")
    }
    ada = effective.effective_steps(runs["adagrad"])
    rms = effective.effective_steps(runs["rmsprop"])
    assert np.all(np.diff(ada, axis=0) <= 0)  # a sum of squares never decreases
    assert rms[-1].min() > 10 * rms[: len(rms) // 10].min()
    assert rms[-1].min() > 100 * ada[-1].max()


@pytest.mark.parametrize("name", ADAPTIVE)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_the_replay_rebuilds_the_recorded_path(name, noise):
    """x_{t+1} = x_t − η_t · direction_t with the replayed directions: the replay saw exactly
    the gradients (and the noise) the engine saw, so its states are the engine's."""
    t = optimizers.simulate("rosenbrock", name, steps=200, noise=noise, seed=7)
    assert t.diverged_at is None
    scale, direction = effective.replay(t)
    rebuilt = t.xy[:-1] - t.lr[:, None] * direction
    np.testing.assert_allclose(rebuilt, t.xy[1:], rtol=1e-5, atol=1e-6)
    assert np.all(np.isfinite(scale)) and np.all(scale > 0)


def test_a_diverged_path_is_replayed_up_to_its_last_finite_point():
    t = optimizers.simulate("saddle", "adagrad", steps=300, hparams={"lr": 10.0, "eps": 1.0})
    assert t.diverged_at is not None
    steps = effective.effective_steps(t)
    assert len(steps) == t.last_finite and np.isfinite(steps).all()


def test_only_adaptive_methods_have_one():
    assert set(ADAPTIVE) >= {"adagrad", "rmsprop", "adadelta", "adam", "adam_no_bias"}
    assert not effective.adaptive("sgd") and not effective.adaptive("momentum")
    t = optimizers.simulate("booth", "sgd", steps=10)
    with pytest.raises(ValueError, match="not adaptive"):
        effective.effective_steps(t)


# What each step is made of (scenarios.analysis.step_arrows, the arrows of "Draw the step"),
# against the update rules written out by hand on f = x² + 10y², ∇f = (2x, 20y).
def _bowl():
    import surfaces

    return surfaces.from_formula("x**2 + 10*y**2", [[-2, 2], [-2, 2]], start=[-1.5, 0.8])


def _grad(p):
    return np.array([2.0 * p[0], 20.0 * p[1]])


def test_the_step_arrows_are_the_update_rules_written_out():
    from scenarios import analysis

    bowl = _bowl()
    eta, beta, steps = 0.02, 0.9, 30
    gd = optimizers.simulate(bowl, "sgd", steps=steps, hparams={"lr": eta})
    hb = optimizers.simulate(bowl, "momentum", steps=steps, hparams={"lr": eta, "beta": beta})
    ada = optimizers.simulate(bowl, "adagrad", steps=steps, hparams={"lr": 0.3, "eps": 1e-10})
    shown = [0, 1, 2, 5, 29, 30]  # 30: the last point, which has no step after it
    g_arrows, hb_arrows, ada_arrows = analysis.step_arrows(bowl, [gd, hb, ada], shown)
    v = np.zeros(2)
    s = np.zeros(2)
    for j, k in enumerate(shown):
        if k == steps:
            assert hb_arrows["point"][j] is None and hb_arrows["step"][j] is None
            continue
        # gradient descent: the step is −η∇f, and it has no memory
        assert np.allclose(g_arrows["gradient"][j], -eta * _grad(gd.xy[k]), rtol=1e-5)
        assert np.allclose(g_arrows["step"][j], -eta * _grad(gd.xy[k]), rtol=1e-4, atol=1e-7)
    assert g_arrows["memory"] is None and g_arrows["scale"] is None
    # heavy ball: v_t = βv_{t−1} + ∇f(x_t), the step −ηv_t, written out along its own path
    for k in range(steps):
        v = beta * v + _grad(hb.xy[k])
        if k in shown:
            j = shown.index(k)
            assert np.allclose(hb_arrows["gradient"][j], -eta * _grad(hb.xy[k]), rtol=1e-5)
            assert np.allclose(hb_arrows["memory"][j], -eta * v, rtol=1e-4, atol=1e-7)
            assert np.allclose(hb_arrows["step"][j], -eta * v, rtol=1e-4, atol=1e-6)
            assert np.allclose(hb_arrows["point"][j], hb.xy[k], rtol=1e-5)  # 6 digits sent
    # AdaGrad: each coordinate's η/(√Σg² + ε); its direction is the gradient itself
    assert ada_arrows["memory"] is None
    for k in range(steps):
        s = s + _grad(ada.xy[k]) ** 2
        if k in shown:
            j = shown.index(k)
            assert np.allclose(ada_arrows["scale"][j], 0.3 / (np.sqrt(s) + 1e-10), rtol=1e-4)
