"""The Data page's sidebar: presets, model, batch size, steps, seed, optimizer and what to show."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import optimizers
from scenarios import data_runs
from surfaces import neuron
from ui import controls

P = "data."
MODELS = {
    "regression": "Linear regression",
    "neuron": "Single neuron",
    "saddle": "Saddle from examples",
}


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


def load_preset(name: str, stored: data_runs.DataView | None) -> None:
    write(data_runs.from_preset(data_runs.preset(name), stored))


def draw(stored: data_runs.DataView | None) -> data_runs.DataView:
    """The sidebar's widgets, read back as the view; ``stored``: the view kept for this page
    (the choices of the models not shown now come from it)."""
    sb = st.sidebar
    controls.preset_buttons(data_runs.DATA_PRESETS, P, load_preset, stored, container=sb)
    sb.subheader("Model")
    model = sb.radio(
        "Model", list(MODELS), key=P + "model", format_func=MODELS.get, horizontal=True
    )
    ss = st.session_state
    base = stored or data_runs.DataView()  # the choices of the models not shown now
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
