"""Surfaces defined by data: batch, mini-batch and stochastic gradients, and normalization.

References are NumPy: least squares by ``np.polyfit``, per-example gradients written by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from compiles import count_compiles

import optimizers
import surfaces
from optimizers import effective
from surfaces import critical, data

N = data.N_EXAMPLES
RAW, STD = "linreg_raw", "linreg_standardized"
FEATURES = {RAW: data.FEATURE, STD: data.FEATURE_STD}


def _example_grads(name, xy):
    """∇ of ½(w uᵢ + b − yᵢ)² for every example i at (w, b): (n, 2)."""
    u, y = FEATURES[name], data.TARGET
    r = xy[0] * u + xy[1] - y
    return np.stack([r * u, r], axis=1)


@pytest.mark.parametrize("name", [RAW, STD])
def test_the_minimum_is_the_least_squares_fit(name):
    s = surfaces.get(name)
    w, b = np.polyfit(FEATURES[name], data.TARGET, 1)
    np.testing.assert_allclose(s.minima[0], (w, b), rtol=1e-9)
    f_star = 0.5 * np.mean((w * FEATURES[name] + b - data.TARGET) ** 2)
    assert s.f_min == pytest.approx(f_star, rel=1e-9)
    assert float(s.fn(np.asarray(s.minima[0], np.float32))) == pytest.approx(f_star, rel=1e-5)


def test_standardizing_rounds_the_valley():
    """Hessian [[E u², E u], [E u, 1]]: raw u (mean 6) gives κ in the hundreds, standardized u
    the identity."""
    from surfaces import critical

    for name, (lo, hi) in {RAW: (300, 1500), STD: (1.0, 1.0 + 1e-4)}.items():
        u = FEATURES[name]
        h = np.array([[np.mean(u * u), np.mean(u)], [np.mean(u), 1.0]])
        a = critical.analyze(surfaces.get(name), surfaces.get(name).minima[0])
        np.testing.assert_allclose(a.eigenvalues, np.linalg.eigvalsh(h), rtol=1e-4)
        kappa = a.eigenvalues[1] / a.eigenvalues[0]
        assert lo <= kappa <= hi, (name, kappa)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("name", [RAW, STD])
def test_a_batch_of_the_whole_set_is_exactly_batch_gradient_descent(optimizer, name):
    full = optimizers.simulate(name, optimizer, steps=300, hparams={"lr": 0.01})
    batch = optimizers.simulate(name, optimizer, steps=300, hparams={"lr": 0.01}, batch=N, seed=3)
    np.testing.assert_array_equal(batch.xy, full.xy)
    np.testing.assert_array_equal(batch.loss, full.loss)
    assert batch.batch == N and full.batch is None


def test_stochastic_steps_follow_one_example_each():
    """batch = 1 with plain SGD: every step is −η ∇ℓᵢ(x_t) for one example i."""
    lr = 0.02
    t = optimizers.simulate(STD, "sgd", steps=200, hparams={"lr": lr}, batch=1, seed=11)
    chosen = []
    for k in range(200):
        step = (t.xy[k] - t.xy[k + 1]) / lr
        err = np.abs(_example_grads(STD, t.xy[k].astype(np.float64)) - step).max(axis=1)
        i = int(np.argmin(err))
        assert err[i] <= 1e-3 * max(1.0, np.abs(step).max()), f"step {k} is no single example"
        chosen.append(i)
    # draws are spread over the data set, not stuck on a few examples
    assert len(set(chosen)) > N / 2


def test_mini_batch_steps_average_distinct_examples():
    """batch = b: the step is the mean of b distinct examples' gradients, so it lies in the
    range of the per-example gradients and differs from the full gradient."""
    lr, b = 0.02, 8
    t = optimizers.simulate(STD, "sgd", steps=50, hparams={"lr": lr}, batch=b, seed=5)
    full_grads = []
    for k in range(50):
        x = t.xy[k].astype(np.float64)
        g = _example_grads(STD, x)
        step = (t.xy[k] - t.xy[k + 1]) / lr
        assert np.all(step >= g.min(axis=0) - 1e-3) and np.all(step <= g.max(axis=0) + 1e-3)
        full_grads.append(np.abs(step - g.mean(axis=0)).max())
    assert max(full_grads) > 1e-2  # not the full gradient


def test_sgd_is_reproducible_from_the_seed_and_differs_between_seeds():
    kw = {"steps": 300, "hparams": {"lr": 0.05}, "batch": 4}
    a = optimizers.simulate(STD, "sgd", seed=1, **kw)
    b = optimizers.simulate(STD, "sgd", seed=1, **kw)
    c = optimizers.simulate(STD, "sgd", seed=2, **kw)
    np.testing.assert_array_equal(a.xy, b.xy)
    assert np.abs(a.xy - c.xy).max() > 1e-2


def test_spread_runs_are_the_seeded_runs():
    kw = {"steps": 200, "hparams": {"lr": 0.05}, "batch": 2}
    runs = optimizers.spread(STD, "sgd", seeds=[0, 1, 2, 3], **kw)
    assert [r.seed for r in runs] == [0, 1, 2, 3]
    for r in runs:
        alone = optimizers.simulate(STD, "sgd", seed=r.seed, **kw)
        np.testing.assert_allclose(r.xy, alone.xy, rtol=1e-5, atol=1e-6)
    ends = np.array([r.xy[-1] for r in runs])
    assert np.ptp(ends, axis=0).max() > 1e-3  # the draws do move the paths


def test_changing_the_batch_size_or_seed_does_not_recompile():
    optimizers.simulate(STD, "adam", steps=100, batch=4)
    with count_compiles() as n:
        for b, seed in [(1, 0), (7, 3), (N, 9), (32, 1)]:
            optimizers.simulate(STD, "adam", steps=100, batch=b, seed=seed)
    assert n == [], n


def test_normalizing_inputs_saves_steps():
    """Gradient descent at each surface's best fixed step, 2 / (λ_min + λ_max): on round
    contours one step lands on the minimum; in the raw feature's valley the error shrinks by
    (κ − 1)/(κ + 1) per step, thousands of steps to come within 10⁻³ of f*."""
    from surfaces import critical

    def steps_to(name):
        s = surfaces.get(name)
        lo, hi = critical.analyze(s, s.minima[0]).eigenvalues
        t = optimizers.simulate(name, "sgd", steps=20_000, hparams={"lr": 2.0 / (lo + hi)})
        return int(np.flatnonzero(t.loss - s.f_min <= 1e-3)[0])

    raw, std = steps_to(RAW), steps_to(STD)
    assert std <= 2 and raw > 500


def test_effective_steps_replay_sampled_batches():
    t = optimizers.simulate(STD, "adagrad", steps=200, hparams={"lr": 0.5}, batch=3, seed=4)
    _, direction = effective.replay(t)
    np.testing.assert_allclose(
        t.xy[:-1] - t.lr[:, None] * direction, t.xy[1:], rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize(
    ("surface", "batch", "match"),
    [
        ("rosenbrock", 4, "defined by data"),
        (STD, 0, r"\[1, 64\]"),
        (STD, N + 1, r"\[1, 64\]"),
        (STD, 2.0, "whole number"),
        (STD, True, "whole number"),
    ],
)
def test_bad_batches_are_refused(surface, batch, match):
    with pytest.raises(ValueError, match=match):
        optimizers.simulate(surface, "sgd", steps=10, batch=batch)


def test_bad_spreads_are_refused():
    with pytest.raises(ValueError, match="seeds"):
        optimizers.spread(STD, "sgd", seeds=[])
    with pytest.raises(ValueError, match="seed"):
        optimizers.spread(STD, "sgd", seeds=[1, -1])


# --- the saddle made of examples: SGD escapes where GD cannot ---------------------------------


def _saddle_example_grads(xy):
    """∇ of ½(x − aᵢ)² − ½(y − bᵢ)² + ¼y⁴ for every example i: (n, 2)."""
    x, y = xy
    return np.stack([x - data.SADDLE_A, -(y - data.SADDLE_B) + y**3], axis=1)


def test_the_saddle_surface_is_its_closed_form():
    s = surfaces.get("saddle_data")
    assert sorted(data.SADDLE_A) == sorted(data.SADDLE_B) == [-0.5] * (N // 2) + [0.5] * (N // 2)
    rng = np.random.default_rng(3)
    for x, y in rng.uniform(-2, 2, (20, 2)):
        want = 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4  # the examples' constants cancel
        assert float(s.fn(np.array([x, y], np.float32))) == pytest.approx(want, abs=1e-5)
    for m in s.minima:
        assert float(s.fn(np.array(m, np.float32))) == pytest.approx(s.f_min, abs=1e-7)
    verdict = critical.analyze(s, (0.0, 0.0))
    assert verdict.verdict == "saddle"
    np.testing.assert_allclose(sorted(verdict.eigenvalues), [-1.0, 1.0], atol=1e-5)


def test_saddle_sgd_steps_follow_one_example_each():
    lr = 0.05
    t = optimizers.simulate("saddle_data", "sgd", steps=100, hparams={"lr": lr}, batch=1, seed=4)
    for k in range(100):
        step = (t.xy[k] - t.xy[k + 1]) / lr
        err = np.abs(_saddle_example_grads(t.xy[k].astype(np.float64)) - step).max(axis=1)
        assert err.min() <= 1e-4, f"step {k} is no single example"


def test_gradient_descent_slides_into_the_saddle_and_stays():
    t = optimizers.simulate("saddle_data", "sgd", steps=300, hparams={"lr": 0.1})
    assert np.all(t.xy[:, 1] == 0.0)  # the full gradient's y part is exactly 0 on the ridge
    assert np.linalg.norm(t.xy[-1]) < 1e-6
    assert t.loss[-1] == pytest.approx(0.0, abs=1e-9)  # f at the saddle, not f* = −¼


def test_sgd_escapes_the_saddle_to_a_minimum_for_every_seed():
    s = surfaces.get("saddle_data")
    sides = set()
    for seed in range(16):
        t = optimizers.simulate(
            "saddle_data", "sgd", steps=300, hparams={"lr": 0.1}, batch=8, seed=seed
        )
        end = t.xy[-1]
        nearest = min(np.linalg.norm(end - np.asarray(m)) for m in s.minima)
        assert nearest < 0.1, (seed, end)
        sides.add(np.sign(end[1]))
    assert sides == {-1.0, 1.0}  # the push off the ridge has no preferred side
