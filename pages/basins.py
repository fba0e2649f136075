"""Basins: which minimum does each start reach? A grid of starts coloured by where each ended."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from plots import basins as basins_plot
from plots import lean
from scenarios import tuning
from ui import controls, routing, sweeps

P = "basins."  # this page's widget keys, apart from the Compare page's
SHOWCASE_LR = 0.01  # SGD on Himmelblau: four clean basins in 500 steps


def defaults() -> None:
    for k, v in {
        "surface": "himmelblau",
        "opt": "sgd",
        "steps": 500,
        "n": tuning.BASIN_SIDE,
        "paths": True,
    }.items():
        st.session_state.setdefault(P + k, v)
    controls.ensure(f"{P}hp.sgd.lr", tuning.lr_param(), SHOWCASE_LR)


def sidebar() -> dict:
    sb = st.sidebar
    sb.subheader("Surface")
    surface, surface_params = controls.surface_picker(P, sb)
    sb.subheader("Optimizer")
    opt, hparams = controls.optimizer_picker(P, "opt", sb)
    steps = controls.steps_input(P + "steps", sb)
    sb.subheader("Grid")
    n = sb.slider(
        "starts per side",
        50,
        tuning.MAX_BASIN_SIDE,
        step=10,
        key=P + "n",
        help=f"n × n starts over the domain, at most {tuning.MAX_BASIN_SIDE} × "
        f"{tuning.MAX_BASIN_SIDE}",
    )
    paths = sb.toggle(f"Draw {tuning.SAMPLE_SIDE**2} sample paths", key=P + "paths")
    return {
        "surface": surface.name,
        "surface_params": surface_params,
        "optimizer": opt,
        "hparams": hparams,
        "steps": int(steps),
        "n": int(n),
        "paths": paths,
    }


def page() -> None:
    defaults()
    v = sidebar()
    surface = surfaces.get(v["surface"])
    opt = optimizers.get(v["optimizer"])
    st.title("Basins of attraction")
    st.caption(
        f"{opt.title} on {surface.title}, {v['steps']} steps from each of {v['n']} × {v['n']} "
        "starts. Which minimum does each start reach? A start is coloured by the minimum its "
        "run ends near, grey if it ends near none, black if it diverged."
    )
    args = (
        v["surface"],
        v["optimizer"],
        sweeps.key(v["hparams"]),
        v["steps"],
        sweeps.key(v["surface_params"]),
    )
    try:
        with st.spinner(f"Running {v['n'] ** 2:,} starts…"):
            m = sweeps.basin_map(*args, v["n"])
            paths = sweeps.sample_paths(*args) if v["paths"] else None
    except ValueError as e:
        st.error(str(e))
        return
    if not m.minima:
        st.info(f"{surface.title} has no minimum: every start either diverges or wanders on.")
    fig = basins_plot.basin_figure(
        m.xs, m.ys, m.labels, m.minima, n_global=len(surface.minima), paths=paths
    )
    st.plotly_chart(lean.LeanFigure(fig), key=P + "chart", config={"displayModeBar": False})


routing.through_navigation()
page()
