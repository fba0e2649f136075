"""Compare: every selected optimizer's path on one contour map, with loss and η_t beside it."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import effective, lean, marks
from scenarios import LIMITS, analysis, view
from ui import cached, controls, export, live_chart, previews, routing, state

MAP_KEY = "map"


def load_preset(name: str) -> None:
    state.write(scenarios.PRESETS.get(name).settings)
    st.session_state["preset"] = name


def map_clicked(domain: tuple[tuple[float, float], tuple[float, float]]) -> None:
    """A click on the map moves the start there (runs before the rerun, so widgets can change)."""
    point = (st.session_state.get(MAP_KEY) or {}).get("click")
    if not point:
        return
    (x0, x1), (y0, y1) = domain
    st.session_state["start_x"] = round(min(max(float(point["x"]), x0), x1), 3)
    st.session_state["start_y"] = round(min(max(float(point["y"]), y0), y1), 3)


def choose_optimizers() -> list[str]:
    return st.multiselect(
        "Optimizers",
        optimizers.names(),
        key="opt",
        format_func=lambda n: optimizers.get(n).title,
        max_selections=LIMITS.max_runs,
    )


def chosen_runs(chosen: list[str]) -> tuple[scenarios.Run, ...]:
    """The runs the optimizer panels set, read from their sliders' state before the panels are
    drawn: the chart is then sent first and the panels after it."""
    runs = []
    for n in chosen:
        hp = {}
        for p in optimizers.get(n).hparams:
            key = state.hp_key(n, p.name)
            controls.ensure(key, p)
            hp[p.name] = controls.from_widget(p, st.session_state[key])
        runs.append(scenarios.Run(n, hp))
    return tuple(runs)


def optimizer_panels(chosen: list[str]) -> None:
    """One panel of sliders per chosen optimizer (open when there are at most two)."""
    for n in chosen:
        opt = optimizers.get(n)
        with st.expander(f"{opt.title}", expanded=len(chosen) <= 2):
            for p in opt.hparams:
                controls.param_slider(p, state.hp_key(n, p.name))
            for other in analysis.forms(n):
                is_variant = bool(opt.variant_of)
                # a variant's panel offers its own switch (on) and back to the default form
                label = (opt.switch if is_variant else other.switch) or other.title
                if is_variant and other.variant_of:
                    continue  # from a variant, only the way back to the default form
                st.toggle(
                    label,
                    value=is_variant,
                    key=f"form.{n}.{other.name}",
                    on_change=state.switch_form,
                    args=(n, other.name),
                    help=f"{other.title}: {other.about}",
                )
            st.button(
                "Reset to defaults", key=f"reset.{n}", on_click=state.reset_optimizer, args=(n,)
            )


def sidebar() -> scenarios.Settings:
    sb = st.sidebar
    sb.subheader("Presets")
    for p in scenarios.PRESETS:
        sb.button(
            p.title,
            key=f"preset.{p.name}",
            help=p.question,
            on_click=load_preset,
            args=(p.name,),
            width="stretch",
        )

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
    (x0, x1), (y0, y1) = surface.domain
    left, right = sb.columns(2)
    start = (
        left.number_input(
            "start x",
            min_value=float(x0),
            max_value=float(x1),
            step=0.1,
            format="%.3f",
            key="start_x",
        ),
        right.number_input(
            "start y",
            min_value=float(y0),
            max_value=float(y1),
            step=0.1,
            format="%.3f",
            key="start_y",
        ),
    )
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
        sb.latex(rf"F = f + {penalty.latex}")
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
                sb.latex(penalty.prox_latex)

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
    sb.latex(schedule.latex)

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
    stop_grad = left.number_input(
        "‖∇f‖ ≤",
        min_value=LIMITS.stop_grad.low,
        max_value=LIMITS.stop_grad.high,
        step=1e-3,
        format="%g",
        key="stop_grad",
        help="Stop a path at the first step where the gradient norm is this small (0: off).",
    )
    stop_loss = right.number_input(
        "f − f* ≤",
        min_value=LIMITS.stop_loss.low,
        max_value=LIMITS.stop_loss.high,
        step=1e-3,
        format="%g",
        key="stop_loss",
        help="Stop a path at the first step where f − f* (f itself where f* is unknown) is "
        "this small (0: off).",
    )
    formula, domain = state.drawn_formula()
    return scenarios.Settings(
        surface=name,
        surface_params=surface_params,
        start=(float(start[0]), float(start[1])),
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


def update_rules(s: scenarios.Settings) -> None:
    for r in s.runs:
        opt = optimizers.get(r.optimizer)
        values = r"\quad ".join(
            f"{p.tex} = {view.tex_number(r.hparams[p.name])}" for p in opt.hparams
        )
        st.markdown(f"**{opt.title}** — {opt.about}")
        st.latex(opt.latex)
        st.latex(values)


def page() -> None:
    warnings = state.COMPARE.begin()  # the view left, or the link's
    base = sidebar()

    st.title("Compare optimizers")
    for w in warnings:
        st.warning(f"Link: {w}", icon="⚠️")
    surface = scenarios.surface_of(base)
    title = surface.title
    if base.surface == scenarios.CUSTOM:
        st.latex(surface.latex)
        title = f"`{title}`"  # as typed: its ** is not Markdown's bold
    st.caption(f"{title}: {surface.about}  Click the map to start there; ▶ plays the paths.")
    compare_view(base, surface)


@st.fragment
def compare_view(base: scenarios.Settings, surface: surfaces.Surface) -> None:
    """The optimizers, the chart beside their panels, and what follows. A move of an
    optimizer's slider reruns only this part (the sidebar is not rebuilt), the chart is sent
    before the panels and updates in place (ui/live_chart.py)."""
    chosen = choose_optimizers()
    chart, side = st.columns([3, 1], gap="medium")
    s = replace(base, runs=chosen_runs(chosen), show=state.shown())
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
        optimizer_panels(chosen)
        # after the chart, which need not wait for them; none with the saddle arrows, which
        # belong to where the drawn paths ended
        live_chart.previews(
            MAP_KEY, [] if arrows else previews.slider_previews(s, surface, trajectories)
        )
    # A static table and rules drawn only on request: a data grid and eight KaTeX blocks
    # redrawn on every slider move cost the browser about 200 ms (bench/latency.py).
    st.table(view.summary_table(surface, trajectories, stops if s.stop_rule.active else None))
    if st.toggle("Show the update rules, with the values in use", key="show_rules"):
        update_rules(s)
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


routing.through_navigation()
page()
