"""Numbers that summarize a trajectory: where it ended, how close to a minimum, and when."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers.engine import Trajectory
from surfaces import Surface

TOLERANCE = 0.01  # "reached": within this fraction of the domain's larger side of a minimum


@dataclass(frozen=True)
class Summary:
    final_loss: float  # at the last finite point
    gap: float | None  # final loss − f_min, when the surface has a minimum
    distance: float | None  # from the last finite point to the nearest known minimum
    reached_at: int | None  # first step within `tolerance` of a known minimum
    diverged_at: int | None
    tolerance: float | None


def summarize(traj: Trajectory, surface: Surface, tolerance: float = TOLERANCE) -> Summary:
    """Summarize ``traj``; minima are the surface's global and local ones."""
    end = traj.last_finite
    final_loss = float(traj.loss[end])
    gap = None if surface.f_min is None else final_loss - surface.f_min
    minima = np.array(surface.minima + surface.local_minima, dtype=np.float64).reshape(-1, 2)
    if not len(minima):
        return Summary(final_loss, gap, None, None, traj.diverged_at, None)
    (x0, x1), (y0, y1) = surface.domain
    tol = tolerance * max(x1 - x0, y1 - y0)
    path = np.asarray(traj.xy[: end + 1], dtype=np.float64)
    dist = np.min(np.linalg.norm(path[:, None, :] - minima[None, :, :], axis=2), axis=1)
    within = np.flatnonzero(dist <= tol)
    reached_at = int(within[0]) if within.size else None
    return Summary(final_loss, gap, float(dist[-1]), reached_at, traj.diverged_at, tol)
