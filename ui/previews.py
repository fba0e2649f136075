"""Slider previews: each chosen optimizer's path at the neighbouring positions of its η slider,
and of the hyperparameter slider last moved (β, ρ, ε, λ …); and, once a surface parameter (κ,
θ, the penalty's α …) has been moved, the whole figure at that slider's neighbouring positions.

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
from dataclasses import replace

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import compare
from scenarios import analysis, view
from ui import cached, controls, state

PARAM = "lr"  # the slider always previewed: η, the one a class moves most
RADIUS = 3  # positions either side: the next three key presses (η × 0.71 to × 1.41)
MOVED = "previews.moved"  # session key: the hyperparameter slider moved last, and every value
SURFACE_RADIUS = 2  # a surface parameter's preview is a whole figure: map image, every run
SURFACE_MOVED = "previews.surface"  # session key: the surface parameter moved last, and values


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


def moved_surface_param(s: scenarios.Settings) -> str | None:
    """The surface parameter (κ, θ, α …) moved last on this surface, if any."""
    last, (name, before) = st.session_state.get(SURFACE_MOVED, (None, (None, {})))
    if name != s.surface:
        last = None
    changed = [k for k, v in s.surface_params.items() if k in before and before[k] != v]
    if name == s.surface and changed:
        last = changed[0]
    st.session_state[SURFACE_MOVED] = (last, (s.surface, dict(s.surface_params)))
    return last if last in s.surface_params else None


def _positions(p, w, radius: int = RADIUS) -> tuple[float, list[float], tuple[float, ...]]:
    """The slider's position now, its neighbouring positions (as the browser reports them) and
    the parameter's values there."""
    if controls.is_decay(p):  # a select_slider: positions are indices of its stops
        stops = controls.decay_stops(p, w)
        at = stops.index(float(w))
        near = [i for i in range(at - radius, at + radius + 1) if i != at and 0 <= i < len(stops)]
        return float(at), [float(i) for i in near], tuple(stops[i] for i in near)
    near = controls.positions_near(p, w, radius)
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


def surface_previews(s: scenarios.Settings, figure: dict) -> list[dict]:
    """The preview of the surface parameter moved last (none before one is moved): per
    neighbouring position of its slider, the whole figure that position gives (its map image,
    every run, the loss axes), as a swap onto ``figure`` (`scenarios.view.surface_swap`)."""
    name = moved_surface_param(s)
    if name is None or s.surface == scenarios.CUSTOM:
        return []
    params = (*surfaces.get(s.surface).params, surfaces.REG_ALPHA)
    p = next((q for q in params if q.name == name), None)
    key = state.sp_key(s.surface, name)
    if p is None or key not in st.session_state or p.choices or p.integer:
        return []
    at, positions, values = _positions(p, st.session_state[key], SURFACE_RADIUS)
    kept, swaps = [], []
    for position, v in zip(positions, values, strict=True):
        other = replace(s, surface_params={**s.surface_params, name: v})
        runs, _ = analysis.apply_stop(
            other.stop_rule, scenarios.surface_of(other), cached.runs(other)
        )
        _, uri, click_grid = cached.view_layers(other)
        swap = view.surface_swap(figure, other, runs, uri, click_grid)
        if swap is not None:
            kept.append(position)
            swaps.append(swap)
    if not swaps:
        return []
    return [
        {
            "slider": dom_class(key),
            "at": at,
            "slots": list(range(len(figure["data"]))),
            "frame_slots": compare.animated_slots(len(s.runs)),
            "positions": kept,
            "swaps": swaps,
            "layout": compare.layout_patch(figure["layout"]),
        }
    ]
