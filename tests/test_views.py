"""Every page's view model and its link (scenarios/): valid views round-trip through their URL
form, and malformed links are decoded to a valid view with a warning naming each bad value.

The round trip is a property over valid views drawn from the registries (hypothesis). The
malformed links are 1,000 per page, each a valid link with one to three values made invalid by
construction (an unknown name, a number out of its range, a non-number, an unknown key), and
every corrupted key must be named in some warning while the rest of the link still applies.
A sample of them also goes through the real app (`AppTest`): the page renders, without an
exception, one "Link:" warning per value the decoder dropped.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from scenarios import basins, data_runs, decode, encode, schedule_runs, tune, tuning
from scenarios import surface3d as view3d
from scenarios.settings import LIMITS, Run, Settings

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PLAIN = [n for n in surfaces.names() if surfaces.get(n).data is None]


def _value(draw, p: surfaces.Param) -> float:
    if p.integer:
        return float(draw(st.integers(int(p.low), int(p.high))))
    if p.log:
        return float(f"{10 ** draw(st.floats(_log(p.low), _log(p.high))):.4g}")
    return float(f"{draw(st.floats(p.low, p.high)):.5g}")


def _log(v: float) -> float:
    import math

    return math.log10(v)


def _params(draw, specs) -> dict[str, float]:
    out = {}
    for p in specs:
        v = _value(draw, p)
        out[p.name] = min(max(v, p.low), p.high)
    return out


@st.composite
def surface_views(draw):
    name = draw(st.sampled_from(PLAIN))
    return name, _params(draw, surfaces.get(name).params)


@st.composite
def tune_views(draw):
    name, params = draw(surface_views())
    (x0, x1), (y0, y1) = surfaces.get(name).domain
    start = draw(st.none() | st.tuples(st.sampled_from([x0, x1]), st.sampled_from([y0, y1])))
    chosen = tuple(draw(st.lists(st.sampled_from(optimizers.names()), max_size=8, unique=True)))
    lo, hi = tune.lr_bounds()
    a = round(draw(st.floats(lo, hi - 0.5)), 1)
    b = round(draw(st.floats(a + 0.1, hi)), 1)
    return tune.TuneView(
        name,
        params,
        start,
        draw(st.integers(int(LIMITS.steps.low), int(LIMITS.steps.high))),
        chosen,
        draw(st.sampled_from(tuning.METRICS)),
        draw(st.sampled_from(tuning.TOLERANCES)),
        (a, min(b, hi)),
        draw(st.integers(2, tuning.MAX_LR_POINTS)),
        draw(st.sampled_from(["", *optimizers.names()])),
    )


@st.composite
def basins_views(draw):
    name, params = draw(surface_views())
    opt = draw(st.sampled_from(optimizers.names()))
    return basins.BasinsView(
        name,
        params,
        opt,
        _params(draw, optimizers.get(opt).hparams),
        draw(st.integers(int(LIMITS.steps.low), int(LIMITS.steps.high))),
        draw(st.integers(int(basins.SIDE.low), int(basins.SIDE.high))),
        draw(st.booleans()),
    )


@st.composite
def schedules_views(draw):
    name, params = draw(surface_views())
    opt = draw(st.sampled_from(optimizers.names()))
    chosen = draw(st.lists(st.sampled_from(optimizers.schedules.names()), unique=True))
    return schedule_runs.SchedulesView(
        name,
        params,
        draw(st.integers(int(schedule_runs.STEPS.low), int(schedule_runs.STEPS.high))),
        opt,
        _params(draw, optimizers.get(opt).hparams),
        {n: _params(draw, optimizers.schedules.get(n).params) for n in chosen},
    )


@st.composite
def data_views(draw):
    from surfaces import neuron

    opt = draw(st.sampled_from(data_runs.optimizer_names()))
    return data_runs.DataView(
        draw(st.sampled_from(data_runs.MODELS)),
        draw(st.booleans()),
        draw(st.sampled_from(neuron.ACTIVATIONS)),
        draw(st.sampled_from(neuron.LOSSES)),
        opt,
        _params(draw, optimizers.get(opt).hparams),
        draw(st.sampled_from(data_runs.BATCHES)),
        draw(st.integers(10, 5000)),
        draw(st.integers(0, 2**31 - 1)),
        draw(st.sampled_from(data_runs.SPREAD_CHOICES)),
        draw(st.booleans()),
        draw(st.sampled_from(["", *(p.name for p in data_runs.DATA_PRESETS)])),
    )


@st.composite
def compare_views(draw):
    name, params = draw(surface_views())
    (x0, _), (_, y1) = surfaces.get(name).domain
    names = draw(st.lists(st.sampled_from(optimizers.names()), min_size=1, max_size=8, unique=True))
    runs = tuple(Run(n, _params(draw, optimizers.get(n).hparams)) for n in names)
    sched = draw(st.sampled_from(optimizers.schedules.names()))
    return Settings(
        surface=name,
        surface_params=params,
        start=(x0, y1),
        steps=draw(st.integers(int(LIMITS.steps.low), int(LIMITS.steps.high))),
        runs=runs,
        schedule=sched,
        schedule_params=_params(draw, optimizers.schedules.get(sched).params),
        seed=draw(st.integers(0, 1000)),
        show=frozenset(draw(st.lists(st.sampled_from(["rules", "critical", "steps"])))),
    )


@st.composite
def surface3d_views(draw):
    return view3d.Surface3DView(
        draw(compare_views()),
        draw(st.sampled_from(["", *view3d.HEIGHTS])),
        draw(st.integers(int(view3d.GRID.low), int(view3d.GRID.high))),
    )


CODECS = {
    "tune": (tune_views(), tune.encode, tune.decode),
    "basins": (basins_views(), basins.encode, basins.decode),
    "schedules": (schedules_views(), schedule_runs.encode, schedule_runs.decode),
    "data": (data_views(), data_runs.encode, data_runs.decode),
    "compare": (compare_views(), encode, decode),
    "surface3d": (surface3d_views(), view3d.encode, view3d.decode),
}


@pytest.mark.parametrize("page", CODECS)
def test_a_valid_view_round_trips_through_its_link(page):
    strategy, enc, dec = CODECS[page]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(v):
        back, warnings = dec(enc(v))
        assert warnings == []
        assert back == v

    check()


@pytest.mark.parametrize("page", CODECS)
def test_an_empty_link_is_the_default_view(page):
    _, enc, dec = CODECS[page]
    v, warnings = dec({})
    assert warnings == []
    if page == "compare":  # its link always names the start, as the page's start boxes hold it
        v = replace(v, start=v.start_point)
    if page == "surface3d":
        v = replace(v, compare=replace(v.compare, start=v.compare.start_point))
    assert dec(enc(v)) == (v, [])


def test_an_unknown_optimizer_keeps_the_default_ones_not_none():
    s, warnings = decode({"opt": "bogus"})
    assert [r.optimizer for r in s.runs] == ["sgd", "momentum", "rmsprop", "adam"]
    assert any("'bogus'" in w for w in warnings)
    v, warnings = tune.decode({"opt": "bogus,adam"})
    assert v.optimizers == ("adam",)


# --- malformed links, 1,000 per page -----------------------------------------------------------

BAD_NUMBERS = ["abc", "nan", "inf", "-inf", "1e999", "", "1,5", "0x1A", "😀", "--1"]
# (key, bad values) per page: out of range or not of the right kind, by construction
BAD = {
    "tune": {
        "surface": ["nowhere", "ROSENBROCK", "neuron2"],
        "steps": ["0", "9", "20001", "1.5", *BAD_NUMBERS],
        "score": ["fast", "", "GAP"],
        "tol": ["0.5", "0", "1e-5", *BAD_NUMBERS],
        "lr": ["1,0", "-9,0", "0,5", "1", "a,b", "0,0"],
        "points": ["1", "401", "2.5", *BAD_NUMBERS],
        "grid": ["nope", "ADAM"],
        "start": ["1e9,1e9", "x,y", "1", "1,2,3"],
        "rosenbrock.a": ["1"],
    },
    "basins": {
        "surface": ["nowhere", "data"],
        "opt": ["nope", "Adam"],
        "steps": ["0", "20001", *BAD_NUMBERS],
        "n": ["49", "201", "55.5", *BAD_NUMBERS],
        "paths": ["maybe", "2"],
        "sgd.lr": ["0", "-1", "1e6", *BAD_NUMBERS],
    },
    "schedules": {
        "surface": ["nowhere"],
        "steps": ["9", "5001", *BAD_NUMBERS],
        "opt": ["nope"],
        "sched": ["zigzag", "Cosine"],
        "cosine.alpha": ["-1", "2", *BAD_NUMBERS],
        "momentum.beta": ["1.5", "-1"],
    },
    "data": {
        "model": ["cnn", "", "Neuron"],
        "opt": ["newton", "nope"],
        "batch": ["3", "0", "65", "8.0", *BAD_NUMBERS],
        "steps": ["9", "5001", *BAD_NUMBERS],
        "seed": ["-1", "2147483648", *BAD_NUMBERS],
        "spread": ["3", "100"],
        "full": ["maybe"],
        "preset": ["nope"],
        "sgd.lr": ["0", "1e6"],
    },
    "surface3d": {
        "heights": ["cubic", "LOG"],
        "grid": ["39", "161", *BAD_NUMBERS],
        "steps": ["0", "abc"],
        "surface": ["nowhere"],
    },
}
PAGES = {
    "tune": "pages/tune.py",
    "basins": "pages/basins.py",
    "schedules": "pages/schedules.py",
    "data": "pages/data.py",
    "surface3d": "pages/surface3d.py",
}
CASES = 1000


def _valid(page: str, rng: random.Random) -> dict[str, str]:
    _, enc, _ = CODECS[page]
    base = {
        "tune": tune.TuneView(optimizers=("sgd", "adam")),
        "basins": basins.BasinsView(),
        "schedules": schedule_runs.SchedulesView(),
        "data": data_runs.DataView(model=rng.choice(data_runs.MODELS)),
        "surface3d": view3d.Surface3DView(),
    }[page]
    return enc(base)


def _malformed(page: str, rng: random.Random) -> tuple[dict[str, str], list[str]]:
    q = _valid(page, rng)
    named = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if rng.random() < 0.15:
            key = f"bogus{rng.randint(0, 99)}"
            q[key] = "1"
        else:
            key = rng.choice(list(BAD[page]))
            q[key] = rng.choice(BAD[page][key])
        named.append(key)
    return q, named


def _named(key: str, value: str, warnings: list[str]) -> bool:
    return any(key in w or (value and repr(value) in w) for w in warnings)


@pytest.mark.parametrize("page", PAGES)
def test_a_thousand_malformed_links_decode_with_every_bad_value_named(page):
    _, enc, dec = CODECS[page]
    rng = random.Random(f"{page}-20261207")
    for _ in range(CASES):
        q, named = _malformed(page, rng)
        v, warnings = dec(q)
        assert dec(enc(v)) == (v, []), q  # what it fell back to is itself a valid view
        for key in named:
            assert _named(key, q[key], warnings), (key, q, warnings)


@pytest.mark.parametrize("page", PAGES)
def test_malformed_links_render_their_page_with_one_warning_per_dropped_value(page):
    _, _, dec = CODECS[page]
    rng = random.Random(f"{page}-app")
    shared = {}
    for _ in range(6):
        q, _ = _malformed(page, rng)
        at = AppTest.from_file(APP, default_timeout=180)
        if "manager" in shared:
            at._bidi_component_manager = shared["manager"]
        at.switch_page(PAGES[page])
        for k, v in q.items():
            at.query_params[k] = v
        at.run()
        shared.setdefault("manager", getattr(at, "_bidi_component_manager", None))
        assert not at.exception, [e.value for e in at.exception]
        shown = [w.value for w in at.warning if w.value.startswith("Link: ")]
        assert len(shown) == len(dec(q)[1]), (q, shown)


def test_a_data_preset_is_named_only_while_its_settings_stand():
    p = data_runs.DATA_PRESETS[0]
    v = data_runs.from_preset(p)
    assert v.preset_shown == p
    assert replace(v, batch=1).preset_shown is None
