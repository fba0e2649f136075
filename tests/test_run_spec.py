"""`optimizers.RunSpec` and `surfaces.SurfaceSpec`: one validated, hashable run configuration
that every engine entry point takes; the same numbers as before; nothing recompiles."""

from __future__ import annotations

import dataclasses

import engine_golden  # tests/engine_golden.py
import numpy as np
import pytest
from compiles import count_compiles  # tests/compiles.py
from hypothesis import given, settings
from hypothesis import strategies as st

import optimizers
import surfaces
from optimizers import RunSpec, StopRule
from surfaces import SurfaceSpec

SPEC_KEYS = (
    "start",
    "steps",
    "surface_params",
    "schedule",
    "schedule_params",
    "noise",
    "seed",
    "batch",
)


# --- the same numbers as the engine before the spec -------------------------------------------


def _surface_spec(desc: object) -> SurfaceSpec:
    if isinstance(desc, str):
        return SurfaceSpec(desc)
    kind, *rest = desc  # type: ignore[misc]
    if kind == "formula":
        return SurfaceSpec("custom", rest[0])
    base, reg, alpha, prox = rest
    return SurfaceSpec(base, reg=reg, alpha=alpha, prox=prox)


def _by_spec(entry: str, args: dict) -> list:
    """A golden case through the spec form: ``entry(spec, ...)``."""
    shared = {k: args[k] for k in SPEC_KEYS if k in args}
    rest = {k: v for k, v in args.items() if k not in (*SPEC_KEYS, "surface")}
    spec = RunSpec.make(_surface_spec(args["surface"]), **shared)
    if entry == "simulate":
        return [optimizers.simulate(spec, rest.pop("optimizer"), rest.pop("hparams", None))]
    if entry == "simulate_runs":
        return optimizers.simulate_runs(spec, rest["runs"])
    if entry == "sweep":
        return [optimizers.sweep(spec, rest.pop("optimizer"), **rest)]
    fn = getattr(optimizers, entry)
    return fn(spec, rest.pop("optimizer"), rest.pop("hparams", None), **rest)


def test_the_spec_entry_points_reproduce_the_engine_before_the_spec_bit_for_bit():
    """``tests/data/engine_golden.npz`` was recorded from the engine before the RunSpec
    refactor (commit c894f59) by tests/engine_golden.py through the keyword entry points;
    re-record it with ``python tests/engine_golden.py`` only when the numbers are meant to
    change. Both forms, spec and keywords, must give exactly those arrays."""
    golden = np.load(engine_golden.PATH)
    by_spec = engine_golden.arrays({n: _by_spec(e, a) for n, e, a in engine_golden.CASES})
    by_keywords = engine_golden.record()
    assert set(by_spec) == set(golden.files) == set(by_keywords)
    for name in golden.files:
        for got in (by_spec[name], by_keywords[name]):
            assert got.dtype == golden[name].dtype, name
            assert np.array_equal(got, golden[name], equal_nan=True), name


def test_trajectories_carry_their_spec():
    spec = RunSpec.make("linreg_standardized", steps=64, batch=5)
    runs = optimizers.spread(spec, "sgd", seeds=[4, 9])
    assert [t.spec for t in runs] == [spec.replace(seed=4), spec.replace(seed=9)]
    t = optimizers.simulate(spec, "adam")
    assert t.spec == spec and (t.seed, t.batch, t.steps) == (0, 5, 64)
    res = optimizers.sweep("booth", "sgd", starts=(0.0, 0.0), steps=20)
    assert res.spec == RunSpec.make("booth", steps=20)


def test_a_spec_takes_no_settings_beside_it():
    spec = RunSpec.make("rosenbrock", steps=10)
    with pytest.raises(TypeError, match=r"spec\.replace"):
        optimizers.simulate(spec, "sgd", steps=20)
    with pytest.raises(TypeError, match="seeds="):
        optimizers.spread("rosenbrock", "sgd", seeds=[1], seed=2)


# --- equality, hashing, round trips ------------------------------------------------------------


