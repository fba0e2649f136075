"""Learning-rate schedules, value by value against optax (and one closed form).

``Schedule.values(lr, steps, params)`` is η_t for t = 0 … steps − 1. Each schedule names
the optax function it follows; here that function is built with the same numbers and
evaluated (with ``jax.vmap``, in float64) at the same t. Lengths the project gives as
fractions of the run (``every``, ``warmup``) become whole steps as ``round(fraction · steps)``;
where that leaves optax outside its own contract (a zero-length warm-up or decay) the case is
checked separately against what the schedule promises instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings

from optimizers import schedules

ISSUE_NAMES = (
    "constant",
    "step",
    "exponential",
    "inverse_time",
    "cosine",
    "warmup_cosine",
    "warmup_constant",
    "one_cycle",
    "cosine_restarts",
)
STEP_COUNTS = (1, 10, 57, 100, 333, 1000)
PADDED = 1024  # optax is always evaluated on t = 0 … 1023 (one shape: its ops compile once)
RTOL = 1e-5


def _whole(fraction: float, steps: int) -> int:
    return round(fraction * steps)


# name -> (optax schedule for (lr, steps, params), or None where the case is outside optax's
# contract and checked elsewhere)
OptaxFactory = Callable[[float, int, Mapping[str, float]], Callable | None]


def _step(lr, steps, p):
    every = _whole(p["every"], steps)
    if every < 1:  # optax: a non-positive transition_steps means a constant schedule
        return None
    return optax.exponential_decay(lr, every, p["gamma"], staircase=True)


def _warmup_cosine(lr, steps, p):
    w = _whole(p["warmup"], steps)
    if steps - w < 1:  # optax raises: cosine_decay_schedule needs decay_steps > 0
        return None
    return optax.warmup_cosine_decay_schedule(
        init_value=0.0, peak_value=lr, warmup_steps=w, decay_steps=steps, end_value=p["alpha"] * lr
    )


def _warmup_constant(lr, steps, p):
    w = _whole(p["warmup"], steps)
    if w < 1:  # optax: warmup_steps must be positive (0 gives a constant init_value = 0)
        return None
    return optax.warmup_constant_schedule(init_value=0.0, peak_value=lr, warmup_steps=w)


def _sgdr(lr, steps, p):
    cycles = int(p["cycles"])
    period = math.ceil(steps / cycles)  # equal periods P = ⌈T / n⌉, as the schedule's LaTeX
    cycle = {
        "init_value": lr,
        "peak_value": lr,
        "warmup_steps": 0,
        "decay_steps": period,
        "end_value": p["alpha"] * lr,
    }
    return optax.sgdr_schedule([cycle] * cycles)


OPTAX: dict[str, OptaxFactory] = {
    "constant": lambda lr, steps, p: optax.constant_schedule(lr),
    "step": _step,
    "exponential": lambda lr, steps, p: optax.exponential_decay(lr, 1, p["gamma"]),
    "cosine": lambda lr, steps, p: optax.cosine_decay_schedule(lr, steps, alpha=p["alpha"]),
    "warmup_cosine": _warmup_cosine,
    "warmup_constant": _warmup_constant,
    "one_cycle": lambda lr, steps, p: optax.cosine_onecycle_schedule(
        transition_steps=steps,
        peak_value=lr,
        pct_start=p["pct_start"],
        div_factor=p["div_factor"],
        final_div_factor=p["final_div_factor"],
    ),
    "cosine_restarts": _sgdr,
}

CLOSED_FORM: dict[str, Callable[..., np.ndarray]] = {
    "inverse_time": lambda lr, t, p: lr / (1.0 + p["k"] * t),
}

PARAMS: dict[str, list[dict[str, float]]] = {
    "constant": [{}],
    "step": [
        {},
        {"gamma": 0.1, "every": 0.1},
        {"gamma": 0.9, "every": 0.33},
        {"gamma": 0.01, "every": 0.01},
        {"gamma": 1.0, "every": 1.0},
    ],
    "exponential": [{}, {"gamma": 0.9}, {"gamma": 0.95}, {"gamma": 1.0}],
    "cosine": [{}, {"alpha": 0.1}, {"alpha": 0.5}, {"alpha": 1.0}],
    "warmup_cosine": [
        {},
        {"warmup": 0.0, "alpha": 0.1},
        {"warmup": 0.33, "alpha": 0.05},
        {"warmup": 0.5, "alpha": 1.0},
        {"warmup": 0.9, "alpha": 0.0},
    ],
    "warmup_constant": [{}, {"warmup": 0.33}, {"warmup": 0.9}, {"warmup": 0.05}],
    "one_cycle": [
        {},
        {"pct_start": 0.5, "div_factor": 10.0, "final_div_factor": 100.0},
        {"pct_start": 0.05, "div_factor": 1.0, "final_div_factor": 1.0},
        {"pct_start": 0.29},
        {"pct_start": 0.95, "div_factor": 1e4, "final_div_factor": 1e6},
    ],
    "cosine_restarts": [
        {},
        {"cycles": 1.0},
        {"cycles": 3.0, "alpha": 0.1},
        {"cycles": 7.0, "alpha": 0.5},
        {"cycles": 50.0},
    ],
    "inverse_time": [{}, {"k": 0.0}, {"k": 1.0}, {"k": 10.0}, {"k": 0.37}],
}
LRS = (0.1, 2.5, 1e-3)


def _optax_values(sched: optax.Schedule, steps: int) -> np.ndarray:
    with jax.enable_x64(True):
        values = jax.vmap(sched)(jnp.arange(PADDED))
        values = np.broadcast_to(np.asarray(values, np.float64), (PADDED,))
    return values[:steps]


def _cases():
    cases = []
    for name, param_sets in PARAMS.items():
        for i, params in enumerate(param_sets):
            for steps in STEP_COUNTS:
                lr = LRS[(i + steps) % len(LRS)]
                label = ",".join(f"{k}={v:g}" for k, v in params.items()) or "defaults"
                cases.append(pytest.param(name, params, steps, lr, id=f"{name}-{label}-T{steps}"))
    return cases


def _optax_cases():
    return [
        c
        for c in _cases()
        if c.values[0] in OPTAX
        and OPTAX[c.values[0]](c.values[3], c.values[2], _full(c)) is not None
    ]


def _full(case) -> dict[str, float]:
    name, params = case.values[0], case.values[1]
    return schedules.get(name).resolve_params(params)


# --- the registry ------------------------------------------------------------------------------


def test_registry_holds_the_issue_names():
    missing = sorted(set(ISSUE_NAMES) - set(schedules.names()))
    assert not missing, f"schedules missing from the registry: {missing}"


def test_every_schedule_has_an_independent_reference():
    for name in schedules.names():
        assert name in OPTAX or name in CLOSED_FORM, f"{name}: no optax or closed-form reference"
        assert name in PARAMS


@pytest.mark.parametrize("name", schedules.names())
def test_metadata(name):
    s = schedules.get(name)
    assert s.name == name
    assert isinstance(s.latex, str) and s.latex.strip()
    assert isinstance(s.title, str) and s.title.strip()
    for p in s.params:
        assert p.low <= p.default <= p.high
        assert p.symbol


@pytest.mark.parametrize("bad", ["nope", "", "Cosine", None])
def test_unknown_schedule_raises_key_error_listing_the_names(bad):
    with pytest.raises(KeyError) as info:
        schedules.get(bad)
    for name in schedules.names():
        assert name in str(info.value)


# --- against optax ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params", "steps", "lr"), _optax_cases())
def test_matches_optax(name, params, steps, lr):
    s = schedules.get(name)
    full = s.resolve_params(params)
    expected = _optax_values(OPTAX[name](lr, steps, full), steps)
    got = s.values(lr, steps, params)
    assert got.shape == (steps,)
    np.testing.assert_allclose(
        got, expected, rtol=RTOL, atol=1e-12 * lr, err_msg=f"{name} {full} T={steps} lr={lr}"
    )


@pytest.mark.parametrize(
    ("name", "params", "steps", "lr"), [c for c in _cases() if c.values[0] in CLOSED_FORM]
)
def test_matches_closed_form(name, params, steps, lr):
    s = schedules.get(name)
    full = s.resolve_params(params)
    t = np.arange(steps, dtype=np.float64)
    expected = CLOSED_FORM[name](lr, t, full)
    np.testing.assert_allclose(s.values(lr, steps, params), expected, rtol=1e-12)


def test_inverse_time_by_hand():
    # η / (1 + k t) with η = 0.5, k = 1: 0.5, 0.25, 0.1666…, 0.125
    values = schedules.get("inverse_time").values(0.5, 4, {"k": 1.0})
    np.testing.assert_allclose(values, [0.5, 0.25, 0.5 / 3.0, 0.125], rtol=1e-15)


def test_optax_table_covers_most_cases():
    # Guard against the degenerate-case filter silently emptying the comparison.
    optax_cases = _optax_cases()
    all_cases = [c for c in _cases() if c.values[0] in OPTAX]
    assert len(optax_cases) >= 0.85 * len(all_cases)
    for name in OPTAX:
        assert sum(c.values[0] == name for c in optax_cases) >= len(STEP_COUNTS)


# --- the cases outside optax's contract ---------------------------------------------------------


@pytest.mark.parametrize("steps", STEP_COUNTS)
def test_zero_warmup_means_no_warmup(steps):
    # warmup = 0: the constant schedule is η throughout, the cosine one starts at η
    lr = 0.3
    wc = schedules.get("warmup_constant").values(lr, steps, {"warmup": 0.0})
    np.testing.assert_allclose(wc, np.full(steps, lr), rtol=1e-15)
    wcos = schedules.get("warmup_cosine").values(lr, steps, {"warmup": 0.0, "alpha": 0.2})
    expected = _optax_values(optax.cosine_decay_schedule(lr, steps, alpha=0.2), steps)
    np.testing.assert_allclose(wcos, expected, rtol=RTOL)


def test_every_of_less_than_one_step_decays_every_step():
    # every · T rounds to 0 steps: the drop interval is one step, never zero
    values = schedules.get("step").values(1.0, 10, {"gamma": 0.5, "every": 0.01})
    assert np.all(np.isfinite(values))
    np.testing.assert_allclose(values, 0.5 ** np.arange(10), rtol=1e-15)


# --- general properties -------------------------------------------------------------------------


@pytest.mark.parametrize("name", schedules.names())
def test_values_shape_dtype_and_linearity(name):
    s = schedules.get(name)
    a = s.values(1.0, 50)
    b = s.values(0.25, 50, None)
    assert a.shape == (50,) and a.dtype == np.float64
    np.testing.assert_allclose(b, 0.25 * a, rtol=1e-15)
    np.testing.assert_array_equal(s.values(1.0, 50, {}), a)  # {} and None: the defaults
    defaults = {p.name: p.default for p in s.params}
    np.testing.assert_array_equal(s.values(1.0, 50, defaults), a)


@st.composite
def _in_range(draw):
    name = draw(st.sampled_from(schedules.names()))
    params = {}
    for p in schedules.get(name).params:
        if p.integer:
            params[p.name] = float(draw(st.integers(int(p.low), int(p.high))))
        elif p.log:
            e = draw(st.floats(math.log(p.low), math.log(p.high)))
            params[p.name] = min(max(math.exp(e), p.low), p.high)
        else:
            params[p.name] = draw(st.floats(p.low, p.high))
    steps = draw(st.integers(1, 3000))
    lr = draw(st.floats(1e-6, 10.0))
    return name, params, steps, lr


@settings(max_examples=200, deadline=None)
@given(_in_range())
def test_in_range_values_are_finite_and_between_zero_and_lr(case):
    name, params, steps, lr = case
    values = schedules.get(name).values(lr, steps, params)
    assert values.shape == (steps,)
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0.0)
    assert np.all(values <= lr * (1.0 + 1e-12))


# --- validation ----------------------------------------------------------------------------------


def _param_cases():
    return [
        pytest.param(name, p, id=f"{name}-{p.name}")
        for name in schedules.names()
        for p in schedules.get(name).params
    ]


@pytest.mark.parametrize(("name", "param"), _param_cases())
def test_out_of_range_param_raises_naming_it_and_its_range(name, param):
    s = schedules.get(name)
    span = param.high - param.low
    for bad in (param.low - 0.01 * span - 1e-3, param.high + 0.01 * span + 1e-3, -1e9, 1e9):
        if param.low <= bad <= param.high:
            continue
        with pytest.raises(ValueError, match=param.name) as info:
            s.values(0.1, 10, {param.name: bad})
        assert param.range_text in str(info.value)
        with pytest.raises(ValueError, match=param.name):
            s.resolve_params({param.name: bad})


@pytest.mark.parametrize(("name", "param"), _param_cases())
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "0.5", True, False, None, [0.5]])
def test_non_number_param_raises_naming_it(name, param, bad):
    with pytest.raises(ValueError, match=param.name):
        schedules.get(name).values(0.1, 10, {param.name: bad})


@pytest.mark.parametrize("name", schedules.names())
def test_unknown_param_raises_naming_it(name):
    with pytest.raises(ValueError, match="bogus"):
        schedules.get(name).values(0.1, 10, {"bogus": 0.5})


def test_cycles_must_be_whole():
    with pytest.raises(ValueError, match="cycles"):
        schedules.get("cosine_restarts").values(0.1, 10, {"cycles": 2.5})


def test_params_of_another_schedule_are_rejected():
    with pytest.raises(ValueError, match="gamma"):
        schedules.get("cosine").values(0.1, 10, {"gamma": 0.5})
    with pytest.raises(ValueError, match="alpha"):
        schedules.get("constant").values(0.1, 10, {"alpha": 0.5})
