"""Schedules: one optimizer under several learning-rate schedules, side by side on one map."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from plots import compare, lean, schedules
from scenarios import schedule_runs
from ui import cached, controls, live_chart, streamlit_internals
from ui.page_state import PageState

P = "schedules."  # widget keys of this page, apart from the Compare page's


def write(v: schedule_runs.SchedulesView) -> None:
    """Fill the widgets from a view (before they are drawn)."""
    ss = st.session_state
    ss[P + "surface"] = v.surface
    for p in surfaces.get(v.surface).params:
        controls.set_value(f"{P}sp.{v.surface}.{p.name}", p, v.surface_params[p.name])
    ss[P + "steps"] = int(v.steps)
    ss[P + "optimizer"] = v.optimizer
    for p in optimizers.get(v.optimizer).hparams:
        controls.set_value(f"{P}hp.{v.optimizer}.{p.name}", p, v.hparams[p.name])
    ss[P + "chosen"] = list(v.schedules)
    for n, params in v.schedules.items():
        for p in optimizers.schedules.get(n).params:
            controls.set_value(f"{P}sch.{n}.{p.name}", p, params[p.name])


STATE = PageState("schedules", schedule_runs.decode, schedule_runs.encode, write)


def sidebar() -> schedule_runs.SchedulesView:
    sb = st.sidebar
    sb.subheader("Surface")
    surface, sp = controls.surface_picker(P, sb)
    steps = controls.steps_input(P + "steps", sb, high=int(schedule_runs.STEPS.high))

    sb.subheader("Optimizer")
    opt_name, hp = controls.optimizer_picker(P, "optimizer", sb)

    sb.subheader("Schedules")
    chosen = sb.multiselect(
        "Schedules",
        optimizers.schedules.names(),
        key=P + "chosen",
        format_func=lambda n: optimizers.schedules.get(n).title,
        label_visibility="collapsed",
    )
    params = {}
    for n in chosen:
        sch = optimizers.schedules.get(n)
        if sch.params:
            with sb.expander(sch.title):
                params[n] = {
                    p.name: controls.param_slider(p, f"{P}sch.{n}.{p.name}") for p in sch.params
                }
        else:
            params[n] = {}
    return schedule_runs.SchedulesView(surface.name, sp, int(steps), opt_name, hp, params)


def page() -> None:
    warnings = STATE.begin()
    v = sidebar()
    STATE.finish(v)
    surface, sp, steps, hp, chosen = (
        surfaces.get(v.surface),
        v.surface_params,
        v.steps,
        v.hparams,
        v.schedules,
    )
    opt = optimizers.get(v.optimizer)
    st.title("Learning-rate schedules")
    controls.link_warnings(warnings)
    st.caption(
        f"{opt.title} on {surface.title} with η = {hp['lr']:.4g}, under each schedule: "
        "does decaying η settle it closer to the minimum, and does a warm-up tame a large η? "
        "The η_t panel shows the rate each path used."
    )
    with st.expander("Every schedule's shape (default parameters)", expanded=not chosen):
        st.plotly_chart(
            lean.LeanFigure(schedules.curves_figure(schedule_runs.every_curve(steps))),
            config={"displayModeBar": False},
            theme=None,
        )
        for sch in optimizers.schedules.REGISTRY:
            st.markdown(f"**{sch.title}**: {sch.about}")
            st.latex(sch.latex)
    if not chosen:
        st.info("Choose one or more schedules in the sidebar.")
        return

    runs = [(n, p, cached.trajectory(spec, opt.name, hp)) for n, p, spec in schedule_runs.specs(v)]
    _, uri, click_grid = cached.map_layers(surfaces.SurfaceSpec(surface.name), sp)
    view = compare.MapView(
        surface.domain,
        uri,
        surface.minima + surface.local_minima,
        surface.start,
        surface.f_min,
        click_grid,
    )
    live_chart.live_chart(
        compare.compare_figure(view, schedule_runs.series(runs)),
        key=P + "chart",
        click_subplot="",  # no start to move here
        config={"displayModeBar": False},
    )
    rows = []
    for n, p, t in runs:
        m = optimizers.metrics.summarize(t, surface)
        rows.append(
            {
                "schedule": schedule_runs.label(n, p),
                "final f": f"{m.final_loss:.4g}",
                "f − f*": "—" if m.gap is None else f"{m.gap:.3g}",
                "first step near a minimum": "—" if m.reached_at is None else str(m.reached_at),
                "diverged at step": "—" if m.diverged_at is None else str(m.diverged_at),
            }
        )
    st.table(rows)


streamlit_internals.through_navigation()
page()
