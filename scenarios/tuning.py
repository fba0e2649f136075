"""What the Tune and Basins pages ask of the engine, as sweeps, and what they make of the answer.

Tune: every optimizer run once per η on a log grid (and once per (η, β) cell for one
optimizer), from one start for T steps, scored by

* the final loss gap  f(x_T) − f*  (the final loss f(x_T) when f* is unknown), or
* the number of steps to reach  f(x_t) − f* ≤ tol,

lower being better. A run that diverged has no score; neither has one that never reached the
tolerance. The best setting is the lowest score, ties (a gap of exactly 0 in float32) going
to the fewer steps to the tolerance, then to the smaller η. "Use the best" turns each
optimizer's best setting into a Compare view (`scenarios.Settings`).

Basins: one run from every point of an n × n grid over the domain; each start is labelled by
the minimum it ends at (`optimizers.sweep_basins`), or as not converged, or diverged.

The η grid holds only values a Compare η slider can hold exactly, so the setting handed to
Compare is the one that was simulated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

import optimizers
import surfaces
from plots import palette
from plots import tune as tune_plot
from scenarios.settings import LIMITS, Run, Settings

Metric = Literal["gap", "steps"]
METRICS: tuple[Metric, ...] = ("gap", "steps")

LR_POINTS = 200  # the η curve's default resolution
MAX_LR_POINTS = 400
GRID_LR, GRID_BETA = 60, 40  # the η × β heatmap
MAX_GRID_SIDE = 100  # η or β values per side of the heatmap
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6)
DEFAULT_TOL = 1e-3
TUNE_STEPS = 1000

BASIN_SIDE = 100  # the Basins page's default grid: 100 × 100 starts
MIN_BASIN_SIDE, MAX_BASIN_SIDE = 2, 200
SAMPLE_SIDE = 4  # 4 × 4 sample paths drawn over the basins
SAMPLE_POINTS = 200  # points kept per sample path

# The decay rate that pairs with η in each family: β (momentum, Nesterov), β₁ (Adam and its
# relatives, Lion), ρ (RMSProp, AdaDelta). Optimizers without one get no heatmap.
DECAY_PARAMS = ("beta", "beta1", "rho")


def round_sig(v: float, digits: int = 4) -> float:
    return float(f"{v:.{digits}g}")


def _count(n: object, what: str, low: int, high: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not low <= n <= high:
        raise ValueError(f"{what} must be a whole number in [{low}, {high}], got {n!r}")
    return int(n)


# ---------------------------------------------------------------------------- grids of settings


def lr_param() -> surfaces.Param:
    """η's range, shared by every optimizer (the registry gives them one ``lr`` Param)."""
    return optimizers.get("sgd").hparams[0]


def lr_grid(log_low: float, log_high: float, n: int = LR_POINTS) -> np.ndarray:
    """``n`` values of η, evenly spaced in log₁₀ η from ``log_low`` to ``log_high``.

    η_k = 10^(u_k), u_k = a + k (b − a) / (n − 1) rounded to 4 decimals, then η_k to 4
    significant digits: exactly the values a Compare η slider (log₁₀ η to 4 decimals) holds.
    """
    n = _count(n, "the number of η values", 2, MAX_LR_POINTS)
    p = lr_param()
    lo, hi = math.log10(p.low), math.log10(p.high)
    a, b = float(log_low), float(log_high)
    if not (math.isfinite(a) and math.isfinite(b) and lo <= a < b <= hi):
        raise ValueError(
            f"the η range must satisfy {lo:g} ≤ log₁₀ η low < log₁₀ η high ≤ {hi:g}, "
            f"got [{log_low}, {log_high}]"
        )
    values = np.array([round_sig(10.0 ** round(u, 4)) for u in np.linspace(a, b, n)])
    return np.clip(values, p.low, p.high)


def decay_param(optimizer: str) -> surfaces.Param | None:
    """The optimizer's β-like parameter (β, β₁ or ρ), or None when it has none."""
    by_name = {p.name: p for p in optimizers.get(optimizer).hparams}
    return next((by_name[n] for n in DECAY_PARAMS if n in by_name), None)


def with_decay(names: Sequence[str]) -> list[str]:
    """The optimizers among ``names`` that have a β-like parameter (the heatmap's choices)."""
    return [n for n in names if decay_param(n) is not None]


