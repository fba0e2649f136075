"""Data: batch, mini-batch and stochastic gradient descent on a real (small) data set."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from plots import compare, lean, spread
from scenarios import data_runs
from ui import cached, cached_data, controls, routing

P = "data."
RAW, STD = "linreg_raw", "linreg_standardized"
SPREAD_CHOICES = (0, 5, 10, 20, 40)


def _defaults() -> None:
    ss = st.session_state
    ss.setdefault(P + "standardize", False)
    ss.setdefault(P + "optimizer", "sgd")
    ss.setdefault(P + "batch", 8)
    ss.setdefault(P + "steps", 500)
    ss.setdefault(P + "seed", 0)
    ss.setdefault(P + "spread", 10)
    ss.setdefault(P + "full", True)
    # η = 0.03: stable across the raw feature's valley (2 / λ_max ≈ 0.049), so the contrast
    # with the standardized feature is the step count, not a divergence
    controls.ensure(f"{P}hp.sgd.lr", optimizers.get("sgd").hparams[0], 0.03)


def sidebar() -> tuple[data_runs.DataRun, int, bool]:
    _defaults()
    sb = st.sidebar
    sb.subheader("Data")
    std = sb.toggle(
        "Standardize the feature",
        key=P + "standardize",
        help="u → (u − mean) / standard deviation: the same model, rounder contours.",
    )
    name = STD if std else RAW
    n = surfaces.get(name).data.n
    batch = sb.select_slider(
        "Batch size",
        options=[1, 2, 4, 8, 16, 32, n],
        key=P + "batch",
        help=f"{n} = batch gradient descent, 1 = stochastic gradient descent.",
    )
    sb.caption(data_runs.batch_label(int(batch), n))
    left, right = sb.columns(2)
    steps = left.number_input("Steps T", min_value=10, max_value=5000, step=100, key=P + "steps")
    seed = right.number_input("seed", min_value=0, max_value=2**31 - 1, step=1, key=P + "seed")

    sb.subheader("Optimizer")
    opt_name = sb.selectbox(
        "Optimizer",
        [n for n in optimizers.names() if n != "newton"],
        key=P + "optimizer",
        format_func=lambda n: optimizers.get(n).title,
        label_visibility="collapsed",
    )
    opt = optimizers.get(opt_name)
    hp = {p.name: controls.param_slider(p, f"{P}hp.{opt_name}.{p.name}", sb) for p in opt.hparams}

    sb.subheader("Show")
    k = sb.select_slider("Other seeds, faintly", options=SPREAD_CHOICES, key=P + "spread")
    full = sb.toggle("The full-batch path too", key=P + "full")
    return data_runs.DataRun(name, opt_name, hp, int(steps), int(batch), int(seed)), int(k), full


def page() -> None:
    r, k, show_full = sidebar()
    surface = surfaces.get(r.surface)
    st.title("Batch, mini-batch and stochastic gradients")
    st.caption(
        f"{surface.title}: {surface.about} Each step's gradient comes from {r.batch} of the "
        f"{surface.data.n} examples, drawn afresh; the contours are the loss on all of them. "
        "Does a smaller batch still find the minimum, and how much do the paths scatter?"
    )
    hp = cached.key(r.hparams)
    main = cached_data.run(r.surface, r.optimizer, hp, r.steps, r.batch, r.seed)
    n = surface.data.n
    full = cached_data.run(r.surface, r.optimizer, hp, r.steps, n, 0) if show_full else None
    _, uri, click_grid = cached.map_layers(r.surface, ())
    view = compare.MapView(
        surface.domain, uri, surface.minima, surface.start, surface.f_min, click_grid
    )
    fig = compare.compare_figure(view, data_runs.series(r, main, full))
    if k and r.batch < n:
        seeds = tuple(range(r.seed + 1, r.seed + 1 + k))
        paths = cached_data.spread(r.surface, r.optimizer, hp, r.steps, r.batch, seeds)
        fig = spread.with_spread(fig, paths, "#f59e0b", f"{k} other seeds")
    st.plotly_chart(lean.LeanFigure(fig), config={"displayModeBar": False}, theme=None)

    st.subheader("Raw against standardized feature")
    rows = []
    for name in (RAW, STD):
        s = surfaces.get(name)
        t = cached_data.run(name, r.optimizer, hp, r.steps, r.batch, r.seed)
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
    st.latex(surface.latex)


routing.through_navigation()
page()
