"""Compare-page settings ↔ widget keys in session state (the URL codec lives in `scenarios`)."""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from scenarios import Settings
from ui.controls import set_value


def hp_key(optimizer: str, name: str) -> str:
    return f"hp.{optimizer}.{name}"


def sp_key(surface: str, name: str) -> str:
    return f"sp.{surface}.{name}"


def sch_key(schedule: str, name: str) -> str:
    return f"sch.{schedule}.{name}"


def write(s: Settings) -> None:
    """Put every setting into its widget's key (call before the widgets are created)."""
    surface = surfaces.get(s.surface)
    st.session_state["surface"] = s.surface
    for p in surface.params:
        set_value(sp_key(s.surface, p.name), p, s.surface_params.get(p.name, p.default))
    st.session_state["start_x"], st.session_state["start_y"] = (float(v) for v in s.start_point)
    st.session_state["steps"] = int(s.steps)
    st.session_state["opt"] = [r.optimizer for r in s.runs]
    for r in s.runs:
        for p in optimizers.get(r.optimizer).hparams:
            set_value(hp_key(r.optimizer, p.name), p, r.hparams.get(p.name, p.default))
    st.session_state["schedule"] = s.schedule
    for p in optimizers.schedules.get(s.schedule).params:
        set_value(sch_key(s.schedule, p.name), p, s.schedule_params.get(p.name, p.default))
    st.session_state["noise"] = float(s.noise)
    st.session_state["seed"] = int(s.seed)


def reset_optimizer(name: str) -> None:
    for p in optimizers.get(name).hparams:
        set_value(hp_key(name, p.name), p, p.default)


def switch_surface() -> None:
    """on_change of the surface picker: the new surface's own start and parameters."""
    s = surfaces.get(st.session_state["surface"])
    st.session_state["start_x"], st.session_state["start_y"] = s.start
    for p in s.params:
        set_value(sp_key(s.name, p.name), p, p.default)
