"""The Tune page's sidebar: surface, start, steps, optimizers, score and the η range."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from scenarios import LIMITS, tune, tuning
from ui import controls

P = "tune."  # this page's widget keys, apart from the Compare page's
METRIC_LABELS = {"gap": "final loss gap f − f*", "steps": "steps to reach f − f* ≤ tol"}


def switch_surface() -> None:
    s = surfaces.get(st.session_state[P + "surface"])
    st.session_state[P + "start_x"], st.session_state[P + "start_y"] = s.start


def write(v: tune.TuneView) -> None:
    """Fill the widgets from a view (before they are drawn)."""
    ss = st.session_state
    ss[P + "surface"] = v.surface
    surface = surfaces.get(v.surface)
    for p in surface.params:
        controls.set_value(
            f"{P}sp.{v.surface}.{p.name}", p, v.surface_params.get(p.name, p.default)
        )
    ss[P + "start_x"], ss[P + "start_y"] = (float(x) for x in v.start_point)
    ss[P + "steps"] = int(v.steps)
    ss[P + "opt"] = list(v.optimizers)
    ss[P + "metric"] = v.metric
    ss[P + "tol"] = v.tol
    ss[P + "lr_range"] = tuple(float(x) for x in v.lr_range)
    ss[P + "lr_points"] = int(v.lr_points)
    ss[P + "grid_opt"] = v.heatmap_optimizer or ""


def draw() -> tune.TuneView:
    """The sidebar's widgets, read back as the view."""
    sb = st.sidebar
    sb.subheader("Surface")
    surface, surface_params = controls.surface_picker(P, sb, on_change=switch_surface)
    start = controls.start_inputs(surface.domain, P, sb)
    steps = controls.steps_input(P + "steps", sb)
    sb.subheader("Optimizers")
    chosen = sb.multiselect(
        "Optimizers",
        optimizers.names(),
        key=P + "opt",
        format_func=lambda n: optimizers.get(n).title,
        max_selections=LIMITS.max_runs,
        label_visibility="collapsed",
    )
    sb.subheader("Score")
    choices = list(tuning.METRICS) if surface.f_min is not None else ["gap"]
    if st.session_state.get(P + "metric") not in choices:
        st.session_state[P + "metric"] = "gap"
    metric = sb.radio(
        "Score (lower is better)",
        choices,
        key=P + "metric",
        format_func=lambda m: METRIC_LABELS[m] if surface.f_min is not None else "final loss f",
    )
    tol = tuning.DEFAULT_TOL
    if surface.f_min is not None:
        tol = sb.select_slider(
            "tolerance tol on f − f*",
            tuning.TOLERANCES,
            key=P + "tol",
            format_func=lambda v: f"{v:g}",
            help="also breaks ties between equal final gaps: fewer steps to tol wins",
        )
    sb.subheader("Learning rates")
    low, high = sb.slider("log₁₀ η range", *tune.lr_bounds(), step=0.1, key=P + "lr_range")
    points = sb.number_input(
        "η values",
        min_value=2,
        max_value=tuning.MAX_LR_POINTS,
        step=10,
        key=P + "lr_points",
        help=f"at most {tuning.MAX_LR_POINTS}, evenly spaced in log₁₀ η",
    )
    sb.caption(f"η from {10**low:.3g} to {10**high:.3g}; other hyperparameters at defaults")
    return tune.TuneView(
        surface=surface.name,
        surface_params=surface_params,
        start=start,
        steps=int(steps),
        optimizers=tuple(chosen),
        metric=metric,
        tol=float(tol),
        lr_range=(float(low), float(high)),
        lr_points=int(points),
        grid=st.session_state.get(P + "grid_opt") or "",
    )
