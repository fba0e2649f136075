"""Regularization (surfaces/regularize.py): minima against closed forms, the proximal L1 step
against ISTA, α never recompiling, and the settings, link, CLI, preset and page that carry it."""

from __future__ import annotations

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from compiles import count_compiles  # tests/compiles.py
from streamlit.testing.v1 import AppTest
from test_app import _figure, _ok, _path  # the Compare chart as the app tests read it

import cli
import optimizers
import scenarios
import surfaces
from optimizers import effective
from scenarios import PRESETS, Settings, decode, encode, surface_of
from scenarios.settings import resolve_surface
from surfaces import REG_ALPHA, Surface, regularize
from surfaces.regularize import soft_threshold

# ½ Σ dᵢ (xᵢ − cᵢ)²: L1 moves its minimum to soft-threshold(cᵢ, α/dᵢ), L2 (α‖x‖²) to
# dᵢ cᵢ / (dᵢ + 2α).
D = np.array([1.0, 4.0])
C = np.array([2.0, 0.3])


def _quadratic(xy):
    return 0.5 * jnp.sum(jnp.asarray(D, xy.dtype) * (xy - jnp.asarray(C, xy.dtype)) ** 2)


QUAD = Surface(
    name="separable_quadratic",
    title="½ Σ dᵢ (xᵢ − cᵢ)²",
    expr=_quadratic,
    domain=((-3.0, 3.0), (-3.0, 3.0)),
    start=(-2.5, 2.5),
    minima=((2.0, 0.3),),
    f_min=0.0,
    latex=r"f = \tfrac12 \sum_i d_i (x_i - c_i)^2",
)


def _l1_minimum(alpha: float) -> np.ndarray:
    return np.sign(C) * np.maximum(np.abs(C) - alpha / D, 0.0)


# --- the minima move with α ----------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [1e-4, 0.1, 0.5, 1.0, 1.6, 3.0, 10.0])
def test_l1_minimum_is_the_soft_threshold_of_the_quadratic(alpha):
    s = regularize(QUAD, "l1", alpha)
    expected = _l1_minimum(alpha)
    assert len(s.minima) == 1 and s.local_minima == ()
    np.testing.assert_allclose(s.minima[0], expected, rtol=0, atol=1e-9)
    for got, want in zip(s.minima[0], expected, strict=True):
        assert (got == 0.0) == (want == 0.0)  # a zero coordinate is exactly 0
    f_expected = 0.5 * np.sum(D * (expected - C) ** 2) + alpha * np.abs(expected).sum()
    assert s.f_min == pytest.approx(f_expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("alpha", [1e-4, 0.1, 0.5, 1.0, 3.0, 10.0])
def test_l2_minimum_is_the_shrunk_quadratic_minimum(alpha):
    s = regularize(QUAD, "l2", alpha)
    expected = D * C / (D + 2.0 * alpha)
    np.testing.assert_allclose(s.minima[0], expected, rtol=0, atol=1e-9)
    f_expected = 0.5 * np.sum(D * (expected - C) ** 2) + alpha * np.sum(expected**2)
    assert s.f_min == pytest.approx(f_expected, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0, 5.0])
def test_rosenbrock_l2_minimum_has_a_vanishing_hand_written_gradient(alpha):
    s = regularize(surfaces.get("rosenbrock"), "l2", alpha)
    ((x, y),) = s.minima
    # F = (1 − x)² + 100 (y − x²)² + α (x² + y²)
    gx = -2.0 * (1.0 - x) - 400.0 * x * (y - x**2) + 2.0 * alpha * x
    gy = 200.0 * (y - x**2) + 2.0 * alpha * y
    assert abs(gx) < 1e-8 and abs(gy) < 1e-8
    value = (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2 + alpha * (x**2 + y**2)
    assert s.f_min == pytest.approx(value, rel=1e-12)
    assert 0.0 < x < 1.0 and 0.0 < y < 1.0  # pulled from (1, 1) towards the origin


@pytest.mark.parametrize("alpha", [0.1, 1.0, 2.5])
def test_rosenbrock_l1_minimum_satisfies_the_subgradient_condition(alpha):
    s = regularize(surfaces.get("rosenbrock"), "l1", alpha)
    ((x, y),) = s.minima
    g = np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)])
    for gi, xi in zip(g, (x, y), strict=True):
        if xi == 0.0:
            assert abs(gi) <= alpha + 1e-9  # 0 ∈ ∂ᵢf + α [−1, 1]
        else:
            assert abs(gi + alpha * np.sign(xi)) < 1e-8