def decay_grid(p: surfaces.Param, n: int = GRID_BETA) -> np.ndarray:
    """``n`` values of β from its low to its high end, evenly spaced in log₁₀(1 − β).

    The interesting values crowd against 1 (0.9, 0.99, 0.999 are a decade apart in 1 − β),
    so β_k = 1 − 10^(u_k) with u evenly spaced from log₁₀(1 − low) to log₁₀(1 − high);
    each 1 − β is rounded to 4 significant digits.
    """
    n = _count(n, f"the number of {p.symbol} values", 2, MAX_GRID_SIDE)
    u = np.linspace(math.log10(1.0 - p.low), math.log10(1.0 - p.high), n)
    values = np.array([1.0 - round_sig(10.0**v) for v in u])
    return np.clip(values, p.low, p.high)


# ------------------------------------------------------------------------------- the η sweeps


@dataclass(frozen=True)
class Outcome:
    """One optimizer swept over settings: each run's score inputs, flattened to (N,).

    ``gap`` is f(x_T) − f* (f(x_T) when f* is unknown), NaN where the run diverged.
    ``hit_at`` is the first step with f(x_t) − f* ≤ ``tol``, −1 when never (or no tol).
    """

    optimizer: str
    swept: dict[str, np.ndarray]  # the hyperparameters that vary, each (N,)
    fixed: dict[str, float]  # every other hyperparameter (defaults)
    gap: np.ndarray
    diverged: np.ndarray
    hit_at: np.ndarray
    tol: float | None

    @property
    def n(self) -> int:
        return len(self.gap)

    def hparams(self, i: int) -> dict[str, float]:
        """The full hyperparameters of run ``i``, in the registry's order."""
        values = {**self.fixed, **{k: float(v[i]) for k, v in self.swept.items()}}
        return {p.name: values[p.name] for p in optimizers.get(self.optimizer).hparams}


def _check_tol(surface: surfaces.Surface, tol: float | None) -> float | None:
    if tol is None:
        return None
    if surface.f_min is None:
        raise ValueError(f"{surface.title} has no known minimum value f*: no tolerance to reach")
    tol = float(tol)
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"the tolerance must be a positive number, got {tol!r}")
    return tol


def _spec(spec: optimizers.RunSpec) -> optimizers.RunSpec:
    """The run every configuration of a sweep shares, within the app's step limit."""
    if not isinstance(spec, optimizers.RunSpec):
        raise ValueError(f"a sweep takes an optimizers.RunSpec, got {spec!r}")
    _count(spec.steps, "steps", int(LIMITS.steps.low), int(LIMITS.steps.high))
    return spec


def sweep(
    spec: optimizers.RunSpec,
    optimizer: str,
    swept: Mapping[str, np.ndarray],
    *,
    tol: float | None = None,
) -> Outcome:
    """Run ``optimizer`` once per entry of the ``swept`` arrays (all of one length N), every
    run the one ``spec`` describes (its surface, parameters, start and steps)."""
    s = _spec(spec).build()
    opt = optimizers.get(optimizer)
    tol = _check_tol(s, tol)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in swept.items()}
    res = optimizers.sweep(spec, opt, hparams=arrays, tol=tol)
    diverged = np.asarray(res.diverged, dtype=bool)
    loss = np.asarray(res.loss, dtype=np.float64)
    gap = loss - (s.f_min or 0.0)
    gap = np.where(diverged | ~np.isfinite(gap), np.nan, gap)
    fixed = {k: v for k, v in opt.defaults.items() if k not in arrays}
    return Outcome(
        optimizer, arrays, fixed, gap, diverged, np.asarray(res.hit_at, dtype=np.int64), tol
    )


def lr_sweep(
    spec: optimizers.RunSpec, optimizer: str, lrs: np.ndarray, *, tol: float | None = None
) -> Outcome:
    """``optimizer`` at each η of ``lrs``, its other hyperparameters at their defaults."""
    return sweep(spec, optimizer, {"lr": lrs}, tol=tol)


def lr_decay_sweep(
    spec: optimizers.RunSpec,
    optimizer: str,
    lrs: np.ndarray,
    decays: np.ndarray,
    *,
    tol: float | None = None,
) -> Outcome:
    """``optimizer`` at every (η, β) pair, β its β-like parameter: run ``i · len(lrs) + j``
    has β = decays[i], η = lrs[j] (so results reshape to (len(decays), len(lrs)))."""
    p = decay_param(optimizer)
    if p is None:
        raise ValueError(f"{optimizers.get(optimizer).title} has no β, β₁ or ρ to sweep")
    lr_mesh, decay_mesh = np.meshgrid(np.asarray(lrs), np.asarray(decays))
    return sweep(spec, optimizer, {"lr": lr_mesh.ravel(), p.name: decay_mesh.ravel()}, tol=tol)


