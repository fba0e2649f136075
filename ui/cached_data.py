"""Bounded caches for the Data page's runs (batch-sampled runs and their seed spread)."""

from __future__ import annotations

import streamlit as st

import optimizers
from ui.cached import key

RUNS = 128
SPREADS = 16


@st.cache_data(max_entries=RUNS, show_spinner=False)
def _run(surface, optimizer, hparams, steps, batch, seed, surface_params) -> optimizers.Trajectory:
    return optimizers.simulate(
        surface,
        optimizer,
        steps=steps,
        hparams=dict(hparams),
        batch=batch,
        seed=seed,
        surface_params=dict(surface_params),
    )


def run(r, *, batch: int | None = None, seed: int | None = None) -> optimizers.Trajectory:
    """The run ``r`` (a scenarios.data_runs.DataRun), optionally with another batch or seed."""
    return _run(
        r.surface,
        r.optimizer,
        key(r.hparams),
        r.steps,
        r.batch if batch is None else batch,
        r.seed if seed is None else seed,
        key(r.surface_params),
    )


@st.cache_data(max_entries=SPREADS, show_spinner=False)
def _spread(surface, optimizer, hparams, steps, batch, seeds, surface_params) -> list:
    runs = optimizers.spread(
        surface,
        optimizer,
        seeds=seeds,
        steps=steps,
        hparams=dict(hparams),
        batch=batch,
        surface_params=dict(surface_params),
    )
    return [t.xy for t in runs]


def spread(r, seeds: tuple[int, ...]) -> list:
    """The paths ((steps + 1, 2) each) of ``r`` under each of ``seeds``."""
    return _spread(
        r.surface, r.optimizer, key(r.hparams), r.steps, r.batch, seeds, key(r.surface_params)
    )
