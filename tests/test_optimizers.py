"""Every optimizer, step by step, against an independent reference (DESIGN.md, "Testing").

Four references, each sharing nothing with the engine but the formula of the surface:

* the closed forms of the update-rule table, in plain NumPy float64 with hand-differentiated
  gradients (``tests/reference.py``), for the seven classic optimizers, compared with the
  engine in float64 (``jax.enable_x64``) to ~1e-9;
* optax configured to the same form, stepped in a plain loop with ``jax.grad``, for every
  first-order optimizer optax has in that form, compared in float32 to ~1e-5, and in float64
  to ~1e-9 for the optimizers that have no closed form here;
* ``torch.optim`` in float64, for the optimizers PyTorch has in the project's default form
  (DESIGN.md: "so a student can check any number against PyTorch");
* for Newton's method, the exact minimum of quadratics and a NumPy Newton iteration with a
  hand-written Hessian.

Cases follow optax's tests: a table of (optimizer, surface, hyperparameters) crossing defaults
with non-default values. Each case was chosen so the path neither diverges nor settles into a
regime that amplifies rounding (an adaptive method sitting at a minimum, RMSProp bouncing in
Rosenbrock's valley): there two float64 runs from starts 1e-14 apart already part at the
third digit, so no reference can be matched step by step. Every check asserts that the path
did not diverge and that it travelled, so no case passes vacuously.
"""

from __future__ import annotations

from functools import cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import reference

import optimizers
import surfaces

STEPS = 256  # at least 200 steps, and exactly one compiled bucket: no scan step is wasted
MIN_TRAVEL = 0.05  # the path must end at least this far from its start


class Case(NamedTuple):
    """One row of a reference table: an optimizer on a surface with some hyperparameters."""

    optimizer: str
    surface: str
    hparams: dict[str, float]
    surface_params: dict[str, float] | None = None
    start: tuple[float, float] | None = None

    @property
    def id(self) -> str:
        def fmt(d):
            return ",".join(f"{k}={v:g}" for k, v in d.items())

        where = self.surface + (f"[{fmt(self.surface_params)}]" if self.surface_params else "")
        if self.start is not None:
            where += f"@({self.start[0]:g},{self.start[1]:g})"
        return f"{self.optimizer}-{where}-{fmt(self.hparams) or 'defaults'}"

    @property
    def x0(self) -> np.ndarray:
        s = surfaces.get(self.surface)
        return np.asarray(s.start if self.start is None else self.start, np.float64)


def row(optimizer, surface, surface_params=None, start=None, **hparams) -> Case:
    return Case(optimizer, surface, hparams, surface_params, start)


VALLEY_50 = {"kappa": 50.0, "theta": -20.0}
VALLEY_200 = {"kappa": 200.0, "theta": 60.0}


def ids(cases):
    return [c.id for c in cases]


def run_engine(case: Case, steps: int = STEPS, **kwargs) -> optimizers.Trajectory:
    """The engine's path for ``case``, checked to be a real one: finite, long, and moving."""
    t = optimizers.simulate(
        case.surface,
        case.optimizer,
        start=case.start,
        steps=steps,
        hparams=case.hparams,
        surface_params=case.surface_params,
        **kwargs,
    )
    assert t.xy.dtype == jnp.result_type(float), "the engine must follow JAX's float dtype"
    assert t.xy.shape == (steps + 1, 2) and t.loss.shape == (steps + 1,)
    assert t.diverged_at is None, f"{case.id} diverged at step {t.diverged_at}: pick other values"
    travel = float(np.linalg.norm(t.xy[-1] - t.xy[0]))
    assert travel > MIN_TRAVEL, f"{case.id} barely moved ({travel:.3g}): the check would be vacuous"
    for k, v in case.hparams.items():
        assert t.hparams[k] == v, f"{k} was given as {v} but the engine used {t.hparams[k]}"
    np.testing.assert_array_equal(t.xy[0], case.x0.astype(t.xy.dtype))
    return t


