"""Slider previews (ui/previews.py): the runs sent with the chart for the neighbouring positions
of each η slider must be the runs the app draws when the slider gets there.

References: `optimizers.simulate` for `optimizers.vary`; `compare_figure` built with the other
run in place for `series_swap`; the figure the app itself draws after the move (AppTest) for the
payload the browser merges."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import _app, _charts, _figure, _ok

import optimizers
import scenarios
from plots import compare, lean
from scenarios import view
from surfaces import Param
from ui import controls, live_chart
from ui.previews import dom_class

VALUES = [0.003, 0.01, 0.02, 0.05, 0.3]


@pytest.mark.parametrize("opt", ["sgd", "momentum", "rmsprop", "adam", "adagrad"])
def test_vary_runs_are_the_simulated_runs(opt):
    kw = {"start": (-1.5, 2.0), "steps": 300, "hparams": {}}
    runs = optimizers.vary("rosenbrock", opt, param="lr", values=VALUES, **kw)
    assert [r.hparams["lr"] for r in runs] == VALUES
    for r, v in zip(runs, VALUES, strict=True):
        alone = optimizers.simulate("rosenbrock", opt, **{**kw, "hparams": {"lr": v}})
        assert r.diverged_at == alone.diverged_at
        np.testing.assert_allclose(r.xy, alone.xy, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(r.lr, alone.lr)


def test_vary_with_noise_follows_the_same_draws():
    kw = {"steps": 200, "noise": 0.3, "seed": 7}
    runs = optimizers.vary("valley", "sgd", param="lr", values=[0.05, 0.1], **kw)
    alone = optimizers.simulate("valley", "sgd", hparams={"lr": 0.1}, **kw)
    np.testing.assert_allclose(runs[1].xy, alone.xy, rtol=1e-5, atol=1e-6)


def test_vary_refuses_bad_values():
    with pytest.raises(ValueError, match="lr"):
        optimizers.vary("valley", "sgd", param="lr", values=[0.1, -1.0])
    with pytest.raises(ValueError, match="values"):
        optimizers.vary("valley", "sgd", param="lr", values=[])
    with pytest.raises(ValueError):
        optimizers.vary("valley", "sgd", param="nope", values=[0.1])


def test_positions_near_are_the_sliders_key_presses():
    eta = Param("lr", 0.01, 1e-6, 10.0, "η", log=True)
    # a key press moves η by a twentieth of a decade (× 1.122), a change a class can see
    assert controls.positions_near(eta, -2.0, 2) == [-2.1, -2.05, -1.95, -1.9]
    # at the end of the range: only what the slider can reach
    assert controls.positions_near(eta, 1.0, 2) == [0.9, 0.95]
    # off the grid (a link's η = 0.003): the grid positions around it
    assert controls.positions_near(eta, -2.5229, 1) == [-2.55, -2.5, -2.45]
    beta = Param("beta", 0.9, 0.0, 0.999, "β")
    step = controls.slider_step(beta)
    assert controls.positions_near(beta, 0.9, 1) == [round(0.9 - step, 6), round(0.9 + step, 6)]


def test_dom_class_is_streamlits_key_class():
    assert dom_class("hp.adam.lr") == "st-key-hp-adam-lr"


def test_a_swap_is_the_figure_built_with_the_other_run():
    s, _ = scenarios.decode({"steps": "400"})
    runs = [
        optimizers.simulate(
            s.surface, r.optimizer, start=s.start_point, steps=400, hparams=r.hparams
        )
        for r in s.runs
    ]
    j = 3  # Adam
    other = optimizers.simulate(
        s.surface, "adam", start=s.start_point, steps=400, hparams={**s.runs[j].hparams, "lr": 0.9}
    )
    swap = view.run_swaps(s, runs, j, [other])[0]
    reference = view.compare_figure(
        s, [*runs[:j], other], "", (np.zeros(2), np.zeros(2), np.zeros((2, 2)))
    )
    slots = compare.series_slots(len(runs), j)
    for slot, trace in zip(slots, swap["traces"], strict=True):
        want = lean.lean({"data": [reference["data"][slot]]})["data"][0]
        assert lean.lean({"data": [trace]})["data"][0] == want
    for k, frame in enumerate(reference["frames"]):
        at = [frame["traces"].index(slot) for slot in slots[4:]]
        assert [frame["data"][i] for i in at] == swap["frames"][k]


def _merged(payload: dict, slider: str, position: float) -> list[dict]:
    """What ui/live_chart/chart.js draws at ``position``: each swapped trace merged onto the
    figure's trace in its slot."""
    p = next(p for p in payload["previews"] if p["slider"] == slider)
    i = next(i for i, q in enumerate(p["positions"]) if abs(q - position) < 1e-6)
    fig = payload["figure"]
    return [
        {**fig["data"][slot], **t}
        for slot, t in zip(p["slots"], p["swaps"][i]["traces"], strict=True)
    ], p["slots"]


