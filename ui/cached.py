"""Bounded caches in front of the engine and the map renderer (the page never does math)."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import compare, raster
from scenarios import export


def key(params: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """A parameter dict as a hashable cache key."""
    return tuple(sorted(params.items()))


@st.cache_data(max_entries=512, show_spinner=False)
def trajectory(
    surface: str,
    optimizer: str,
    start: tuple[float, float],
    steps: int,
    hparams: tuple[tuple[str, float], ...],
    surface_params: tuple[tuple[str, float], ...],
    schedule: str,
    schedule_params: tuple[tuple[str, float], ...],
    noise: float,
    seed: int,
) -> optimizers.Trajectory:
    return optimizers.simulate(
        surface,
        optimizer,
        start=start,
        steps=steps,
        hparams=dict(hparams),
        surface_params=dict(surface_params),
        schedule=schedule,
        schedule_params=dict(schedule_params),
        noise=noise,
        seed=seed,
    )


@st.cache_data(max_entries=64, show_spinner=False)
def map_layers(surface: str, surface_params: tuple[tuple[str, float], ...]):
    """The shaded map (an RGB array and its PNG data URI) and the click grid, once per surface."""
    s = surfaces.get(surface)
    image = export.background(s, dict(surface_params))
    click = surfaces.grid(s, dict(surface_params), compare.CLICK_GRID, compare.CLICK_GRID)
    return image, raster.png_data_uri(image), click


def runs(s: scenarios.Settings) -> list[optimizers.Trajectory]:
    """Every run of a Compare view, each from the cache when it was computed before."""
    return [
        trajectory(
            s.surface,
            r.optimizer,
            s.start_point,
            s.steps,
            key(r.hparams),
            key(s.surface_params),
            s.schedule,
            key(s.schedule_params),
            s.noise,
            s.seed,
        )
        for r in s.runs
    ]
