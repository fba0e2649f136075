"""Bounded caches in front of the engine and the map renderer (the page never does math).

A surface is keyed by its name, plus its formula and domain when it is a typed one
(``surface="custom"``): `scenarios.Settings.surface_key`. Sizes: a run at the 20,000-step
limit holds about 0.3 MB (x, y, f and η_t in float32), so the trajectory cache stays under
about 80 MB, and the slider previews' about 120 MB more at that limit; a map layer (480² RGB,
its PNG and the click grid) about 1 MB.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import compare, raster
from scenarios import export
from ui.lru import LRU

TRAJECTORIES = 256  # entries: 8 runs × 32 recent views
VARIED = 64  # entries of up to 8 runs each (the slider previews, ui/previews.py)
MAP_LAYERS = 32


def key(params: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    """A parameter dict (or a run's cache arguments) as a hashable cache key."""
    return tuple(sorted(params.items()))


# One process-wide cache shared by every session, like st.cache_data's (ui/lru.py says why it
# is not one); its arrays are made read-only, since every session gets the same object.
_RUNS: LRU[optimizers.Trajectory] = LRU(TRAJECTORIES)


def _store(args: dict, t: optimizers.Trajectory) -> optimizers.Trajectory:
    """Keep ``t`` as the run of the cache arguments ``args``, its arrays made read-only."""
    for a in (t.xy, t.loss, t.lr):
        a.flags.writeable = False
    _RUNS.put(key(args), t)
    return t


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
    formula: str = "",
    domain: surfaces.Domain | None = None,
) -> optimizers.Trajectory:
    """One run; ``formula`` and ``domain`` name a typed surface (``surface="custom"``)."""
    args = dict(locals())
    hit = _RUNS.get(key(args))
    if hit is not None:
        return hit
    return _store(
        args, optimizers.simulate(**_engine_args(args), optimizer=optimizer, hparams=dict(hparams))
    )


def _engine_args(args: dict) -> dict:
    """What the engine takes from a run's cache arguments, less the optimizer and hparams."""
    return {
        "surface": scenarios.resolve_surface(args["surface"], args["formula"], args["domain"]),
        "start": args["start"],
        "steps": args["steps"],
        "surface_params": dict(args["surface_params"]),
        "schedule": args["schedule"],
        "schedule_params": dict(args["schedule_params"]),
        "noise": args["noise"],
        "seed": args["seed"],
    }


@st.cache_data(max_entries=VARIED, show_spinner=False)
def varied(
    surface: str,
    optimizer: str,
    param: str,
    values: tuple[float, ...],
    start: tuple[float, float],
    steps: int,
    hparams: tuple[tuple[str, float], ...],
    surface_params: tuple[tuple[str, float], ...],
    schedule: str,
    schedule_params: tuple[tuple[str, float], ...],
    noise: float,
    seed: int,
    formula: str = "",
    domain: surfaces.Domain | None = None,
) -> list[optimizers.Trajectory]:
    """`trajectory` once per value of the hyperparameter ``param``, in one vmapped call."""
    return optimizers.vary(
        **_engine_args(locals()),
        optimizer=optimizer,
        param=param,
        values=values,
        hparams=dict(hparams),
    )


@st.cache_data(max_entries=MAP_LAYERS, show_spinner=False)
def map_layers(
    surface: str,
    surface_params: tuple[tuple[str, float], ...],
    formula: str = "",
    domain: surfaces.Domain | None = None,
):
    """The shaded map (an RGB array and its PNG data URI) and the click grid, once per surface
    (``formula`` and ``domain`` for a typed one; it is blank where the formula is undefined)."""
    s = scenarios.resolve_surface(surface, formula, domain)
    (_, _, z), click = surfaces.grids(  # one compile for both
        s,
        dict(surface_params),
        (export.MAP_PIXELS, export.MAP_PIXELS),
        (compare.CLICK_GRID, compare.CLICK_GRID),
    )
    image = export.shade(s, z)
    return image, raster.png_data_uri(image), click


def view_layers(s: scenarios.Settings):
    """`map_layers` for the surface of a Compare view."""
    name, formula, domain = s.surface_key
    return map_layers(name, key(s.surface_params), formula, domain)


def _run_args(s: scenarios.Settings, r: scenarios.Run) -> dict:
    """The cache arguments of the run ``r`` of a Compare view."""
    name, formula, domain = s.surface_key
    return {
        "surface": name,
        "optimizer": r.optimizer,
        "start": s.start_point,
        "steps": s.steps,
        "hparams": key(r.hparams),
        "surface_params": key(s.surface_params),
        "schedule": s.schedule,
        "schedule_params": key(s.schedule_params),
        "noise": s.noise,
        "seed": s.seed,
        "formula": formula,
        "domain": domain,
    }


def run_varied(
    s: scenarios.Settings, j: int, param: str, values: tuple[float, ...]
) -> list[optimizers.Trajectory]:
    """Run ``j`` of a Compare view once per value of its hyperparameter ``param``."""
    return varied(param=param, values=values, **_run_args(s, s.runs[j]))


def runs(s: scenarios.Settings) -> list[optimizers.Trajectory]:
    """Every run of a Compare view, each from the cache when it was computed before; the
    missing ones (all of them on a first visit or a new surface) in one compiled call."""
    args = [_run_args(s, r) for r in s.runs]
    found = [_RUNS.get(key(a)) for a in args]
    missing = [i for i, t in enumerate(found) if t is None]
    if len(missing) == 1:  # a slider move: this optimizer's own runner
        found[missing[0]] = trajectory(**args[missing[0]])
    elif missing:
        group = optimizers.simulate_runs(
            runs=[(args[i]["optimizer"], dict(args[i]["hparams"])) for i in missing],
            **_engine_args(args[missing[0]]),
        )
        for i, t in zip(missing, group, strict=True):
            found[i] = _store(args[i], t)
    return found  # type: ignore[return-value]