def assert_paths_close(actual, expected, rtol: float, what: str) -> None:
    """Step by step, relative to the size of the path: coordinates cross zero, so a per-entry
    relative tolerance would be meaningless there."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape
    allowed = rtol * max(float(np.max(np.abs(expected))), 1e-300)
    err = (
        np.max(np.abs(actual - expected), axis=-1) if actual.ndim > 1 else np.abs(actual - expected)
    )
    bad = np.flatnonzero(~(err <= allowed))  # a NaN counts as a mismatch
    if bad.size:
        k = int(bad[0])
        pytest.fail(
            f"{what}: the engine and the reference part at step {k} of {len(err) - 1}: "
            f"engine {actual[k]} vs reference {expected[k]} "
            f"(|Δ| {err[k]:.3g}, largest {np.nanmax(err):.3g}, allowed {allowed:.3g})"
        )


# --- 1. The closed forms of DESIGN.md, in NumPy float64 ---------------------------------------

CLOSED_FORM_CASES = [
    row("sgd", "rosenbrock"),
    row("sgd", "booth", lr=0.05),
    row("sgd", "himmelblau", lr=0.01),
    row("sgd", "beale", lr=0.01),
    row("sgd", "valley", VALLEY_50, lr=0.03),
    row("momentum", "rosenbrock"),
    row("momentum", "booth", lr=0.01, beta=0.8),
    row("momentum", "himmelblau", lr=2e-3, beta=0.5),
    row("momentum", "beale", lr=3e-3, beta=0.95),
    row("momentum", "valley", VALLEY_50, lr=0.01, beta=0.7),
    row("nesterov", "rosenbrock"),
    row("nesterov", "booth", lr=0.01, beta=0.8),
    row("nesterov", "himmelblau", lr=2e-3, beta=0.5),
    row("nesterov", "beale", lr=3e-3, beta=0.95),
    row("nesterov", "valley", VALLEY_50, lr=0.01, beta=0.7),
    row("adagrad", "rosenbrock"),
    row("adagrad", "rosenbrock", lr=0.5, eps=1e-3),
    row("adagrad", "booth", lr=1.0),
    row("adagrad", "himmelblau", lr=0.3, eps=0.1),
    row("adagrad", "beale", lr=0.05),
    row("adagrad", "valley", VALLEY_200, lr=0.5, eps=1e-6),
    row("rmsprop", "rosenbrock", lr=1e-3),
    row("rmsprop", "booth"),
    row("rmsprop", "himmelblau"),
    row("rmsprop", "himmelblau", lr=0.02, rho=0.5, eps=1e-3),
    row("rmsprop", "beale", lr=5e-3),
    row("rmsprop", "valley", VALLEY_200, lr=0.02),
    row("adadelta", "booth"),
    row("adadelta", "himmelblau"),
    row("adadelta", "beale"),
    row("adadelta", "valley", VALLEY_200),
    row("adadelta", "rosenbrock", lr=5.0, rho=0.95, eps=1e-4),
    row("adadelta", "beale", lr=5.0, rho=0.99, eps=1e-4),
    row("adam", "rosenbrock"),
    row("adam", "rosenbrock", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6),
    row("adam", "booth", lr=0.1, beta1=0.5),
    row("adam", "himmelblau", lr=0.05, beta2=0.9, eps=1e-3),
    row("adam", "beale", lr=0.02),
    row("adam", "valley", VALLEY_200, lr=0.05, beta1=0.95, beta2=0.9999),
    # the convention variants (optimizers/conventions.py)
    row("momentum_ema", "rosenbrock"),
    row("momentum_ema", "booth", lr=0.05, beta=0.8),
    row("momentum_ema", "himmelblau", lr=0.004, beta=0.5),
    row("momentum_ema", "valley", VALLEY_50, lr=0.03, beta=0.7),
    row("adagrad_eps_in", "rosenbrock"),
    row("adagrad_eps_in", "booth", lr=1.0, eps=0.5),
    row("adagrad_eps_in", "himmelblau", lr=0.3, eps=0.1),
    row("rmsprop_eps_in", "booth"),
    row("rmsprop_eps_in", "himmelblau", lr=0.02, rho=0.5, eps=1e-3),
    row("rmsprop_eps_in", "beale", lr=5e-3, eps=1e-4),
    row("adam_no_bias", "rosenbrock", lr=5e-3),
    row("adam_no_bias", "booth", lr=0.1, beta1=0.5),
    row("adam_no_bias", "himmelblau", lr=0.05, beta2=0.9, eps=1e-3),
]


def closed_form_path(case: Case, hparams, lrs) -> np.ndarray:
    grad = reference.surface(case.surface, case.surface_params).grad
    return reference.CLOSED_FORM[case.optimizer](grad, case.x0, lrs, hparams)


@pytest.mark.parametrize("case", CLOSED_FORM_CASES, ids=ids(CLOSED_FORM_CASES))
def test_engine_follows_the_closed_form(case):
    with jax.enable_x64(True):
        t = run_engine(case)
    expected = closed_form_path(case, t.hparams, np.full(STEPS, t.hparams["lr"]))
    assert_paths_close(t.xy, expected, 1e-9, case.id)
    f = reference.surface(case.surface, case.surface_params).f
    assert_paths_close(t.loss, [f(p) for p in expected], 1e-9, f"{case.id} (loss)")


SCHEDULE_CASES = [
    (row("momentum", "booth", lr=0.01, beta=0.8), "cosine", {"alpha": 0.1}),
    (row("nesterov", "himmelblau", lr=2e-3, beta=0.5), "step", {}),
    (row("rmsprop", "beale", lr=5e-3), "warmup_cosine", {}),
    (row("adadelta", "booth"), "exponential", {"gamma": 0.99}),
    (row("adam", "rosenbrock", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6), "one_cycle", {}),
]


@pytest.mark.parametrize(
    ("case", "schedule", "params"),
    SCHEDULE_CASES,
    ids=[f"{c.optimizer}-{s}" for c, s, _ in SCHEDULE_CASES],
)
def test_schedule_scales_the_final_step(case, schedule, params):
    # DESIGN.md: "The schedule's η_t multiplies the final step": not the gradient that goes
    # into a momentum or a second moment. The reference is fed the η_t the engine reports.
    with jax.enable_x64(True):
        t = run_engine(case, schedule=schedule, schedule_params=params)
    assert np.ptp(t.lr) > 0.1 * t.hparams["lr"], "the schedule must actually vary"
    assert_paths_close(t.xy, closed_form_path(case, t.hparams, t.lr), 1e-9, case.id)


# --- 2. optax, configured to the same form ----------------------------------------------------


# The project's hyperparameters → the optax optimizer of the same form (modern.py's `about`),
# as (optax factory, its keyword arguments). AdaGrad is absent: optax puts ε inside the root
# and starts the accumulator at 0.1.
def _adam_like(h):
    return {"learning_rate": h["lr"], "b1": h["beta1"], "b2": h["beta2"], "eps": h["eps"]}


OPTAX = {
    "sgd": (optax.sgd, lambda h: {"learning_rate": h["lr"]}),
    "momentum": (optax.sgd, lambda h: {"learning_rate": h["lr"], "momentum": h["beta"]}),
    "nesterov": (
        optax.sgd,
        lambda h: {"learning_rate": h["lr"], "momentum": h["beta"], "nesterov": True},
    ),
    "rmsprop": (
        optax.rmsprop,
        lambda h: {
            "learning_rate": h["lr"],
            "decay": h["rho"],
            "eps": h["eps"],
            "eps_in_sqrt": False,
            "initial_scale": 0.0,
        },
    ),
    "adadelta": (
        optax.adadelta,
        lambda h: {"learning_rate": h["lr"], "rho": h["rho"], "eps": h["eps"]},
    ),
    "adam": (optax.adam, _adam_like),
    "rmsprop_eps_in": (
        optax.rmsprop,
        lambda h: {
            "learning_rate": h["lr"],
            "decay": h["rho"],
            "eps": h["eps"],
            "initial_scale": 0.0,
        },
    ),
    "adagrad_eps_in": (
        optax.adagrad,
        lambda h: {"learning_rate": h["lr"], "eps": h["eps"], "initial_accumulator_value": 0.0},
    ),
    "adamw": (optax.adamw, lambda h: {**_adam_like(h), "weight_decay": h["weight_decay"]}),
    "nadam": (optax.nadam, _adam_like),
    "amsgrad": (optax.amsgrad, _adam_like),
    "adamax": (optax.adamax, _adam_like),
    "radam": (optax.radam, _adam_like),
    "adabelief": (optax.adabelief, lambda h: {**_adam_like(h), "eps_root": h["eps"]}),
    "lion": (
        optax.lion,
        lambda h: {
            "learning_rate": h["lr"],
            "b1": h["beta1"],
            "b2": h["beta2"],
            "weight_decay": h["weight_decay"],
        },
    ),
}

OPTAX_CASES = [
    row("sgd", "rosenbrock"),
    row("sgd", "booth", lr=0.05),
    row("sgd", "valley", VALLEY_50, lr=0.03),
    row("momentum", "rosenbrock"),
    row("momentum", "booth", lr=0.01, beta=0.8),
    row("momentum", "beale", lr=3e-3, beta=0.95),
    row("nesterov", "rosenbrock"),
    row("nesterov", "himmelblau", lr=2e-3, beta=0.5),
    row("nesterov", "beale", lr=3e-3, beta=0.95),
    row("rmsprop", "booth"),
    row("rmsprop", "himmelblau", lr=0.02, rho=0.5, eps=1e-3),
    row("rmsprop", "beale", lr=5e-3),
    row("adadelta", "himmelblau"),
    row("adadelta", "rosenbrock", lr=5.0, rho=0.95, eps=1e-4),
    row("adadelta", "beale", lr=5.0, rho=0.99, eps=1e-4),
    row("adam", "rosenbrock"),
    row("adam", "booth", lr=0.1, beta1=0.5),
    row("adam", "valley", VALLEY_200, lr=0.02, beta1=0.95, beta2=0.99),
    row("adamw", "rosenbrock"),
    row("adamw", "booth", lr=0.1, weight_decay=0.1),
    row("adamw", "himmelblau", lr=0.05, beta2=0.9, weight_decay=0.5),
    row("nadam", "rosenbrock"),
    row("nadam", "booth", lr=0.1, beta1=0.5),
    row("nadam", "valley", VALLEY_200, lr=0.02, beta1=0.95, beta2=0.99),
    row("amsgrad", "rosenbrock"),
    row("amsgrad", "booth", lr=0.1, beta1=0.5),
    row("amsgrad", "himmelblau", lr=0.05, beta2=0.9, eps=1e-3),
    row("adamax", "rosenbrock"),
    row("adamax", "himmelblau", lr=0.02, beta2=0.9, eps=1e-3),
    row("adamax", "matyas", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-4),
    row("radam", "rosenbrock"),
    row("radam", "beale", lr=0.02),
    row("radam", "matyas", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-4),
    row("adabelief", "rosenbrock"),
    row("adabelief", "himmelblau", lr=0.02, beta2=0.9, eps=1e-3),
    row("adabelief", "matyas", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-4),
    row("lion", "rosenbrock"),
    row("lion", "himmelblau", lr=0.01, beta1=0.8, beta2=0.95, weight_decay=0.1),
    row("lion", "valley", VALLEY_200, lr=0.01, beta1=0.95, beta2=0.98, weight_decay=0.5),
    row("rmsprop_eps_in", "booth"),
    row("rmsprop_eps_in", "himmelblau", lr=0.02, rho=0.5, eps=1e-3),
    row("adagrad_eps_in", "booth", lr=1.0, eps=0.5),
    row("adagrad_eps_in", "himmelblau", lr=0.3, eps=0.1),
]


# --- the convention switches: each variant against the default form it rewrites ------------


@pytest.mark.parametrize(
    ("surface", "params", "lr", "beta"),
    [
        ("booth", None, 0.05, 0.8),
        ("himmelblau", None, 0.004, 0.5),
        ("valley", VALLEY_50, 0.03, 0.7),
    ],
)
def test_ema_momentum_is_heavy_ball_with_a_smaller_step(surface, params, lr, beta):
    """v ← βv + (1 − β)g at η is v ← βv + g at η(1 − β): the EMA velocity is (1 − β) times the
    heavy-ball one, step by step (DESIGN.md: a convention, not a bug)."""
    with jax.enable_x64(True):
        ema = run_engine(row("momentum_ema", surface, params, lr=lr, beta=beta))
        heavy = run_engine(row("momentum", surface, params, lr=lr * (1 - beta), beta=beta))
    assert_paths_close(ema.xy, heavy.xy, 1e-12, f"EMA vs heavy ball on {surface}")


def test_adam_without_bias_correction_mis_scales_the_first_step():
    """With v₀ = 0 and β₂ = 0.999, uncorrected v is (1 − β₂) g² at step 1, so the first step is
    η(1 − β₁)/√(1 − β₂) ≈ 3.2η per coordinate instead of Adam's η: the closed form says so."""
    with jax.enable_x64(True):
        plain = optimizers.simulate("booth", "adam_no_bias", steps=1, hparams={"lr": 0.01})
        adam = optimizers.simulate("booth", "adam", steps=1, hparams={"lr": 0.01})
    step = np.abs(plain.xy[1] - plain.xy[0])
    np.testing.assert_allclose(step, 0.01 * 0.1 / np.sqrt(0.001), rtol=1e-6)
    np.testing.assert_allclose(np.abs(adam.xy[1] - adam.xy[0]), 0.01, rtol=1e-6)


