"""The single-neuron surface: every activation × loss against a NumPy transcription of its
definition, the pictures it is there for, and switching choices without recompiling."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest
from compiles import count_compiles

import optimizers
import surfaces
from surfaces import neuron


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _reference(w, b, activation, loss):
    """The loss in plain NumPy float64, straight from the module's docstring."""
    u, y = neuron.INPUT, neuron.LABEL
    z = w * u + b
    a = {
        "sigmoid": _sigmoid(z),
        "tanh": np.tanh(z),
        "relu": np.maximum(z, 0.0),
        "leaky_relu": np.where(z > 0, z, neuron.LEAK * z),
        "elu": np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    }[activation]
    q = a if activation == "sigmoid" else _sigmoid(a)
    c = 0.5 if activation == "sigmoid" else 0.0
    per = {
        "squared_error": 0.5 * (a - y) ** 2,
        "cross_entropy": -(y * np.log(q) + (1 - y) * np.log(1 - q)),
        "hinge": np.maximum(0.0, 1.0 - (2 * y - 1) * (a - c)),
    }[loss]
    return float(np.mean(per))


POINTS = [(-4.0, 3.0), (0.5, -0.2), (2.0, -1.0), (-1.0, -5.0), (3.0, 1.5)]
# One compile each (the choices are traced): eager evaluation would compile op by op.
_F = jax.jit(surfaces.get("neuron").expr)
_G = jax.jit(jax.grad(surfaces.get("neuron").expr))


@pytest.mark.parametrize("loss", neuron.LOSSES)
@pytest.mark.parametrize("activation", neuron.ACTIVATIONS)
def test_every_choice_matches_its_definition(activation, loss):
    a, ell = neuron.ACTIVATIONS.index(activation), neuron.LOSSES.index(loss)
    with jax.enable_x64(True):
        for w, b in POINTS:
            got = float(_F(np.array([w, b]), activation=np.float64(a), loss=np.float64(ell)))
            assert got == pytest.approx(_reference(w, b, activation, loss), rel=1e-9, abs=1e-12)


def _grad_norm(activation, loss, point):
    g = _G(np.asarray(point, np.float32), activation=np.float32(activation), loss=np.float32(loss))
    return float(np.hypot(*g))


def test_squared_error_is_flat_where_cross_entropy_is_not():
    """Confidently wrong sigmoid neuron: σ′ ≈ 0 kills the squared error's slope only."""
    start = surfaces.get("neuron").start
    mse, ce = _grad_norm(0, 0, start), _grad_norm(0, 1, start)
    assert ce > 30 * mse
    kw = {"steps": 100, "hparams": {"lr": 0.1}}
    stall = optimizers.simulate("neuron", "sgd", surface_params={"loss": 0}, **kw)
    move = optimizers.simulate("neuron", "sgd", surface_params={"loss": 1}, **kw)
    # the same 100 steps: cross-entropy travels over ten times as far
    assert np.linalg.norm(move.xy[-1] - move.xy[0]) > 10 * np.linalg.norm(
        stall.xy[-1] - stall.xy[0]
    )


def test_a_dead_relu_has_no_gradient_at_all():
    # w·u + b < 0 for every example: a = 0 everywhere and nothing flows back
    dead = (0.1, -5.0)
    assert neuron.INPUT.max() * 0.1 - 5.0 < 0
    relu = neuron.ACTIVATIONS.index("relu")
    leaky = neuron.ACTIVATIONS.index("leaky_relu")
    for loss in range(len(neuron.LOSSES)):
        assert _grad_norm(relu, loss, dead) == 0.0
        assert _grad_norm(leaky, loss, dead) > 1e-3  # the leak keeps a slope


def test_every_loss_is_bounded_below_by_zero_on_the_domain():
    s = surfaces.get("neuron")
    for a in range(len(neuron.ACTIVATIONS)):
        for loss in range(len(neuron.LOSSES)):
            _, _, z = surfaces.grid(s, {"activation": a, "loss": loss}, 60, 60)
            assert np.isfinite(z).all() and z.min() >= 0.0


def test_switching_activation_or_loss_does_not_recompile_and_batches_work():
    optimizers.simulate("neuron", "adam", steps=100, batch=8)
    with count_compiles() as events:
        for a, loss in [(1, 0), (2, 2), (4, 1)]:
            optimizers.simulate(
                "neuron", "adam", steps=100, batch=8, surface_params={"activation": a, "loss": loss}
            )
    assert events == []
    full = optimizers.simulate("neuron", "adam", steps=100, surface_params={"activation": 3})
    batch = optimizers.simulate(
        "neuron", "adam", steps=100, surface_params={"activation": 3}, batch=neuron.N_EXAMPLES
    )
    np.testing.assert_array_equal(full.xy, batch.xy)


def test_choices_are_named_and_checked():
    p = surfaces.get("neuron").params[0]
    assert p.label(2) == "relu" and "0=sigmoid" in p.range_text
    with pytest.raises(ValueError, match="activation"):
        surfaces.get("neuron").resolve_params({"activation": 5})
    with pytest.raises(ValueError, match="whole number"):
        surfaces.get("neuron").resolve_params({"loss": 0.5})
    assert math.isfinite(float(surfaces.get("neuron").fn(np.zeros(2, np.float32))))
