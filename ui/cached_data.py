"""Bounded caches for the Data page's runs (batch-sampled runs and their seed spread)."""

from __future__ import annotations

import streamlit as st

import optimizers

RUNS = 128
SPREADS = 16


@st.cache_data(max_entries=RUNS, show_spinner=False)
def run(
    surface: str,
    optimizer: str,
    hparams: tuple[tuple[str, float], ...],
    steps: int,
    batch: int,
    seed: int,
) -> optimizers.Trajectory:
    return optimizers.simulate(
        surface, optimizer, steps=steps, hparams=dict(hparams), batch=batch, seed=seed
    )


@st.cache_data(max_entries=SPREADS, show_spinner=False)
def spread(
    surface: str,
    optimizer: str,
    hparams: tuple[tuple[str, float], ...],
    steps: int,
    batch: int,
    seeds: tuple[int, ...],
) -> list:
    """The paths ((steps + 1, 2) each) of the same run under each seed."""
    runs = optimizers.spread(
        surface, optimizer, seeds=seeds, steps=steps, hparams=dict(hparams), batch=batch
    )
    return [r.xy for r in runs]
