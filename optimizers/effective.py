"""Effective step sizes of adaptive methods: η_t times each coordinate's own scale, per step.

AdaGrad divides η by √s_t + ε with s_t the *sum* of squared gradients, so its step can only
fade; RMSProp's s_t is an average that forgets, so its step recovers when gradients shrink.
The scale lives in the optimizer's registry entry (``Optimizer.scale``); this module replays
the optimizer along a recorded path to read it out at every step, so the engine's scan stays
lean when nobody asks. The replay feeds the same gradients the engine used (the gradient at
each recorded point, on the same sampled batch, plus the same seeded noise), so its state is
the engine's state; the tests check that its steps rebuild the recorded path.
"""

from __future__ import annotations

from functools import lru_cache, partial

import jax
import jax.numpy as jnp
import numpy as np

import surfaces
from optimizers import _registry
from optimizers._optimizer import Optimizer
from optimizers.engine import Trajectory, bucket, float_dtype, step_gradient
from surfaces import Surface


def adaptive(optimizer: Optimizer | str) -> bool:
    """Whether ``optimizer`` has a per-coordinate step size to show."""
    o = _registry.get(optimizer) if isinstance(optimizer, str) else optimizer
    return o.scale is not None


@lru_cache(maxsize=64)
def _replayer(opt: Optimizer, surface: Surface, length: int, noisy: bool, batched: bool):
    def replay(xs, hp, sp, sigma, seed, batch):
        f = partial(surface.expr, **sp) if sp else surface.expr

        def step(state, inputs):
            x, t = inputs
            _, g = step_gradient(  # the engine's gradient: same batch, same noise
                surface, f, sp, x, t, seed, sigma, batch, noisy=noisy, batched=batched
            )
            direction, after = opt.update(g, state, x, hp, f)
            return after, (opt.scale(state, after, hp), direction)

        _, (scale, direction) = jax.lax.scan(step, opt.init(xs[0], hp), (xs, jnp.arange(length)))
        return scale, direction

    return jax.jit(replay)


def replay(traj: Trajectory, surface: Surface | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scale, direction), each (k, 2) for the k steps before divergence: the optimizer's
    per-coordinate scale and its step direction, ``x_{t+1} = x_t − η_t · direction_t``."""
    o = _registry.get(traj.optimizer)
    if o.scale is None:
        raise ValueError(f"{o.title} has no per-coordinate step size (it is not adaptive)")
    s = surface if surface is not None else surfaces.get(traj.surface)
    k = traj.last_finite  # steps whose start point is finite and whose result was kept
    dtype = float_dtype()
    length = bucket(max(k, 1))
    xs = np.empty((length, 2), dtype)
    xs[:k] = traj.xy[:k]
    xs[k:] = traj.xy[max(k - 1, 0)]  # padding: repeated, finite, sliced off below
    args = (
        xs,
        {n: np.asarray(v, dtype) for n, v in traj.hparams.items()},
        {n: np.asarray(v, dtype) for n, v in traj.surface_params.items()},
        np.asarray(traj.noise, dtype),
        np.uint32(traj.seed),
        np.asarray(traj.batch or 0, dtype),
    )
    replayer = _replayer(o, s, length, traj.noise > 0.0, traj.batch is not None)
    scale, direction = replayer(*args)
    return np.asarray(scale)[:k], np.asarray(direction)[:k]


def effective_steps(traj: Trajectory, surface: Surface | None = None) -> np.ndarray:
    """η_t · scale_t for every step before divergence, (k, 2): each coordinate's step size.

    For AdaGrad and RMSProp this is η_t / (√s_t + ε); for the Adam family η_t / (√v̂_t + ε),
    the step per unit of the bias-corrected first moment.
    """
    scale, _ = replay(traj, surface)
    return traj.lr[: len(scale), None] * scale
