"""Tune: each optimizer's final loss (or steps to a tolerance) against η, and over η × β."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import lean
from scenarios import tune, tuning
from ui import controls, streamlit_internals, sweeps
from ui.page_state import PageState
from ui.sidebars import tune as tune_sidebar
from ui.sidebars.tune import P

STATE = PageState("tune", tune.decode, tune.encode, tune_sidebar.write)


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
    v = tune_sidebar.draw()
    STATE.finish(v)
    st.title("Tune the learning rate")
    controls.link_warnings(warnings)
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


streamlit_internals.through_navigation()
page()
