"""The Tune and Basins pages: their grids, the best setting, the figures, and the pages in AppTest.

References are independent of the code under test: single runs of `optimizers.simulate` (the
trajectory engine, not the vmapped sweep), the Compare slider's own rounding
(`ui.controls`), and counts done here with NumPy.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest
from test_plots import _numbers  # every number in a figure, typed arrays decoded

import optimizers
import surfaces
from plots import basins as basins_plot
from plots import lean
from plots import tune as tune_plot
from scenarios import tuning
from ui import controls

ROOT = Path(__file__).resolve().parents[1]


def run(surface: str, **settings) -> optimizers.RunSpec:
    return optimizers.RunSpec.make(surface, **settings)


START = (-1.5, 2.0)


def _browser_json(fig: dict) -> dict:
    """What the browser receives: the LeanFigure's dict through Plotly's JSON encoder."""
    return json.loads(pio.to_json(lean.LeanFigure(fig).to_dict(), validate=False))


def _all_finite(fig: dict) -> bool:
    return all(math.isfinite(v) for v in _numbers(_browser_json(fig)))


def _decode(v) -> np.ndarray:
    if isinstance(v, dict):
        a = np.frombuffer(base64.b64decode(v["bdata"]), np.dtype(v["dtype"]))
        return a.reshape([int(s) for s in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v)


# ----------------------------------------------------------------------------------- grids


def test_lr_grid_is_log_even_and_every_value_survives_the_compare_slider():
    lrs = tuning.lr_grid(-5.0, 0.5, 200)
    assert len(lrs) == 200 and lrs[0] == 1e-5 and np.isclose(lrs[-1], 10**0.5, rtol=1e-3)
    ratios = lrs[1:] / lrs[:-1]
    assert np.allclose(ratios, 10 ** (5.5 / 199), rtol=2e-3)
    p = tuning.lr_param()
    # the η handed to Compare is the η that was simulated: its slider stores it unchanged
    for v in tuning.lr_grid(-6.0, 1.0, 400):
        assert controls.from_widget(p, controls.to_widget(p, v)) == v


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((-5.0, 0.0, 401), "[2, 400]"),
        ((-5.0, 0.0, 1), "[2, 400]"),
        ((-5.0, 0.0, 2.5), "whole number"),
        ((0.0, 0.0, 50), "low < log₁₀ η high"),
        ((-7.0, 0.0, 50), "-6 ≤"),
        ((-2.0, 1.5, 50), "≤ 1"),
        ((float("nan"), 0.0, 50), "η range"),
    ],
)
def test_lr_grid_refuses_bad_input_with_a_clear_message(args, named):
    with pytest.raises(ValueError, match=None) as e:
        tuning.lr_grid(*args)
    assert named in str(e.value)


def test_decay_parameters_by_family():
    expected = {
        "sgd": None,
        "adagrad": None,
        "newton": None,
        "momentum": "beta",
        "nesterov": "beta",
        "rmsprop": "rho",
        "adadelta": "rho",
        "adam": "beta1",
        "lion": "beta1",
    }
    for name, param in expected.items():
        p = tuning.decay_param(name)
        assert (p.name if p else None) == param, name
    assert tuning.with_decay(["sgd", "adam", "adagrad", "rmsprop"]) == ["adam", "rmsprop"]


def test_decay_grid_spans_the_range_evenly_in_log_one_minus_beta():
    p = tuning.decay_param("adam")
    betas = tuning.decay_grid(p, 40)
    assert betas[0] == p.low and np.isclose(betas[-1], p.high)
    assert (np.diff(betas) > 0).all()
    gaps = np.diff(np.log10(1 - betas))
    assert np.allclose(gaps, -3 / 39, rtol=5e-3)
    with pytest.raises(ValueError, match=r"\[2, 100\]"):
        tuning.decay_grid(p, 101)


# ------------------------------------------------------------------------ sweeps vs simulate


@pytest.fixture(scope="module")
def sgd_outcome():
    lrs = tuning.lr_grid(-4.0, -2.0, 12)
    return lrs, tuning.lr_sweep(run("rosenbrock", start=START, steps=400), "sgd", lrs, tol=1e-2)


def test_lr_sweep_matches_single_runs_of_the_engine(sgd_outcome):
    lrs, o = sgd_outcome
    assert o.diverged.any() and not o.diverged.all()  # the range straddles the edge
    for i, lr in enumerate(lrs):
        t = optimizers.simulate("rosenbrock", "sgd", start=START, steps=400, hparams={"lr": lr})
        assert o.diverged[i] == (t.diverged_at is not None), lr
        if t.diverged_at is None:
            assert np.isclose(o.gap[i], t.loss[-1], rtol=1e-4, atol=1e-6), lr
        else:
            assert np.isnan(o.gap[i])
        within = np.flatnonzero(t.loss <= 1e-2)  # f* = 0 on Rosenbrock
        assert o.hit_at[i] == (within[0] if within.size else -1), lr


def test_the_best_eta_is_the_lowest_final_gap_of_single_runs(sgd_outcome):
    lrs, o = sgd_outcome
    gaps = []
    for lr in lrs:
        t = optimizers.simulate("rosenbrock", "sgd", start=START, steps=400, hparams={"lr": lr})
        gaps.append(np.inf if t.diverged_at is not None else t.loss[-1])
    b = tuning.best(o, "gap")
    assert b.index == int(np.argmin(gaps))
    assert b.hparams == {"lr": float(lrs[b.index])}


def test_the_decay_grid_is_laid_out_beta_by_row_eta_by_column():
    lrs = tuning.lr_grid(-3.0, -1.0, 4)
    betas = np.array([0.0, 0.5, 0.9])
    o = tuning.lr_decay_sweep(run("valley", steps=150), "momentum", lrs, betas)
    gap = o.gap.reshape(3, 4)
    for i, beta in enumerate(betas):
        for j, lr in enumerate(lrs):
            t = optimizers.simulate(
                "valley", "momentum", steps=150, hparams={"lr": lr, "beta": beta}
            )
            assert np.isclose(gap[i, j], t.loss[-1], rtol=1e-4, atol=1e-7), (beta, lr)
    assert o.hparams(2 * 4 + 1) == {"lr": float(lrs[1]), "beta": 0.9}
    with pytest.raises(ValueError, match="no β, β₁ or ρ"):
        tuning.lr_decay_sweep(run("valley"), "sgd", lrs, betas)


def test_sweeps_refuse_a_tolerance_without_f_star_and_bad_steps():
    lrs = tuning.lr_grid(-3.0, -1.0, 3)
    with pytest.raises(ValueError, match="no known minimum value"):
        tuning.lr_sweep(run("saddle"), "sgd", lrs, tol=1e-3)
    with pytest.raises(ValueError, match="steps must be in"):
        run("rosenbrock", steps=0)
    too_long = optimizers.RunSpec.make(
        "rosenbrock", steps=50_000
    )  # the engine's limit is not the app's
    with pytest.raises(ValueError, match=r"steps must be a whole number in \[10, 20000\]"):
        tuning.lr_sweep(too_long, "sgd", lrs)
    with pytest.raises(ValueError, match=r"takes an optimizers\.RunSpec"):
        tuning.lr_sweep("rosenbrock", "sgd", lrs)


# ------------------------------------------------------------------------------- best setting


def _outcome(gap, hit, tol=1e-3):
    gap = np.asarray(gap, dtype=float)
    return tuning.Outcome(
        "adam",
        {"lr": np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0])},
        {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        gap,
        np.isnan(gap),
        np.asarray(hit),
        tol,
    )


def test_best_by_gap_breaks_ties_by_steps_and_best_by_steps_uses_hits():
    o = _outcome([np.nan, 0.5, 0.0, 0.0, 1e-3], [-1, -1, 50, 40, 10])
    assert tuning.best(o, "gap").index == 3  # gap 0 twice: 40 steps beats 50
    by_steps = tuning.best(o, "steps")
    assert by_steps.index == 4 and by_steps.hit_at == 10
    assert by_steps.hparams == {"lr": 1.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert list(by_steps.hparams) == [p.name for p in optimizers.get("adam").hparams]
    assert tuning.best(_outcome([np.nan] * 5, [-1] * 5), "gap") is None
    assert tuning.best(_outcome([1.0] * 5, [-1] * 5), "steps") is None
    with pytest.raises(ValueError, match="need a sweep with a tolerance"):
        tuning.best(_outcome([1.0] * 5, [-1] * 5, tol=None), "steps")


def test_better_keeps_the_lower_score():
    o = _outcome([0.1, 0.2, 0.3, 0.4, 0.5], [5, 4, 3, 2, 1])
    a, b = tuning.best(o, "gap"), tuning.best(o, "steps")
    assert tuning.better(a, b, "gap") is a
    assert tuning.better(a, b, "steps") is b
    assert tuning.better(None, b, "gap") is b
    assert tuning.better(a, None, "gap") is a


def test_to_settings_carries_every_best_setting():
    o = _outcome([0.1, 0.2, 0.3, 0.4, 0.5], [5, 4, 3, 2, 1])
    b = tuning.best(o, "gap")
    s = tuning.to_settings("valley", [b], start=(1.0, -2.0), steps=321)
    assert s.surface == "valley" and s.start == (1.0, -2.0) and s.steps == 321
    assert s.surface_params == surfaces.get("valley").resolve_params()
    assert [(r.optimizer, r.hparams) for r in s.runs] == [("adam", b.hparams)]
    assert s.schedule == "constant" and s.noise == 0.0
    with pytest.raises(ValueError, match="no optimizer"):
        tuning.to_settings("valley", [])
    with pytest.raises(ValueError, match="at most 8"):
        tuning.to_settings("valley", [b] * 9)


# --------------------------------------------------------------------------------- basins


def test_start_grid_is_row_major_in_y():
    xs, ys, starts = tuning.start_grid(((-1.0, 1.0), (0.0, 4.0)), 5)
    assert np.allclose(xs, np.linspace(-1, 1, 5)) and np.allclose(ys, np.linspace(0, 4, 5))
    assert np.allclose(starts[2 * 5 + 3], (xs[3], ys[2]))
    with pytest.raises(ValueError, match=r"\[2, 200\]"):
        tuning.start_grid(((-1.0, 1.0), (0.0, 4.0)), 201)


def test_basin_labels_agree_with_single_runs_on_himmelblau():
    s = surfaces.get("himmelblau")
    m = tuning.basin_map(run("himmelblau", steps=300), "sgd", hparams={"lr": 0.01}, n=9)
    assert m.labels.shape == (9, 9) and len(m.minima) == 4
    assert set(np.unique(m.labels)) == {0, 1, 2, 3}  # all four basins are reached
    minima = np.array(s.minima)
    radius = 0.01 * 10.0  # metrics.TOLERANCE × the domain's side
    for i, y in enumerate(m.ys):
        for j, x in enumerate(m.xs):
            t = optimizers.simulate(s, "sgd", start=(x, y), steps=300, hparams={"lr": 0.01})
            d = np.linalg.norm(minima - t.xy[-1], axis=1)
            expected = int(np.argmin(d)) if d.min() <= radius else -1
            assert m.labels[i, j] == expected, (x, y)


def test_a_large_step_diverges_on_the_basins_map():
    m = tuning.basin_map(run("himmelblau", steps=100), "sgd", hparams={"lr": 0.1}, n=6)
    assert (m.labels == -2).any()


def test_sample_paths_start_on_a_grid_inside_the_domain():
    paths = tuning.sample_paths(run("himmelblau", steps=200), "sgd", hparams={"lr": 0.01})
    assert paths.shape == (16, tuning.SAMPLE_POINTS, 2)
    cells = (np.arange(4) + 0.5) * 10.0 / 4 - 5.0
    assert np.allclose(np.sort(np.unique(paths[:, 0, 0])), cells)
    t = optimizers.simulate(
        "himmelblau", "sgd", start=tuple(paths[5, 0]), steps=200, hparams={"lr": 0.01}
    )
    assert np.allclose(paths[5, -1], t.xy[-1], atol=1e-4)


# -------------------------------------------------------------------------------- figures


def _curve(values, diverged, best=None, key="sgd"):
    lrs = np.geomspace(1e-4, 1.0, len(values))
    return tune_plot.Curve(
        key, key.upper(), "#ff0000", lrs, np.asarray(values, float), np.asarray(diverged), best
    )


def test_lr_figure_gaps_and_marks_diverged_and_missed_etas():
    values = [1.0, 1e-3, 0.0, np.nan, np.nan, np.nan]
    diverged = [False, False, False, False, True, True]
    c = _curve(values, diverged, best=2)
    fig = tune_plot.lr_figure([c], y_title="gap", log_y=True)
    go.Figure(fig)  # valid Plotly (the app skips validation: plots.lean)
    assert _all_finite(fig)
    line = fig["data"][0]
    assert line["y"][:3] == [1.0, 1e-3, tune_plot.TINY] and line["y"][3:] == [None] * 3
    strips = {t["marker"]["symbol"]: t for t in fig["data"] if t.get("yaxis") == "y2"}
    assert np.allclose(strips["x"]["x"], c.lrs[[4, 5]])  # diverged
    assert np.allclose(strips["circle-open"]["x"], c.lrs[[3]])  # missed, not diverged
    star = next(t for t in fig["data"] if t.get("marker", {}).get("symbol") == "star")
    assert np.isclose(star["x"][0], c.lrs[2]) and star["y"] == [tune_plot.TINY]


def test_a_lone_valid_eta_gets_a_marker_a_line_cannot_draw():
    c = _curve([np.nan, 5.0, np.nan, 3.0, 4.0, np.nan], [True, False, True, False, False, True])
    assert tune_plot.isolated(c.values).tolist() == [1]
    fig = tune_plot.lr_figure([c], y_title="steps", log_y=False)
    dots = [
        t
        for t in fig["data"]
        if t["mode"] == "markers" and "yaxis" not in t and "symbol" not in t["marker"]
    ]
    assert len(dots) == 1 and np.allclose(dots[0]["x"], c.lrs[[1]]) and dots[0]["y"] == [5.0]


def test_grid_figure_paints_diverged_and_missed_cells_apart():
    values = np.array([[1.0, np.nan, np.nan], [0.1, 0.01, np.nan]])
    diverged = np.array([[False, True, False], [False, False, True]])
    g = tune_plot.Grid(
        "Adam", "β₁", np.array([1e-3, 1e-2, 1e-1]), np.array([0.0, 0.99]), values, diverged, (1, 1)
    )
    fig = tune_plot.grid_figure(g, value_title="f − f*", log_values=True)
    go.Figure(fig)
    assert _all_finite(fig)
    main, red, grey = fig["data"][:3]
    assert main["z"] == [[0.0, None, None], [-1.0, -2.0, None]]
    assert red["z"] == [[None, 1, None], [None, None, 1]]
    assert grey["z"] == [[None, None, 1], [None, None, None]]
    assert red["colorscale"][0][1] != grey["colorscale"][0][1]
    assert np.allclose(main["y"], [0.0, 2.0])  # −log₁₀(1 − β)
    best = fig["data"][-1]
    assert (
        best["name"] == "best" and np.isclose(best["x"][0], 1e-2) and np.isclose(best["y"][0], 2.0)
    )


def test_basin_figure_colours_each_start_and_counts_each_outcome():
    rng = np.random.default_rng(0)
    labels = rng.integers(-2, 3, size=(20, 30))
    minima = [(0.0, 0.0), (1.0, 1.0), (2.0, -1.0)]
    paths = np.zeros((3, 5, 2))
    paths[1, 3:] = np.nan  # diverged after two rows
    paths[2, :] = np.nan
    fig = basins_plot.basin_figure(
        np.linspace(-3, 3, 30), np.linspace(-2, 2, 20), labels, minima, n_global=1, paths=paths
    )
    go.Figure(fig)
    assert _all_finite(fig)
    z = _decode(_browser_json(fig)["data"][0]["z"])
    expected = np.select([labels >= 0, labels == -1], [labels, 3], 4)
    assert (z == expected).all()
    legend = [t["name"] for t in fig["data"] if t.get("marker", {}).get("symbol") == "square"]
    shares = [np.mean(labels == k) for k in (0, 1, 2, -1, -2)]
    assert legend[0].startswith("minimum (0, 0)") and legend[1].startswith("local minimum")
    for name, share in zip(legend, shares, strict=True):
        assert name.endswith(f"{100 * share:.1f}%")
    heat = fig["data"][0]
    colors = [heat["colorscale"][2 * k][1] for k in range(5)]
    assert len(set(colors)) == 5 and colors[3:] == [basins_plot.NOT_CONVERGED, basins_plot.DIVERGED]
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert [len(t["x"]) for t in lines] == [5, 3]  # the all-NaN path is dropped
    with pytest.raises(ValueError, match=r"\[-2, 2\]"):
        basins_plot.codes(np.array([[3]]), 3)


# ------------------------------------------------------------------------------- the pages


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _tune_app(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "tune.py"), default_timeout=300)
    at.session_state["tune.steps"] = 300
    at.session_state["tune.lr_points"] = 60
    for k, v in state.items():
        at.session_state[f"tune.{k}"] = v
    return at.run()


@pytest.fixture(scope="module")
def tune_app() -> AppTest:
    return _tune_app()


def test_tune_page_draws_a_curve_per_optimizer_a_heatmap_and_a_table(tune_app):
    at = tune_app
    _ok(at)
    curves, grid = _figures(at)
    names = [t["name"] for t in curves["data"] if t.get("mode") == "lines"]
    assert names == ["SGD", "Momentum", "RMSProp", "Adam"]
    assert curves["layout"]["yaxis"]["type"] == "log"
    assert grid["data"][0]["type"] == "heatmap"
    assert (
        len(grid["data"][0]["z"]) == tuning.GRID_BETA
        and len(grid["data"][0]["z"][0]) == tuning.GRID_LR
    )
    table = at.table[0].value
    assert list(table["optimizer"]) == ["SGD", "Momentum", "RMSProp", "Adam"]
    # the table's SGD η is the lowest final gap of single engine runs over the same grid
    lrs = tuning.lr_grid(-5.0, 0.5, 60)
    gaps = []
    for lr in lrs:
        t = optimizers.simulate("rosenbrock", "sgd", start=START, steps=300, hparams={"lr": lr})
        gaps.append(np.inf if t.diverged_at is not None else t.loss[-1])
    assert table["setting"][0] == f"η = {lrs[int(np.argmin(gaps))]:.4g}"


def test_tune_metric_switch_scores_steps_to_the_tolerance():
    at = _tune_app(opt=["sgd", "adam"])
    at.radio(key="tune.metric").set_value("steps").run()
    _ok(at)
    curves = _figures(at)[0]
    assert curves["layout"]["yaxis"]["type"] == "linear"
    assert curves["layout"]["yaxis"]["title"]["text"] == "steps to f − f* ≤ 0.001"
    # without f*, only the final loss is offered, on a linear axis
    at.selectbox(key="tune.surface").set_value("saddle").run()
    _ok(at)
    assert at.radio(key="tune.metric").options == ["final loss f"]
    assert _figures(at)[0]["layout"]["yaxis"]["title"]["text"] == "final loss f"


def test_tune_page_explains_an_empty_range_and_no_heatmap_choice():
    at = _tune_app(opt=["sgd", "adagrad"], lr_range=(-1.0, -1.0))
    assert not at.exception
    assert any("η range" in e.value for e in at.error)
    at.slider(key="tune.lr_range").set_value((-4.0, -2.0)).run()
    _ok(at)
    assert any("None of the chosen optimizers has a β" in i.value for i in at.info)


@pytest.mark.parametrize("compare_first", [False, True], ids=["link to tune", "from compare"])
def test_use_the_best_opens_compare_with_those_settings(compare_first):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["tune.steps"] = 300
    at.session_state["tune.lr_points"] = 40
    at.session_state["tune.opt"] = ["momentum", "adam"]
    if compare_first:  # Compare has read its URL and holds its own widgets already
        at.run()
        _ok(at)
        assert at.session_state["steps"] == 500
        at.query_params.clear()  # as the navigation does in a browser
    at.switch_page("pages/tune.py").run()
    _ok(at)
    table = at.table[0].value
    at.button(key="tune.use_best").click().run()
    _ok(at)
    assert any("Compare optimizers" in c.value for c in at.caption)
    assert at.session_state["opt"] == ["momentum", "adam"]
    assert at.session_state["steps"] == 300
    assert (at.session_state["start_x"], at.session_state["start_y"]) == START
    # the Compare page's widgets hold the table's values, and its URL says so
    for row, name in zip(table.itertuples(), ("momentum", "adam"), strict=True):
        for part in row.setting.split(", "):
            symbol, value = part.split(" = ")
            p = next(p for p in optimizers.get(name).hparams if p.symbol == symbol)
            shown = controls.from_widget(p, at.session_state[f"hp.{name}.{p.name}"])
            assert np.isclose(shown, float(value), rtol=5e-4), (name, symbol)
            assert np.isclose(float(at.query_params[f"{name}.{p.name}"]), float(value), rtol=5e-4)


def _basins_app(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "basins.py"), default_timeout=300)
    at.session_state["basins.steps"] = 200
    at.session_state["basins.n"] = 50
    for k, v in state.items():
        at.session_state[f"basins.{k}"] = v
    return at.run()


def test_basins_page_shows_himmelblaus_four_basins():
    at = _basins_app()
    _ok(at)
    (fig,) = _figures(at)
    z = _decode(fig["data"][0]["z"])
    assert z.shape == (50, 50)
    legend = [t["name"] for t in fig["data"] if t.get("marker", {}).get("symbol") == "square"]
    assert len(legend) == 6 and sum(float(n.split(": ")[-1][:-1]) for n in legend) == pytest.approx(
        100, abs=0.5
    )
    assert set(np.unique(z)) <= {0, 1, 2, 3, 4, 5} and {0, 1, 2, 3} <= set(np.unique(z))
    stars = next(t for t in fig["data"] if t.get("name") == "minima")
    assert len(stars["x"]) == 4
    # sample paths: 16 starts
    starts = next(
        t for t in fig["data"] if t.get("legendgroup") == "paths" and t["mode"] == "markers"
    )
    assert len(_decode(starts["x"])) == 16


def test_basins_page_follows_its_widgets():
    at = _basins_app()
    at.slider(key="basins.n").set_value(60).run()
    _ok(at)
    assert _decode(_figures(at)[0]["data"][0]["z"]).shape == (60, 60)
    at.selectbox(key="basins.opt").set_value("adam").run()
    _ok(at)
    assert "Adam" in at.caption[0].value
    at.toggle(key="basins.paths").set_value(False).run()
    _ok(at)
    assert not [t for t in _figures(at)[0]["data"] if t.get("legendgroup") == "paths"]
    at.selectbox(key="basins.surface").set_value("saddle").run()
    _ok(at)
    assert any("has no minimum" in i.value for i in at.info)