def test_equal_views_give_equal_specs_with_equal_hashes():
    rosenbrock = surfaces.get("rosenbrock")
    same = [
        RunSpec.make("rosenbrock"),
        RunSpec.make(rosenbrock),
        RunSpec.make(SurfaceSpec("rosenbrock", formula="x", domain=((0, 1), (0, 1)))),
        RunSpec.make("rosenbrock", start=rosenbrock.start, steps=np.int64(500), seed=np.uint32(0)),
        RunSpec.make("rosenbrock", noise=0, schedule=optimizers.schedules.get("constant")),
        RunSpec.make("rosenbrock", stop=StopRule()),
    ]
    assert len(set(same)) == 1 and all(s == same[0] for s in same)
    valley = [
        RunSpec.make("valley", surface_params={"kappa": 50}),
        RunSpec.make("valley", surface_params={"theta": 30.0, "kappa": 50.0}),
    ]
    assert valley[0] == valley[1] and hash(valley[0]) == hash(valley[1])
    reg = [
        RunSpec.make("booth+l1@0.5+prox"),
        RunSpec.make(SurfaceSpec("booth", reg="l1", alpha=0.5, prox=True)),
        RunSpec.make("booth+l1+prox", surface_params={"reg_alpha": 0.5}),  # α from the params
    ]
    assert len(set(reg)) == 1
    assert dict(reg[0].surface_params)["reg_alpha"] == reg[0].surface.alpha == 0.5
    custom = [
        RunSpec.make(SurfaceSpec("custom", "x**2+10*y**2")),
        RunSpec.make(SurfaceSpec("custom", "x**2 + 10*y**2", ((-3, 3), (-3, 3)))),
    ]
    assert custom[0] == custom[1]
    differ = {
        RunSpec.make("booth+l1@0.5"),
        RunSpec.make("booth+l1@0.25"),
        RunSpec.make("booth+l2@0.5"),
        RunSpec.make("booth+l1@0.5+prox"),
        RunSpec.make("booth"),
        RunSpec.make("booth", seed=1),
        RunSpec.make("booth", stop=StopRule(grad_tol=1e-3)),
    }
    assert len(differ) == 7


def test_replace_revalidates_and_alpha_follows_the_surface():
    spec = RunSpec.make("valley+l2@0.3", surface_params={"kappa": 20.0}, start=(1.0, 1.0))
    moved = spec.replace(surface=SurfaceSpec("valley", reg="l2", alpha=0.7))
    assert dict(moved.surface_params) == {"kappa": 20.0, "theta": 30.0, "reg_alpha": 0.7}
    assert moved.start == (1.0, 1.0)
    assert spec.replace(surface_params={"reg_alpha": 0.9}).surface.alpha == 0.9
    # parameters the new surface does not have are dropped; the rest is kept as it was
    assert spec.replace(surface="booth").surface_params == ()
    with pytest.raises(ValueError, match="steps"):
        spec.replace(steps=0)
    with pytest.raises(ValueError, match="batch"):
        spec.replace(batch=3)  # valley is not defined by data


def test_build_gives_the_surface_with_its_minima():
    spec = RunSpec.make("valley+l1@0.5", surface_params={"kappa": 10.0})
    s = spec.build()
    assert s is surfaces.regularize(surfaces.get("valley"), "l1", 0.5, params={"kappa": 10.0})
    assert s is spec.replace().build()
    own = dataclasses.replace(surfaces.get("booth"), name="my_booth")
    assert RunSpec.make(own).build() is own and RunSpec.make(own).surface is own


def _valid_make_kwargs():
    """Valid `RunSpec.make` arguments on a few surfaces, with their parameters."""
    specs = [
        SurfaceSpec("rosenbrock"),
        SurfaceSpec("valley"),
        SurfaceSpec("booth", reg="l1", alpha=0.5, prox=True),
        SurfaceSpec("himmelblau", reg="l2", alpha=2.0),
        SurfaceSpec("linreg_standardized"),
        SurfaceSpec("custom", "x**2 + y**2", ((-1.0, 2.0), (0.0, 5.0))),
    ]
    finite = {"allow_nan": False, "allow_infinity": False}

    @st.composite
    def make_kwargs(draw):
        surface = draw(st.sampled_from(specs))
        base = surface.base()
        (x0, x1), (y0, y1) = base.domain
        params = {
            p.name: draw(st.floats(p.low, p.high, **finite))
            for p in surface.params
            if draw(st.booleans())
        }
        schedule = draw(st.sampled_from(optimizers.schedules.names()))
        kwargs = {
            "surface": surface,
            "start": draw(
                st.none() | st.tuples(st.floats(x0, x1, **finite), st.floats(y0, y1, **finite))
            ),
            "steps": draw(st.integers(1, optimizers.MAX_STEPS)),
            "surface_params": params,
            "schedule": schedule,
            "noise": draw(st.floats(0.0, 10.0, **finite)),
            "seed": draw(st.integers(0, 2**32 - 1)),
            "stop": draw(st.sampled_from([None, StopRule(grad_tol=1e-4), StopRule(1e-3, 0.1)])),
        }
        if base.data is not None and draw(st.booleans()):
            kwargs["batch"] = draw(st.integers(1, base.data.n))
        return kwargs

    return make_kwargs()


