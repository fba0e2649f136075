"""The Compare page's optimizers: the multiselect, one panel of sliders per chosen optimizer,
the runs those sliders set, and the update rules with the values in use."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
from scenarios import LIMITS, analysis, view
from ui import controls, state

KEPT = "hp.kept"  # session key: every optimizer's last slider positions, chosen or not


def choose(container=st) -> list[str]:
    return container.multiselect(
        "Optimizers",
        optimizers.names(),
        key="opt",
        format_func=lambda n: optimizers.get(n).title,
        max_selections=LIMITS.max_runs,
    )


def runs(chosen: list[str]) -> tuple[scenarios.Run, ...]:
    """The runs the optimizer panels set, read from their sliders' state before the panels are
    drawn: the chart is then sent first and the panels after it."""
    runs = []
    # Streamlit forgets a widget's value when a run does not draw it: an optimizer taken out
    # and put back would come back at its defaults. Its values are kept here, outside the
    # widgets, and given back to its sliders.
    kept = st.session_state.setdefault(KEPT, {})
    for n in chosen:
        hp = {}
        for p in optimizers.get(n).hparams:
            key = state.hp_key(n, p.name)
            if key not in st.session_state and key in kept:
                st.session_state[key] = kept[key]
            controls.ensure(key, p)
            kept[key] = st.session_state[key]
            hp[p.name] = controls.from_widget(p, st.session_state[key])
        runs.append(scenarios.Run(n, hp))
    return tuple(runs)


def panels(chosen: list[str], one_at_a_time: bool = False) -> None:
    """One compact row per chosen optimizer: its η slider, always in view (comparing η across
    optimizers is what a class does first), and ⋯, which holds its other sliders, a typed-value
    box for each, its other forms and a reset. ``one_at_a_time`` (presentation mode): a choice
    of optimizer, and that one's row with its other sliders open beneath it."""
    if one_at_a_time and chosen:
        active = st.pills(  # pills wrap in a narrow column; a segmented control is cut off
            "Controls of",
            chosen,
            key="present.active",
            format_func=lambda n: optimizers.get(n).title,
            default=chosen[0],
        )
        n = active if active in chosen else chosen[0]
        opt = optimizers.get(n)
        for p in opt.hparams:
            label = f"{opt.title}: {p.symbol}" if p.name == "lr" else None
            controls.param_slider(p, state.hp_key(n, p.name), label=label)
        return
    for n in chosen:
        opt = optimizers.get(n)
        first = next(
            (p for p in opt.hparams if p.name == "lr"), opt.hparams[0] if opt.hparams else None
        )
        row, more = st.columns([3, 1], gap="small", vertical_alignment="bottom")
        if first is not None:
            controls.param_slider(
                first, state.hp_key(n, first.name), row, label=f"{opt.title}: {first.symbol}"
            )
        else:
            row.markdown(f"**{opt.title}**")
        with more.popover(
            "⋯", help=f"{opt.title}: every hyperparameter, typed values, its other forms"
        ):
            _details(n, first)


def _details(n: str, first) -> None:
    opt = optimizers.get(n)
    st.markdown(f"**{opt.title}**")
    for p in opt.hparams:
        key = state.hp_key(n, p.name)
        if p is not first:
            controls.param_slider(p, key)
        controls.typed_box(p, key)
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
    st.button("Reset to defaults", key=f"reset.{n}", on_click=state.reset_optimizer, args=(n,))


def update_rules(s: scenarios.Settings) -> None:
    for r in s.runs:
        opt = optimizers.get(r.optimizer)
        values = r"\quad ".join(
            f"{p.tex} = {view.tex_number(r.hparams[p.name])}" for p in opt.hparams
        )
        st.markdown(f"**{opt.title}** — {opt.about}")
        st.latex(opt.latex)
        st.latex(values)
