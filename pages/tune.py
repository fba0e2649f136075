"""Tune: each optimizer's final loss (or steps to a tolerance) against η, and over η × β."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import lean
from scenarios import LIMITS, tune, tuning
from ui import controls, routing, sweeps
from ui.page_state import PageState

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


STATE = PageState("tune", tune.decode, tune.encode, write)


def sidebar() -> tune.TuneView:
    sb = st.sidebar
    sb.subheader("Surface")
    surface, surface_params = controls.surface_picker(P, sb, on_change=switch_surface)
    (x0, x1), (y0, y1) = surface.domain
    left, right = sb.columns(2)
    start = (
        left.number_input("start x", float(x0), float(x1), step=0.1, key=P + "start_x"),
        right.number_input("start y", float(y0), float(y1), step=0.1, key=P + "start_y"),
    )
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
        start=(float(start[0]), float(start[1])),
        steps=int(steps),
        optimizers=tuple(chosen),
        metric=metric,
        tol=float(tol),
        lr_range=(float(low), float(high)),
        lr_points=int(points),
        grid=st.session_state.get(P + "grid_opt") or "",
    )


def use_best(v: tune.TuneView, bests: list[tuning.Best]) -> None:
    """Open Compare through a link: it lands in the address bar, and Back returns here."""
    st.switch_page("pages/compare.py", query_params=scenarios.encode(tune.to_compare(v, bests)))


def heatmap(
    v: tune.TuneView, spec: optimizers.RunSpec, bests: dict[str, tuning.Best | None]
) -> None:
    st.subheader("η × β")
    name = v.heatmap_optimizer
    if name is None:
        st.info("None of the chosen optimizers has a β, β₁ or ρ to sweep against η.")
        return
    st.session_state[P + "grid_opt"] = name
    st.selectbox(
        "Optimizer for the heatmap",
        tuning.with_decay(v.optimizers),
        key=P + "grid_opt",
        format_func=lambda n: optimizers.get(n).title,
    )
    p = tuning.decay_param(name)
    st.caption(
        f"{optimizers.get(name).title}: every (η, {p.symbol}) of a {tuning.GRID_LR} × "
        f"{tuning.GRID_BETA} grid, {p.symbol} evenly spaced in log₁₀(1 − {p.symbol}); "
        "red cells diverged, grey never reached the tolerance."
    )
    with st.spinner(f"Running {tuning.GRID_LR * tuning.GRID_BETA:,} settings…"):
        lrs, decays, out = sweeps.grid_outcome(spec, name, v.lr_range, v.tolerance)
    fig = tuning.grid_figure(v.surface, lrs, decays, out, v.scored_metric)
    st.plotly_chart(lean.LeanFigure(fig), key=P + "grid_chart", config={"displayModeBar": False})
    bests[name] = tuning.better(
        bests.get(name), tuning.best(out, v.scored_metric, "η × β grid"), v.scored_metric
    )


def page() -> None:
    warnings = STATE.begin()
    v = sidebar()
    STATE.finish(v)
    st.title("Tune the learning rate")
    for w in warnings:
        st.warning(f"Link: {w}", icon="⚠️")
    surface = surfaces.get(v.surface)
    x, y = v.start_point
    st.caption(
        f"{surface.title}, from ({x:g}, {y:g}), {v.steps} steps. "
        "Which η gives each optimizer its best result, and where does it start to diverge? "
        "× marks an η that diverged, ○ one that never reached the tolerance, ★ the best."
    )
    if not v.optimizers:
        st.info("Choose one or more optimizers in the sidebar.")
        return
    try:
        spec = v.spec
        with st.spinner("Running every η…"):
            lr_range = (*v.lr_range, v.lr_points)
            results = [sweeps.lr_outcome(spec, n, lr_range, v.tolerance) for n in v.optimizers]
    except ValueError as e:
        st.error(str(e))
        return
    metric = v.scored_metric
    lrs = results[0][0]
    outcomes = [o for _, o in results]
    fig = tuning.lr_figure(v.surface, lrs, outcomes, metric)
    st.plotly_chart(lean.LeanFigure(fig), key=P + "chart", config={"displayModeBar": False})

    bests = {o.optimizer: tuning.best(o, metric) for o in outcomes}
    heatmap(v, spec, bests)

    st.subheader("Best settings")
    found = [b for b in bests.values() if b is not None]
    if found:
        st.table(tuning.best_rows(v.surface, found))
    missing = [optimizers.get(n).title for n, b in bests.items() if b is None]
    if missing:
        st.warning(
            f"No η in the range scored for {', '.join(missing)}: every run diverged or "
            "missed the tolerance. Widen the η range or allow more steps."
        )
    if st.button(
        "Use the best in Compare",
        key=P + "use_best",
        type="primary",
        disabled=not found,
        help="open the Compare page with each optimizer at its best setting",
    ):
        use_best(v, found)


routing.through_navigation()
page()
