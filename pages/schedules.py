"""Schedules: one optimizer under several learning-rate schedules, side by side on one map."""

from __future__ import annotations

import streamlit as st

import optimizers
from plots import compare, lean, schedules
from scenarios import schedule_runs
from ui import cached, controls, routing

P = "schedules."  # widget keys of this page, apart from the Compare page's
DEFAULT_SCHEDULES = ("constant", "step", "cosine", "warmup_cosine")


def _defaults() -> None:
    ss = st.session_state
    ss.setdefault(P + "surface", "rosenbrock")
    ss.setdefault(P + "optimizer", "momentum")
    ss.setdefault(P + "steps", 1000)
    ss.setdefault(P + "chosen", list(DEFAULT_SCHEDULES))


def sidebar():
    _defaults()
    sb = st.sidebar
    sb.subheader("Surface")
    surface, sp = controls.surface_picker(P, sb)
    steps = controls.steps_input(P + "steps", sb, high=5000)

    sb.subheader("Optimizer")
    opt_name, hp = controls.optimizer_picker(P, "optimizer", sb)
    opt = optimizers.get(opt_name)

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
    return surface, sp, int(steps), opt, hp, params


def page() -> None:
    surface, sp, steps, opt, hp, chosen = sidebar()
    st.title("Learning-rate schedules")
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

    runs = [
        (
            n,
            p,
            cached.trajectory(
                surface.name,
                opt.name,
                surface.start,
                steps,
                cached.key(hp),
                cached.key(sp),
                n,
                cached.key(p),
                0.0,
                0,
            ),
        )
        for n, p in chosen.items()
    ]
    _, uri, click_grid = cached.map_layers(surface.name, cached.key(sp))
    view = compare.MapView(
        surface.domain,
        uri,
        surface.minima + surface.local_minima,
        surface.start,
        surface.f_min,
        click_grid,
    )
    st.plotly_chart(
        lean.LeanFigure(compare.compare_figure(view, schedule_runs.series(runs))),
        config={"displayModeBar": False},
        theme=None,
        key=P + "chart",
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


routing.through_navigation()
page()
