"""The app through Streamlit's AppTest: every page runs, widgets change what is drawn, links and
presets restore their settings, malformed links warn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
from scenarios import PRESETS, decode, encode

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["pages/compare.py"]


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _path(fig: dict, name: str) -> np.ndarray:
    import base64

    trace = next(
        t
        for t in fig["data"]
        if t.get("legendgroup") == name and t["mode"] == "lines" and "xaxis" not in t
    )

    def values(v):
        if isinstance(v, dict):
            return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return np.asarray(v)

    return np.stack([values(trace["x"]), values(trace["y"])], axis=1)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return _app()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception(page):
    at = AppTest.from_file(str(Path(APP).parent / page), default_timeout=120).run()
    _ok(at)


def test_default_view_draws_the_four_default_optimizers(default_app):
    _ok(default_app)
    fig = _figure(default_app)
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        path = _path(fig, name)
        assert np.allclose(path[0], (-1.5, 2.0))
        assert np.isfinite(path).all()
    assert not default_app.warning
    assert len(default_app.table) == 1


def test_moving_a_slider_changes_the_plotted_path():
    at = _app()
    before = _path(_figure(at), "adam")
    at.slider(key="hp.adam.lr").set_value(-1.0).run()  # log₁₀ η = −1: η = 0.1
    _ok(at)
    after = _path(_figure(at), "adam")
    assert not np.allclose(before[-1], after[-1])
    expected = optimizers.simulate("rosenbrock", "adam", steps=500, hparams={"lr": 0.1}).xy[-1]
    assert np.allclose(after[-1], expected, rtol=1e-5, atol=1e-6)
    assert at.query_params["adam.lr"] == "0.1"  # the URL follows the sliders
    # the other paths are untouched
    assert np.allclose(_path(_figure(at), "sgd")[-1], _path(_figure(_app()), "sgd")[-1])


def test_reset_restores_an_optimizers_defaults():
    at = _app(**{"opt": "adam", "adam.lr": "0.2", "adam.beta1": "0.5"})
    assert at.session_state["hp.adam.beta1"] == 0.5
    at.button(key="reset.adam").click().run()
    _ok(at)
    assert at.session_state["hp.adam.beta1"] == 0.9
    assert at.query_params["adam.lr"] == "0.01"


def test_switching_surface_moves_the_start_to_the_new_surfaces_own():
    at = _app()
    at.selectbox(key="surface").set_value("himmelblau").run()
    _ok(at)
    assert (at.session_state["start_x"], at.session_state["start_y"]) == (0.0, 0.0)
    assert np.allclose(_path(_figure(at), "sgd")[0], (0.0, 0.0))


def test_surface_parameters_are_sliders_that_reach_the_engine():
    at = _app(surface="valley")
    at.slider(key="sp.valley.kappa").set_value(2.0).run()  # κ = 100
    _ok(at)
    assert at.query_params["valley.kappa"] == "100"
    expected = optimizers.simulate("valley", "sgd", steps=500, surface_params={"kappa": 100.0}).xy[
        -1
    ]
    assert np.allclose(_path(_figure(at), "sgd")[-1], expected, rtol=1e-5, atol=1e-6)


def test_a_link_restores_its_exact_settings():
    query = {
        "surface": "valley",
        "valley.kappa": "40",
        "valley.theta": "-15",
        "start": "1.5,-2",
        "steps": "321",
        "opt": "nesterov,adam",
        "nesterov.lr": "0.015",
        "nesterov.beta": "0.8",
        "adam.lr": "0.05",
        "adam.beta1": "0.85",
        "adam.beta2": "0.99",
        "adam.eps": "1e-06",
        "schedule": "cosine",
        "cosine.alpha": "0.1",
        "noise": "0.05",
        "seed": "7",
    }
    at = _app(**query)
    _ok(at)
    assert not at.warning
    restored = {k: at.query_params[k] for k in at.query_params}
    settings, warnings = decode(restored)
    assert not warnings
    assert encode(settings) == encode(decode(query)[0])
    for k, v in query.items():
        assert restored[k] == v, k
    expected = optimizers.simulate(
        "valley",
        "adam",
        start=(1.5, -2.0),
        steps=321,
        hparams={"lr": 0.05, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6},
        surface_params={"kappa": 40.0, "theta": -15.0},
        schedule="cosine",
        schedule_params={"alpha": 0.1},
        noise=0.05,
        seed=7,
    )
    path = _path(_figure(at), "adam")
    assert np.allclose(path[-1], expected.xy[-1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"surface": "nowhere"}, "surface='nowhere'"),
        ({"adam.lr": "1e9"}, "adam.lr"),
        ({"steps": "-4"}, "steps"),
        ({"start": "x,y"}, "start"),
        ({"opt": "sgd,__import__"}, "__import__"),
        ({"bogus": "1"}, "bogus"),
    ],
)
def test_a_malformed_link_warns_and_still_renders(query, named):
    at = _app(**query)
    _ok(at)
    assert any(named in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("preset", list(PRESETS), ids=lambda p: p.name)
def test_each_preset_loads_in_one_click(preset):
    at = _app()
    at.button(key=f"preset.{preset.name}").click().run()
    _ok(at)
    assert any(preset.question in i.value for i in at.info)
    shown = {k: at.query_params[k] for k in encode(preset.settings)}
    assert shown == encode(preset.settings)
    fig = _figure(at)
    for r in preset.settings.runs:
        assert np.isfinite(_path(fig, r.optimizer)).all()


def test_the_update_rules_show_the_registry_latex_and_current_values():
    at = _app()
    assert not [e for e in at.latex if "x_{t+1}" in e.value]  # drawn only on request
    at.toggle(key="show_rules").set_value(True).run()
    latex = [e.value for e in at.latex]
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        assert any(optimizers.get(name).latex in v for v in latex)
    assert any(r"\eta  = 0.01" in v and r"\beta _1 = 0.9" in v and "10^{-8}" in v for v in latex)


def test_no_optimizer_selected_says_what_to_do():
    at = _app()
    at.multiselect(key="opt").set_value([]).run()
    _ok(at)
    assert any("Choose one or more optimizers" in i.value for i in at.info)


def test_every_surface_schedule_and_optimizer_renders_its_controls():
    names = optimizers.names()
    at = _app()
    for i in range(0, len(names), 8):
        at.multiselect(key="opt").set_value(list(names[i : i + 8])).run()
        _ok(at)
    for schedule in optimizers.schedules.names():
        at.selectbox(key="schedule").set_value(schedule).run()
        _ok(at)
    import surfaces

    for surface in surfaces.names():
        at.selectbox(key="surface").set_value(surface).run()
        _ok(at)
        assert len(at.get("plotly_chart")) == 1
