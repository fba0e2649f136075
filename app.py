"""Optiscape: the web front door. Page config and navigation only; each page is in pages/."""

import streamlit as st

from ui import plotly_js  # Streamlit only: JAX is imported by the pages


def _compile_cache() -> None:
    from optimizers import compile_cache  # imports JAX: after plotly.js's download has begun

    compile_cache.enable()


st.set_page_config(page_title="Optiscape", page_icon="🧭", layout="wide")
compare = st.Page("pages/compare.py", title="Compare", icon=":material/map:", default=True)
page = st.navigation(
    [
        compare,
        st.Page("pages/tune.py", title="Tune", icon=":material/tune:"),
        st.Page("pages/basins.py", title="Basins", icon=":material/grain:"),
        st.Page("pages/schedules.py", title="Schedules", icon=":material/trending_down:"),
        st.Page("pages/data.py", title="Data", icon=":material/scatter_plot:"),
        st.Page(
            "pages/surface3d.py", title="3-D", icon=":material/landscape:", url_path="surface3d"
        ),
    ]
)
if page is compare:  # its chart's plotly.js downloads while the page imports JAX and computes
    plotly_js.preload()
_compile_cache()  # a restarted server reads its compiled runners from disk
page.run()
