"""The Compare page's course-notes extras through AppTest: the stopping rule, where each path
ended (gradient, Hessian, verdict, saddle arrows), effective step sizes, convention switches,
and the 3-D page following the Compare view."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import reference
from streamlit.testing.v1 import AppTest

import optimizers
from ui import live_chart

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _figure(at: AppTest) -> dict:
    (chart,) = [
        c for c in at.get("bidi_component") if c.proto.component_name == "optiscape.live_chart"
    ]
    return live_chart.payload_of(chart.proto)["figure"]


def _values(v) -> np.ndarray:
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray([np.nan if e is None else e for e in v], dtype=np.float64)


def _summary(at: AppTest):
    return at.table[0].value


def test_a_stopping_rule_cuts_each_path_at_its_first_small_gradient():
    lrs = {"sgd": 0.05, "momentum": 0.01}
    at = _app(
        surface="booth",
        opt="sgd,momentum",
        steps="600",
        **{"stop.grad": "0.01", "sgd.lr": "0.05", "momentum.lr": "0.01"},
    )
    table = _summary(at)
    assert "stopped at step" in table.columns
    grad = reference.SURFACES["booth"].grad
    for name, row in zip(("sgd", "momentum"), table.itertuples(), strict=True):
        t = optimizers.simulate("booth", name, steps=600, hparams={"lr": lrs[name]})
        norms = np.array([np.hypot(*grad(p.astype(np.float64))) for p in t.xy])
        first = int(np.flatnonzero(norms <= 0.01)[0])
        assert abs(int(row[-1]) - first) <= 1, (name, row[-1], first)
    # the drawn paths end there too
    fig = _figure(at)
    sgd = next(t for t in fig["data"] if t.get("legendgroup") == "sgd" and t["mode"] == "lines")
    assert len(_values(sgd["x"])) <= int(table.iloc[0, -1]) + 1
    assert at.query_params["stop.grad"] in ("0.01", ["0.01"])  # and the link keeps the rule


def test_where_the_paths_ended_names_a_saddle_and_marks_it():
    # On the bounded saddle, x = 0 is invariant: GD from (0, 1.5) ends at the saddle point.
    at = _app(surface="bounded_saddle", opt="sgd", start="0,1.5", steps="400", **{"sgd.lr": "0.1"})
    at.toggle(key="show_critical").set_value(True).run()
    _ok(at)
    rows = at.table[1].value
    assert list(rows.iloc[:, 0]) == ["start", "SGD"]
    assert rows.iloc[1]["verdict"] == "saddle"
    arrows = [t for t in _figure(at)["data"] if t.get("legendgroup") == "saddle"]
    assert len(arrows) == 1
    x = [v for v in arrows[0]["x"] if v is not None]
    assert max(x) - min(x) > 0.5  # the arrows run along x, the direction f falls


def test_effective_step_sizes_show_for_adaptive_methods_only():
    at = _app(surface="booth", opt="sgd,adagrad,rmsprop", steps="300")
    at.toggle(key="show_steps").set_value(True).run()
    _ok(at)
    (fig,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert sorted({t["legendgroup"] for t in fig["data"]}) == ["AdaGrad", "RMSProp"]
    at = _app(surface="booth", opt="sgd,momentum", steps="300")
    at.toggle(key="show_steps").set_value(True).run()
    assert any("adapts its step size" in i.value for i in at.info)


def test_a_convention_switch_swaps_the_form_and_keeps_the_values():
    at = _app(opt="sgd,momentum", **{"momentum.lr": "0.002", "momentum.beta": "0.8"})
    at.toggle(key="form.momentum.momentum_ema").set_value(True).run()
    _ok(at)
    assert at.session_state["opt"] == ["sgd", "momentum_ema"]
    t = optimizers.simulate(
        "rosenbrock", "momentum_ema", steps=500, hparams={"lr": 0.002, "beta": 0.8}
    )
    fig = _figure(at)
    ema = next(
        d for d in fig["data"] if d.get("legendgroup") == "momentum_ema" and d["mode"] == "lines"
    )
    np.testing.assert_allclose([_values(ema["x"])[-1], _values(ema["y"])[-1]], t.xy[-1], rtol=1e-5)
    # and back: the variant's panel offers its own switch, on
    at.toggle(key="form.momentum_ema.momentum").set_value(False).run()
    assert at.session_state["opt"] == ["sgd", "momentum"]


def test_the_3d_page_draws_the_compare_view():
    at = _app(surface="himmelblau", opt="adam", steps="200", **{"adam.lr": "0.05"})
    at.switch_page("pages/surface3d.py").run()
    _ok(at)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    (line,) = [d for d in fig["data"] if d.get("mode") == "lines"]
    t = optimizers.simulate("himmelblau", "adam", steps=200, hparams={"lr": 0.05})
    np.testing.assert_allclose(
        [_values(line["x"])[-1], _values(line["y"])[-1]], t.xy[-1], rtol=1e-5
    )


def test_draw_the_step_sends_each_runs_parts_for_every_frame_and_keeps_it_in_the_link():
    at = _app(opt="sgd,momentum", steps="200", show="arrows")
    fig = _figure(at)
    parts = fig["layout"]["meta"]["arrows"]
    steps = fig["layout"]["meta"]["frame_steps"]
    assert [p["label"] for p in parts] == ["SGD", "Momentum"]
    assert all(len(p["point"]) == len(steps) for p in parts)
    sgd, momentum = parts
    assert sgd["memory"] is None and momentum["memory"] is not None  # v is momentum's memory
    assert at.toggle(key="show_arrows").value
    assert "arrows" in at.query_params["show"]
    at.toggle(key="show_arrows").set_value(False).run()
    _ok(at)
    assert "arrows" not in _figure(at)["layout"]["meta"]