def _payload(at) -> dict:
    """What the browser has after a run: the chart's payload, with the slider previews sent
    after it for its figure (ui/live_chart/chart.js uses them only for the figure they name)."""
    chart = live_chart.payload_of(_charts(at)[0].proto)
    (sent,) = [
        live_chart.payload_of(c.proto)
        for c in at.get("bidi_component")
        if c.proto.component_name == "optiscape.chart_previews"
    ]
    assert sent["chart"] == chart["key"] and sent["id"] == chart["id"]
    return {**chart, "previews": sent["previews"]}


def _values(v):
    import base64

    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).astype(float)
    return np.asarray(v, float)


@pytest.mark.parametrize(
    "query", [{"steps": "1000"}, {"steps": "300", "surface": "valley", "noise": "0.2"}]
)
def test_the_preview_is_what_the_app_draws_after_the_move(query):
    at = _app(**query)
    _ok(at)
    payload = _payload(at)
    assert {p["slider"] for p in payload["previews"]} == {
        dom_class(f"hp.{n}.lr") for n in ("sgd", "momentum", "rmsprop", "adam")
    }
    at.session_state["hp.adam.lr"] = -1.9  # two key presses from −2
    merged, slots = _merged(payload, "st-key-hp-adam-lr", -1.9)
    at.run()
    _ok(at)
    after = _figure(at)
    for slot, trace in zip(slots, merged, strict=True):
        drawn = after["data"][slot]
        assert set(trace) == set(drawn)
        for k in drawn:
            if k in ("x", "y", "customdata"):
                np.testing.assert_allclose(
                    _values(trace[k]), _values(drawn[k]), rtol=1e-4, atol=1e-6
                )
            else:
                assert trace[k] == drawn[k], k
    assert after["data"][slots[0]] != payload["figure"]["data"][slots[0]]  # it did move


def test_no_previews_with_the_saddle_arrows():
    at = _app(steps="300")
    at.toggle(key="show_critical").set_value(True).run()
    _ok(at)
    assert _payload(at)["previews"] == []


def _close(a, b, where):
    """Two figure values equal, their arrays up to float32 rounding."""
    if (isinstance(a, dict) and "bdata" in a) or (isinstance(b, dict) and "bdata" in b):
        np.testing.assert_allclose(_values(a), _values(b), rtol=1e-4, atol=1e-6, err_msg=where)
    elif isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and a and isinstance(a[0], (int, float)):
        np.testing.assert_allclose(
            np.asarray(a, float), np.asarray(b, float), rtol=1e-4, err_msg=where
        )
    else:
        assert a == b, where


def test_a_moved_surface_parameter_previews_the_figure_the_app_draws_there():
    """κ of the valley, moved once, is previewed: at its next key press the browser draws the
    map image, every path, the frames' markers and the loss axes of the figure the app then
    draws itself for that κ."""
    at = _app(surface="valley", steps="300")
    _ok(at)
    assert not any(p["slider"] == "st-key-sp-valley-kappa" for p in _payload(at)["previews"])
    at.session_state["sp.valley.kappa"] = 1.05  # log₁₀ κ: one key press from κ = 10
    at.run()
    _ok(at)
    payload = _payload(at)
    (p,) = [p for p in payload["previews"] if p["slider"] == "st-key-sp-valley-kappa"]
    assert p["at"] == pytest.approx(1.05) and p["positions"] == pytest.approx(
        [0.95, 1.0, 1.1, 1.15]
    )
    i = p["positions"].index(pytest.approx(1.1))
    swap = p["swaps"][i]
    fig = payload["figure"]
    at.session_state["sp.valley.kappa"] = 1.1
    at.run()
    _ok(at)
    after = _figure(at)
    assert len(after["data"]) == len(fig["data"]) == len(p["slots"])
    for slot, t in zip(p["slots"], swap["traces"], strict=True):
        _close({**fig["data"][slot], **t}, after["data"][slot], f"trace {slot}")
    assert swap["traces"][0]["z"] != fig["data"][0].get("z")  # the click grid's f moved too
    assert fig["layout"]["meta"]["frame_steps"] == after["layout"]["meta"]["frame_steps"]
    for k, frame in enumerate(after["frames"]):
        at_ = [frame["traces"].index(slot) for slot in p["frame_slots"]]
        _close(swap["frames"][k], [frame["data"][j] for j in at_], f"frame {k}")
    assert swap["layout"] == compare.layout_patch(after["layout"])
    assert swap["layout"]["images[0].source"] != fig["layout"]["images"][0]["source"]
    assert p["layout"] == compare.layout_patch(fig["layout"])  # to go back to κ = 11.2
