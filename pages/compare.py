"""Compare: every selected optimizer's path on one contour map, with loss and η_t beside it."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

import scenarios
import surfaces
from plots import compare as compare_plot
from plots import effective, lean, marks
from scenarios import analysis, view
from ui import (
    cached,
    controls,
    export,
    live_chart,
    optimizer_panels,
    previews,
    state,
    streamlit_internals,
)
from ui.sidebars import compare as compare_sidebar

MAP_KEY = "map"


def map_clicked(domain: tuple[tuple[float, float], tuple[float, float]]) -> None:
    """A click on the map moves the start there (runs before the rerun, so widgets can change)."""
    point = (st.session_state.get(MAP_KEY) or {}).get("click")
    if not point:
        return
    (x0, x1), (y0, y1) = domain
    st.session_state["start_x"] = round(min(max(float(point["x"]), x0), x1), 3)
    st.session_state["start_y"] = round(min(max(float(point["y"]), y0), y1), 3)


def page() -> None:
    warnings = state.COMPARE.begin()  # the view left, or the link's
    base = compare_sidebar.draw()

    controls.link_warnings(warnings)
    surface = scenarios.surface_of(base)
    title = surface.title
    if base.surface == scenarios.CUSTOM:
        st.latex(surface.latex)
        title = f"`{title}`"  # as typed: its ** is not Markdown's bold
    # no page title: the map, its player and every η must fit a projector's 1280 × 720
    about, switch = st.columns([5, 1], vertical_alignment="center")
    about.caption(
        f"**Compare optimizers** on {title}: {surface.about}  Click the map to start there, "
        "drag to zoom; "
        "▶ plays the paths (Space, ←/→ with the chart focused)."
    )
    present = switch.toggle(
        "Present",
        key=state.SHOW_KEYS["present"],
        help="Presentation mode: the sidebar folds away, text, lines and markers grow, and "
        "the controls are those of one optimizer at a time (show=present in a link).",
    )
    if present:
        st.set_page_config(initial_sidebar_state="collapsed")
    compare_view(base, surface)


@st.fragment
def compare_view(base: scenarios.Settings, surface: surfaces.Surface) -> None:
    """The optimizers, the chart beside their panels, and what follows. A move of an
    optimizer's slider reruns only this part (the sidebar is not rebuilt), the chart is sent
    before the panels and updates in place (ui/live_chart.py)."""
    chosen = optimizer_panels.choose()
    chart, side = st.columns([7, 3], gap="medium")
    s = replace(base, runs=optimizer_panels.runs(chosen), show=state.shown())
    state.COMPARE.finish(s)  # kept for a return to this page, in its link, for the 3-D page
    with chart:
        preset = st.session_state.get("preset")
        if preset and scenarios.PRESETS.get(preset).shown_by(s):
            st.info(scenarios.PRESETS.get(preset).question, icon="❓")
        if not s.runs:
            st.info("Choose one or more optimizers above.")
            return
        trajectories, stops = analysis.apply_stop(s.stop_rule, surface, cached.runs(s))
        if trajectories[0].diverged_at == 0:  # f(start) is not finite: a formula undefined there
            x, y = s.start_point
            st.warning(
                f"f is undefined at the start ({x:g}, {y:g}), so no path can begin there: "
                "choose a start in the shaded part of the map.",
                icon="⚠️",
            )
        image, uri, click_grid = cached.view_layers(s)
        figure = view.compare_figure(s, trajectories, uri, click_grid)
        if "arrows" in s.show:  # −η∇f, the memory and the step taken, at the frame shown
            steps = figure["layout"]["meta"]["frame_steps"]
            parts = analysis.step_arrows(surface, trajectories, steps)
            figure = compare_plot.with_step_arrows(figure, parts)
        arrows = st.session_state.get("show_critical")
        if arrows:  # descent directions at saddles
            saddles = analysis.saddle_directions(surface, s.surface_params, trajectories)
            figure = marks.with_saddles(figure, saddles, surface.domain)
        clicked = live_chart.live_chart(
            figure,
            key=MAP_KEY,
            on_click=partial(map_clicked, surface.domain),
            config={"displayModeBar": False},
        )
    if clicked:  # the start moved: the sidebar shows it, so the whole page reruns
        st.rerun()
    with side:
        optimizer_panels.panels(chosen, one_at_a_time="present" in s.show)
        st.toggle(
            "Draw the step",
            key=state.SHOW_KEYS["arrows"],
            help="At the step shown: −η∇f (grey, what plain gradient descent would do), "
            "−η·v or −η·m̂ (dashed: the direction with its memory) and the step taken (the "
            "path's colour); adaptive methods name each coordinate's η/(√s + ε). Arrows are "
            "drawn to scale, magnified as the player says.",
        )
        # after the chart, which need not wait for them; none with the saddle arrows, which
        # belong to where the drawn paths ended
        shown = [] if arrows else previews.slider_previews(s, surface, trajectories)
        if not arrows and "arrows" not in s.show:  # the step's arrows belong to this surface
            shown += previews.surface_previews(s, figure)
        live_chart.previews(MAP_KEY, shown)
    # A static table and rules drawn only on request: a data grid and eight KaTeX blocks
    # redrawn on every slider move cost the browser about 200 ms (bench/latency.py).
    st.table(view.summary_table(surface, trajectories, stops if s.stop_rule.active else None))
    if st.toggle("Show the update rules, with the values in use", key="show_rules"):
        optimizer_panels.update_rules(s)
    if st.toggle(
        "Where each path ended: gradient, Hessian eigenvalues, verdict",
        key="show_critical",
        help="Saddles get red arrows on the map: the directions in which f falls.",
    ):
        st.table(analysis.critical_rows(surface, s.surface_params, s.start_point, trajectories))
    if st.toggle("Effective step sizes of the adaptive methods", key="show_steps"):
        sizes = analysis.step_sizes(surface, trajectories)
        if sizes:
            st.plotly_chart(
                lean.LeanFigure(effective.figure(sizes)),
                config={"displayModeBar": False},
                theme=None,
            )
            st.caption(
                "η_t / (√s_t + ε) per coordinate (x solid, y dashed; the Adam family: per unit "
                "of m̂). AdaGrad's can only fall; RMSProp's and Adam's recover as gradients shrink."
            )
        else:
            st.info("None of the chosen optimizers adapts its step size per coordinate.")
    st.page_link(
        "pages/surface3d.py",
        label="See these paths in 3-D",
        icon=":material/landscape:",
        query_params=scenarios.encode(s),
    )
    export.gif_panel(s, image, trajectories)


streamlit_internals.through_navigation()
page()
