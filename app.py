"""Optiscape: the web front door. Page config and navigation only; each page is in pages/.

``streamlit run app.py`` uses this file twice. Its server first imports it as a module for
``app``, an ``st.App`` whose start-up hook turns Nagle's algorithm off on the server's sockets
before any browser connects (ui/nodelay.py: small files otherwise wait 40 ms each); importing it
also spares Streamlit's runtime a scan of every installed package for packaged components, which
finds none here (ui/streamlit_internals.py: 0.14 s of every start). Then every
session runs it as its script, under the name ``__main__``: the page config and the navigation.
"""

import contextlib

import streamlit as st

from ui import nodelay, streamlit_internals


@contextlib.asynccontextmanager
async def _server_start(_app):
    nodelay.enable()
    streamlit_internals.check()  # logs what of its workarounds this Streamlit did not take
    yield


if __name__ != "__main__":  # imported by `streamlit run` for its server
    streamlit_internals.skip_package_scan()  # before the runtime is built: it finds nothing here, in 0.14 s
    app = st.App(__file__, lifespan=_server_start)
else:  # a session's script run
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