@settings(max_examples=60, deadline=None)
@given(_valid_make_kwargs())
def test_make_round_trips_through_replace(kwargs):
    spec = RunSpec.make(**kwargs)
    assert spec.replace() == spec and hash(spec.replace()) == hash(spec)
    fields = {k: getattr(spec, k) for k in (*SPEC_KEYS, "stop")}
    fields["surface_params"] = dict(spec.surface_params)
    fields["schedule_params"] = dict(spec.schedule_params)
    again = RunSpec.make(spec.surface, **fields)
    assert again == spec and hash(again) == hash(spec)
    assert spec.replace(seed=(spec.seed + 1) % 2**32).replace(seed=spec.seed) == spec
    assert all(isinstance(v, float) for _, v in spec.surface_params)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["rosenbrock", "valley", "linreg_raw", "custom"]),
    st.sampled_from(["l1", "l2"]),
    st.floats(1e-4, 10.0, allow_nan=False),
    st.booleans(),
)
def test_surface_spec_keys_parse_back(name, reg, alpha, prox):
    prox = prox and reg == "l1"
    formula = "sin(x) + y**2" if name == "custom" else ""
    spec = SurfaceSpec(name, formula, reg=reg, alpha=alpha, prox=prox)
    back = SurfaceSpec.parse(spec.key, formula)
    assert back == spec and hash(back) == hash(spec)
    assert SurfaceSpec.parse(SurfaceSpec(name, formula).key, formula) == SurfaceSpec(name, formula)


def test_lookup_reads_plain_and_regularized_names():
    assert surfaces.lookup("booth") is surfaces.get("booth")
    s = surfaces.lookup("booth+l1@0.25+prox")
    assert s.name == "booth+l1+prox" and s.resolve_params()["reg_alpha"] == 0.25
    assert surfaces.lookup("booth+l1+prox", params={"reg_alpha": 0.25}) is s
    assert surfaces.lookup("custom", "x**2 + y**2").title == "x**2 + y**2"
    for bad in ("nope", "booth+l3@0.1", "booth+l1@x", "booth+l1+prax"):
        with pytest.raises(KeyError):
            surfaces.lookup(bad)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": "nope"}, KeyError, "unknown surface 'nope'; choose one of: rosenbrock"),
        ({"name": "custom", "formula": "2x"}, surfaces.FormulaError, "write 2\\*x"),
        ({"name": "custom", "formula": "x", "domain": ((1, 0), (0, 1))}, ValueError, "domain"),
        ({"name": "booth", "reg": "l3"}, ValueError, "reg must be one of"),
        ({"name": "booth", "reg": "l1", "alpha": 20.0}, ValueError, "'reg_alpha'"),
        ({"name": "booth", "reg": "l1", "alpha": "big"}, ValueError, "'reg_alpha'"),
        ({"name": "booth", "reg": "l2", "prox": True}, ValueError, "prox"),
        ({"name": "booth", "prox": True}, ValueError, "prox"),
        ({"name": "booth", "reg": "l1", "prox": 1}, ValueError, "prox must be True or False"),
    ],
)
def test_surface_spec_rejects_bad_values(kwargs, error, message):
    with pytest.raises(error, match=message):
        SurfaceSpec(**kwargs)


@pytest.mark.parametrize(
    ("surface", "kwargs", "message"),
    [
        ("rosenbrock", {"steps": 0}, "steps must be in \\[1, 100000\\], got 0"),
        ("rosenbrock", {"steps": 2.5}, "steps must be a whole number"),
        ("rosenbrock", {"steps": True}, "steps must be a whole number"),
        ("rosenbrock", {"start": (np.nan, 0.0)}, "start must be two finite numbers"),
        ("rosenbrock", {"start": "here"}, "start must be two numbers"),
        ("rosenbrock", {"start": (1e6, 0.0)}, "too far from the domain of 'rosenbrock'"),
        ("rosenbrock", {"noise": -1.0}, "noise must be in \\[0, 1e6\\]"),
        ("rosenbrock", {"noise": "loud"}, "noise must be a number"),
        ("rosenbrock", {"seed": -1}, "seed must be a whole number"),
        ("rosenbrock", {"seed": 2**32}, "seed must be a whole number"),
        ("rosenbrock", {"batch": 4}, "batch needs a surface defined by data; 'rosenbrock'"),
        ("linreg_raw", {"batch": 0}, "batch must be a whole number in \\[1, "),
        ("valley", {"surface_params": {"kappa": 0.0}}, "'kappa' of surface 'valley'"),
        ("valley", {"surface_params": {"rho": 1.0}}, "unknown parameter 'rho'"),
        ("booth+l1@0.5", {"surface_params": {"reg_alpha": 99}}, "surface 'booth\\+l1'"),
        ("booth", {"schedule_params": {"alpha": 0.1}}, "unknown parameter 'alpha'"),
        ("booth", {"schedule": "cosine", "schedule_params": {"alpha": 2}}, "'alpha'"),
        ("booth", {"stop": 0.1}, "stop must be"),
        (42, {}, "surface must be"),
    ],
)
def test_make_rejects_bad_values_naming_them(surface, kwargs, message):
    with pytest.raises(ValueError, match=message):
        RunSpec.make(surface, **kwargs)
    if not isinstance(surface, int):  # the keyword form says the same
        with pytest.raises(ValueError, match=message):
            optimizers.simulate(surface, "sgd", **kwargs)


