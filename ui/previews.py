"""Slider previews: each chosen optimizer's path at the neighbouring positions of its η slider,
and of the hyperparameter slider last moved (β, ρ, ε, λ …).

A slider move that goes through Streamlit costs a round trip and a redraw (about 300 ms on a
2-core machine, bench/latency.py). So right after the chart go the runs the next few key
presses of each η slider would give, one vmapped engine call per optimizer (`optimizers.vary`),
and the browser swaps a run in the moment its slider reaches one of those positions
(`ui.live_chart.previews`, ui/live_chart/chart.js). The rerun that the move starts then sends
the same run, computed by `optimizers.simulate`, with new previews around it. Nothing is drawn
that the engine did not compute for exactly that slider position; a position outside the
previews (a drag covers several positions per pixel) waits for the rerun.
"""

from __future__ import annotations

import re

import streamlit as st

import optimizers
import scenarios
from plots import compare
from scenarios import analysis, view
from ui import cached, controls, state

PARAM = "lr"  # the slider always previewed: η, the one a class moves most
RADIUS = 3  # positions either side: the next three key presses (η × 0.71 to × 1.41)
MOVED = "previews.moved"  # session key: the hyperparameter slider moved last, and every value


def dom_class(key: str) -> str:
    """The CSS class Streamlit gives the container of the widget with this key."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def moved_slider(s: scenarios.Settings) -> tuple[str, str] | None:
    """(optimizer, parameter) of the hyperparameter slider moved last, other than η: found by
    comparing the runs' values with those of the previous run of the page."""
    values = {(r.optimizer, name): v for r in s.runs for name, v in r.hparams.items()}
    last, before = st.session_state.get(MOVED, (None, {}))
    changed = [k for k, v in values.items() if k in before and before[k] != v and k[1] != PARAM]
    if changed:
        last = changed[0]
    st.session_state[MOVED] = (last, values)
    return last if last in values else None


def _positions(p, w) -> tuple[float, list[float], tuple[float, ...]]:
    """The slider's position now, its neighbouring positions (as the browser reports them) and
    the parameter's values there."""
    if controls.is_decay(p):  # a select_slider: positions are indices of its stops
        stops = controls.decay_stops(p, w)
        at = stops.index(float(w))
        near = [i for i in range(at - RADIUS, at + RADIUS + 1) if i != at and 0 <= i < len(stops)]
        return float(at), [float(i) for i in near], tuple(stops[i] for i in near)
    near = controls.positions_near(p, w, RADIUS)
    return float(w), near, tuple(controls.from_widget(p, v) for v in near)


def slider_previews(
    s: scenarios.Settings, surface, trajectories: list[optimizers.Trajectory]
) -> list[dict]:
    """For each run of ``s`` (drawn as ``trajectories``) and each slider previewed (its η, and
    the slider moved last if it is this run's): the browser's class for the slider, its position
    now, the run's traces' slots in the figure, and per neighbouring position the traces and
    frame markers to swap in (`scenarios.view.run_swaps`)."""
    moved = moved_slider(s)
    out = []
    for j, r in enumerate(s.runs):
        names = [PARAM] + ([moved[1]] if moved and moved[0] == r.optimizer else [])
        for name in names:
            p = next((q for q in optimizers.get(r.optimizer).hparams if q.name == name), None)
            key = state.hp_key(r.optimizer, name)
            if p is None or key not in st.session_state or p.choices or p.integer:
                continue
            at, positions, values = _positions(p, st.session_state[key])
            if not values:
                continue
            others = cached.run_varied(s, j, name, values)
            others, _ = analysis.apply_stop(s.stop_rule, surface, others)
            swaps = view.run_swaps(s, trajectories, j, others)
            if not swaps:
                continue
            out.append(
                {
                    "slider": dom_class(key),
                    "at": at,
                    "slots": compare.series_slots(len(s.runs), j),
                    "positions": positions,
                    "swaps": swaps,
                }
            )
    return out