def test_a_large_l1_penalty_puts_the_minimum_at_the_origin():
    s = regularize(surfaces.get("rosenbrock"), "l1", 5.0)
    assert s.minima == ((0.0, 0.0),) and s.f_min == pytest.approx(1.0)


KNOWN = [s.name for s in surfaces.REGISTRY if s.f_min is not None]


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("name", KNOWN)
def test_every_regularized_minimum_is_optimal_and_f_min_is_its_value(name, kind):
    alpha = 0.3
    s = regularize(surfaces.get(name), kind, alpha)
    assert s.minima and s.f_min is not None
    with jax.enable_x64(True):
        for point in s.minima + s.local_minima:
            xy = jnp.array(point, jnp.float64)
            base = surfaces.get(name)
            g = np.asarray(jax.grad(base.fn)(xy))
            x = np.asarray(point)
            if kind == "l2":
                assert np.abs(g + 2.0 * alpha * x).max() < 1e-6 * max(1.0, np.abs(g).max())
            else:
                free = x != 0.0
                assert np.all(np.abs(g + alpha * np.sign(x))[free] < 1e-6 * max(1.0, abs(g).max()))
                assert np.all(np.abs(g)[~free] <= alpha + 1e-9)
        values = [float(s.fn(jnp.array(m, jnp.float64))) for m in s.minima]
    np.testing.assert_allclose(values, s.f_min, rtol=1e-9, atol=1e-12)
    for m in s.local_minima:
        with jax.enable_x64(True):
            assert float(s.fn(jnp.array(m, jnp.float64))) > s.f_min


def test_symmetric_minima_stay_a_pair_and_the_saddle_becomes_a_minimum_under_l1():
    s = regularize(surfaces.get("bounded_saddle"), "l1", 0.1)
    assert len(s.minima) == 2
    assert s.minima[0] == pytest.approx((-s.minima[1][0], 0.0))
    # −½x² + α|x| > 0 near 0: the kink turns the saddle at the origin into a local minimum
    assert (0.0, 0.0) in s.local_minima


@pytest.mark.parametrize("name", ["saddle", "monkey_saddle", "neuron"])
def test_unbounded_or_unknown_minima_stay_unknown(name):
    s = regularize(surfaces.get(name), "l2", 1.0)
    assert s.minima == () and s.f_min is None
    custom = regularize(surfaces.from_formula("x**2 + y**2"), "l1", 1.0)
    assert custom.minima == () and custom.f_min is None


def test_the_regularized_surface_shows_its_penalty_and_keeps_the_rest():
    base = surfaces.get("valley")
    s = regularize(base, "l1", 0.5, prox=True, params={"kappa": 100.0})
    assert s.title == "Elongated valley (κ, θ) + α‖x‖₁"
    assert r"\alpha\," in s.latex and base.latex in s.latex
    assert (s.domain, s.start, s.log_levels) == (base.domain, base.start, base.log_levels)
    assert [p.name for p in s.params] == ["kappa", "theta", "reg_alpha"]
    assert s.resolve_params() == {"kappa": 100.0, "theta": 30.0, "reg_alpha": 0.5}
    x = jnp.array([0.7, -1.2])
    expected = base.expr(x, kappa=100.0, theta=30.0) + 0.5 * 1.9
    assert float(s.fn(x)) == pytest.approx(float(expected), rel=1e-6)
    assert float(s.smooth(x, reg_alpha=0.5, kappa=100.0, theta=30.0)) == pytest.approx(
        float(base.expr(x, kappa=100.0, theta=30.0)), rel=1e-6
    )


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("l3", 0.1), KeyError, "unknown penalty 'l3'"),
        (("l1", 0.0), ValueError, "reg_alpha"),
        (("l1", 11.0), ValueError, "reg_alpha"),
        (("l1", float("nan")), ValueError, "reg_alpha"),
        (("l2", 0.1, True), ValueError, "L1 only"),
    ],
)
def test_bad_arguments_are_named(args, error, match):
    with pytest.raises(error, match=match):
        regularize(surfaces.get("booth"), *args)


