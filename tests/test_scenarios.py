"""Settings ↔ query string, and the classroom presets' stories, checked with the engine."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimizers
import scenarios
import surfaces
from scenarios import CUSTOM, LIMITS, PRESETS, Run, Settings, decode, encode, surface_of


def test_default_settings_round_trip():
    q = encode(Settings())
    s, warnings = decode(q)
    assert warnings == []
    assert encode(s) == q
    assert [r.optimizer for r in s.runs] == ["sgd", "momentum", "rmsprop", "adam"]


def test_empty_query_gives_defaults():
    s, warnings = decode({})
    assert warnings == []
    assert encode(s) == encode(Settings())


@pytest.mark.parametrize("preset", list(PRESETS), ids=lambda p: p.name)
def test_every_preset_round_trips_through_a_link(preset):
    q = encode(preset.settings)
    s, warnings = decode(q)
    assert warnings == []
    assert encode(s) == q


def _draw(p, data):
    if p.log:
        return float(f"{10 ** data.draw(st.floats(np.log10(p.low), np.log10(p.high))):.4g}")
    if p.integer:
        return float(data.draw(st.integers(int(p.low), int(p.high))))
    return float(f"{data.draw(st.floats(p.low, p.high)):.6g}")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_valid_settings_survive_a_link(data):
    surface = surfaces.get(data.draw(st.sampled_from(surfaces.names())))
    schedule = optimizers.schedules.get(data.draw(st.sampled_from(optimizers.schedules.names())))
    names = data.draw(
        st.lists(
            st.sampled_from(optimizers.names()), min_size=0, max_size=LIMITS.max_runs, unique=True
        )
    )
    (x0, x1), (y0, y1) = surface.domain
    s = Settings(
        surface=surface.name,
        surface_params={p.name: _draw(p, data) for p in surface.params},
        start=(
            float(f"{data.draw(st.floats(x0, x1)):.6g}"),
            float(f"{data.draw(st.floats(y0, y1)):.6g}"),
        ),
        steps=int(_draw(LIMITS.steps, data)),
        runs=tuple(
            Run(n, {p.name: _draw(p, data) for p in optimizers.get(n).hparams}) for n in names
        ),
        schedule=schedule.name,
        schedule_params={p.name: _draw(p, data) for p in schedule.params},
        noise=_draw(LIMITS.noise, data),
        seed=int(_draw(LIMITS.seed, data)),
    )
    decoded, warnings = decode(encode(s))
    assert warnings == []
    assert decoded.surface_params == s.surface_params
    assert decoded.start == pytest.approx(s.start, rel=1e-5, abs=1e-9)
    assert decoded.runs == s.runs and [r.hparams for r in decoded.runs] == [
        r.hparams for r in s.runs
    ]
    assert (decoded.schedule, decoded.schedule_params) == (s.schedule, s.schedule_params)
    assert (decoded.steps, decoded.noise, decoded.seed) == (s.steps, s.noise, s.seed)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("surface", "nope", "surface='nope'"),
        ("steps", "0", "steps='0'"),
        ("steps", "12.5", "steps='12.5'"),
        ("steps", "99999", "steps='99999'"),
        ("start", "1,2,3", "start="),
        ("start", "a,b", "start="),
        ("start", "100,100", "start="),
        ("noise", "-1", "noise="),
        ("noise", "nan", "noise="),
        ("seed", "-3", "seed="),
        ("adam.lr", "abc", "adam.lr="),
        ("adam.lr", "inf", "adam.lr="),
        ("adam.lr", "100", "adam.lr="),
        ("adam.beta1", "1.5", "adam.beta1="),
        ("schedule", "zigzag", "schedule='zigzag'"),
        ("opt", "sgd,momentum,rmsprop,adam,nope", "'nope'"),
        ("rosenbrock.kappa", "3", "rosenbrock.kappa"),
        ("x" * 100, "1", "too long"),
        ("surface", "rosenbrock" * 50, "too long"),
    ],
)
def test_a_bad_value_is_ignored_with_a_warning_naming_it(key, value, named):
    base = encode(Settings())
    s, warnings = decode({**base, key: value})
    assert len(warnings) == 1, warnings
    assert named in warnings[0]
    # Everything else in the link is kept.
    assert s.surface == "rosenbrock" and len(s.runs) >= 1


# --- custom formula and the step limit in links ---------------------------------------------


def test_the_app_allows_twenty_thousand_steps_and_names_more():
    assert LIMITS.steps.high == 20_000
    s, warnings = decode({"steps": "20000"})
    assert (s.steps, warnings) == (20_000, [])
    s, warnings = decode({"steps": "20001"})
    assert s.steps == Settings().steps
    assert warnings == ["ignored steps='20001': must be in [10, 20000], a whole number"]


def test_settings_stay_backward_compatible():
    """Pages built before the formula fields construct Settings with the old ones only."""
    s = Settings(surface="valley", surface_params={"kappa": 10.0, "theta": 0.0}, steps=100)
    assert surface_of(s) is surfaces.get("valley")
    assert s.start_point == surfaces.get("valley").start
    assert "formula" not in encode(s) and "domain" not in encode(s)
    # a formula carried along does not change a registered surface's link
    assert encode(Settings(formula="x**2")) == encode(Settings())


@pytest.mark.parametrize(
    ("formula", "domain", "point", "value"),
    [
        ("x**2 + 10*y**2 + sin(3*x)", ((-3.0, 3.0), (-3.0, 3.0)), (1.0, 2.0), 41 + np.sin(3.0)),
        ("(1 - x)^2 + 100*(y - x^2)^2", ((-2.0, 2.0), (-1.0, 3.0)), (0.5, 0.5), 6.5),
        ("exp(x) * cos(pi*y)", ((0.0, 1.0), (0.0, 1.0)), (1.0, 1.0), -np.e),
    ],
)
def test_a_custom_view_resolves_to_its_formula(formula, domain, point, value):
    s = Settings(surface=CUSTOM, formula=formula, domain=domain)
    surface = surface_of(s)
    assert surface.name == CUSTOM and surface.domain == domain
    assert float(surface.fn(np.array(point))) == pytest.approx(value, rel=1e-5)
    (x0, x1), (y0, y1) = domain
    assert x0 <= s.start_point[0] <= x1 and y0 <= s.start_point[1] <= y1


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["x**2 + 10*y**2 + sin(3*x)", "sqrt(x) + y^2", "abs(x) + max(y, -y)"]),
    st.lists(st.floats(-100, 100).map(lambda v: float(f"{v:.4g}")), min_size=4, max_size=4),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_a_custom_view_survives_a_link(formula, corners, fx, fy):
    x0, x1 = sorted(corners[:2])
    y0, y1 = sorted(corners[2:])
    if x0 == x1 or y0 == y1:
        return
    start = (float(f"{x0 + fx * (x1 - x0):.6g}"), float(f"{y0 + fy * (y1 - y0):.6g}"))
    start = (min(max(start[0], x0), x1), min(max(start[1], y0), y1))
    s = Settings(surface=CUSTOM, formula=formula, domain=((x0, x1), (y0, y1)), start=start)
    decoded, warnings = decode(encode(s))
    assert warnings == []
    assert (decoded.surface, decoded.formula, decoded.domain) == (CUSTOM, formula, s.domain)
    assert decoded.start == pytest.approx(start, rel=1e-5, abs=1e-9)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"formula": "2x"}, "ignored formula='2x': at position 1: a number cannot be followed"),
        ({"formula": "x**2 + * y"}, "at position 7: expected a number, a name or '('"),
        ({"formula": "import os"}, "at position 0: unknown name 'import'"),
        ({"formula": ""}, "formula='': at position 0: the formula is empty"),
        ({"formula": "x" * 501}, "ignored 'formula': too long (at most 500 characters)"),
        ({"domain": "1,0,-1,1"}, "ignored domain='1,0,-1,1': domain must have xmin < xmax"),
        ({"domain": "a,b,c,d"}, "domain='a,b,c,d': expected four numbers x0,x1,y0,y1"),
        ({"domain": "1,2,3"}, "domain='1,2,3': expected four numbers"),
        ({"domain": "nan,1,0,1"}, "domain='nan,1,0,1': expected four numbers"),
        ({"domain": "-1e7,1e7,0,1"}, "domain='-1e7,1e7,0,1': domain sides must be at most"),
        ({"start": "4,0"}, "ignored start='4,0': outside the domain of custom, [-3, 3]"),
    ],
)
def test_a_bad_formula_or_domain_is_ignored_with_a_warning_naming_it(query, named):
    s, warnings = decode({"surface": CUSTOM, **query})
    assert len(warnings) == 1 and named in warnings[0], warnings
    assert s.surface == CUSTOM
    assert s.formula == scenarios.DEFAULT_FORMULA or "formula" not in query
    surface_of(s)  # what is left draws


def test_a_bad_domain_keeps_a_good_formula_and_checks_the_start_against_the_default():
    s, warnings = decode(
        {"surface": CUSTOM, "formula": "x**2", "domain": "0,0,1,1", "start": "2.5,2.5"}
    )
    assert (s.formula, s.domain, s.start) == ("x**2", ((-3.0, 3.0), (-3.0, 3.0)), (2.5, 2.5))
    assert len(warnings) == 1 and "domain=" in warnings[0]


def test_formula_and_domain_belong_to_custom_only():
    s, warnings = decode({"surface": "himmelblau", "formula": "x**2", "domain": "0,1,0,1"})
    assert s.surface == "himmelblau"
    assert warnings == [
        "ignored 'formula': it goes with surface=custom only",
        "ignored 'domain': it goes with surface=custom only",
    ]


def test_a_custom_view_exports_a_gif_even_where_the_formula_is_undefined():
    from PIL import Image

    from scenarios import export

    base = Settings(
        surface=CUSTOM,
        formula="sqrt(x) + y**2",
        domain=((-1.0, 2.0), (-1.0, 1.0)),
        runs=(Run.default("sgd"), Run.default("adam")),
        steps=50,
    )
    for start in ((0.5, 0.5), (-0.5, 0.5)):  # the second: f undefined, nothing to animate
        data = export.gif_bytes(replace(base, start=start), frames=12, size=(320, 240))
        gif = Image.open(io.BytesIO(data))
        assert gif.size == (320, 240) and gif.n_frames == 12
    # the map is blank (white) where x < 0
    image = export.background(surface_of(base), {})
    left = image[:, : image.shape[1] // 4]
    assert (left == 255).all()
    assert (image[:, -image.shape[1] // 4 :] != 255).any()


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"frames": 1}, "frames must be a whole number in [2, 1000], got 1"),
        ({"frames": 1001}, "frames must be a whole number in [2, 1000], got 1001"),
        ({"fps": 51}, "fps must be a number in [1, 50], got 51"),
        ({"size": (2000, 480)}, "width must be a whole number in [160, 1920], got 2000"),
        ({"size": (640, 100)}, "height must be a whole number in [120, 1080], got 100"),
    ],
)
def test_gif_limits_are_named(kwargs, named):
    from scenarios import export

    with pytest.raises(ValueError) as e:
        export.gif_bytes(Settings(steps=20), **kwargs)
    assert named in str(e.value)


def test_gif_at_its_limits_renders():
    from PIL import Image

    from scenarios import export

    s = Settings(steps=int(LIMITS.steps.high), runs=(Run.default("adam"),))
    data = export.gif_bytes(s, frames=1000, fps=50, size=(1920, 1080))
    gif = Image.open(io.BytesIO(data))
    assert gif.size == (1920, 1080) and gif.n_frames == 1000


def test_a_bad_hyperparameter_falls_back_to_its_default_only():
    s, _ = decode({"opt": "adam,sgd", "adam.lr": "oops", "adam.beta1": "0.8", "sgd.lr": "0.02"})
    adam, sgd = s.runs
    assert adam.hparams["lr"] == optimizers.get("adam").defaults["lr"]
    assert adam.hparams["beta1"] == 0.8
    assert sgd.hparams["lr"] == 0.02


def test_too_many_or_repeated_optimizers_are_trimmed():
    names = ",".join(optimizers.names())
    s, warnings = decode({"opt": names + ",adam"})
    assert len(s.runs) == LIMITS.max_runs
    assert any("at most" in w for w in warnings)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.text(max_size=80), max_size=12))
def test_random_query_strings_never_raise(query):
    s, warnings = decode(query)
    assert isinstance(s, Settings)
    assert all(isinstance(w, str) for w in warnings)


# --- The presets tell the story their question sets up ------------------------------------


def _simulate(settings: Settings, run: Run, **overrides):
    kwargs = dict(
        start=settings.start_point,
        steps=settings.steps,
        hparams=run.hparams,
        surface_params=settings.surface_params,
        schedule=settings.schedule,
        schedule_params=settings.schedule_params,
        noise=settings.noise,
        seed=settings.seed,
    )
    kwargs.update(overrides)
    return optimizers.simulate(settings.surface, run.optimizer, **kwargs)


def _runs(name):
    s = PRESETS.get(name).settings
    return s, {r.optimizer: r for r in s.runs}


def test_at_least_six_presets_each_with_a_question():
    assert len(PRESETS.names()) >= 6
    for p in PRESETS:
        assert p.question.strip().endswith("?")
        for r in p.settings.runs:
            optimizers.get(r.optimizer).resolve_hparams(r.hparams)  # valid


def test_preset_momentum_swings_across_the_valley_while_sgd_does_not():
    s, runs = _runs("momentum_overshoot")
    theta = np.deg2rad(s.surface_params["theta"])
    across = np.array([-np.sin(theta), np.cos(theta)])  # the steep direction

    def crossings(t):
        v = t.xy @ across
        v = v[np.abs(v) > 1e-4]  # ignore float32 round-off once a path has settled on the floor
        return int(np.sum(np.sign(v[1:]) != np.sign(v[:-1])))

    sgd, mom = _simulate(s, runs["sgd"]), _simulate(s, runs["momentum"])
    assert crossings(sgd) == 0
    assert crossings(mom) >= 3
    assert mom.loss[-1] < sgd.loss[-1]


def test_preset_adagrad_fades_while_rmsprop_keeps_going():
    s, runs = _runs("adagrad_fades")
    ada, rms = _simulate(s, runs["adagrad"]), _simulate(s, runs["rmsprop"])
    assert ada.loss[-1] > 10 * rms.loss[-1]

    def step_length(t, at):
        return np.linalg.norm(np.diff(t.xy, axis=0), axis=1)[at].mean()

    early, late = slice(0, 100), slice(-100, None)
    assert step_length(ada, late) < step_length(ada, early)
    assert step_length(ada, late) < 0.2 * step_length(rms, late)


def test_preset_noise_escapes_the_saddle():
    s, _ = _runs("saddle_noise")
    for r in s.runs:
        still = _simulate(s, r, noise=0.0)
        assert np.linalg.norm(still.xy[-1]) < 1e-3  # stuck at the saddle (0, 0)
        noisy = _simulate(s, r)
        assert abs(abs(noisy.xy[-1, 0]) - 1.0) < 0.1  # fell into a minimum at (±1, 0)


def test_preset_warmup_rescues_a_diverging_learning_rate():
    s, _ = _runs("warmup_tames")
    for r in s.runs:
        assert _simulate(s, r, schedule="constant", schedule_params=None).diverged_at is not None
        t = _simulate(s, r)
        assert t.diverged_at is None and t.loss[-1] < 0.5 * t.loss[0]


def test_preset_himmelblau_paths_end_in_different_minima():
    s, _ = _runs("himmelblau_basins")
    minima = np.array(surfaces.get("himmelblau").minima)
    ends = {int(np.argmin(np.linalg.norm(minima - _simulate(s, r).xy[-1], axis=1))) for r in s.runs}
    assert len(ends) >= 2


def test_preset_newton_solves_the_valley_in_one_step():
    s, runs = _runs("condition_number")
    newton = _simulate(s, runs["newton"])
    assert np.linalg.norm(newton.xy[1]) < 1e-5
    sgd = _simulate(s, runs["sgd"])
    assert np.linalg.norm(sgd.xy[-1]) > 1e-3  # still on its way after all the steps


def test_preset_banana_separates_followers_from_stallers():
    s, runs = _runs("rosenbrock_banana")
    sgd, adam = _simulate(s, runs["sgd"]), _simulate(s, runs["adam"])
    assert np.linalg.norm(adam.xy[-1] - [1, 1]) < 1e-2
    assert np.linalg.norm(sgd.xy[-1] - [1, 1]) > 0.1
