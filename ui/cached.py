"""Bounded caches in front of the engine and the map renderer (the page never does math).

Runs are keyed on their `optimizers.RunSpec` (the view's `scenarios.Settings.spec`), the
optimizer and its hyperparameters; maps on the `surfaces.SurfaceSpec` and its parameters. Sizes: a run at the 20,000-step
limit holds about 0.3 MB (x, y, f and η_t in float32), so the trajectory cache stays under
about 80 MB, and the slider previews' about 120 MB more at that limit; a map layer (480² RGB,
its PNG and the click grid) about 1 MB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

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
# is not one); its arrays are made read-only, since every session gets the same object. A run
# is keyed on what it is: its `optimizers.RunSpec`, the optimizer and its hyperparameters.
_RUNS: LRU[optimizers.Trajectory] = LRU(TRAJECTORIES)
_VARIED: LRU[list[optimizers.Trajectory]] = LRU(VARIED)
_MAPS: LRU[tuple] = LRU(MAP_LAYERS)

RunKey = tuple[optimizers.RunSpec, str, tuple[tuple[str, object], ...]]


def _frozen(t: optimizers.Trajectory) -> optimizers.Trajectory:
    for a in (t.xy, t.loss, t.lr):
        a.flags.writeable = False
    return t


def trajectory(
    spec: optimizers.RunSpec, optimizer: str, hparams: Mapping[str, float]
) -> optimizers.Trajectory:
    """One run, from the cache when it was computed before."""
    k: RunKey = (spec, optimizer, key(hparams))
    hit = _RUNS.get(k)
    if hit is None:
        hit = _frozen(optimizers.simulate(spec, optimizer, dict(hparams)))
        _RUNS.put(k, hit)
    return hit


def varied(
    spec: optimizers.RunSpec,
    optimizer: str,
    hparams: Mapping[str, float],
    param: str,
    values: tuple[float, ...],
) -> list[optimizers.Trajectory]:
    """`trajectory` once per value of the hyperparameter ``param``, in one vmapped call."""
    k = (spec, optimizer, key(hparams), param, tuple(values))
    hit = _VARIED.get(k)
    if hit is None:
        hit = optimizers.vary(spec, optimizer, dict(hparams), param=param, values=values)
        _VARIED.put(k, [_frozen(t) for t in hit])
    return hit


def map_layers(surface: surfaces.SurfaceSpec, surface_params: Mapping[str, float]):
    """The shaded map (an RGB array and its PNG data URI) and the click grid, once per surface
    and parameters (blank where a typed formula is undefined)."""
    k = (surface, key(surface_params))
    hit = _MAPS.get(k)
    if hit is None:
        s = surface.build(surface_params)
        (_, _, z), click = surfaces.grids(  # one compile for both
            s,
            dict(surface_params),
            (export.MAP_PIXELS, export.MAP_PIXELS),
            (compare.CLICK_GRID, compare.CLICK_GRID),
        )
        image = export.shade(s, z)
        image.flags.writeable = False
        hit = (image, raster.png_data_uri(image), click)
        _MAPS.put(k, hit)
    return hit


def view_layers(s: scenarios.Settings):
    """`map_layers` for the surface of a Compare view."""
    return map_layers(s.surface_spec, s.surface_params)


def run_varied(
    s: scenarios.Settings, j: int, param: str, values: tuple[float, ...]
) -> list[optimizers.Trajectory]:
    """Run ``j`` of a Compare view once per value of its hyperparameter ``param``."""
    r = s.runs[j]
    return varied(_unstopped(s), r.optimizer, r.hparams, param, values)


def _unstopped(s: scenarios.Settings) -> optimizers.RunSpec:
    """The view's spec without its stopping rule, which cuts a path after the fact and so
    must not make a moved stopping slider compute the same runs again."""
    return dataclasses.replace(s.spec, stop=optimizers.StopRule())


def runs(s: scenarios.Settings) -> list[optimizers.Trajectory]:
    """Every run of a Compare view, each from the cache when it was computed before; the
    missing ones (all of them on a first visit or a new surface) in one compiled call."""
    spec = _unstopped(s)
    keys: list[RunKey] = [(spec, r.optimizer, key(r.hparams)) for r in s.runs]
    found = [_RUNS.get(k) for k in keys]
    missing = [i for i, t in enumerate(found) if t is None]
    if len(missing) == 1:  # a slider move: this optimizer's own runner
        r = s.runs[missing[0]]
        found[missing[0]] = trajectory(spec, r.optimizer, r.hparams)
    elif missing:
        group = optimizers.simulate_runs(
            spec, [(s.runs[i].optimizer, dict(s.runs[i].hparams)) for i in missing]
        )
        for i, t in zip(missing, group, strict=True):
            found[i] = _frozen(t)
            _RUNS.put(keys[i], found[i])
    return found  # type: ignore[return-value]