def test_a_surface_is_regularized_once():
    once = regularize(surfaces.get("booth"), "l1", 0.1)
    with pytest.raises(ValueError, match="already regularized"):
        regularize(once, "l2", 0.1)


def test_the_l1_subgradient_at_zero_is_zero_and_soft_threshold_is_exact():
    g = jax.grad(lambda x: regularize(QUAD, "l1").expr(x, reg_alpha=1.0) - _quadratic(x))
    np.testing.assert_array_equal(g(jnp.array([0.0, 2.0])), [0.0, 1.0])
    out = np.asarray(soft_threshold(jnp.array([0.3, -0.3, 0.5, -2.0]), 0.5))
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, -1.5])


# --- α never recompiles -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "prox"), [("l1", False), ("l1", True), ("l2", False)])
def test_moving_alpha_never_recompiles(kind, prox):
    base = surfaces.get("himmelblau")
    a, b = regularize(base, kind, 0.1, prox), regularize(base, kind, 0.7, prox)
    assert a.expr is b.expr and a.kernel == b.kernel and a.minima != b.minima
    s = Settings(surface="himmelblau", reg=kind, prox=prox, runs=(), steps=100)
    warm = surface_of(s)
    for opt in ("sgd", "adam"):  # warm-up: this structure, this step bucket
        optimizers.simulate(warm, opt, steps=100)
    with count_compiles() as compiles:
        for alpha in (0.01, 0.2, 1.0, 3.7, 9.0):
            moved = surface_of(
                Settings(
                    surface="himmelblau",
                    surface_params={"reg_alpha": alpha},
                    reg=kind,
                    prox=prox,
                    steps=100,
                )
            )
            assert moved.f_min is not None
            for opt in ("sgd", "adam"):
                t = optimizers.simulate(
                    moved, opt, steps=77, surface_params={"reg_alpha": alpha}, start=(1.0, 1.0)
                )
                assert t.surface_params["reg_alpha"] == alpha
    assert compiles == [], f"{len(compiles)} compilation(s) while moving α"


def test_the_effective_step_replay_does_not_recompile_when_alpha_moves():
    s = regularize(surfaces.get("booth"), "l1", 0.1, prox=True)
    effective.replay(optimizers.simulate(s, "adam", steps=100), s)
    with count_compiles() as compiles:
        for alpha in (0.5, 2.0):
            moved = regularize(surfaces.get("booth"), "l1", alpha, prox=True)
            effective.replay(optimizers.simulate(moved, "adam", steps=100), moved)
    assert compiles == []


# --- the proximal step -------------------------------------------------------------------------

ALPHA_ZERO_Y = 1.6  # soft-threshold(0.3, 1.6 / 4) = 0: the L1 minimum is (0.4, 0)


def test_the_proximal_l1_step_reaches_exactly_zero_and_stays():
    s = regularize(QUAD, "l1", ALPHA_ZERO_Y, prox=True)
    assert s.minima == ((pytest.approx(0.4, abs=1e-12), 0.0),)
    t = optimizers.simulate(s, "sgd", steps=200, hparams={"lr": 0.1})
    y = t.xy[:, 1]
    hit = int(np.argmax(y == 0.0))
    assert 0 < hit <= 20 and np.all(y[hit:] == 0.0)  # == 0, not ≈ 0, from then on
    assert t.xy[-1, 0] == pytest.approx(0.4, abs=1e-5)
    # the recorded loss is the whole objective, penalty included
    x_end = t.xy[-1].astype(np.float64)
    full = 0.5 * np.sum(D * (x_end - C) ** 2) + ALPHA_ZERO_Y * np.abs(x_end).sum()
    assert t.loss[-1] == pytest.approx(full, rel=1e-5)


def test_the_subgradient_step_rattles_around_zero_without_landing():
    s = regularize(QUAD, "l1", ALPHA_ZERO_Y, prox=False)
    t = optimizers.simulate(s, "sgd", steps=200, hparams={"lr": 0.1})
    y = t.xy[:, 1]
    assert not np.any(y == 0.0)
    assert np.abs(y[-50:]).max() > 0.01 and np.any(y[-50:] > 0) and np.any(y[-50:] < 0)


