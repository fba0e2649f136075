"""Basins: which minimum does each start reach? A grid of starts coloured by where each ended."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from plots import basins as basins_plot
from plots import lean
from scenarios import basins, tuning
from ui import controls, streamlit_internals, sweeps
from ui.page_state import PageState

P = "basins."  # this page's widget keys, apart from the Compare page's


def write(v: basins.BasinsView) -> None:
    """Fill the widgets from a view (before they are drawn)."""
    ss = st.session_state
    ss[P + "surface"] = v.surface
    for p in surfaces.get(v.surface).params:
        controls.set_value(f"{P}sp.{v.surface}.{p.name}", p, v.surface_params[p.name])
    ss[P + "opt"] = v.optimizer
    for p in optimizers.get(v.optimizer).hparams:
        controls.set_value(f"{P}hp.{v.optimizer}.{p.name}", p, v.hparams[p.name])
    ss[P + "steps"], ss[P + "n"], ss[P + "paths"] = int(v.steps), int(v.n), bool(v.paths)


STATE = PageState("basins", basins.decode, basins.encode, write)


def sidebar() -> basins.BasinsView:
    sb = st.sidebar
    sb.subheader("Surface")
    surface, surface_params = controls.surface_picker(P, sb)
    sb.subheader("Optimizer")
    opt, hparams = controls.optimizer_picker(P, "opt", sb)
    steps = controls.steps_input(P + "steps", sb)
    sb.subheader("Grid")
    n = sb.slider(
        "starts per side",
        int(basins.SIDE.low),
        int(basins.SIDE.high),
        step=10,
        key=P + "n",
        help=f"n × n starts over the domain, at most {tuning.MAX_BASIN_SIDE} × "
        f"{tuning.MAX_BASIN_SIDE}",
    )
    paths = sb.toggle(f"Draw {tuning.SAMPLE_SIDE**2} sample paths", key=P + "paths")
    return basins.BasinsView(
        surface.name, surface_params, opt, hparams, int(steps), int(n), bool(paths)
    )


def page() -> None:
    warnings = STATE.begin()
    v = sidebar()
    STATE.finish(v)
    surface = surfaces.get(v.surface)
    opt = optimizers.get(v.optimizer)
    st.title("Basins of attraction")
    controls.link_warnings(warnings)
    st.caption(
        f"{opt.title} on {surface.title}, {v.steps} steps from each of {v.n} × {v.n} "
        "starts. Which minimum does each start reach? A start is coloured by the minimum its "
        "run ends near, grey if it ends near none, black if it diverged."
    )
    try:
        spec = v.spec
        with st.spinner(f"Running {v.n**2:,} starts…"):
            m = sweeps.basin_map(spec, v.optimizer, v.hparams, v.n)
            paths = sweeps.sample_paths(spec, v.optimizer, v.hparams) if v.paths else None
    except ValueError as e:
        st.error(str(e))
        return
    if not m.minima:
        st.info(f"{surface.title} has no minimum: every start either diverges or wanders on.")
    fig = basins_plot.basin_figure(
        m.xs, m.ys, m.labels, m.minima, n_global=len(surface.minima), paths=paths
    )
    st.plotly_chart(lean.LeanFigure(fig), key=P + "chart", config={"displayModeBar": False})


streamlit_internals.through_navigation()
page()