def test_every_variant_names_its_default_form_and_its_switch():
    variants = [o for o in optimizers.REGISTRY if o.variant_of]
    assert {o.name for o in variants} == {
        "momentum_ema",
        "adagrad_eps_in",
        "rmsprop_eps_in",
        "adam_no_bias",
    }
    for o in variants:
        base = optimizers.get(o.variant_of)
        assert o.switch and not base.variant_of
        assert [p.name for p in o.hparams] == [p.name for p in base.hparams]
        assert o.latex != base.latex  # the equation on screen changes with the switch


def _jit(fn):
    # XLA:CPU's newer fusion emitters only cost compile time on these tiny functions.
    cpu = jax.default_backend() == "cpu"
    return jax.jit(fn, compiler_options={"xla_cpu_use_fusion_emitters": False} if cpu else None)


def _optax(optimizer: str, hparams):
    """optax's transformation for ``optimizer``; hyperparameters not given take the defaults.

    The hyperparameters ride in the state (``optax.inject_hyperparams``), held in the
    parameters' dtype as the engine holds them, so one compiled step serves every case."""
    factory, kwargs = OPTAX[optimizer]
    given = {**optimizers.get(optimizer).defaults, **hparams}
    return optax.inject_hyperparams(factory)(**kwargs(given))


