"""The Schedules and 3-D pages through AppTest: they run, and draw what the engine computes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import optimizers
from ui import live_chart

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _values(v) -> np.ndarray:
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray([np.nan if e is None else e for e in v], dtype=np.float64)


def _figures(at: AppTest) -> list[dict]:
    """The page's figures: st.plotly_chart's, then the live charts' (ui/live_chart.py)."""
    live = [
        live_chart.payload_of(c.proto)["figure"]
        for c in at.get("bidi_component")
        if c.proto.component_name == "optiscape.live_chart"
    ]
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + live


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.query_params.clear()  # as the navigation does in a browser: the new page's bare address
    at.switch_page(page).run()
    _ok(at)
    return at


def _map_paths(fig: dict) -> dict[str, np.ndarray]:
    """Map-panel path lines by legend group (the loss and η_t panels have their own axes)."""
    return {
        t["legendgroup"]: np.stack([_values(t["x"]), _values(t["y"])], axis=1)
        for t in fig["data"]
        if t.get("legendgroup") and t.get("mode") == "lines" and "xaxis" not in t
    }


def test_schedules_page_runs_one_optimizer_under_each_schedule():
    at = _page("pages/schedules.py")
    curves, compare = _figures(at)
    assert len(curves["data"]) == len(optimizers.schedules.names())  # every schedule's shape
    paths = _map_paths(compare)
    assert set(paths) == {f"schedule-{n}" for n in ("constant", "step", "cosine", "warmup_cosine")}
    for name in ("constant", "cosine"):
        t = optimizers.simulate(
            "rosenbrock", "momentum", steps=1000, schedule=name, hparams={"lr": 1e-3}
        )
        drawn = paths[f"schedule-{name}"]
        np.testing.assert_allclose(drawn[-1], t.xy[-1], rtol=1e-5)  # ends where the engine ends
    assert not np.allclose(paths["schedule-constant"][-1], paths["schedule-cosine"][-1])
    assert len(at.table[0].value) == 4


def test_schedules_page_follows_its_widgets():
    at = _page("pages/schedules.py")
    at.multiselect(key="schedules.chosen").set_value(["constant", "exponential"]).run()
    at.selectbox(key="schedules.optimizer").set_value("adam").run()
    _ok(at)
    paths = _map_paths(_figures(at)[1])
    assert set(paths) == {"schedule-constant", "schedule-exponential"}
    t = optimizers.simulate("rosenbrock", "adam", steps=1000, schedule="exponential")
    np.testing.assert_allclose(paths["schedule-exponential"][-1], t.xy[-1], rtol=1e-5)


def test_surface3d_page_draws_the_linked_view_on_the_surface():
    at = _page("pages/surface3d.py", surface="himmelblau", opt="adam,sgd", steps="300")
    (fig,) = _figures(at)
    kinds = [t["type"] for t in fig["data"]]
    assert kinds.count("surface") == 1
    lines = {t["name"]: t for t in fig["data"] if t.get("mode") == "lines"}
    assert set(lines) == {"Adam", "SGD"}
    t = optimizers.simulate("himmelblau", "adam", steps=300)
    end = np.array([_values(lines["Adam"]["x"])[-1], _values(lines["Adam"]["y"])[-1]])
    np.testing.assert_allclose(end, t.xy[-1], rtol=1e-5)
    minima = next(t for t in fig["data"] if t.get("name") == "minima")
    assert len(minima["x"]) == 4


def test_surface3d_log_heights_follow_the_toggle():
    at = _page("pages/surface3d.py", surface="rosenbrock")
    assert _figures(at)[0]["layout"]["scene"]["zaxis"]["title"]["text"].startswith("log")
    at.toggle[0].set_value(False).run()
    _ok(at)
    assert _figures(at)[0]["layout"]["scene"]["zaxis"]["title"]["text"] == "f"