def _ista(x0, lr, alpha, steps):
    """Proximal gradient descent on ½ Σ dᵢ (xᵢ − cᵢ)² + α‖x‖₁, in NumPy."""
    x = np.array(x0, np.float64)
    path = [x.copy()]
    for _ in range(steps):
        z = x - lr * D * (x - C)
        x = np.sign(z) * np.maximum(np.abs(z) - lr * alpha, 0.0)
        path.append(x.copy())
    return np.array(path)


@pytest.mark.parametrize(("lr", "alpha"), [(0.1, 1.6), (0.2, 0.5), (0.45, 3.0)])
def test_proximal_sgd_is_ista_step_by_step(lr, alpha):
    s = regularize(QUAD, "l1", alpha, prox=True)
    with jax.enable_x64(True):
        t = optimizers.simulate(s, "sgd", steps=150, hparams={"lr": lr})
    assert t.xy.dtype == np.float64
    np.testing.assert_allclose(t.xy, _ista(QUAD.start, lr, alpha, 150), rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    "name", ["adam", "rmsprop", "adagrad", "momentum_ema", "momentum", "nesterov"]
)
def test_adaptive_methods_with_the_scaled_prox_reach_the_l1_minimum(name):
    """The threshold scales with each coordinate's step (as AdaGrad's composite update does)
    and with heavy-ball momentum's gain 1 / (1 − β), so the fixed point is the minimum of
    f + α‖x‖₁, not of some other α (momentum without the gain would settle at (1 − β)α's)."""
    s = regularize(QUAD, "l1", ALPHA_ZERO_Y, prox=True)
    lr = {"adagrad": 0.5, "momentum": 0.01, "nesterov": 0.01}.get(name, 0.05)
    t = optimizers.simulate(s, name, steps=3000, hparams={"lr": lr})
    assert t.xy[-1, 1] == 0.0
    assert t.xy[-1, 0] == pytest.approx(0.4, abs=1e-3)


@pytest.mark.parametrize("name", ["adam", "rmsprop", "adagrad", "adadelta"])
def test_the_replay_rebuilds_a_proximal_path(name):
    s = regularize(surfaces.get("booth"), "l1", 2.0, prox=True)
    t = optimizers.simulate(s, name, steps=200, hparams={"lr": 0.3}, noise=0.2, seed=3)
    assert t.diverged_at is None
    scale, direction = effective.replay(t, s)
    rebuilt = t.xy[:-1] - t.lr[:, None] * direction
    np.testing.assert_allclose(rebuilt, t.xy[1:], rtol=1e-5, atol=1e-6)
    assert np.all(scale > 0)


@pytest.mark.parametrize("prox", [False, True])
def test_on_a_data_surface_the_penalty_joins_every_batch(prox):
    """batch = n is the full gradient exactly, penalty included (or prox applied)."""
    s = regularize(surfaces.get("linreg_standardized"), "l1", 2.0, prox=prox)
    n = s.data.n
    kw = {"steps": 100, "hparams": {"lr": 0.1}, "start": (6.0, 10.0)}
    full = optimizers.simulate(s, "sgd", **kw)
    batched = optimizers.simulate(s, "sgd", batch=n, **kw)
    np.testing.assert_array_equal(batched.xy, full.xy)
    small = optimizers.simulate(s, "sgd", batch=8, seed=1, **kw)
    assert not np.array_equal(small.xy, full.xy) and np.isfinite(small.xy).all()
    assert abs(full.xy[-1, 0] - s.minima[0][0]) < 0.05  # w* = 3.457 − 2


# --- settings, links, CLI, preset, page ---------------------------------------------------------


def test_settings_resolve_and_key_the_regularized_surface():
    s = Settings(surface="booth", surface_params={"reg_alpha": 0.25}, reg="l1", prox=True)
    surface = surface_of(s)
    assert surface.name == "booth+l1+prox" and surface.prox is not None
    assert surface.resolve_params()["reg_alpha"] == 0.25
    keys = {
        Settings(surface="booth").surface_key,
        s.surface_key,
        Settings(surface="booth", surface_params={"reg_alpha": 0.5}, reg="l1").surface_key,
        Settings(surface="booth", surface_params={"reg_alpha": 0.25}, reg="l1").surface_key,
        Settings(surface="booth", surface_params={"reg_alpha": 0.25}, reg="l2").surface_key,
    }
    assert len(keys) == 5  # caches keyed on it never mix these up
    name, formula, domain = s.surface_key  # still the three fields ui/cached.py reads
    assert resolve_surface(name, formula, domain) is surface
    switched = s.with_surface("valley")
    assert (switched.reg, switched.prox, switched.alpha) == ("l1", True, 0.25)
    assert surface_of(switched).name == "valley+l1+prox"


