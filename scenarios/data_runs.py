"""The Data page's runs: one optimizer on a surface defined by data, its gradient on sampled
batches, the full-batch path beside it and other seeds behind it; and the page's presets.
Glue between the engine and the plots; no UI."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import optimizers
import surfaces
from plots import compare, palette
from surfaces import neuron

TOLERANCE = 1e-2  # "converged": f − f* at most this
RAW, STD, NEURON, SADDLE = "linreg_raw", "linreg_standardized", "neuron", "saddle_data"
NEAR = 0.1  # "at" a critical point: within this distance of it
FULL_BATCH_COLOR = "#38bdf8"


@dataclass(frozen=True)
class DataRun:
    surface: str
    optimizer: str
    hparams: dict[str, float]
    steps: int
    batch: int
    seed: int
    surface_params: dict[str, float] = field(default_factory=dict)


def batch_label(batch: int, n: int) -> str:
    """What the course notes call a run with this batch size."""
    if batch == n:
        return f"batch GD (all {n})"
    if batch == 1:
        return "SGD (1 example)"
    return f"mini-batch ({batch} of {n})"


def steps_to_converge(t: optimizers.Trajectory, f_min: float, tol: float = TOLERANCE) -> int | None:
    """The first step with f − f* ≤ ``tol`` (None: never, within the run)."""
    hit = np.flatnonzero(t.loss - f_min <= tol)
    return int(hit[0]) if hit.size else None


def travelled(t: optimizers.Trajectory) -> float:
    """How far the path got from its start (to its last finite point)."""
    return float(np.linalg.norm(t.xy[t.last_finite] - t.xy[0]))


def series(
    r: DataRun, main: optimizers.Trajectory, full: optimizers.Trajectory | None
) -> list[compare.Series]:
    """The sampled-batch run, and (when it is not already the full batch) the full-batch run."""
    n = surfaces.get(r.surface).data.n
    color = palette.path_color(r.optimizer)
    label = batch_label(r.batch, n)
    out = [compare.Series("main", label, color, main.xy, main.loss, main.lr, main.diverged_at)]
    if full is not None and r.batch != n:
        out.append(
            compare.Series(
                "full",
                batch_label(n, n),
                FULL_BATCH_COLOR,
                full.xy,
                full.loss,
                full.lr,
                full.diverged_at,
            )
        )
    return out


def loss_variants(r: DataRun) -> list[DataRun]:
    """The neuron run under each loss, the activation kept: the page's comparison table."""
    return [
        DataRun(
            r.surface,
            r.optimizer,
            r.hparams,
            r.steps,
            r.batch,
            r.seed,
            {**r.surface_params, "loss": float(i)},
        )
        for i in range(len(neuron.LOSSES))
    ]


@dataclass(frozen=True)
class DataPreset:
    """A one-click Data-page scenario: its widget values and the question it poses."""

    name: str
    title: str
    question: str
    model: str  # "regression", "neuron" or "saddle"
    standardize: bool = False
    activation: str = "sigmoid"
    loss: str = "squared_error"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch: int = 8
    steps: int = 500


def where_it_ended(t: optimizers.Trajectory) -> str:
    """On the saddle surface: is the path's last point at the saddle, at a minimum, or neither."""
    s = surfaces.get(SADDLE)
    end = t.xy[t.last_finite]
    if np.linalg.norm(end) <= NEAR:
        return "at the saddle (0, 0)"
    for m in s.minima:
        if np.linalg.norm(end - np.asarray(m)) <= NEAR:
            return f"at the minimum ({m[0]:g}, {m[1]:g})"
    return "in between"


def seed_runs(r: DataRun, k: int) -> list[DataRun]:
    """``r`` with the seeds r.seed … r.seed + k − 1."""
    return [
        DataRun(r.surface, r.optimizer, r.hparams, r.steps, r.batch, r.seed + i, r.surface_params)
        for i in range(k)
    ]


DATA_PRESETS = (
    DataPreset(
        "normalize",
        "Normalizing inputs rounds the valley",
        "The same SGD on the same data: why does the raw feature need so many more steps "
        "than the standardized one? Toggle “Standardize the feature” and compare the table.",
        "regression",
        lr=0.045,  # just under raw's stability limit 2 / λ_max ≈ 0.049
        batch=64,
    ),
    DataPreset(
        "mse_stalls",
        "Squared error stalls where cross-entropy does not",
        "A confidently wrong sigmoid neuron: squared error's gradient carries σ′, which is "
        "tiny there, while cross-entropy's does not. Which loss gets out in 200 steps?",
        "neuron",
        lr=0.1,
        batch=64,
        steps=200,
    ),
    DataPreset(
        "sgd_noise",
        "SGD's noisy steps around the full-batch path",
        "One example per step: the path wanders, yet the paths of other seeds all end near "
        "the minimum. How small can the batch be before the noise hides the valley?",
        "regression",
        standardize=True,
        batch=1,
        steps=400,
    ),
    DataPreset(
        "saddle_escape",
        "SGD escapes a saddle that GD cannot",
        "Started on the ridge y = 0, batch gradient descent slides into the saddle and stays, "
        "since the 64 examples' pulls cancel there. With 8 examples per step they do not: "
        "does every seed fall off the ridge, and to which side?",
        "saddle",
        lr=0.1,
        batch=8,
        steps=300,
    ),
)


def preset(name: str) -> DataPreset:
    for p in DATA_PRESETS:
        if p.name == name:
            return p
    raise KeyError(
        f"unknown Data preset {name!r}; choose one of: {', '.join(p.name for p in DATA_PRESETS)}"
    )