@cache
def _optax_step(optimizer: str):
    tx = _optax(optimizer, {})  # its update reads the hyperparameters from the state

    @_jit
    def step(g, state, x):
        updates, state = tx.update(g, state, x)
        return optax.apply_updates(x, updates), state

    return step


@cache
def _jax_grad(surface: str):
    return _jit(jax.grad(surfaces.get(surface).expr))


def optax_path(case: Case, hparams, steps: int = STEPS) -> np.ndarray:
    """optax's optimizer applied in a plain loop, gradients by ``jax.grad``, in JAX's dtype."""
    dtype = jnp.result_type(float)
    step = _optax_step(case.optimizer)
    sp = surfaces.get(case.surface).resolve_params(case.surface_params)
    grad = partial(_jax_grad(case.surface), **{k: np.asarray(v, dtype) for k, v in sp.items()})
    x = jnp.asarray(case.x0, dtype)
    state = _optax(case.optimizer, hparams).init(x)
    path = [x]
    for _ in range(steps):
        x, state = step(grad(x), state, x)
        path.append(x)
    return np.asarray(jnp.stack(path))


@pytest.mark.parametrize("case", OPTAX_CASES, ids=ids(OPTAX_CASES))
def test_engine_matches_optax_float32(case):
    t = run_engine(case)
    assert t.xy.dtype == np.float32
    # 1e-5 of the path's size: float32 carries ~7 digits, and the engine keeps β₁ᵗ and β₂ᵗ as
    # running products where optax takes powers, a relative difference of up to ~1e-6 in the
    # bias corrections after 256 steps.
    assert_paths_close(t.xy, optax_path(case, t.hparams), 1e-5, case.id)


