"""Effective step sizes of adaptive methods: η_t times each coordinate's own scale, per step.

AdaGrad divides η by √s_t + ε with s_t the *sum* of squared gradients, so its step can only
fade; RMSProp's s_t is an average that forgets, so its step recovers when gradients shrink.
The scale lives in the optimizer's registry entry (``Optimizer.scale``); this module replays
the optimizer along a recorded path to read it out at every step, so the engine's scan stays
lean when nobody asks. The replay feeds the same gradients the engine used (the gradient at
each recorded point, on the same sampled batch, plus the same seeded noise), so its state is
the engine's state; the tests check that its steps rebuild the recorded path. On a surface
with a proximal step (L1 regularization) the direction is the one the step actually took,
(x_t − prox(x_t − η_t d_t, η_t · scale_t)) / η_t, so the path is rebuilt there too.
"""

from __future__ import annotations

from functools import lru_cache, partial

import jax
import jax.numpy as jnp
import numpy as np

import surfaces
from optimizers import _registry
from optimizers._optimizer import Optimizer
from optimizers.engine import (
    Trajectory,
    bucket,
    descend,
    float_dtype,
    smooth_part,
    step_gradient,
)
from surfaces import Kernel, Surface


def adaptive(optimizer: Optimizer | str) -> bool:
    """Whether ``optimizer`` has a per-coordinate step size to show."""
    o = _registry.get(optimizer) if isinstance(optimizer, str) else optimizer
    return o.scale is not None


@lru_cache(maxsize=64)  # keyed on the kernel: a regularized surface at another α reuses it
def _replayer(opt: Optimizer, k: Kernel, length: int, noisy: bool, batched: bool):
    def replay(xs, lrs, hp, sp, sigma, seed, batch):
        f = partial(k.expr, **sp) if sp else k.expr
        smooth = smooth_part(k, f, sp)

        def step(state, inputs):
            x, t, lr = inputs
            _, g = step_gradient(  # the engine's gradient: same batch, same noise
                k, f, sp, x, t, seed, sigma, batch, noisy=noisy, batched=batched
            )
            direction, after = opt.update(g, state, x, hp, smooth)
            scale = opt.scale(state, after, hp) if opt.scale is not None else jnp.ones_like(x)
            if k.prox is not None:  # the step taken, prox included: x_{t+1} = x_t − η_t · it
                safe = jnp.where(lr > 0, lr, 1.0)  # η_t = 0 moves nothing, whatever the direction
                taken = (x - descend(k, x, lr, direction, sp, scale)) / safe
                direction = jnp.where(lr > 0, taken, direction)
            return after, (scale, direction, g)

        _, parts = jax.lax.scan(step, opt.init(xs[0], hp), (xs, jnp.arange(length), lrs))
        return parts

    return jax.jit(replay)


def replay(traj: Trajectory, surface: Surface | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scale, direction), each (k, 2) for the k steps before divergence: the optimizer's
    per-coordinate scale and its step direction, ``x_{t+1} = x_t − η_t · direction_t``."""
    o = _registry.get(traj.optimizer)
    if o.scale is None:
        raise ValueError(f"{o.title} has no per-coordinate step size (it is not adaptive)")
    scale, direction, _ = step_parts(traj, surface)
    return scale, direction


def step_parts(
    traj: Trajectory, surface: Surface | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scale, direction, gradient), each (k, 2) for the k steps before divergence, for any
    optimizer: ``x_{t+1} = x_t − η_t · direction_t``, the direction's per-coordinate scale
    (1 where the optimizer has none) and the gradient g_t the engine used at x_t. Where
    direction / scale differs from the gradient it carries the optimizer's memory (momentum's
    v, Adam's m̂)."""
    o = _registry.get(traj.optimizer)
    s = surface if surface is not None else surfaces.get(traj.surface)
    k = traj.last_finite  # steps whose start point is finite and whose result was kept
    dtype = float_dtype()
    length = bucket(max(k, 1))
    xs = np.empty((length, 2), dtype)
    xs[:k] = traj.xy[:k]
    xs[k:] = traj.xy[max(k - 1, 0)]  # padding: repeated, finite, sliced off below
    lrs = np.ones(length, dtype)
    lrs[:k] = traj.lr[:k]
    args = (
        xs,
        lrs,
        {n: np.asarray(v, dtype) for n, v in traj.hparams.items()},
        {n: np.asarray(v, dtype) for n, v in traj.surface_params.items()},
        np.asarray(traj.noise, dtype),
        np.uint32(traj.seed),
        np.asarray(traj.batch or 0, dtype),
    )
    replayer = _replayer(o, s.kernel, length, traj.noise > 0.0, traj.batch is not None)
    scale, direction, gradient = replayer(*args)
    return np.asarray(scale)[:k], np.asarray(direction)[:k], np.asarray(gradient)[:k]


def effective_steps(traj: Trajectory, surface: Surface | None = None) -> np.ndarray:
    """η_t · scale_t for every step before divergence, (k, 2): each coordinate's step size.

    For AdaGrad and RMSProp this is η_t / (√s_t + ε); for the Adam family η_t / (√v̂_t + ε),
    the step per unit of the bias-corrected first moment.
    """
    scale, _ = replay(traj, surface)
    return traj.lr[: len(scale), None] * scale