def test_a_regularized_custom_formula_keeps_its_formula():
    s = Settings(surface=scenarios.CUSTOM, formula="x**2 + y**2", reg="l2", surface_params={})
    surface = surface_of(s)
    assert surface.name == "custom+l2" and surface.title == "x**2 + y**2 + α‖x‖²"
    assert float(surface.fn(jnp.array([1.0, 2.0]))) == pytest.approx(5.0 * 1.1)


def test_a_link_carries_the_regularization_and_round_trips():
    s = Settings(
        surface="himmelblau", surface_params={"reg_alpha": 0.5}, reg="l1", prox=True, steps=100
    )
    q = encode(s)
    assert (q["reg"], q["reg.alpha"], q["reg.prox"]) == ("l1", "0.5", "1")
    assert "himmelblau.reg_alpha" not in q
    back, warnings = decode(q)
    assert warnings == [] and encode(back) == q
    assert (back.reg, back.prox, back.alpha) == ("l1", True, 0.5)
    plain = encode(Settings())
    assert not any(k.startswith("reg") for k in plain)  # old links stay as they were


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"reg": "l3"}, "reg='l3'"),
        ({"reg": "l1", "reg.alpha": "20"}, "reg.alpha='20'"),
        ({"reg": "l1", "reg.alpha": "abc"}, "reg.alpha='abc'"),
        ({"reg": "l1", "reg.alpha": "nan"}, "reg.alpha='nan'"),
        ({"reg": "l1", "reg.prox": "maybe"}, "reg.prox='maybe'"),
        ({"reg": "l2", "reg.prox": "1"}, "reg=l1 only"),
        ({"reg.alpha": "0.5"}, "'reg.alpha': it goes with reg="),
        ({"reg.prox": "1"}, "'reg.prox': it goes with reg="),
    ],
)
def test_a_bad_regularization_in_a_link_is_dropped_with_a_warning(query, named):
    s, warnings = decode(query)
    assert len(warnings) == 1 and named in warnings[0], warnings
    surface_of(s)  # what is left resolves
    assert s.alpha == REG_ALPHA.default


def _cli(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_run_accepts_the_regularization(capsys):
    argv = ["run", "--surface", "booth", "--optimizer", "sgd", "--steps", "50"]
    status, out, err = _cli(capsys, *argv, "--reg", "l1", "--alpha", "0.5", "--prox")
    assert (status, err) == (0, "")
    record = json.loads(out)
    assert record["surface"] == "booth+l1+prox"
    assert record["surface_params"] == {"reg_alpha": 0.5}
    s = regularize(surfaces.get("booth"), "l1", 0.5, prox=True)
    t = optimizers.simulate(s, "sgd", steps=50)
    np.testing.assert_array_equal(np.array(record["xy"], np.float32), t.xy)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--reg", "l3"], "invalid choice: 'l3'"),
        (["--alpha", "0.5"], "--alpha and --prox go with --reg"),
        (["--prox"], "--alpha and --prox go with --reg"),
        (["--reg", "l2", "--prox"], "--prox goes with --reg l1 only"),
        (["--reg", "l1", "--alpha", "20"], "--alpha must be a number in [0.0001, 10]"),
        (["--reg", "l1", "--alpha", "nan"], "--alpha must be a number"),
        (["--reg", "l1", "--alpha", "x"], "argument --alpha"),
    ],
)
def test_cli_bad_regularization_exits_2_with_one_line(capsys, extra, named):
    status, out, err = _cli(capsys, "run", "--surface", "booth", "--optimizer", "sgd", *extra)
    assert status == 2 and out == ""
    assert err.startswith("optiscape: error: ") and err.count("\n") == 1
    assert named in err