# The optimizers with no closed form above get a second, tight check: optax in float64, on
# their cases away from Rosenbrock (two each; the float32 test covers the third).
OPTAX_ONLY = ("adamw", "nadam", "amsgrad", "adamax", "radam", "adabelief", "lion")
OPTAX64_CASES = [c for c in OPTAX_CASES if c.optimizer in OPTAX_ONLY and c.surface != "rosenbrock"]


@pytest.mark.parametrize("case", OPTAX64_CASES, ids=ids(OPTAX64_CASES))
def test_engine_matches_optax_float64(case):
    with jax.enable_x64(True):
        t = run_engine(case)
        expected = optax_path(case, t.hparams)
    assert expected.dtype == np.float64
    assert_paths_close(t.xy, expected, 1e-9, case.id)


# --- 3. torch.optim, float64 -------------------------------------------------------------------


def _torch_optimizer(name: str, params, h):
    torch = pytest.importorskip("torch")
    o = torch.optim
    betas = (h.get("beta1"), h.get("beta2"))
    make = {
        "sgd": lambda: o.SGD(params, lr=h["lr"]),
        "momentum": lambda: o.SGD(params, lr=h["lr"], momentum=h["beta"]),
        "nesterov": lambda: o.SGD(params, lr=h["lr"], momentum=h["beta"], nesterov=True),
        "adagrad": lambda: o.Adagrad(params, lr=h["lr"], eps=h["eps"], initial_accumulator_value=0),
        "rmsprop": lambda: o.RMSprop(params, lr=h["lr"], alpha=h["rho"], eps=h["eps"]),
        "adadelta": lambda: o.Adadelta(params, lr=h["lr"], rho=h["rho"], eps=h["eps"]),
        "adam": lambda: o.Adam(params, lr=h["lr"], betas=betas, eps=h["eps"]),
        "adamw": lambda: o.AdamW(
            params, lr=h["lr"], betas=betas, eps=h["eps"], weight_decay=h["weight_decay"]
        ),
        "adamax": lambda: o.Adamax(params, lr=h["lr"], betas=betas, eps=h["eps"]),
    }
    return make[name]()


