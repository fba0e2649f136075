"""A Plotly chart that stays mounted across reruns and reports clicks on the map.

``st.plotly_chart`` mounts a new chart for every new figure: on the Compare page that is the
map image, every path, the loss and η_t panels and 40 animation frames drawn from scratch,
300–400 ms of the browser's main thread per slider move. This component (``st.components.v2``,
no iframe) keeps one Plotly instance and hands each new figure to ``Plotly.react``, which
updates the chart in place; traces that did not change are not redrawn (ui/live_chart/chart.js).

plotly.js is its cartesian bundle, vendored next to this module (ui/live_chart/) and served by
Streamlit's component file route: the app needs no network.
The figure is the same dict ``plots.compare`` builds for ``st.plotly_chart`` and the tests,
sent with NumPy arrays as Plotly's base64 typed arrays (``plots.lean``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.components import v1 as components_v1

from plots import lean

_ASSETS = Path(__file__).with_name("live_chart")
_LOADER = (_ASSETS / "load_plotly.js").read_text()
# plotly.js's cartesian bundle (scatter, heatmap and the other 2-D traces; 1.5 MB against the
# full bundle's 4.8 MB, a third of the parse on a first visit), vendored from npm's
# plotly.js-cartesian-dist-min at the version the installed plotly package ships.
PLOTLY_JS = "plotly-cartesian.min.js"
PLOTLY_JS_VERSION = "4.1.1"
# A file route for it: a v1 component whose folder is this module's assets.
_PLOTLY_FILES = components_v1.declare_component("plotly_js", path=str(_ASSETS))
_CHART = st.components.v2.component(
    "optiscape.live_chart", js=_LOADER + (_ASSETS / "chart.js").read_text(), isolate_styles=False
)


def plotly_src() -> str:
    """The URL path the browser loads plotly.js from (under the server's base URL path); the
    version in the query names the browser's cached copy (ui/live_chart/load_plotly.js)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = f"component/{_PLOTLY_FILES.name}/{PLOTLY_JS}?v={PLOTLY_JS_VERSION}"
    return "/" + (f"{base}/" if base else "") + path


def preload() -> None:
    """Start loading plotly.js in the browser now (a script, nothing to show): on a first visit
    the download and parse then overlap the server's first computation instead of following
    it. The chart's module uses the same loader, so plotly.js is loaded once."""
    st.html(
        f"<script>{_LOADER}\nloadPlotly({json.dumps(plotly_src())}).catch(() => {{}});</script>",
        unsafe_allow_javascript=True,
    )


def payload(figure: dict, click_subplot: str = "xy", config: dict | None = None) -> dict:
    """What the browser receives: the figure (typed arrays), the clickable subplot, the config."""
    return {
        "figure": lean.lean(figure),
        "click_subplot": click_subplot,
        "config": config or {},
        "plotly_src": plotly_src(),
    }


def live_chart(
    figure: dict,
    *,
    key: str,
    click_subplot: str = "xy",
    on_click: Callable[[], None] | None = None,
    config: dict | None = None,
) -> dict | None:
    """Draw ``figure``; returns the point ``{"x", "y"}`` clicked in this rerun, else None.

    A click on the subplot ``click_subplot`` (Plotly's name: "xy" for the axes x and y) where
    some trace answers the pointer reruns the app (or the fragment the chart is in), running
    ``on_click`` first; the point, in that subplot's coordinates, is also in
    ``st.session_state[key].click``.
    """
    result = _CHART(
        key=key,
        data=payload(figure, click_subplot, config),
        height="content",
        on_click_change=on_click or (lambda: None),
    )
    return result.click


def figure_of(element_json: str) -> dict:
    """The figure inside a rendered chart's JSON payload (for AppTest, which runs no JS)."""
    return json.loads(element_json)["figure"]
