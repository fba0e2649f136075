"""Slider previews: each chosen optimizer's path at the neighbouring positions of its η slider.

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

PARAM = "lr"  # the slider previewed: η, the one a class moves most
RADIUS = 3  # positions either side: the next three key presses (about ±7 % of η)


def dom_class(key: str) -> str:
    """The CSS class Streamlit gives the container of the widget with this key."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def slider_previews(
    s: scenarios.Settings, surface, trajectories: list[optimizers.Trajectory]
) -> list[dict]:
    """For each run of ``s`` (drawn as ``trajectories``): its η slider (the browser's class
    for it and its position now), its traces' slots in the figure, and per neighbouring
    position the traces and frame markers to swap in (`scenarios.view.run_swaps`)."""
    out = []
    for j, r in enumerate(s.runs):
        p = next((q for q in optimizers.get(r.optimizer).hparams if q.name == PARAM), None)
        key = state.hp_key(r.optimizer, PARAM)
        if p is None or key not in st.session_state:
            continue
        w = float(st.session_state[key])
        positions = controls.positions_near(p, w, RADIUS)
        values = tuple(controls.from_widget(p, v) for v in positions)
        others = cached.run_varied(s, j, PARAM, values)
        others, _ = analysis.apply_stop(s.stop_rule, surface, others)
        swaps = view.run_swaps(s, trajectories, j, others)
        if not swaps:
            continue
        out.append(
            {
                "slider": dom_class(key),
                "at": w,
                "slots": compare.series_slots(len(s.runs), j),
                "positions": positions,
                "swaps": swaps,
            }
        )
    return out
