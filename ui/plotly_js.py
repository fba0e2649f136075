"""plotly.js for the Compare chart (ui/live_chart.py): where the browser gets it, and an early
start of its download.

The file is plotly.js's cartesian bundle (scatter, heatmap and the other 2-D traces; 1.5 MB
against the full bundle's 4.8 MB, a third of the parse on a first visit), vendored from npm's
``plotly.js-cartesian-dist-min`` at the version the installed ``plotly`` package ships
(licence beside it) and served by Streamlit's component file route: the app needs no network.
This module imports nothing but Streamlit and the figure builders (NumPy), so app.py can start
the download before a page imports JAX. With it goes a rehearsal figure
(`plots.compare.rehearsal_figure`), which the browser draws once off-screen when plotly.js has
loaded: its first real draw then runs warm (ui/live_chart/load_plotly.js).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st
from streamlit.components import v1 as components_v1

from plots import compare, lean

ASSETS = Path(__file__).with_name("live_chart")
LOADER = (ASSETS / "load_plotly.js").read_text()  # defines loadPlotly(src), one load per page
PLOTLY_JS = "plotly-cartesian.min.js"
PLOTLY_JS_VERSION = "4.1.1"
# A file route for it: a v1 component whose folder is the chart's assets.
_FILES = components_v1.declare_component("plotly_js", path=str(ASSETS))


def src() -> str:
    """The URL path the browser loads plotly.js from (under the server's base URL path); the
    version in the query names the browser's cached copy (ui/live_chart/load_plotly.js)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = f"component/{_FILES.name}/{PLOTLY_JS}?v={PLOTLY_JS_VERSION}"
    return "/" + (f"{base}/" if base else "") + path


# A component with nothing to show whose module starts the load. (A <script> in st.html does
# not run: measured, the load began only when the chart itself mounted.)
_PRELOAD = st.components.v2.component(
    "optiscape.preload_plotly",
    js=LOADER
    + """
export default function ({ data: bytes }) {
  const data = JSON.parse(new TextDecoder().decode(bytes));
  loadPlotly(data.src).then((Plotly) => rehearsePlotly(Plotly, data.rehearsal)).catch(() => {});
}""",
)


def encode(data: dict) -> bytes:
    """A component's data as JSON bytes, which Streamlit forwards as they are. (Given a dict, it
    looks for dataframes among the values first, and that check imports pandas: 0.2-0.5 s on a
    server's first run, before the chart could leave; bench/latency.py.)"""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode()


@functools.lru_cache(maxsize=4)
def _preload_data(plotly_src: str) -> bytes:
    return encode({"src": plotly_src, "rehearsal": lean.lean(compare.rehearsal_figure())})


def preload() -> None:
    """Start loading plotly.js in the browser now: on a first visit the download and parse then
    overlap the server's imports and first computation instead of following them, and so does
    the rehearsal draw. The chart's module uses the same loader, so plotly.js is loaded once."""
    _PRELOAD(key="optiscape_preload_plotly", data=_preload_data(src()), height=0)
