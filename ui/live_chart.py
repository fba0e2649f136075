"""A Plotly chart that stays mounted across reruns and reports clicks on the map.

``st.plotly_chart`` mounts a new chart for every new figure: on the Compare page that is the
map image, every path, the loss and η_t panels and 40 animation frames drawn from scratch,
300–400 ms of the browser's main thread per slider move. This component (``st.components.v2``,
no iframe) keeps one Plotly instance and hands each new figure to ``Plotly.react``, which
updates the chart in place; traces that did not change are not redrawn (ui/live_chart/chart.js).

plotly.js is its cartesian bundle, vendored in ui/live_chart/ (ui/plotly_js.py).
The figure is the same dict ``plots.compare`` builds for ``st.plotly_chart`` and the tests,
sent with NumPy arrays as Plotly's base64 typed arrays (``plots.lean``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from plots import lean
from ui import plotly_js

_CHART = st.components.v2.component(
    "optiscape.live_chart",
    js=plotly_js.LOADER + (plotly_js.ASSETS / "chart.js").read_text(),
    isolate_styles=False,
)


def payload(
    figure: dict,
    click_subplot: str = "xy",
    config: dict | None = None,
    previews: list[dict] | None = None,
) -> dict:
    """What the browser receives: the figure (typed arrays), the clickable subplot, the config
    and the slider previews (each swap's traces without what they share with the figure's)."""
    drawn = lean.lean(figure)
    return {
        "figure": drawn,
        "click_subplot": click_subplot,
        "config": config or {},
        "plotly_src": plotly_js.src(),
        "previews": [_against(drawn["data"], p) for p in previews or ()],
    }


def _against(data: list[dict], preview: dict) -> dict:
    """A preview (ui/previews.py) with each swapped trace reduced to the attributes in which it
    differs from the figure's trace in that slot (the browser merges it onto that trace)."""
    slots = preview["slots"]

    def reduce(swap: dict) -> dict:
        traces = []
        for slot, trace in zip(slots, lean.lean({"data": swap["traces"]})["data"], strict=True):
            traces.append({k: v for k, v in trace.items() if data[slot].get(k) != v})
        return {"traces": traces, "frames": swap["frames"]}

    return {**preview, "swaps": [reduce(s) for s in preview["swaps"]]}


def live_chart(
    figure: dict,
    *,
    key: str,
    click_subplot: str = "xy",
    on_click: Callable[[], None] | None = None,
    config: dict | None = None,
    previews: list[dict] | None = None,
) -> dict | None:
    """Draw ``figure``; returns the point ``{"x", "y"}`` clicked in this rerun, else None.

    A click on the subplot ``click_subplot`` (Plotly's name: "xy" for the axes x and y) where
    some trace answers the pointer reruns the app (or the fragment the chart is in), running
    ``on_click`` first; the point, in that subplot's coordinates, is also in
    ``st.session_state[key].click``. ``previews`` (ui/previews.py) are drawn by the browser
    the moment their slider moves, before the rerun.
    """
    result = _CHART(
        key=key,
        data=encode(payload(figure, click_subplot, config, previews)),
        height="content",
        on_click_change=on_click or (lambda: None),
    )
    return result.click


def encode(data: dict) -> bytes:
    """The payload as JSON bytes, which Streamlit forwards as they are. (Given a dict, it looks
    for dataframes among the values first, and that check imports pandas: 0.2-0.5 s on a
    server's first run, before the chart could leave; bench/latency.py.)"""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode()


def payload_of(proto) -> dict:
    """The payload a rendered chart carries (for AppTest, which runs no JS)."""
    return json.loads(proto.bytes)
