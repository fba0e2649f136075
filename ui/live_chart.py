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

import hashlib
import json
from collections.abc import Callable

import streamlit as st

from plots import lean
from ui import plotly_js
from ui.plotly_js import encode  # the payloads' form: JSON bytes

_CHART = st.components.v2.component(
    "optiscape.live_chart",
    js=plotly_js.LOADER
    + (plotly_js.ASSETS / "player.js").read_text()
    + (plotly_js.ASSETS / "chart.js").read_text(),
    isolate_styles=False,
)
# The previews' carrier: it hands them to the chart named in them (ui/live_chart/chart.js).
_PREVIEWS = st.components.v2.component(
    "optiscape.chart_previews",
    js=(plotly_js.ASSETS / "previews.js").read_text(),
)


def payload(figure: dict, key: str, click_subplot: str = "xy", config: dict | None = None) -> dict:
    """What the browser receives: the figure (typed arrays), its id, the chart's key, the
    clickable subplot and the config."""
    drawn = lean.lean(figure)
    return {
        "figure": drawn,
        "id": figure_id(drawn),
        "key": key,
        "click_subplot": click_subplot,
        "config": config or {},
        "plotly_src": plotly_js.src(),
    }


def figure_id(drawn: dict) -> str:
    """A digest of the figure as sent: the slider previews name the figure they belong to."""
    return hashlib.blake2b(encode(drawn), digest_size=8).hexdigest()


def _against(data: list[dict], preview: dict) -> dict:
    """A preview (ui/previews.py) with each swapped trace reduced to the attributes in which it
    differs from the figure's trace in that slot (the browser merges it onto that trace)."""
    slots = preview["slots"]

    def reduce(swap: dict) -> dict:
        traces = []
        for slot, trace in zip(slots, lean.lean({"data": swap["traces"]})["data"], strict=True):
            traces.append({k: v for k, v in trace.items() if data[slot].get(k) != v})
        return {**swap, "traces": traces}

    return {**preview, "swaps": [reduce(s) for s in preview["swaps"]]}


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
    ``st.session_state[key].click``. Its slider previews follow with `previews`.
    """
    data = payload(figure, key, click_subplot, config)
    st.session_state[_drawn_key(key)] = (data["id"], data["figure"]["data"])
    result = _CHART(
        key=key,
        data=encode(data),
        height="content",
        on_click_change=on_click or (lambda: None),
    )
    return result.click


def previews(key: str, slider_previews: list[dict]) -> None:
    """Send the slider previews (ui/previews.py) of the figure the chart ``key`` drew in this
    run; the browser draws one the moment its slider moves, before the rerun. They go as an
    element of their own, after the chart, so that the chart does not wait for them: on an
    empty compilation cache, where their runners must be compiled, a server's first plot came
    0.46 s sooner (bench/latency.py)."""
    figure, data = st.session_state[_drawn_key(key)]
    _PREVIEWS(
        key=f"{key}.previews",
        data=encode(
            {"chart": key, "id": figure, "previews": [_against(data, p) for p in slider_previews]}
        ),
        height=0,
    )


def _drawn_key(key: str) -> str:
    return f"{key}.drawn"


def payload_of(proto) -> dict:
    """The payload a rendered chart carries (for AppTest, which runs no JS)."""
    return json.loads(proto.bytes)
