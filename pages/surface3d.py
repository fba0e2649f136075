"""3-D: a Compare view's surface as a rotatable landscape with every path lying on it."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import scenarios
import surfaces
from plots import lean, surface3d
from scenarios import surface3d as view3d
from scenarios import view
from ui import cached, controls, page_state, state, streamlit_internals

P = "surface3d."


def write(v: view3d.Surface3DView) -> None:
    st.session_state[P + "log"] = v.log
    st.session_state[P + "grid"] = int(v.grid)


STATE = page_state.PageState("surface3d", view3d.decode, view3d.encode, write)


def current() -> tuple[view3d.Surface3DView, list[str]]:
    """This page's view. Reached by the navigation (a bare address) it shows the Compare view
    as it was left; its own link (or Back to it) shows the view that link names."""
    bare = not st.query_params.to_dict()
    warnings = STATE.begin()
    v = STATE.stored or view3d.Surface3DView()
    left = page_state.stored(state.COMPARE.page)
    if bare and left is not None and left != v.compare:
        v = replace(v, compare=left)
        write(v)
    return v, warnings


def page() -> None:
    v, warnings = current()
    s = v.compare
    surface = scenarios.surface_of(s)
    st.title("The surface in 3-D")
    controls.link_warnings(warnings)
    st.caption(
        f"{surface.title}, with the paths of this Compare view. Drag to rotate, scroll to zoom."
    )
    st.page_link(
        "pages/compare.py",
        label="Open this view in Compare",
        icon=":material/map:",
        query_params=scenarios.encode(s),
    )
    left, right = st.columns([3, 1])
    log_possible = surface.f_min is not None
    log = right.toggle(
        "log₁₀(f − f*) heights",
        key=P + "log",
        disabled=not log_possible,
        help="Decades apart, like the contour map's levels; needs a known minimum f*.",
    )
    n = right.slider("Grid points per side", 40, 160, step=10, key=P + "grid")
    heights = "" if bool(log) == replace(v, heights="").log else ("log" if log else "f")
    v = replace(v, heights=heights, grid=int(n))
    STATE.finish(v)
    right.markdown(f"**{len(s.runs)}** paths, **{s.steps}** steps")
    xs, ys, z = surfaces.grid(surface, s.surface_params, n, n)
    runs = cached.runs(s) if s.runs else []
    minima = surface.minima + surface.local_minima
    f_at = surfaces.values_at(surface, minima, s.surface_params) if minima else ()
    fig = surface3d.surface_figure(
        xs,
        ys,
        z,
        view.series(runs),
        minima=minima,
        minima_f=f_at,
        f_min=surface.f_min,
        log=v.log,
        height=680,
    )
    with left:
        st.plotly_chart(lean.LeanFigure(fig), config={"displaylogo": False}, theme=None)


streamlit_internals.through_navigation()
page()
