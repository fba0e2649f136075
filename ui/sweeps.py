"""Bounded caches in front of the Tune and Basins sweeps (`scenarios.tuning` does the work).

Arguments are plain hashable values (tuples for dicts, grid bounds rather than arrays), so
a slider moved back to where it was answers from the cache.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from scenarios import tuning

Pairs = tuple[tuple[str, float], ...]


def key(params: dict[str, float]) -> Pairs:
    """A parameter dict as a hashable cache key."""
    return tuple(sorted(params.items()))


@st.cache_data(max_entries=128, show_spinner=False)
def lr_outcome(
    surface: str,
    optimizer: str,
    start: tuple[float, float],
    steps: int,
    surface_params: Pairs,
    lr_range: tuple[float, float, int],
    tol: float | None,
) -> tuple[np.ndarray, tuning.Outcome]:
    """The η grid and ``optimizer``'s outcome at each η (other hyperparameters default)."""
    lrs = tuning.lr_grid(*lr_range)
    out = tuning.lr_sweep(
        surface,
        optimizer,
        lrs,
        start=start,
        steps=steps,
        surface_params=dict(surface_params),
        tol=tol,
    )
    return lrs, out


@st.cache_data(max_entries=32, show_spinner=False)
def grid_outcome(
    surface: str,
    optimizer: str,
    start: tuple[float, float],
    steps: int,
    surface_params: Pairs,
    lr_range: tuple[float, float],
    tol: float | None,
) -> tuple[np.ndarray, np.ndarray, tuning.Outcome]:
    """The η × β heatmap's grids and ``optimizer``'s outcome at every cell."""
    lrs = tuning.lr_grid(*lr_range, tuning.GRID_LR)
    decays = tuning.decay_grid(tuning.decay_param(optimizer), tuning.GRID_BETA)
    out = tuning.lr_decay_sweep(
        surface,
        optimizer,
        lrs,
        decays,
        start=start,
        steps=steps,
        surface_params=dict(surface_params),
        tol=tol,
    )
    return lrs, decays, out


@st.cache_data(max_entries=32, show_spinner=False)
def basin_map(
    surface: str, optimizer: str, hparams: Pairs, steps: int, surface_params: Pairs, n: int
) -> tuning.BasinMap:
    return tuning.basin_map(
        surface,
        optimizer,
        hparams=dict(hparams),
        steps=steps,
        surface_params=dict(surface_params),
        n=n,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def sample_paths(
    surface: str, optimizer: str, hparams: Pairs, steps: int, surface_params: Pairs
) -> np.ndarray:
    return tuning.sample_paths(
        surface,
        optimizer,
        hparams=dict(hparams),
        steps=steps,
        surface_params=dict(surface_params),
    )