TORCH_FORMS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")


def _first_three(cases, names):
    """The first three cases of each optimizer in ``names``: torch steps slowly in Python."""
    taken: dict[str, int] = {}
    for c in cases:
        if c.optimizer in names and taken.get(c.optimizer, 0) < 3:
            taken[c.optimizer] = taken.get(c.optimizer, 0) + 1
            yield c


TORCH_CASES = [
    *_first_three(CLOSED_FORM_CASES, TORCH_FORMS),
    *_first_three(OPTAX_CASES, ("adamw", "adamax")),
]


def torch_path(case: Case, hparams, steps: int = STEPS) -> np.ndarray:
    """``torch.optim`` stepping on the hand-written gradient, float64."""
    torch = pytest.importorskip("torch")
    grad = reference.surface(case.surface, case.surface_params).grad
    x = torch.tensor(case.x0, dtype=torch.float64, requires_grad=True)
    opt = _torch_optimizer(case.optimizer, [x], hparams)
    path = [x.detach().numpy().copy()]
    for _ in range(steps):
        x.grad = torch.from_numpy(grad(x.detach().numpy()))
        opt.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("case", TORCH_CASES, ids=ids(TORCH_CASES))
def test_engine_matches_torch(case):
    pytest.importorskip("torch")
    with jax.enable_x64(True):
        t = run_engine(case)
    assert_paths_close(t.xy, torch_path(case, t.hparams), 1e-9, case.id)


# --- 4. Newton's method ------------------------------------------------------------------------

NEWTON_QUADRATICS = [  # (surface, surface params, start, the minimum)
    ("booth", None, None, (1.0, 3.0)),
    ("booth", None, (9.0, -9.5), (1.0, 3.0)),
    ("matyas", None, None, (0.0, 0.0)),
    ("valley", None, None, (0.0, 0.0)),
    ("valley", {"kappa": 1.0, "theta": 0.0}, None, (0.0, 0.0)),
    ("valley", {"kappa": 1000.0, "theta": -75.0}, (2.0, -1.5), (0.0, 0.0)),
]


