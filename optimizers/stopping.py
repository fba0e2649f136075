"""Stopping rules: end a path at the first step where the gradient or the loss is small enough.

A rule stops at the first step t (0 = the start) with ‖∇f(x_t)‖ ≤ ``grad_tol`` or with
f(x_t) − f* ≤ ``loss_tol`` (f(x_t) ≤ ``loss_tol`` on a surface without a known minimum),
whichever comes first. The steps after t never influence the steps before it, so stopping a
computed path at t is the same as stopping the optimizer there; the engine runs the full
length once and the rule is applied after. The gradient is the true one, ∇f at the recorded
point, even when the optimizer saw noisy gradients: the rule asks whether the point is
(nearly) stationary, not whether one noisy sample was small.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial

import jax
import numpy as np

import surfaces
from optimizers.engine import Trajectory, bucket, float_dtype
from optimizers.spec import StopRule  # part of a run's spec; applied here
from surfaces import Kernel, Surface


@lru_cache(maxsize=64)
def _grad_norms(k: Kernel, length: int):  # on the kernel: another α reuses it
    def norms(xs, sp):
        f = partial(k.expr, **sp) if sp else k.expr
        g = jax.vmap(jax.grad(f))(xs)
        return jax.numpy.hypot(g[:, 0], g[:, 1])

    return jax.jit(norms)


def grad_norms(traj: Trajectory, surface: Surface | None = None) -> np.ndarray:
    """‖∇f(x_t)‖ at every recorded point (NaN after divergence), (steps + 1,)."""
    s = surface if surface is not None else surfaces.get(traj.surface)
    n = len(traj.xy)
    dtype = float_dtype()
    xs = np.zeros((bucket(n), 2), dtype)
    xs[:n] = np.nan_to_num(traj.xy, nan=0.0)
    sp = {k: np.asarray(v, dtype) for k, v in traj.surface_params.items()}
    out = np.asarray(_grad_norms(s.kernel, len(xs))(xs, sp))[:n].astype(np.float64)
    out[~np.isfinite(traj.xy).all(axis=1)] = np.nan
    return out


def stop_step(traj: Trajectory, rule: StopRule, surface: Surface | None = None) -> int | None:
    """The first step at which ``rule`` stops ``traj``, or None when it never does."""
    if not rule.active:
        return None
    s = surface if surface is not None else surfaces.get(traj.surface)
    hit = np.zeros(len(traj.loss), dtype=bool)
    if rule.grad_tol is not None:
        hit |= grad_norms(traj, s) <= rule.grad_tol
    if rule.loss_tol is not None:
        gap = traj.loss - (s.f_min if s.f_min is not None else 0.0)
        hit |= gap <= rule.loss_tol  # NaN (after divergence) compares False
    return int(np.argmax(hit)) if hit.any() else None


def stopped(
    traj: Trajectory, rule: StopRule, surface: Surface | None = None
) -> tuple[Trajectory, int | None]:
    """``traj`` cut after the step where ``rule`` stops it, and that step (None: not stopped)."""
    k = stop_step(traj, rule, surface)
    if k is None:
        return traj, None
    return replace(traj, xy=traj.xy[: k + 1], loss=traj.loss[: k + 1], lr=traj.lr[:k]), k
