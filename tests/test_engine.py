"""The trajectory engine: its contract (DESIGN.md, "The engine contract"), its compile budget
("Performance principles": one compile per optimizer, surface and step bucket), divergence,
gradient noise, and validation of everything a caller can pass.

Compilations are counted with ``jax.monitoring``: every XLA backend compile records the
event ``/jax/core/compile/backend_compile_duration``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from compiles import count_compiles  # tests/compiles.py
from hypothesis import assume, given, settings

import optimizers
import surfaces
from optimizers import schedules

HYPOTHESIS_STEPS = 50  # one fixed count: one compile per (optimizer, surface) pair


def _bounds(surface: surfaces.Surface) -> tuple[np.ndarray, np.ndarray]:
    """The divergence box of the contract: BOUND domain widths around the domain's centre."""
    (x0, x1), (y0, y1) = surface.domain
    centre = np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0])
    width = np.array([x1 - x0, y1 - y0])
    return centre - optimizers.BOUND * width, centre + optimizers.BOUND * width


def _first_bad_row(surface: surfaces.Surface, xy: np.ndarray, loss: np.ndarray) -> int | None:
    lo, hi = _bounds(surface)
    for i, (p, f) in enumerate(zip(xy, loss, strict=True)):
        if not (np.all(np.isfinite(p)) and np.isfinite(f) and np.all(p >= lo) and np.all(p <= hi)):
            return i
    return None


def _surface_f64(surface: surfaces.Surface, params: dict[str, float] | None = None):
    """``f`` and ``∇f`` of the surface as float64 NumPy functions (jax.grad, x64)."""
    f = surface.bind(params)
    value_and_grad = jax.jit(jax.value_and_grad(f))

    def vg(p):
        with jax.enable_x64(True):
            v, g = value_and_grad(jnp.asarray(p, jnp.float64))
            return float(v), np.asarray(g)

    return vg


def _sgd_reference(surface, params, start, lrs) -> tuple[np.ndarray, np.ndarray]:
    """Plain SGD in float64: x ← x − η_t ∇f(x); the path and the loss at each row."""
    vg = _surface_f64(surface, params)
    x = np.array(start, dtype=np.float64)
    path, losses = [x.copy()], []
    for lr in lrs:
        v, g = vg(x)
        losses.append(v)
        with np.errstate(all="ignore"):  # once it has blown up, NaN is all we need
            x = x - lr * g
        path.append(x.copy())
    losses.append(vg(x)[0])
    return np.array(path), np.array(losses)


def _other_value(p: surfaces.Param) -> float:
    """An in-range value well away from the default, a float as a slider would send."""
    if p.log:
        lo, hi = math.log(p.low), math.log(p.high)
        value = math.exp(lo + 0.37 * (hi - lo))
    else:
        value = p.low + 0.37 * (p.high - p.low)
    if p.integer:
        value = float(round(value))
    assert p.low <= value <= p.high and value != p.default
    return value


ALL_OPTIMIZERS = optimizers.names()
ALL_SURFACES = surfaces.names()
_FRESH = itertools.count()


def _fresh(name: str) -> surfaces.Surface:
    """A copy of a registered surface that nothing has compiled yet, whatever ran before."""
    return dataclasses.replace(surfaces.get(name), name=f"{name}_fresh{next(_FRESH)}")