def test_cli_gif_and_list_know_the_penalties(capsys, tmp_path):
    out = tmp_path / "lasso.gif"
    status, stdout, err = _cli(
        capsys,
        "gif",
        "--surface=linreg_standardized",
        "--optimizers=sgd,adam",
        "--reg=l1",
        "--alpha=4",
        "--prox",
        "--start=9,13",
        "--steps=100",
        "--frames=10",
        f"--out={out}",
    )
    assert (status, err) == (0, "") and out.stat().st_size > 0
    status, stdout, _ = _cli(capsys, "list")
    assert "Penalties (2)" in stdout and "α‖x‖₁" in stdout and "--prox" in stdout
    status, stdout, _ = _cli(capsys, "list", "--format", "json")
    penalties = json.loads(stdout)["penalties"]
    assert [(p["name"], p["prox"]) for p in penalties] == [("l1", True), ("l2", False)]


def test_preset_lasso_lands_on_zero_with_the_prox_and_rattles_without():
    preset = PRESETS.get("lasso_zero")
    s = preset.settings
    assert preset.question.endswith("?")
    for prox in (True, False):
        view = Settings(**{**s.__dict__, "prox": prox})
        surface = surface_of(view)
        ((w_star, b_star),) = surface.minima
        assert w_star == 0.0
        for r in s.runs:
            t = optimizers.simulate(
                surface,
                r.optimizer,
                start=s.start,
                steps=s.steps,
                hparams=r.hparams,
                surface_params=s.surface_params,
            )
            w = t.xy[:, 0]
            if prox:
                assert np.all(w[-100:] == 0.0), r.optimizer
                assert t.xy[-1, 1] == pytest.approx(b_star, abs=1e-3)
            else:
                assert not np.any(w == 0.0) and np.abs(w[-50:]).max() > 1e-3, r.optimizer


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _sgd_path(at: AppTest) -> np.ndarray:
    return _path(_figure(at), "sgd")  # tests/test_app.py's readers of the Compare chart


def test_the_compare_page_applies_l1_with_the_proximal_step_and_links_it():
    at = AppTest.from_file(APP, default_timeout=120).run()
    _ok(at)
    plain = _sgd_path(at)
    at.radio(key="reg").set_value("l1").run()
    _ok(at)
    at.checkbox(key="prox").check().run()
    _ok(at)
    assert (at.query_params["reg"], at.query_params["reg.prox"]) == ("l1", "1")
    assert at.query_params["reg.alpha"] == "0.1"
    regularized = _sgd_path(at)
    assert not np.allclose(regularized, plain)
    expected = optimizers.simulate(
        regularize(surfaces.get("rosenbrock"), "l1", 0.1, prox=True), "sgd", steps=500
    )
    np.testing.assert_allclose(regularized[-1], expected.xy[-1], rtol=1e-5, atol=1e-6)
    assert any("α‖x‖₁" in c.value for c in at.caption)  # the title shows the penalty
    assert any(r"\alpha\," in e.value for e in at.latex)
    assert any(r"\operatorname{sign}" in e.value for e in at.latex)  # the prox step's rule
    settings, warnings = decode({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and (settings.reg, settings.prox) == ("l1", True)


def test_a_regularized_link_restores_the_controls():
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in {"surface": "himmelblau", "reg": "l2", "reg.alpha": "0.5"}.items():
        at.query_params[k] = v
    at.run()
    _ok(at)
    assert not at.warning
    assert at.radio(key="reg").value == "l2"
    assert at.query_params["reg.alpha"] == "0.5" and "reg.prox" not in at.query_params


def test_a_sweep_refuses_a_proximal_surface_and_runs_the_plain_penalty():
    """optimizers.sweep has no proximal step: it says so rather than ignore it; without the
    prox the penalty is part of f and the sweep agrees with simulate."""
    base = surfaces.get("himmelblau")
    with pytest.raises(ValueError, match="proximal"):
        optimizers.sweep(surfaces.regularize(base, "l1", 0.5, prox=True), "sgd", starts=(0, 0))
    plain = surfaces.regularize(base, "l2", 0.5)
    res = optimizers.sweep(plain, "sgd", starts=(0.0, 0.0), hparams={"lr": 0.01}, steps=200)
    t = optimizers.simulate(plain, "sgd", hparams={"lr": 0.01}, steps=200)
    np.testing.assert_allclose(res.final[0], t.xy[-1], rtol=1e-4, atol=1e-5)
