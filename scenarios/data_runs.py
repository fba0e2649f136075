"""The Data page's runs: one optimizer on a data surface with a sampled batch, the full-batch
path beside it, and other seeds behind it. Glue between the engine and the plots; no UI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optimizers
import surfaces
from plots import compare, palette

TOLERANCE = 1e-2  # "converged": f − f* at most this


@dataclass(frozen=True)
class DataRun:
    surface: str
    optimizer: str
    hparams: dict[str, float]
    steps: int
    batch: int
    seed: int


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


def series(
    r: DataRun, main: optimizers.Trajectory, full: optimizers.Trajectory | None
) -> list[compare.Series]:
    """The sampled-batch run, and (when it is not already the full batch) the full-batch run."""
    n = surfaces.get(r.surface).data.n
    color = palette.path_color(r.optimizer)
    out = [
        compare.Series(
            "main", batch_label(r.batch, n), color, main.xy, main.loss, main.lr, main.diverged_at
        )
    ]
    if full is not None and r.batch != n:
        out.append(
            compare.Series(
                "full", batch_label(n, n), "#38bdf8", full.xy, full.loss, full.lr, full.diverged_at
            )
        )
    return out