@pytest.mark.parametrize(
    ("surface", "params", "start", "minimum"),
    NEWTON_QUADRATICS,
    ids=[Case("newton", s, {}, p, x).id for s, p, x, _ in NEWTON_QUADRATICS],
)
def test_newton_solves_a_quadratic_in_one_step(surface, params, start, minimum):
    with jax.enable_x64(True):
        t = optimizers.simulate(
            surface,
            "newton",
            start=start,
            steps=3,
            hparams={"lr": 1.0, "damping": 0.0},
            surface_params=params,
        )
    assert t.diverged_at is None
    scale = float(np.max(np.abs(t.xy[0])))
    # Exact up to float64 rounding of the 2×2 solve, and it stays there (g = 0).
    np.testing.assert_allclose(t.xy[1:], np.broadcast_to(minimum, (3, 2)), atol=1e-13 * scale)
    assert t.loss[0] > 1.0 and np.all(t.loss[1:] < 1e-24 * t.loss[0])


NEWTON_CASES = [
    row("newton", "rosenbrock"),
    row("newton", "rosenbrock", lr=0.5),
    row("newton", "rosenbrock", None, (-1.2, 1.0), damping=5.0),
    row("newton", "rosenbrock", None, (1.5, -0.5), lr=0.8, damping=50.0),
    row("newton", "himmelblau", lr=0.3, damping=60.0),
    row("newton", "himmelblau", None, (0.5, -0.5), lr=0.5, damping=20.0),  # drawn to a saddle
    row("newton", "beale", lr=1.0, damping=1.0),
]


@pytest.mark.parametrize("case", NEWTON_CASES, ids=ids(NEWTON_CASES))
def test_newton_follows_numpy_newton(case):
    with jax.enable_x64(True):
        t = run_engine(case)
    s = reference.surface(case.surface)
    expected = reference.newton(s, case.x0, np.full(STEPS, t.hparams["lr"]), t.hparams["damping"])
    assert_paths_close(t.xy, expected, 1e-9, case.id)


@pytest.mark.parametrize("damping", [0.5, 7.0, 80.0])
@pytest.mark.parametrize(
    ("surface", "start"),
    [("rosenbrock", (-1.5, 2.0)), ("himmelblau", (1.0, -1.0)), ("beale", (1.0, 1.5))],
)
def test_damped_newton_step_is_the_regularised_solve(surface, start, damping):
    lr = 0.7
    with jax.enable_x64(True):  # STEPS: the scan the path tests compiled; only step 1 is read
        t = optimizers.simulate(
            surface, "newton", start=start, steps=STEPS, hparams={"lr": lr, "damping": damping}
        )
    s, x0 = reference.surface(surface), np.array(start)
    expected = -lr * np.linalg.solve(s.hess(x0) + damping * np.eye(2), s.grad(x0))
    undamped = -lr * np.linalg.solve(s.hess(x0), s.grad(x0))
    assert np.linalg.norm(expected - undamped) > 1e-3 * np.linalg.norm(undamped)  # λ matters
    np.testing.assert_allclose(t.xy[1] - t.xy[0], expected, rtol=1e-12, atol=0)


# --- the tables themselves ---------------------------------------------------------------------


def test_every_optimizer_is_checked_on_three_surfaces_with_non_default_values():
    """A newly registered optimizer fails here until it has a reference."""
    tables = CLOSED_FORM_CASES + OPTAX_CASES + NEWTON_CASES
    for o in optimizers.REGISTRY:
        cases = [c for c in tables if c.optimizer == o.name]
        assert len({c.surface for c in cases}) >= 3, f"{o.name}: fewer than three surfaces"
        assert any(c.hparams and c.hparams != o.defaults for c in cases), (
            f"{o.name}: only its defaults are checked"
        )
    assert set(TORCH_FORMS) <= set(reference.CLOSED_FORM) <= set(optimizers.names())
    for name in (*TORCH_FORMS, "adamw", "adamax"):
        assert len({c.surface for c in TORCH_CASES if c.optimizer == name}) >= 2, name