# ------------------------------------------------------------------------------ the best setting


def scores(o: Outcome, metric: Metric) -> np.ndarray:
    """Lower is better; +inf where a run has no score (diverged, or never within tol)."""
    if metric == "gap":
        return np.where(np.isnan(o.gap), np.inf, o.gap)
    if metric == "steps":
        if o.tol is None:
            raise ValueError("steps to a tolerance need a sweep with a tolerance")
        return np.where(o.hit_at >= 0, o.hit_at, np.inf).astype(np.float64)
    raise ValueError(f"unknown metric {metric!r}; choose one of: {', '.join(METRICS)}")


@dataclass(frozen=True)
class Best:
    optimizer: str
    hparams: dict[str, float]
    gap: float
    hit_at: int | None
    index: int
    source: str  # which sweep found it


def best(o: Outcome, metric: Metric, source: str = "η sweep") -> Best | None:
    """The run with the lowest score, ties going to fewer steps to tol; None if none scored."""
    primary = scores(o, metric)
    if not np.isfinite(primary).any():
        return None
    steps = np.where(o.hit_at >= 0, o.hit_at, np.iinfo(np.int64).max)
    gap = np.where(np.isnan(o.gap), np.inf, o.gap)
    secondary = gap if metric == "steps" else steps
    # lexsort: last key first; the index breaks any remaining tie towards the smaller η
    i = int(np.lexsort((np.arange(o.n), secondary, primary))[0])
    hit = int(o.hit_at[i])
    return Best(o.optimizer, o.hparams(i), float(o.gap[i]), hit if hit >= 0 else None, i, source)


def better(a: Best | None, b: Best | None, metric: Metric) -> Best | None:
    """The better of two candidates for one optimizer (``a`` on a tie)."""
    if a is None or b is None:
        return a or b

    def key(x: Best) -> tuple[float, float]:
        steps = math.inf if x.hit_at is None else float(x.hit_at)
        return (x.gap, steps) if metric == "gap" else (steps, x.gap)

    return b if key(b) < key(a) else a


def to_settings(
    surface: str,
    bests: Sequence[Best],
    *,
    start: tuple[float, float] | None = None,
    steps: int = TUNE_STEPS,
    surface_params: Mapping[str, float] | None = None,
) -> Settings:
    """A Compare view with each optimizer at its best setting (constant η, no noise)."""
    if not bests:
        raise ValueError("no optimizer has a best setting to compare")
    if len(bests) > LIMITS.max_runs:
        raise ValueError(f"Compare shows at most {LIMITS.max_runs} optimizers, got {len(bests)}")
    s = surfaces.get(surface)
    return Settings(
        surface=surface,
        surface_params=s.resolve_params(surface_params),
        start=None if start is None else (float(start[0]), float(start[1])),
        steps=int(steps),
        runs=tuple(Run(b.optimizer, dict(b.hparams)) for b in bests),
    )


# ------------------------------------------------------------------------------- the figures


def metric_title(surface: str, metric: Metric, tol: float | None = None) -> str:
    """The score's name as an axis title."""
    known = surfaces.get(surface).f_min is not None
    if metric == "steps":
        return f"steps to f − f* ≤ {tol:g}"
    return "final loss gap f − f*" if known else "final loss f"


def values(o: Outcome, metric: Metric) -> np.ndarray:
    """The score as plotted: NaN where there is none."""
    v = scores(o, metric)
    return np.where(np.isfinite(v), v, np.nan)


def log_scale(surface: str, metric: Metric) -> bool:
    """A gap to a known f* spans decades: log axis; steps and raw losses: linear."""
    return metric == "gap" and surfaces.get(surface).f_min is not None


def lr_figure(surface: str, lrs: np.ndarray, outcomes: Sequence[Outcome], metric: Metric) -> dict:
    """Each optimizer's score against η, its best η starred (`plots.tune.lr_figure`)."""
    curves = []
    for i, o in enumerate(outcomes):
        b = best(o, metric)
        curves.append(
            tune_plot.Curve(
                key=o.optimizer,
                label=optimizers.get(o.optimizer).title,
                color=palette.path_color(o.optimizer, i),
                lrs=lrs,
                values=values(o, metric),
                diverged=o.diverged,
                best=None if b is None else b.index,
            )
        )
    tol = next((o.tol for o in outcomes), None)
    return tune_plot.lr_figure(
        curves, y_title=metric_title(surface, metric, tol), log_y=log_scale(surface, metric)
    )