def test_make_raises_key_error_for_unknown_names():
    with pytest.raises(KeyError, match="unknown schedule"):
        RunSpec.make("booth", schedule="nope")
    with pytest.raises(KeyError, match="unknown surface"):
        RunSpec.make("nope")


# --- nothing recompiles when a traced value moves ---------------------------------------------


@pytest.mark.parametrize("reg", ["l2", "l1"])  # L1 by its subgradient
@pytest.mark.parametrize("name", ["sgd", "adam", "newton"])
def test_moving_values_never_recompiles_simulate(name, reg):
    spec = RunSpec.make(
        SurfaceSpec("valley", reg=reg, alpha=0.1), steps=100, noise=0.1, start=(1.0, 1.0)
    )
    opt = optimizers.get(name)
    optimizers.simulate(spec, opt)  # warm-up: this structure, this step bucket
    moves = [{"hparams": {p.name: (p.low + p.high) / 2}} for p in opt.hparams] + [
        {"spec": spec.replace(start=(-2.0, 0.5))},
        {"spec": spec.replace(surface=SurfaceSpec("valley", reg=reg, alpha=2.5))},
        {"spec": spec.replace(surface_params={"reg_alpha": 0.01})},
        {"spec": spec.replace(surface_params={"kappa": 300.0})},
        {"spec": spec.replace(surface_params={"theta": -10.0})},
        {"spec": spec.replace(noise=3.0)},
        {"spec": spec.replace(seed=123)},
        {"spec": spec.replace(steps=90, schedule="cosine")},
    ]
    with count_compiles() as compiles:
        for move in moves:
            t = optimizers.simulate(move.get("spec", spec), opt, move.get("hparams"))
            assert t.xy.shape[1] == 2
    assert compiles == [], f"{len(compiles)} compilation(s) while moving values"


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_moving_values_never_recompiles_sweep(reg):
    rng = np.random.default_rng(1)
    starts = rng.uniform(-2.0, 2.0, (20, 2))
    lrs = np.geomspace(1e-4, 0.05, 20)
    spec = RunSpec.make(SurfaceSpec("valley", reg=reg, alpha=0.1), steps=100)
    optimizers.sweep(spec, "adam", starts=starts, hparams={"lr": lrs}, tol=0.1)  # warm-up
    moved = [
        (spec, {"starts": starts[::-1]}, {"lr": lrs * 2}),
        (spec, {}, {"lr": lrs, "beta1": 0.7, "eps": 1e-6}),  # shared values: traced too
        (spec.replace(surface=SurfaceSpec("valley", reg=reg, alpha=3.0)), {}, {"lr": lrs}),
        (spec.replace(surface_params={"kappa": 200.0}), {}, {"lr": lrs}),
        (spec.replace(surface_params={"kappa": 2.0, "theta": 80.0}), {}, {"lr": lrs}),
        (spec.replace(seed=77), {}, {"lr": lrs}),
        (spec.replace(start=(0.3, 0.3)), {"starts": None}, {"lr": lrs}),
    ]
    with count_compiles() as compiles:
        for s, extra, hp in moved:
            kwargs = {"starts": starts, **extra}
            res = optimizers.sweep(s, "adam", hparams=hp, tol=0.05, **kwargs)
            assert res.spec == s and res.n == 20
    assert compiles == [], f"{len(compiles)} compilation(s) while moving values"


def test_a_typed_formula_over_another_domain_reuses_the_compiled_sweep():
    starts = np.zeros((8, 2))
    one = SurfaceSpec("custom", "x**2 + 3*y**2 + 0.1*x*y")
    optimizers.sweep(RunSpec.make(one, steps=50), "sgd", starts=starts)
    with count_compiles() as compiles:
        other = dataclasses.replace(one, domain=((-1.0, 1.0), (-0.5, 0.5)))
        res = optimizers.sweep(RunSpec.make(other, steps=50), "sgd", starts=starts + 0.2)
    assert compiles == [] and not res.diverged.any()


def test_sweeps_refuse_noise_batch_and_the_proximal_step():
    with pytest.raises(ValueError, match="exact gradients"):
        optimizers.sweep(RunSpec.make("booth", noise=0.1), "sgd")
    with pytest.raises(ValueError, match="exact gradients"):
        optimizers.sweep(RunSpec.make("linreg_raw", batch=2), "sgd")
    with pytest.raises(ValueError, match="proximal step"):
        optimizers.sweep(RunSpec.make("booth+l1@0.5+prox"), "sgd")