# --- compile once per (optimizer, surface, step bucket) -----------------------------------------


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
def test_moving_any_slider_never_recompiles(name):
    opt = optimizers.get(name)
    valley = surfaces.get("valley")
    # warm-up: one noise-free and one noisy run in the bucket of 100 steps (128)
    optimizers.simulate(valley, opt, steps=100)
    optimizers.simulate(valley, opt, steps=100, noise=0.1, seed=0)

    runs: list[dict[str, object]] = []
    for p in opt.hparams:  # each hyperparameter on its own, then all at once
        runs.append({"hparams": {p.name: _other_value(p)}})
    runs.append({"hparams": {p.name: _other_value(p) for p in opt.hparams}})
    runs.append({"hparams": {p.name: p.low for p in opt.hparams}})
    runs.append({"hparams": {p.name: p.high for p in opt.hparams}})
    runs.append({"hparams": {"lr": 1}})  # an int, as a careless caller might send
    runs.append({"hparams": {"lr": np.float32(0.02)}})
    runs.append({"hparams": {"lr": np.float64(0.03)}})
    runs += [
        {"start": (0.5, -1.0)},
        {"start": (1, 2)},  # ints
        {"start": np.array([0.25, 0.75], np.float32)},
        {"start": (-40.0, 60.0)},  # far outside the domain but within the bound
        {"surface_params": {"kappa": 100.0}},
        {"surface_params": {"theta": -45.0}},
        {"surface_params": {"kappa": 1.0, "theta": 90.0}},
        {"surface_params": {"kappa": 3}},
        {"schedule": "cosine"},
        {"schedule": "cosine", "schedule_params": {"alpha": 0.3}},
        {"schedule": "warmup_cosine", "schedule_params": {"warmup": 0.5, "alpha": 0.1}},
        {"schedule": "one_cycle", "schedule_params": {"pct_start": 0.2}},
        {"schedule": "cosine_restarts", "schedule_params": {"cycles": 3.0}},
        {"schedule": schedules.get("step"), "schedule_params": {"gamma": 0.2, "every": 0.1}},
        {"schedule": "inverse_time", "schedule_params": {"k": 2.0}},
        {"noise": 0.5, "seed": 0},
        {"noise": 2.0, "seed": 12345},
        {"noise": 1e-6, "seed": 2**32 - 1},
        {"noise": 0.1, "seed": np.uint32(7)},
        {"steps": 65},
        {"steps": 127},
        {"steps": 128},
        {"steps": 65, "noise": 0.3, "seed": 4},
        {
            "steps": 77,
            "hparams": {"lr": 0.004},
            "start": (2.0, 2.0),
            "surface_params": {"kappa": 50.0, "theta": 10.0},
            "schedule": "warmup_constant",
            "noise": 0.2,
            "seed": 99,
        },
    ]
    with count_compiles() as compiles:
        for kwargs in runs:
            kwargs = {"steps": 100, **kwargs}
            t = optimizers.simulate(valley, opt, **kwargs)
            assert t.xy.shape == (kwargs["steps"] + 1, 2)
    assert compiles == [], f"{name}: {len(compiles)} compilation(s) while moving sliders"


@pytest.mark.parametrize("name", ["sgd", "adam", "newton"])
def test_a_new_step_bucket_compiles_once(name):
    surface = _fresh("rosenbrock")
    with count_compiles() as compiles:
        optimizers.simulate(surface, name, steps=100)  # bucket 128
    assert len(compiles) == 1
    assert optimizers.bucket(100) == 128 and optimizers.bucket(200) == 256
    with count_compiles() as compiles:
        optimizers.simulate(surface, name, steps=200)
    assert len(compiles) == 1
    with count_compiles() as compiles:
        for steps in (129, 200, 256, 100, 65, 128):  # both buckets now compiled
            optimizers.simulate(surface, name, steps=steps, hparams={"lr": 1e-4})
    assert compiles == []


def test_surfaces_compile_separately_but_once():
    booth, matyas = _fresh("booth"), _fresh("matyas")
    optimizers.simulate(booth, "adam", steps=100)
    with count_compiles() as compiles:
        optimizers.simulate(matyas, "adam", steps=100)
        optimizers.simulate(matyas, "adam", steps=90, hparams={"lr": 0.1})
        optimizers.simulate(booth, "adam", steps=90, start=(1.0, 1.0))
    assert len(compiles) == 1


def test_bucket():
    assert optimizers.bucket(1) == 64
    assert optimizers.bucket(64) == 64
    assert optimizers.bucket(65) == 128
    assert optimizers.bucket(128) == 128
    assert optimizers.bucket(129) == 256
    assert optimizers.bucket(1000) == 1024
    assert optimizers.bucket(optimizers.MAX_STEPS) >= optimizers.MAX_STEPS
    counts = [*range(1, 5000), optimizers.MAX_STEPS - 1, optimizers.MAX_STEPS]
    buckets = [optimizers.bucket(n) for n in counts]
    assert all(b >= n for b, n in zip(buckets, counts, strict=True))
    assert all(b & (b - 1) == 0 for b in buckets)  # powers of two
    assert buckets == sorted(buckets)
    # "a few buckets": every count up to the limit lands in one of a handful
    assert len({optimizers.bucket(n) for n in range(1, optimizers.MAX_STEPS + 1, 7)}) <= 12