def test_surface3d_on_an_unbounded_surface_has_no_log_axis():
    at = _page("pages/surface3d.py", surface="saddle")
    assert at.toggle[0].disabled
    assert _figures(at)[0]["layout"]["scene"]["zaxis"]["title"]["text"] == "f"


def test_data_page_draws_the_sampled_run_the_full_batch_and_other_seeds():
    at = _page("pages/data.py")
    (fig,) = _figures(at)
    paths = _map_paths(fig)
    main = optimizers.simulate("linreg_raw", "sgd", steps=500, hparams={"lr": 0.03}, batch=8)
    full = optimizers.simulate("linreg_raw", "sgd", steps=500, hparams={"lr": 0.03})
    np.testing.assert_allclose(paths["main"][-1], main.xy[-1], rtol=1e-5)
    np.testing.assert_allclose(paths["full"][-1], full.xy[-1], rtol=1e-5)
    spread = [t for t in fig["data"] if t.get("legendgroup") == "spread"]
    assert len(spread) == 10
    other = optimizers.simulate(
        "linreg_raw", "sgd", steps=500, hparams={"lr": 0.03}, batch=8, seed=1
    )
    end = np.array([_values(spread[0]["x"])[-1], _values(spread[0]["y"])[-1]])
    np.testing.assert_allclose(end, other.xy[-1], rtol=1e-4)
    rows = at.table[0].value
    assert list(rows.iloc[:, 0]) == ["raw", "standardized"]
    assert rows.iloc[0, 2] == "never" and rows.iloc[1, 2] != "never"  # normalization pays


def test_data_page_full_batch_is_one_path_and_standardizing_switches_surface():
    at = _page("pages/data.py")
    at.select_slider(key="data.batch").set_value(64).run()
    at.toggle(key="data.standardize").set_value(True).run()
    _ok(at)
    (fig,) = _figures(at)
    paths = _map_paths(fig)
    assert set(paths) == {"main"}  # batch GD: no second path, no spread
    t = optimizers.simulate("linreg_standardized", "sgd", steps=500, hparams={"lr": 0.03})
    np.testing.assert_allclose(paths["main"][-1], t.xy[-1], rtol=1e-5)
    assert "standardized" in at.caption[0].value


def test_each_data_preset_loads_and_tells_its_story():
    from scenarios import data_runs

    for p in data_runs.DATA_PRESETS:
        at = _page("pages/data.py")
        at.button(key=f"data.preset.{p.name}").click().run()
        _ok(at)
        assert at.info[0].value == p.question
        (fig,) = _figures(at)
        assert _map_paths(fig), p.name
        rows = at.table[0].value
        if p.name == "mse_stalls":
            far = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1].astype(float), strict=True))
            assert far["cross entropy"] > 10 * far["squared error"]
        if p.name == "normalize":
            assert rows.iloc[0, 2] == "never" and int(rows.iloc[1, 2]) < 150
        if p.name == "saddle_escape":  # GD at the saddle, every sampled seed at a minimum
            where = list(rows["where"])
            assert where[0] == "at the saddle (0, 0)" and len(where) == 6
            assert all(w.startswith("at the minimum") for w in where[1:]), where
        if p.name == "sgd_noise":
            assert len([t for t in fig["data"] if t.get("legendgroup") == "spread"]) == 10


def _navigation_pages() -> list[str]:
    """The page files app.py's navigation lists, read from app.py itself."""
    import re

    return re.findall(r'st\.Page\(\s*"([^"]+)"', Path(APP).read_text())


def test_every_page_of_the_navigation_runs_without_an_exception():
    pages = _navigation_pages()
    assert len(pages) == 6 and pages[0] == "pages/compare.py"
    for page in pages:
        at = AppTest.from_file(APP, default_timeout=180)
        at.run()
        at.switch_page(page).run()
        _ok(at)
        assert at.title or at.caption[0].value.startswith("**Compare optimizers**"), page
