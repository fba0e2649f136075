"""The Compare page's sidebar: presets, surface, start, steps, regularization, schedule, noise
and the stopping rule. Its widgets' keys are the ones `ui.state` writes from a view."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from scenarios import LIMITS
from ui import controls, state


def load_preset(name: str) -> None:
    state.write(scenarios.PRESETS.get(name).settings)
    st.session_state["preset"] = name


def draw() -> scenarios.Settings:
    """The sidebar's widgets, read back as the view (its runs are chosen beside the chart)."""
    sb = st.sidebar
    controls.preset_buttons(scenarios.PRESETS, "", load_preset, container=sb)

    sb.subheader("Surface")
    name = sb.selectbox(
        "Surface",
        (*surfaces.names(), scenarios.CUSTOM),
        key="surface",
        format_func=state.surface_title,
        on_change=state.switch_surface,
    )
    surface = state.custom_surface(sb) if name == scenarios.CUSTOM else surfaces.get(name)
    surface_params = {
        p.name: controls.param_slider(p, state.sp_key(name, p.name), sb) for p in surface.params
    }
    start = controls.start_inputs(surface.domain, "", sb)
    steps = controls.steps_input(
        "steps", sb, step=50, help=f"{int(LIMITS.steps.low):,} to {int(LIMITS.steps.high):,} steps"
    )

    sb.subheader("Regularization")
    st.session_state.setdefault("reg", "")
    st.session_state.setdefault("prox", False)
    reg = sb.radio(
        "Regularization",
        ("", *surfaces.PENALTIES.names()),
        key="reg",
        format_func=lambda k: surfaces.PENALTIES.get(k).name.upper() if k else "none",
        horizontal=True,
        label_visibility="collapsed",
        help="Add α‖x‖₁ (L1, lasso) or α‖x‖² (L2, ridge) to the surface: the contours and the "
        "minima move with α.",
    )
    prox = False
    if reg:
        penalty = surfaces.PENALTIES.get(reg)
        surface_params[surfaces.REG_ALPHA.name] = controls.param_slider(
            surfaces.REG_ALPHA, state.sp_key(name, surfaces.REG_ALPHA.name), sb
        )
        controls.narrow_latex(rf"F = f + {penalty.latex}", sb)
        if penalty.prox is not None:
            prox = sb.checkbox(
                "Proximal step (soft-threshold)",
                key="prox",
                help="Take the gradient of f alone, then shrink every coordinate towards 0 by "
                "η_t·α (scaled like the step for adaptive methods, by 1/(1 − β) for momentum), stopping at 0: a coordinate "
                "can land on exactly 0 and stay. Off: the gradient of F, whose α·sign(x) "
                "makes the path rattle around 0.",
            )
            if prox:
                controls.narrow_latex(penalty.prox_latex, sb)

    sb.subheader("Learning-rate schedule")
    sched = sb.selectbox(
        "Schedule",
        optimizers.schedules.names(),
        key="schedule",
        format_func=lambda n: optimizers.schedules.get(n).title,
        label_visibility="collapsed",
    )
    schedule = optimizers.schedules.get(sched)
    schedule_params = {
        p.name: controls.param_slider(p, state.sch_key(sched, p.name), sb) for p in schedule.params
    }
    controls.narrow_latex(schedule.latex, sb)

    sb.subheader("Gradient noise")
    left, right = sb.columns(2)
    noise = left.number_input(
        "σ",
        min_value=LIMITS.noise.low,
        max_value=LIMITS.noise.high,
        step=0.01,
        format="%.3f",
        key="noise",
    )
    seed = right.number_input(
        "seed", min_value=0, max_value=int(LIMITS.seed.high), step=1, key="seed"
    )
    sb.subheader("Stopping rule")
    left, right = sb.columns(2)
    stop_grad = _tolerance(
        left,
        "‖∇f‖ ≤",
        LIMITS.stop_grad,
        "stop_grad",
        "Stop a path at the first step where the gradient norm is this small (0: off).",
    )
    stop_loss = _tolerance(
        right,
        "f − f* ≤",
        LIMITS.stop_loss,
        "stop_loss",
        "Stop a path at the first step where f − f* (f itself where f* is unknown) is "
        "this small (0: off).",
    )
    formula, domain = state.drawn_formula()
    return scenarios.Settings(
        surface=name,
        surface_params=surface_params,
        start=start,
        steps=int(steps),
        runs=(),  # the optimizers are chosen beside the chart: compare_view()
        schedule=sched,
        schedule_params=schedule_params,
        noise=float(noise),
        seed=int(seed),
        formula=formula,
        domain=domain,
        stop_grad=float(stop_grad),
        stop_loss=float(stop_loss),
        reg=reg,
        prox=bool(prox),
    )


def _tolerance(column, label: str, p, key: str, help: str) -> float:
    """One of the stopping rule's two thresholds (0: that test is off)."""
    return column.number_input(
        label, min_value=p.low, max_value=p.high, step=1e-3, format="%g", key=key, help=help
    )