def grid_figure(
    surface: str, lrs: np.ndarray, decays: np.ndarray, o: Outcome, metric: Metric
) -> dict:
    """``o`` (from `lr_decay_sweep`) as a heatmap over η × β (`plots.tune.grid_figure`)."""
    shape = (len(decays), len(lrs))
    b = best(o, metric, "η × β grid")
    return tune_plot.grid_figure(
        tune_plot.Grid(
            label=optimizers.get(o.optimizer).title,
            decay_symbol=decay_param(o.optimizer).symbol,
            lrs=lrs,
            decays=decays,
            values=values(o, metric).reshape(shape),
            diverged=o.diverged.reshape(shape),
            best=None if b is None else divmod(b.index, len(lrs)),
        ),
        value_title=metric_title(surface, metric, o.tol),
        log_values=log_scale(surface, metric),
    )


def best_rows(surface: str, bests: Sequence[Best]) -> list[dict[str, str]]:
    """The best settings as table rows: optimizer, where found, every hyperparameter, scores."""
    gap = "final f − f*" if surfaces.get(surface).f_min is not None else "final f"
    rows = []
    for b in bests:
        opt = optimizers.get(b.optimizer)
        row = {"optimizer": opt.title, "found by": b.source}
        row["setting"] = ", ".join(f"{p.symbol} = {b.hparams[p.name]:.4g}" for p in opt.hparams)
        row[gap] = f"{b.gap:.3g}"
        row["steps to tol"] = "—" if b.hit_at is None else str(b.hit_at)
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------- basins


@dataclass(frozen=True)
class BasinMap:
    """Where each start of an n × n grid ends: ``labels[i, j]`` for the start (xs[j], ys[i]).

    A label k ≥ 0 indexes ``minima`` (the surface's global minima, then its local ones);
    −1 is not converged, −2 diverged.
    """

    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    minima: tuple[tuple[float, float], ...]


def start_grid(domain: surfaces.Domain, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs (n,), ys (n,), starts (n², 2))``: an n × n grid spanning the domain, row-major in
    y (start ``i · n + j`` is (xs[j], ys[i]))."""
    n = _count(n, "the grid resolution", MIN_BASIN_SIDE, MAX_BASIN_SIDE)
    (x0, x1), (y0, y1) = domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


def basin_map(
    spec: optimizers.RunSpec,
    optimizer: str,
    *,
    hparams: Mapping[str, float] | None = None,
    n: int = BASIN_SIDE,
) -> BasinMap:
    """Run ``optimizer`` from every start of an n × n grid over ``spec``'s surface (its own
    start aside) and label where each one ends."""
    s = _spec(spec).build()
    xs, ys, starts = start_grid(s.domain, n)
    res = optimizers.sweep(spec, optimizer, starts=starts, hparams=dict(hparams or {}))
    labels = np.asarray(optimizers.sweep_basins(s, res), dtype=np.int64).reshape(len(ys), len(xs))
    return BasinMap(xs, ys, labels, tuple(s.minima + s.local_minima))


def sample_paths(
    spec: optimizers.RunSpec,
    optimizer: str,
    *,
    hparams: Mapping[str, float] | None = None,
    side: int = SAMPLE_SIDE,
    points: int = SAMPLE_POINTS,
) -> np.ndarray:
    """Paths from a ``side`` × ``side`` grid of starts inset from the domain's edges:
    (side², P, 2), NaN after a divergence."""
    s = _spec(spec).build()
    (x0, x1), (y0, y1) = s.domain
    # cell centres of a side × side partition: no start on the domain's edge
    xs = x0 + (np.arange(side) + 0.5) * (x1 - x0) / side
    ys = y0 + (np.arange(side) + 0.5) * (y1 - y0) / side
    gx, gy = np.meshgrid(xs, ys)
    res = optimizers.sweep(
        spec,
        optimizer,
        starts=np.stack([gx.ravel(), gy.ravel()], axis=1),
        hparams=dict(hparams or {}),
        path_points=points,
    )
    return np.asarray(res.paths, dtype=np.float64)
