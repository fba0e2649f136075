"""Data: batch, mini-batch and stochastic gradient descent on a real (small) data set."""

from __future__ import annotations

import streamlit as st

import surfaces
from plots import compare, spread
from scenarios import data_runs
from scenarios.data_runs import NEURON, RAW, SADDLE, STD
from surfaces import neuron
from ui import cached, cached_data, controls, live_chart, streamlit_internals
from ui.page_state import PageState
from ui.sidebars import data as data_sidebar

SADDLE_SEEDS = 5  # sampled runs in the saddle table


STATE = PageState("data", data_runs.decode, data_runs.encode, data_sidebar.write)


def saddle_table(r: data_runs.DataRun) -> None:
    st.subheader("Full batch against sampled batches")
    n = surfaces.get(SADDLE).data.n
    rows = []
    full = data_runs.DataRun(r.surface, r.optimizer, r.hparams, r.steps, n, 0)
    for v in [full, *data_runs.seed_runs(r, SADDLE_SEEDS if r.batch < n else 0)]:
        t = cached_data.run(v)
        x, y = t.xy[t.last_finite]
        rows.append(
            {
                "run": data_runs.batch_label(v.batch, n)
                + ("" if v.batch == n else f", seed {v.seed}"),
                "ends at": f"({x:.3g}, {y:.3g})",
                "f": f"{t.loss[t.last_finite]:.4g}",
                "where": data_runs.where_it_ended(t),
            }
        )
    st.table(rows)
    st.caption(
        "The full gradient's pull across the ridge is exactly zero, so gradient descent never "
        "learns that f falls off to either side; a batch's gradient is the full one plus the "
        "sampling's error, and that error is what pushes it off."
    )


def comparison(r: data_runs.DataRun) -> None:
    """Below the map: the lesson of the model, as numbers."""
    if r.surface == SADDLE:
        saddle_table(r)
        return
    if r.surface == NEURON:
        st.subheader("The same run under each loss")
        rows = []
        for v in data_runs.loss_variants(r):
            t = cached_data.run(v)
            rows.append(
                {
                    "loss": neuron.LOSSES[int(v.surface_params["loss"])].replace("_", " "),
                    "distance travelled": f"{data_runs.travelled(t):.3g}",
                    "final f": f"{t.loss[t.last_finite]:.4g}",
                    "diverged at step": "—" if t.diverged_at is None else str(t.diverged_at),
                }
            )
        st.table(rows)
        st.caption("Each loss has its own scale, so compare how far each run got, not f itself.")
        return
    st.subheader("Raw against standardized feature")
    rows = []
    for name in (RAW, STD):
        s = surfaces.get(name)
        t = cached_data.run(
            data_runs.DataRun(name, r.optimizer, r.hparams, r.steps, r.batch, r.seed)
        )
        at = data_runs.steps_to_converge(t, s.f_min)
        rows.append(
            {
                "feature": "standardized" if name == STD else "raw",
                "final f − f*": f"{t.loss[t.last_finite] - s.f_min:.3g}",
                f"first step with f − f* ≤ {data_runs.TOLERANCE:g}": "never"
                if at is None
                else str(at),
                "diverged at step": "—" if t.diverged_at is None else str(t.diverged_at),
            }
        )
    st.table(rows)
    st.caption(
        "Same optimizer, same settings, same batches: only the feature's scale differs. "
        "The raw feature's valley is about 600 times steeper across than along, so a step "
        "size that is stable across it crawls along it."
    )


def page() -> None:
    warnings = STATE.begin()
    v = data_sidebar.draw(STATE.stored)
    STATE.finish(v)
    r, k, show_full = v.run, v.spread, v.full
    surface = surfaces.get(r.surface)
    st.title("Batch, mini-batch and stochastic gradients")
    controls.link_warnings(warnings)
    shown = v.preset_shown
    if shown:
        st.info(shown.question, icon="❓")
    st.caption(
        f"{surface.title}: {surface.about} Each step's gradient comes from {r.batch} of the "
        f"{surface.data.n} examples, drawn afresh; the contours are the loss on all of them."
    )
    main = cached_data.run(r)
    n = surface.data.n
    full = cached_data.run(r, batch=n, seed=0) if show_full else None
    _, uri, click_grid = cached.map_layers(surfaces.SurfaceSpec(r.surface), r.surface_params)
    view = compare.MapView(
        surface.domain, uri, surface.minima, surface.start, surface.f_min, click_grid
    )
    fig = compare.compare_figure(view, data_runs.series(r, main, full))
    if k and r.batch < n:
        seeds = tuple(range(r.seed + 1, r.seed + 1 + k))
        fig = spread.with_spread(fig, cached_data.spread(r, seeds), "#f59e0b", f"{k} other seeds")
    live_chart.live_chart(fig, key="data.chart", click_subplot="", config={"displayModeBar": False})
    comparison(r)
    st.latex(surface.latex)


streamlit_internals.through_navigation()
page()
