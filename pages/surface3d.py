"""3-D: the Compare view's surface as a rotatable landscape with every path lying on it."""

from __future__ import annotations

import streamlit as st

import scenarios
import surfaces
from plots import lean, surface3d
from scenarios import view
from ui import cached, routing, state


def settings() -> tuple[scenarios.Settings, list[str]]:
    """The Compare page's current view; on a first visit straight to this page, the link's."""
    if state.VIEW in st.session_state:
        return st.session_state[state.VIEW], []
    s, warnings = scenarios.decode(st.query_params.to_dict())
    st.session_state[state.VIEW] = s
    return s, warnings


def page() -> None:
    s, warnings = settings()
    surface = scenarios.surface_of(s)
    st.title("The surface in 3-D")
    for w in warnings:
        st.warning(f"Link: {w}", icon="⚠️")
    st.caption(
        f"{surface.title}, with the paths of the Compare page (change them there). "
        "Drag to rotate, scroll to zoom."
    )
    left, right = st.columns([3, 1])
    log_possible = surface.f_min is not None
    log = right.toggle(
        "log₁₀(f − f*) heights",
        value=surface.log_levels and log_possible,
        disabled=not log_possible,
        help="Decades apart, like the contour map's levels; needs a known minimum f*.",
    )
    n = right.slider("Grid points per side", 40, 160, 90, step=10)
    right.markdown(f"**{len(s.runs)}** paths, **{s.steps}** steps")
    xs, ys, z = surfaces.grid(surface, s.surface_params, n, n)
    runs = cached.runs(s)
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
        log=log,
        height=680,
    )
    with left:
        st.plotly_chart(lean.LeanFigure(fig), config={"displaylogo": False}, theme=None)


routing.through_navigation()
page()
