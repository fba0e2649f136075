"""Bounded caches in front of the Tune and Basins sweeps (`scenarios.tuning` does the work).

Each is keyed on what it runs: the view's `optimizers.RunSpec` (hashable as it is), the
optimizer, and the grid's bounds or the hyperparameters as sorted pairs, so a slider moved
back to where it was answers from the cache.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import streamlit as st

from optimizers import RunSpec
from scenarios import tuning

Pairs = tuple[tuple[str, float], ...]


def _pairs(params: Mapping[str, float]) -> Pairs:
    return tuple(sorted(params.items()))


@st.cache_data(max_entries=128, show_spinner=False)
def _lr_outcome(
    spec: RunSpec, optimizer: str, lr_range: tuple[float, float, int], tol: float | None
) -> tuple[np.ndarray, tuning.Outcome]:
    lrs = tuning.lr_grid(*lr_range)
    return lrs, tuning.lr_sweep(spec, optimizer, lrs, tol=tol)


def lr_outcome(
    spec: RunSpec, optimizer: str, lr_range: tuple[float, float, int], tol: float | None
) -> tuple[np.ndarray, tuning.Outcome]:
    """The η grid and ``optimizer``'s outcome at each η (other hyperparameters default)."""
    return _lr_outcome(spec, optimizer, tuple(lr_range), tol)


@st.cache_data(max_entries=32, show_spinner=False)
def grid_outcome(
    spec: RunSpec, optimizer: str, lr_range: tuple[float, float], tol: float | None
) -> tuple[np.ndarray, np.ndarray, tuning.Outcome]:
    """The η × β heatmap's grids and ``optimizer``'s outcome at every cell."""
    lrs = tuning.lr_grid(*lr_range, tuning.GRID_LR)
    decays = tuning.decay_grid(tuning.decay_param(optimizer), tuning.GRID_BETA)
    return lrs, decays, tuning.lr_decay_sweep(spec, optimizer, lrs, decays, tol=tol)


@st.cache_data(max_entries=32, show_spinner=False)
def _basin_map(spec: RunSpec, optimizer: str, hparams: Pairs, n: int) -> tuning.BasinMap:
    return tuning.basin_map(spec, optimizer, hparams=dict(hparams), n=n)


def basin_map(
    spec: RunSpec, optimizer: str, hparams: Mapping[str, float], n: int
) -> tuning.BasinMap:
    """Where each start of an n × n grid ends."""
    return _basin_map(spec, optimizer, _pairs(hparams), n)


@st.cache_data(max_entries=32, show_spinner=False)
def _sample_paths(spec: RunSpec, optimizer: str, hparams: Pairs) -> np.ndarray:
    return tuning.sample_paths(spec, optimizer, hparams=dict(hparams))


def sample_paths(spec: RunSpec, optimizer: str, hparams: Mapping[str, float]) -> np.ndarray:
    """The sample paths drawn over the basins."""
    return _sample_paths(spec, optimizer, _pairs(hparams))
