"""Data: batch, mini-batch and stochastic gradient descent on a real (small) data set."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import optimizers
import surfaces
from plots import compare, lean, spread
from scenarios import data_runs
from scenarios.data_runs import NEURON, RAW, SADDLE, STD
from surfaces import neuron
from ui import cached, cached_data, controls, routing
from ui.page_state import PageState

P = "data."
MODELS = {
    "regression": "Linear regression",
    "neuron": "Single neuron",
    "saddle": "Saddle from examples",
}
SADDLE_SEEDS = 5  # sampled runs in the saddle table


def write(v: data_runs.DataView) -> None:
    """Fill the widgets from a view (before they are drawn)."""
    ss = st.session_state
    ss[P + "model"], ss[P + "standardize"] = v.model, v.standardize
    ss[P + "activation"], ss[P + "loss"] = v.activation, v.loss
    ss[P + "optimizer"] = v.optimizer
    for p in optimizers.get(v.optimizer).hparams:
        controls.set_value(f"{P}hp.{v.optimizer}.{p.name}", p, v.hparams[p.name])
    ss[P + "batch"], ss[P + "steps"], ss[P + "seed"] = v.batch, v.steps, v.seed
    ss[P + "spread"], ss[P + "full"] = v.spread, v.full
    ss[P + "preset"] = v.preset


STATE = PageState("data", data_runs.decode, data_runs.encode, write)


def load_preset(name: str) -> None:
    write(data_runs.from_preset(data_runs.preset(name), STATE.stored))


def sidebar() -> data_runs.DataView:
    sb = st.sidebar
    sb.subheader("Presets")
    for p in data_runs.DATA_PRESETS:
        sb.button(
            p.title,
            key=f"{P}preset.{p.name}",
            help=p.question,
            on_click=load_preset,
            args=(p.name,),
            width="stretch",
        )
    sb.subheader("Model")
    model = sb.radio(
        "Model", list(MODELS), key=P + "model", format_func=MODELS.get, horizontal=True
    )
    ss = st.session_state
    base = STATE.stored or data_runs.DataView()  # the choices of the models not shown now
    standardize, activation, loss = base.standardize, base.activation, base.loss
    if model == "regression":
        standardize = sb.toggle(
            "Standardize the feature",
            key=P + "standardize",
            help="u → (u − mean) / standard deviation: the same model, rounder contours.",
        )
    elif model == "neuron":
        activation = sb.selectbox("Activation φ", neuron.ACTIVATIONS, key=P + "activation")
        loss = sb.selectbox(
            "Loss ℓ",
            neuron.LOSSES,
            key=P + "loss",
            format_func=lambda s: s.replace("_", " "),
        )
    n = data_runs.N_EXAMPLES
    batch = sb.select_slider(
        "Batch size",
        options=list(data_runs.BATCHES),
        key=P + "batch",
        help=f"{n} = batch gradient descent, 1 = stochastic gradient descent.",
    )
    sb.caption(data_runs.batch_label(int(batch), n))
    left, right = sb.columns(2)
    steps = left.number_input(
        "Steps T",
        min_value=int(data_runs.STEPS.low),
        max_value=int(data_runs.STEPS.high),
        step=100,
        key=P + "steps",
    )
    seed = right.number_input(
        "seed", min_value=0, max_value=int(data_runs.SEED.high), step=1, key=P + "seed"
    )

    sb.subheader("Optimizer")
    opt_name, hp = controls.optimizer_picker(P, "optimizer", sb, data_runs.optimizer_names())

    sb.subheader("Show")
    k = sb.select_slider("Other seeds, faintly", options=data_runs.SPREAD_CHOICES, key=P + "spread")
    full = sb.toggle("The full-batch path too", key=P + "full")
    v = data_runs.DataView(
        model,
        bool(standardize),
        activation,
        loss,
        opt_name,
        hp,
        int(batch),
        int(steps),
        int(seed),
        int(k),
        bool(full),
        ss.get(P + "preset", ""),
    )
    if v.preset and v.preset_shown is None:  # changed since the preset: its question is off
        ss[P + "preset"] = ""
        v = replace(v, preset="")
    return v


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
    v = sidebar()
    STATE.finish(v)
    r, k, show_full = v.run, v.spread, v.full
    surface = surfaces.get(r.surface)
    st.title("Batch, mini-batch and stochastic gradients")
    for w in warnings:
        st.warning(f"Link: {w}", icon="⚠️")
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
    st.plotly_chart(lean.LeanFigure(fig), config={"displayModeBar": False}, theme=None)
    comparison(r)
    st.latex(surface.latex)


routing.through_navigation()
page()
