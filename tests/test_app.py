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
from ui import live_chart

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["pages/compare.py"]


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _charts(at: AppTest) -> list:
    """The Compare chart: ``st.plotly_chart``, or the live chart component (ui/live_chart.py)."""
    live = [c for c in at.get("bidi_component") if c.proto.component_name == "optiscape.live_chart"]
    return [*at.get("plotly_chart"), *live]  # not the plotly.js preloader (ui/plotly_js.py)


def _figure(at: AppTest) -> dict:
    charts = _charts(at)
    assert len(charts) == 1
    proto = charts[0].proto
    if hasattr(proto, "spec"):
        return json.loads(proto.spec)
    return live_chart.payload_of(proto)["figure"]


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
    """Through app.py's navigation, as every server visit is (ui/streamlit_internals.py): a page's links to
    the other pages need it."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page).run()
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
        ({"steps": "20001"}, "steps='20001'"),
        ({"surface": "custom", "formula": "2x + y"}, "formula='2x + y': at position 1"),
        ({"surface": "custom", "formula": "x" * 600}, "'formula': too long"),
        ({"surface": "custom", "domain": "1,0,-1,1"}, "domain='1,0,-1,1'"),
        ({"surface": "custom", "start": "5,5"}, "start='5,5': outside"),
        ({"formula": "x**2"}, "'formula': it goes with surface=custom"),
    ],
)
def test_a_malformed_link_warns_and_still_renders(query, named):
    at = _app(**query)
    _ok(at)
    assert any(named in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(_charts(at)) == 1


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
        assert len(_charts(at)) == 1


# --- custom formula ------------------------------------------------------------------------------


def test_a_custom_formula_is_drawn_and_its_paths_follow_the_closed_form():
    # f = x² + 10 y²: gradient descent multiplies x by (1 − 2η) and y by (1 − 20η) every step.
    at = _app(
        surface="custom",
        formula="x**2 + 10*y**2",
        domain="-2,2,-1,1",
        start="1.5,0.5",
        opt="sgd",
        **{"sgd.lr": "0.01"},
        steps="200",
    )
    _ok(at)
    assert not at.warning
    path = _path(_figure(at), "sgd")
    assert np.allclose(path[0], (1.5, 0.5))
    expected = (1.5 * 0.98**200, 0.5 * 0.8**200)
    assert np.allclose(path[-1], expected, rtol=1e-4, atol=1e-7)
    assert at.session_state["formula"] == "x**2 + 10*y**2"
    assert [at.session_state[k] for k in ("domain.x0", "domain.x1")] == [-2.0, 2.0]
    assert at.query_params["formula"] == "x**2 + 10*y**2"
    assert at.query_params["domain"] == "-2,2,-1,1"
    assert any("x^{2}" in e.value for e in at.latex)  # the formula, typeset
    assert len(at.table) == 1


def test_choosing_custom_formula_draws_the_default_formula():
    at = _app()
    at.selectbox(key="surface").set_value("custom").run()
    _ok(at)
    assert at.query_params["formula"] == "x**2 + 10*y**2 + sin(3*x)"
    start = (at.session_state["start_x"], at.session_state["start_y"])
    assert np.allclose(_path(_figure(at), "adam")[0], start)
    assert all(-3 <= v <= 3 for v in start)


def test_a_syntax_error_shows_where_keeps_the_text_and_the_last_drawing():
    at = _app(surface="custom", formula="x**2 + y**2", opt="adam")
    before = _path(_figure(at), "adam")
    at.text_input(key="formula").set_value("x**2 + * y").run()
    assert not at.exception
    (error,) = at.error
    assert "position 7" in error.value and "expected a number" in error.value
    assert "       ^" in error.value  # a caret under the culprit
    assert "x**2 + y**2" in error.value  # says what is still drawn
    assert at.session_state["formula"] == "x**2 + * y"  # the typed text stays
    assert np.allclose(_path(_figure(at), "adam"), before, equal_nan=True)
    assert at.query_params["formula"] == "x**2 + y**2"  # the link holds what is drawn
    at.text_input(key="formula").set_value("(x - 1)**2 + y**2").run()  # fixed: drawn at once
    _ok(at)
    assert at.query_params["formula"] == "(x - 1)**2 + y**2"
    assert not np.allclose(_path(_figure(at), "adam")[-1], before[-1])


def test_a_bad_domain_is_named_and_the_last_one_kept():
    at = _app(surface="custom", formula="x**2 + y**2", domain="-2,2,-2,2", opt="sgd")
    at.number_input(key="domain.x0").set_value(3.0).run()
    assert not at.exception
    assert any("Domain not changed" in e.value and "xmin < xmax" in e.value for e in at.error)
    assert at.query_params["domain"] == "-2,2,-2,2"
    at.number_input(key="domain.x0").set_value(0.0).run()  # valid again: the start moves in
    _ok(at)
    assert at.query_params["domain"] == "0,2,-2,2"
    assert 0.0 <= at.session_state["start_x"] <= 2.0
    assert np.allclose(_path(_figure(at), "sgd")[0][0], at.session_state["start_x"])


def test_a_typed_formula_survives_a_detour_through_another_surface():
    at = _app(surface="custom", formula="x**2 + y**2")
    at.text_input(key="formula").set_value("x**2 + * y").run()  # half typed
    at.selectbox(key="surface").set_value("himmelblau").run()
    _ok(at)
    at.selectbox(key="surface").set_value("custom").run()
    assert not at.exception
    assert at.session_state["formula"] == "x**2 + * y"
    assert at.query_params["formula"] == "x**2 + y**2"
    at.button(key="preset.rosenbrock_banana").click().run()
    at.selectbox(key="surface").set_value("custom").run()
    assert at.session_state["formula"] == "x**2 + * y"


def test_a_formula_undefined_in_part_of_the_map_draws_and_says_so():
    # sqrt(x) is NaN for x < 0: that part of the map is blank, and a start there is named.
    link = {"surface": "custom", "formula": "sqrt(x) + y**2", "domain": "-1,2,-1,1"}
    at = _app(**link, start="0.5,0.5", opt="sgd")
    _ok(at)
    assert not at.warning
    assert np.isfinite(_path(_figure(at), "sgd")).all()
    at = _app(**link, start="-0.5,0.5", opt="sgd")
    assert not at.exception
    assert any("undefined at the start (-0.5, 0.5)" in w.value for w in at.warning)
    fig = _figure(at)
    assert not [t for t in fig["data"] if t.get("legendgroup") == "sgd"]  # no path to draw
    assert len(at.table) == 1


def test_the_step_limit_is_accepted_and_the_figure_stays_lean():
    from plots.compare import MAX_POINTS

    at = _app(steps="20000", opt="adam")
    _ok(at)
    assert not at.warning
    assert at.session_state["steps"] == 20000
    fig = _figure(at)
    path = _path(fig, "adam")
    assert 2 <= len(path) <= MAX_POINTS
    expected = optimizers.simulate("rosenbrock", "adam", steps=20000).xy[-1]
    assert np.allclose(path[-1], expected, rtol=1e-5, atol=1e-6)


def test_an_optimizer_taken_out_and_put_back_keeps_its_sliders():
    at = _app(**{"opt": "sgd,momentum", "momentum.lr": "0.02", "momentum.beta": "0.8"})
    at.multiselect(key="opt").set_value(["sgd"]).run()
    _ok(at)
    at.multiselect(key="opt").set_value(["sgd", "momentum"]).run()
    _ok(at)
    assert at.query_params["momentum.lr"] == "0.02"
    assert at.query_params["momentum.beta"] == "0.8"


def test_a_typed_value_moves_its_slider_and_a_decay_rate_moves_over_stops():
    at = _app(**{"opt": "momentum", "momentum.beta": "0.937", "steps": "300"})
    _ok(at)
    beta = at.select_slider(key="hp.momentum.beta")
    assert beta.value == 0.937  # a link's value off the stops is kept as one
    at.number_input(key="hp.momentum.lr.typed").set_value(0.0005).run()
    _ok(at)
    assert at.query_params["momentum.lr"] == "0.0005"
    at.number_input(key="hp.momentum.beta.typed").set_value(0.95).run()
    _ok(at)
    assert at.query_params["momentum.beta"] == "0.95"
    # the path is the engine's for the typed values
    expected = optimizers.simulate(
        "rosenbrock", "momentum", steps=300, hparams={"lr": 0.0005, "beta": 0.95}
    ).xy[-1]
    assert np.allclose(_path(_figure(at), "momentum")[-1], expected, rtol=1e-5, atol=1e-6)