# --- the trajectory ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@pytest.mark.parametrize("surface", ["rosenbrock", "valley"])
def test_trajectory_shapes_and_rows(name, surface):
    s = surfaces.get(surface)
    steps, start = 100, (0.3, 0.7)
    t = optimizers.simulate(s, name, start=start, steps=steps, hparams={"lr": 1e-3})
    assert t.xy.shape == (steps + 1, 2)
    assert t.loss.shape == (steps + 1,)
    assert t.lr.shape == (steps,)
    assert t.steps == steps
    assert t.diverged_at is None
    assert t.last_finite == steps
    assert np.all(np.isfinite(t.xy)) and np.all(np.isfinite(t.loss))
    np.testing.assert_allclose(t.xy[0], start, rtol=1e-7)  # row 0 is the start
    assert not np.allclose(t.xy[-1], t.xy[0])  # it moved
    # loss[i] is f(xy[i]), recomputed here from the surface's own fn, in float64
    with jax.enable_x64(True):
        expected = np.asarray(jax.vmap(s.fn)(jnp.asarray(t.xy, jnp.float64)))
    np.testing.assert_allclose(t.loss, expected, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(t.lr, np.full(steps, 1e-3), rtol=1e-7)
    assert t.surface == surface and t.optimizer == name
    assert t.hparams == optimizers.get(name).resolve_hparams({"lr": 1e-3})
    assert t.surface_params == s.resolve_params()
    assert t.schedule == "constant" and t.noise == 0.0


@pytest.mark.parametrize(
    ("schedule", "params"),
    [
        ("constant", {}),
        ("cosine", {"alpha": 0.1}),
        ("warmup_cosine", {"warmup": 0.2, "alpha": 0.0}),
        ("step", {"gamma": 0.3, "every": 0.1}),
        ("inverse_time", {"k": 0.5}),
        ("one_cycle", {}),
        ("cosine_restarts", {"cycles": 3.0}),
    ],
)
@pytest.mark.parametrize("steps", [1, 37, 200])
def test_lr_is_the_schedule_and_drives_the_steps(schedule, params, steps):
    lr = 0.05
    t = optimizers.simulate(
        "valley",
        "sgd",
        steps=steps,
        hparams={"lr": lr},
        schedule=schedule,
        schedule_params=params,
    )
    expected_lr = schedules.get(schedule).values(lr, steps, params)
    np.testing.assert_allclose(t.lr, expected_lr, rtol=1e-6, atol=1e-12)
    assert t.schedule == schedule
    assert t.schedule_params == schedules.get(schedule).resolve_params(params)
    # and it is the η_t the path used: plain SGD in float64 with those η_t
    s = surfaces.get("valley")
    path, losses = _sgd_reference(s, None, s.start, expected_lr)
    np.testing.assert_allclose(t.xy, path, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(t.loss, losses, rtol=1e-5, atol=1e-6)


def test_defaults_fill_unspecified_hparams():
    t = optimizers.simulate("rosenbrock", "adam", steps=10, hparams={"lr": 0.02})
    assert t.hparams == {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert t.surface_params == {} and t.schedule_params == {}
    default = optimizers.simulate("rosenbrock", "adam", steps=10)
    assert default.hparams == optimizers.get("adam").defaults
    np.testing.assert_array_equal(default.xy[0], surfaces.get("rosenbrock").start)


# --- names and objects ----------------------------------------------------------------------------


@pytest.mark.parametrize(("surface", "optimizer"), [("valley", "adam"), ("beale", "momentum")])
def test_names_and_objects_are_interchangeable(surface, optimizer):
    kwargs = {"steps": 60, "schedule_params": {"alpha": 0.2}, "noise": 0.1, "seed": 5}
    by_name = optimizers.simulate(surface, optimizer, schedule="cosine", **kwargs)
    by_object = optimizers.simulate(
        surfaces.get(surface),
        optimizers.get(optimizer),
        schedule=schedules.get("cosine"),
        **kwargs,
    )
    mixed = optimizers.simulate(surface, optimizers.get(optimizer), schedule="cosine", **kwargs)
    for other in (by_object, mixed):
        np.testing.assert_array_equal(by_name.xy, other.xy)
        np.testing.assert_array_equal(by_name.loss, other.loss)
        np.testing.assert_array_equal(by_name.lr, other.lr)
        assert (other.surface, other.optimizer, other.schedule) == (surface, optimizer, "cosine")


# --- divergence -----------------------------------------------------------------------------------


def _check_diverged(t, expected_row: int) -> None:
    assert t.diverged_at == expected_row
    assert t.last_finite == expected_row - 1
    assert np.all(np.isnan(t.xy[expected_row:]))
    assert np.all(np.isnan(t.loss[expected_row:]))
    assert np.all(np.isfinite(t.xy[:expected_row]))
    assert np.all(np.isfinite(t.loss[:expected_row]))
    assert np.all(np.isfinite(t.lr))  # the schedule is still reported in full


def test_sgd_with_a_huge_step_on_rosenbrock_diverges():
    s = surfaces.get("rosenbrock")
    t = optimizers.simulate(s, "sgd", steps=50, hparams={"lr": 10.0})  # must not raise
    path, losses = _sgd_reference(s, None, s.start, np.full(50, 10.0))
    expected = _first_bad_row(s, path, losses)
    assert expected == 1  # the first step lands ~1500 away: far outside 25 domain widths
    _check_diverged(t, expected)
    np.testing.assert_array_equal(t.xy[0], s.start)


def test_divergence_is_reported_at_the_first_row_out_of_bounds():
    # SGD on a quadratic with η κ = 2.5: the v coordinate grows by 1.5 each step and leaves
    # the bound (25 widths of 6 = 150) at row 11: 2 · 1.5¹¹ ≈ 173 > 150 > 2 · 1.5¹⁰ ≈ 115.
    s = surfaces.get("valley")
    params = {"kappa": 10.0, "theta": 0.0}
    t = optimizers.simulate(s, "sgd", steps=40, hparams={"lr": 0.25}, surface_params=params)
    path, losses = _sgd_reference(s, params, s.start, np.full(40, 0.25))
    assert _first_bad_row(s, path, losses) == 11
    _check_diverged(t, 11)
    np.testing.assert_allclose(t.xy[:11], path[:11], rtol=1e-5)


def test_a_path_running_off_the_saddle_is_reported():
    # x² − y² from y₀ = 0.02 with η = 0.1: y grows by 1.2 per step, past 100 at row 47.
    s = surfaces.get("saddle")
    t = optimizers.simulate(s, "sgd", steps=200, hparams={"lr": 0.1})
    path, losses = _sgd_reference(s, None, s.start, np.full(200, 0.1))
    expected = _first_bad_row(s, path, losses)
    assert expected == 47
    _check_diverged(t, expected)
    assert t.loss[expected - 1] < -1000.0  # heading to −∞


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
def test_huge_steps_never_raise(name):
    t = optimizers.simulate("rosenbrock", name, steps=100, hparams={"lr": 10.0})
    if t.diverged_at is not None:
        _check_diverged(t, t.diverged_at)
    else:
        assert np.all(np.isfinite(t.xy)) and np.all(np.isfinite(t.loss))


@pytest.mark.parametrize("name", ["sgd", "adam", "momentum"])
def test_a_tame_run_does_not_diverge(name):
    t = optimizers.simulate("rosenbrock", name, steps=500)
    assert t.diverged_at is None
    assert t.last_finite == 500
    assert np.all(np.isfinite(t.xy)) and np.all(np.isfinite(t.loss))
    assert t.loss[-1] < t.loss[0]


# --- gradient noise -------------------------------------------------------------------------------


def test_same_seed_same_path_and_different_seeds_differ():
    kwargs = {"steps": 200, "hparams": {"lr": 0.05}, "noise": 0.5}
    a = optimizers.simulate("valley", "sgd", seed=3, **kwargs)
    b = optimizers.simulate("valley", "sgd", seed=3, **kwargs)
    c = optimizers.simulate("valley", "sgd", seed=4, **kwargs)
    np.testing.assert_array_equal(a.xy, b.xy)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.seed == 3 and a.noise == 0.5
    assert np.all(a.xy[0] == c.xy[0])
    assert np.all(a.xy[1:] != c.xy[1:]), "different seeds must give different noise at every step"
    quiet = optimizers.simulate("valley", "sgd", steps=200, hparams={"lr": 0.05})
    assert not np.allclose(a.xy, quiet.xy)
    adam_a = optimizers.simulate("valley", "adam", seed=3, **kwargs)
    adam_b = optimizers.simulate("valley", "adam", seed=4, **kwargs)
    assert not np.allclose(adam_a.xy, adam_b.xy)


def test_zero_noise_is_the_noise_free_path():
    kwargs = {"steps": 150, "hparams": {"lr": 0.05}}
    quiet = optimizers.simulate("rosenbrock", "adam", **kwargs)
    for seed in (0, 1, 12345):
        t = optimizers.simulate("rosenbrock", "adam", noise=0.0, seed=seed, **kwargs)
        np.testing.assert_array_equal(t.xy, quiet.xy)
        np.testing.assert_array_equal(t.loss, quiet.loss)
    # the noisy runner with a vanishing σ follows the same path
    faint = optimizers.simulate("rosenbrock", "adam", noise=1e-30, seed=1, **kwargs)
    np.testing.assert_allclose(faint.xy, quiet.xy, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("sigma", "seed"), [(0.5, 1), (2.0, 2024)])
def test_injected_noise_is_standard_normal_times_sigma(sigma, seed):
    # SGD on f = ½|x|² (valley with κ = 1): x_{t+1} = x_t − η (x_t + σ n_t), so
    # σ n_t = −(x_{t+1} − x_t) / η − ∇f(x_t) with ∇f(x) = x.
    steps, lr = 4000, 0.1
    t = optimizers.simulate(
        "valley",
        "sgd",
        start=(0.5, -0.5),
        steps=steps,
        hparams={"lr": lr},
        surface_params={"kappa": 1.0, "theta": 0.0},
        noise=sigma,
        seed=seed,
    )
    assert t.diverged_at is None
    x = t.xy.astype(np.float64)
    eta = float(np.float32(lr))
    noise = -(x[1:] - x[:-1]) / eta - x[:-1]
    assert noise.shape == (steps, 2)
    n = steps
    # mean 0 (4 standard errors) and standard deviation σ (4 standard errors), per coordinate
    assert np.all(np.abs(noise.mean(axis=0)) < 4.0 * sigma / math.sqrt(n))
    assert np.all(np.abs(noise.std(axis=0) / sigma - 1.0) < 4.0 / math.sqrt(2.0 * n))
    z = noise / sigma
    # Gaussian: about 68.3 % within one σ, and independent across coordinates and steps
    inside = np.mean(np.abs(z) < 1.0, axis=0)
    assert np.all(np.abs(inside - 0.6827) < 4.0 * math.sqrt(0.6827 * 0.3173 / n))
    assert abs(np.corrcoef(z[:, 0], z[:, 1])[0, 1]) < 4.0 / math.sqrt(n)
    for k in (0, 1):
        assert abs(np.corrcoef(z[:-1, k], z[1:, k])[0, 1]) < 4.0 / math.sqrt(n)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_the_noise_of_a_step_does_not_depend_on_the_run_length(name):
    kwargs = {"hparams": {"lr": 0.05}, "noise": 0.3, "seed": 11}
    short = optimizers.simulate("valley", name, steps=100, **kwargs)
    long = optimizers.simulate("valley", name, steps=300, **kwargs)  # another bucket
    np.testing.assert_array_equal(short.xy, long.xy[:101])
    np.testing.assert_array_equal(short.loss, long.loss[:101])
    longer = optimizers.simulate("valley", name, steps=1000, **kwargs)
    np.testing.assert_array_equal(long.xy, longer.xy[:301])


# --- validation -------------------------------------------------------------------------------------


def _hparam_cases():
    return [
        pytest.param(o, p, id=f"{o}-{p.name}")
        for o in ALL_OPTIMIZERS
        for p in optimizers.get(o).hparams
    ]


@pytest.mark.parametrize(("name", "bad"), [("sgd", "beta"), ("adam", "beta"), ("adam", "betta")])
def test_unknown_hparam_raises_naming_it(name, bad):
    with pytest.raises(ValueError, match=f"'{bad}'"):
        optimizers.simulate("rosenbrock", name, steps=10, hparams={bad: 0.9})


@pytest.mark.parametrize(("name", "param"), _hparam_cases())
def test_out_of_range_hparam_raises_naming_it_and_its_range(name, param):
    span = param.high - param.low
    for bad in (param.low - 0.01 * span - 1e-3, param.high + 0.01 * span + 1e-3, -1.0, 1e6):
        if param.low <= bad <= param.high:
            continue
        with pytest.raises(ValueError, match=f"'{param.name}'") as info:
            optimizers.simulate("rosenbrock", name, steps=10, hparams={param.name: bad})
        assert param.range_text in str(info.value)


@pytest.mark.parametrize(("name", "param"), _hparam_cases())
@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, np.float32("nan"), "0.1", True, False, None, [0.1]]
)
def test_non_number_hparam_raises_naming_it(name, param, bad):
    with pytest.raises(ValueError, match=f"'{param.name}'"):
        optimizers.simulate("rosenbrock", name, steps=10, hparams={param.name: bad})


def test_bad_surface_and_schedule_params_raise_naming_them():
    with pytest.raises(ValueError, match="'kappa'"):
        optimizers.simulate("valley", "sgd", steps=10, surface_params={"kappa": 0.5})
    with pytest.raises(ValueError, match="'theta'"):
        optimizers.simulate("valley", "sgd", steps=10, surface_params={"theta": math.nan})
    with pytest.raises(ValueError, match="'kappa'"):
        optimizers.simulate("rosenbrock", "sgd", steps=10, surface_params={"kappa": 10.0})
    with pytest.raises(ValueError, match="'alpha'"):
        optimizers.simulate(
            "valley", "sgd", steps=10, schedule="cosine", schedule_params={"alpha": 2.0}
        )
    with pytest.raises(ValueError, match="'gamma'"):
        optimizers.simulate(
            "valley", "sgd", steps=10, schedule="cosine", schedule_params={"gamma": 0.5}
        )


@pytest.mark.parametrize(
    ("surface", "optimizer", "schedule"),
    [("nope", "sgd", "constant"), ("rosenbrock", "nope", "constant"), ("valley", "adam", "nope")],
)
def test_unknown_names_raise_key_error(surface, optimizer, schedule):
    with pytest.raises(KeyError, match="nope"):
        optimizers.simulate(surface, optimizer, steps=10, schedule=schedule)


def test_key_errors_list_the_names():
    with pytest.raises(KeyError) as info:
        optimizers.get("nope")
    assert all(n in str(info.value) for n in ALL_OPTIMIZERS)


@pytest.mark.parametrize(
    "start",
    [
        (math.nan, 0.0),
        (0.0, math.inf),
        (-math.inf, 1.0),
        (0.0,),
        (0.0, 1.0, 2.0),
        (),
        "ab",
        5.0,
        ("x", 1.0),
        (None, 1.0),
        (1e4, 0.0),
        (0.0, -1e5),
        (1e30, 1e30),
    ],
)
def test_bad_start_raises(start):
    with pytest.raises(ValueError, match="start"):
        optimizers.simulate("rosenbrock", "sgd", steps=10, start=start)


@pytest.mark.parametrize(
    "steps", [0, -1, 1.5, 10.0, True, False, "10", None, optimizers.MAX_STEPS + 1, 10**9]
)
def test_bad_steps_raise(steps):
    with pytest.raises(ValueError, match="steps"):
        optimizers.simulate("rosenbrock", "sgd", steps=steps)


def test_numpy_integer_steps_are_accepted():
    t = optimizers.simulate("rosenbrock", "sgd", steps=np.int64(12))
    assert t.xy.shape == (13, 2)


@pytest.mark.parametrize(
    ("noise", "seed", "word"),
    [
        (-0.1, 0, "noise"),
        (math.nan, 0, "noise"),
        (math.inf, 0, "noise"),
        ("loud", 0, "noise"),
        (0.1, -1, "seed"),
        (0.1, 2**32, "seed"),
        (0.1, 1.5, "seed"),
        (0.1, True, "seed"),
    ],
)
def test_bad_noise_or_seed_raises(noise, seed, word):
    with pytest.raises(ValueError, match=word):
        optimizers.simulate("valley", "sgd", steps=10, noise=noise, seed=seed)


# --- properties ---------------------------------------------------------------------------------------


def _draw_in_range(draw, p: surfaces.Param) -> float:
    edge = draw(st.sampled_from(["low", "high", "inside", "inside", "inside", "inside"]))
    if edge == "low":
        return p.low
    if edge == "high":
        return p.high
    if p.log:
        e = draw(st.floats(math.log(p.low), math.log(p.high)))
        value = min(max(math.exp(e), p.low), p.high)
    else:
        value = draw(st.floats(p.low, p.high))
    return float(round(value)) if p.integer else value


@st.composite
def _in_range_runs(draw):
    s = surfaces.get(draw(st.sampled_from(ALL_SURFACES)))
    o = optimizers.get(draw(st.sampled_from(ALL_OPTIMIZERS)))
    hparams = {p.name: _draw_in_range(draw, p) for p in o.hparams}
    surface_params = {p.name: _draw_in_range(draw, p) for p in s.params}
    (x0, x1), (y0, y1) = s.domain
    start = (draw(st.floats(x0, x1)), draw(st.floats(y0, y1)))
    return s, o, hparams, surface_params, start


@settings(max_examples=60, deadline=None)
@given(_in_range_runs())
def test_any_in_range_run_finishes_and_reports_divergence(run):
    s, o, hparams, surface_params, start = run
    t = optimizers.simulate(
        s,
        o,
        start=start,
        steps=HYPOTHESIS_STEPS,
        hparams=hparams,
        surface_params=surface_params,
    )
    assert t.xy.shape == (HYPOTHESIS_STEPS + 1, 2)
    assert t.loss.shape == (HYPOTHESIS_STEPS + 1,)
    assert t.lr.shape == (HYPOTHESIS_STEPS,)
    end = HYPOTHESIS_STEPS + 1 if t.diverged_at is None else t.diverged_at
    assert end >= 1  # the start itself is always a valid row
    assert np.all(np.isfinite(t.xy[:end])) and np.all(np.isfinite(t.loss[:end]))
    lo, hi = _bounds(s)
    assert np.all(t.xy[:end] >= lo) and np.all(t.xy[:end] <= hi)
    assert np.all(np.isnan(t.xy[end:])) and np.all(np.isnan(t.loss[end:]))
    assert np.all(np.isfinite(t.lr))


@st.composite
def _out_of_range_values(draw):
    o = optimizers.get(draw(st.sampled_from(ALL_OPTIMIZERS)))
    p = draw(st.sampled_from(o.hparams))
    scale = max(1.0, abs(p.low), abs(p.high))
    distance = draw(st.floats(1e-6, 1e6)) * scale
    value = p.low - distance if draw(st.booleans()) else p.high + distance
    assume(not p.low <= value <= p.high)
    others = {q.name: _draw_in_range(draw, q) for q in o.hparams if q.name != p.name}
    return o, p, value, others


@settings(max_examples=150, deadline=None)
@given(_out_of_range_values())
def test_any_out_of_range_value_raises_naming_the_parameter(case):
    o, p, value, others = case
    with pytest.raises(ValueError, match=f"'{p.name}'") as info:
        optimizers.simulate("valley", o, steps=HYPOTHESIS_STEPS, hparams={**others, p.name: value})
    assert p.range_text in str(info.value)
