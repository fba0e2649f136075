"""The trajectory engine: one jitted ``lax.scan`` per (optimizer, surface, step bucket).

Everything a slider moves — hyperparameters, the start, surface parameters (κ, θ), the η_t
array of the schedule, the noise level and seed, the batch size — is a traced argument, so
moving it never recompiles. Only structure is static: the optimizer, the surface, whether
noise is on, whether gradients are taken on sampled batches, and the step count rounded up
to a power of two (then sliced).

On a surface defined by data (``surface.data``), ``batch=b`` takes each step's gradient on b
examples drawn without replacement (a fresh draw per step, reproducible from the seed): b = n
is batch gradient descent, b = 1 stochastic gradient descent. The recorded loss is always the
full-data loss, the one the contour map shows.

On a surface with a proximal step (``surface.prox``: L1 regularization, surfaces/regularize.py)
the gradient is that of its smooth part and each step ends with the prox,
x ← prox(x − η_t d_t, η_t); the recorded loss is the whole objective. Compiled runs are keyed
on ``surface.kernel``, so a surface that differs only in its minima and title (the same
regularization at another α) reuses them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

import surfaces
from optimizers import _registry, schedules
from optimizers._optimizer import Optimizer
from surfaces import Kernel, Surface

MAX_STEPS = 100_000  # the engine's hard limit; the app and CLI set lower ones
MIN_BUCKET = 64
MAX_SPREAD = 64  # runs in one vmapped spread
# A point this many domain widths away from the domain's centre counts as diverged: far
# enough that honest long excursions (an overshooting momentum) are kept, near enough that
# the loss is still a finite number when it is reported.
BOUND = 25.0


@dataclass(frozen=True)
class Trajectory:
    """One optimizer's path. Rows of ``xy`` and ``loss`` are steps; row 0 is the start.

    ``diverged_at`` is the first step whose point or loss is not finite or lies more than
    ``BOUND`` domain widths from the domain: from that row on ``xy`` and ``loss`` are NaN.
    """

    surface: str
    optimizer: str
    hparams: dict[str, float]
    surface_params: dict[str, float]
    schedule: str
    schedule_params: dict[str, float]
    noise: float
    seed: int
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    lr: np.ndarray  # (steps,) η_t used at step t + 1
    diverged_at: int | None
    batch: int | None = None  # examples per gradient on a data surface; None: the exact loss

    @property
    def steps(self) -> int:
        return len(self.lr)

    @property
    def last_finite(self) -> int:
        """Index of the last row before divergence (the end when it did not diverge)."""
        return self.steps if self.diverged_at is None else self.diverged_at - 1


def bucket(steps: int) -> int:
    """The compiled scan length for ``steps``: the next power of two, at least ``MIN_BUCKET``."""
    return max(MIN_BUCKET, 1 << (steps - 1).bit_length())


def float_dtype() -> np.dtype:
    """float32, or float64 when ``jax_enable_x64`` is on (the reference tests use it)."""
    return np.dtype(np.float64 if jax.config.jax_enable_x64 else np.float32)


def batch_mask(key: jax.Array, n: int, batch: jax.Array, dtype) -> jax.Array:
    """A (n,) 0/1 mask of ``batch`` examples drawn uniformly without replacement.

    The examples whose random key ranks among the ``batch`` smallest: every subset of that size
    is equally likely, and ``batch`` stays a traced number (no recompile when it changes).
    """
    rank = jnp.argsort(jnp.argsort(jax.random.uniform(key, (n,))))
    return (rank < batch).astype(dtype)


def step_gradient(surface: Surface | Kernel, f, sp, x, t, seed, sigma, batch, *, noisy, batched):
    """(f(x), the gradient step t uses): the full-data loss for the record, and the gradient
    of step t's sampled batch and/or with step t's noise. The keys fold in the step index, so
    step t's draws never depend on the run length; effective.py replays the same draws.

    On a surface with a proximal step the gradient is that of its smooth part (the prox
    handles the rest); the recorded loss is still the whole of f."""
    if batched:
        key = jax.random.fold_in(jax.random.fold_in(jax.random.key(seed), t), 1)
        mask = batch_mask(key, surface.data.n, batch, x.dtype)
        loss, g = f(x), jax.grad(partial(surface.data.loss, **sp))(x, mask)
    elif surface.smooth is not None:
        loss, g = f(x), jax.grad(partial(surface.smooth, **sp))(x)
    else:
        loss, g = jax.value_and_grad(f)(x)
    if noisy:
        key = jax.random.fold_in(jax.random.key(seed), t)
        g = g + sigma * jax.random.normal(key, x.shape, x.dtype)
    return loss, g


def smooth_part(surface: Surface | Kernel, f, sp):
    """The loss an optimizer's update may look at (Newton's Hessian): f, or its smooth part."""
    return f if surface.smooth is None else partial(surface.smooth, **sp)


def descend(surface: Surface | Kernel, x, step, direction, sp, scale=None):
    """x − step · direction, then the surface's proximal step, if it has one:
    x ← prox(x − η_t d_t, η_t · scale) (soft thresholding for L1, surfaces/regularize.py).

    ``scale`` is an adaptive method's per-coordinate factor of η_t (`Optimizer.scale`): the
    threshold shrinks with the step, as in AdaGrad's composite update (Duchi, Hazan & Singer,
    2011), so the fixed point is the minimum of f + α‖x‖₁ whatever the preconditioner."""
    moved = x - step * direction
    if surface.prox is None:
        return moved
    return surface.prox(moved, step if scale is None else step * scale, **sp)


def prox_scale(opt: Optimizer, surface: Surface | Kernel, before, after, hp):
    """The factor of η_t α in the proximal threshold: an adaptive method's per-coordinate
    scale times a momentum method's steady-state gain (`Optimizer.prox_gain`), on a surface
    with a proximal step; None when it is 1 or there is no prox (the threshold is η_t α)."""
    if surface.prox is None or (opt.scale is None and opt.prox_gain is None):
        return None
    scale = opt.scale(before, after, hp) if opt.scale is not None else 1.0
    return scale * opt.prox_gain(hp) if opt.prox_gain is not None else scale


def _run_fn(opt: Optimizer, k: Kernel, length: int, noisy: bool, batched: bool):
    """The un-jitted run: ``length`` steps from ``x0``, returning (3, length + 1) x, y, f."""

    def run(x0, hp, sp, mult, sigma, seed, batch):
        f = partial(k.expr, **sp) if sp else k.expr
        smooth = smooth_part(k, f, sp)

        def step(carry, inputs):
            x, state = carry
            t, m = inputs
            loss, g = step_gradient(
                k, f, sp, x, t, seed, sigma, batch, noisy=noisy, batched=batched
            )
            direction, after = opt.update(g, state, x, hp, smooth)
            scale = prox_scale(opt, k, state, after, hp)
            x_next = descend(k, x, hp["lr"] * m, direction, sp, scale)
            return (x_next, after), jnp.append(x, loss)

        carry = (x0, opt.init(x0, hp))
        t = jnp.arange(length) if noisy or batched else None
        (x_end, _), rows = jax.lax.scan(step, carry, (t, mult))
        # One (3, length + 1) array of x, y and f: a single transfer back to NumPy, and each
        # coordinate contiguous for the divergence test.
        return jnp.concatenate([rows, jnp.append(x_end, f(x_end))[None]]).T

    return run


# Keyed on the surface's kernel, not the surface: a regularized surface at another α has other
# minima and another title, and the same compiled code.
@lru_cache(maxsize=256)
def _runner(opt: Optimizer, k: Kernel, length: int, noisy: bool, batched: bool = False):
    """A jitted function running ``length`` steps; compiled once per argument dtype."""
    return jax.jit(_run_fn(opt, k, length, noisy, batched), compiler_options=_compiler_options())


@lru_cache(maxsize=64)
def _batched_runner(opt: Optimizer, k: Kernel, length: int, noisy: bool, batched: bool, over: str):
    """`_runner` vmapped over the seed (``over="seed"``: K runs that differ only in their random
    draws) or over one hyperparameter (``over`` its name: K runs that differ in its value)."""
    run = _run_fn(opt, k, length, noisy, batched)
    if over == "seed":
        axes = (None, None, None, None, None, 0, None)
    else:
        hp_axes = {p.name: (0 if p.name == over else None) for p in opt.hparams}
        axes = (None, hp_axes, None, None, None, None, None)
    return jax.jit(jax.vmap(run, in_axes=axes), compiler_options=_compiler_options())


@lru_cache(maxsize=64)
def _group_runner(opts: tuple[Optimizer, ...], k: Kernel, length: int, noisy: bool, batched: bool):
    """One jitted function running each of ``opts`` from the same start on the same surface,
    each with its own hyperparameters: one compile instead of one per optimizer. XLA's fixed
    cost per compiled program is most of a runner's compile, so four runners compile together
    in about half the time (bench/engine.py); each run's numbers are those of its own runner."""
    runs = [_run_fn(o, k, length, noisy, batched) for o in opts]

    def run(x0, hps, sp, mult, sigma, seed, batch):
        return tuple(
            r(x0, hp, sp, mult, sigma, seed, batch) for r, hp in zip(runs, hps, strict=True)
        )

    return jax.jit(run, compiler_options=_compiler_options())


def _compiler_options() -> dict[str, object] | None:
    # XLA:CPU's newer fusion emitters cost ~40% more compile time on these tiny 2-D scans and
    # buy nothing at run time (bench/engine.py measures both); other backends keep defaults.
    return {"xla_cpu_use_fusion_emitters": False} if jax.default_backend() == "cpu" else None


def _check_start(surface: Surface, start: object) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in start)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"start must be two numbers (x, y), got {start!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"start must be two finite numbers (x, y), got ({x}, {y})")
    (x0, x1), (y0, y1) = surface.domain
    lo_x, hi_x = _bounds(x0, x1)
    lo_y, hi_y = _bounds(y0, y1)
    if not (lo_x <= x <= hi_x and lo_y <= y <= hi_y):
        raise ValueError(
            f"start ({x:g}, {y:g}) is too far from the domain of {surface.name!r}: "
            f"x must be in [{lo_x:g}, {hi_x:g}], y in [{lo_y:g}, {hi_y:g}]"
        )
    return x, y


def _bounds(a: float, b: float) -> tuple[float, float]:
    centre, half = (a + b) / 2.0, (b - a) / 2.0
    return centre - BOUND * half * 2.0, centre + BOUND * half * 2.0


def _box(surface: Surface) -> tuple[tuple[float, float], tuple[float, float]]:
    """The bounds beyond which a point counts as diverged: ``BOUND`` widths around the domain."""
    return _box_of(surface.domain)


@lru_cache(maxsize=256)
def _box_of(domain: surfaces.Domain) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = domain
    (lx, hx), (ly, hy) = _bounds(x0, x1), _bounds(y0, y1)
    return (lx, ly), (hx, hy)


def _first_divergence(surface: Surface, cols: np.ndarray) -> int | None:
    """The first column of (x, y, f) ``cols`` that is not finite or lies outside the box."""
    (lx, ly), (hx, hy) = _box(surface)
    x, y, f = cols
    # The common case in five contiguous reductions; NaN fails every comparison, so the
    # bounds also catch non-finite points.
    if np.isfinite(f).all() and lx <= x.min() and x.max() <= hx and ly <= y.min() and y.max() <= hy:
        return None
    ok = np.isfinite(f) & (x >= lx) & (x <= hx) & (y >= ly) & (y <= hy)
    return int(np.argmin(ok))


def _check_steps(steps: object) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps must be a whole number in [1, {MAX_STEPS}], got {steps!r}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be in [1, {MAX_STEPS}], got {steps}")
    return int(steps)


def _check_batch(surface: Surface, batch: object) -> int | None:
    if batch is None:
        return None
    if surface.data is None:
        raise ValueError(
            f"batch needs a surface defined by data; {surface.name!r} is an analytic function "
            "(use noise for stochastic gradients there)"
        )
    n = surface.data.n
    if isinstance(batch, bool) or not isinstance(batch, int | np.integer) or not 1 <= batch <= n:
        raise ValueError(f"batch must be a whole number in [1, {n}] (the data set), got {batch!r}")
    return int(batch)


def _check_noise(noise: object, seed: object) -> tuple[float, int]:
    try:
        sigma = float(noise)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number ≥ 0, got {noise!r}") from None
    if not (math.isfinite(sigma) and 0.0 <= sigma <= 1e6):
        raise ValueError(f"noise must be in [0, 1e6], got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2³²), got {seed!r}")
    return sigma, int(seed)


class Prepared(NamedTuple):
    """A validated run: the jitted function and its arguments (what `simulate` calls)."""

    surface: Surface
    optimizer: Optimizer
    schedule: schedules.Schedule
    steps: int
    hparams: dict[str, float]
    surface_params: dict[str, float]
    schedule_params: dict[str, float]
    noise: float
    seed: int
    batch: int | None
    runner: Callable
    args: tuple


def prepare(
    surface: Surface | str,
    optimizer: Optimizer | str,
    *,
    start: tuple[float, float] | None = None,
    steps: int = 500,
    hparams: Mapping[str, object] | None = None,
    surface_params: Mapping[str, object] | None = None,
    schedule: schedules.Schedule | str = "constant",
    schedule_params: Mapping[str, object] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    batch: int | None = None,
) -> Prepared:
    """Validate everything and build the jitted call; see `simulate` for the arguments."""
    s = surfaces.get(surface) if isinstance(surface, str) else surface
    o = _registry.get(optimizer) if isinstance(optimizer, str) else optimizer
    sch = schedules.get(schedule) if isinstance(schedule, str) else schedule
    steps = _check_steps(steps)
    hp = o.resolve_hparams(hparams)
    sp = s.resolve_params(surface_params)
    schp = sch.resolve_params(schedule_params)
    x0 = _check_start(s, s.start if start is None else start)
    sigma, seed = _check_noise(noise, seed)
    batch = _check_batch(s, batch)

    length = bucket(steps)
    dtype = float_dtype()
    mult = np.ones(length, dtype)
    mult[:steps] = sch.values(1.0, steps, schp)
    args = (
        np.asarray(x0, dtype),
        {k: np.asarray(v, dtype) for k, v in hp.items()},
        {k: np.asarray(v, dtype) for k, v in sp.items()},
        mult,
        np.asarray(sigma, dtype),
        np.uint32(seed),
        np.asarray(0 if batch is None else batch, dtype),
    )
    runner = _runner(o, s.kernel, length, sigma > 0.0, batch is not None)
    return Prepared(s, o, sch, steps, hp, sp, schp, sigma, seed, batch, runner, args)


def simulate(
    surface: Surface | str,
    optimizer: Optimizer | str,
    *,
    start: tuple[float, float] | None = None,
    steps: int = 500,
    hparams: Mapping[str, object] | None = None,
    surface_params: Mapping[str, object] | None = None,
    schedule: schedules.Schedule | str = "constant",
    schedule_params: Mapping[str, object] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    batch: int | None = None,
) -> Trajectory:
    """Run ``optimizer`` on ``surface`` for ``steps`` steps from ``start``.

    Unspecified hyperparameters, surface parameters and schedule parameters take their
    defaults; an unknown name, an out-of-range or non-finite value raises ``ValueError``
    naming it. Divergence never raises: it is reported in ``diverged_at``. ``batch`` (data
    surfaces only) takes each gradient on that many sampled examples.
    """
    p = prepare(
        surface,
        optimizer,
        start=start,
        steps=steps,
        hparams=hparams,
        surface_params=surface_params,
        schedule=schedule,
        schedule_params=schedule_params,
        noise=noise,
        seed=seed,
        batch=batch,
    )
    return _trajectory(p, np.asarray(p.runner(*p.args)), p.seed)


def simulate_runs(
    surface: Surface | str,
    runs: Sequence[tuple[Optimizer | str, Mapping[str, object] | None]],
    *,
    start: tuple[float, float] | None = None,
    steps: int = 500,
    surface_params: Mapping[str, object] | None = None,
    schedule: schedules.Schedule | str = "constant",
    schedule_params: Mapping[str, object] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    batch: int | None = None,
) -> list[Trajectory]:
    """Several optimizers on the same surface from the same start, each with its own
    hyperparameters (``runs``: (optimizer, hparams) pairs), in one compiled call: what the
    Compare page shows. Run ``i`` equals ``simulate(..., optimizer=runs[i][0],
    hparams=runs[i][1])`` exactly; the group compiles once per set of optimizers (in any
    order), where ``simulate`` compiles once per optimizer. An optimizer may appear once."""
    if not runs:
        return []
    shared = {
        "start": start,
        "steps": steps,
        "surface_params": surface_params,
        "schedule": schedule,
        "schedule_params": schedule_params,
        "noise": noise,
        "seed": seed,
        "batch": batch,
    }
    prepared = [prepare(surface, o, hparams=hp, **shared) for o, hp in runs]
    names = [p.optimizer.name for p in prepared]
    if len(set(names)) < len(names):
        raise ValueError(f"each optimizer may appear once in a group, got {names}")
    order = sorted(range(len(prepared)), key=lambda i: names[i])  # one compile per set
    first = prepared[0]
    run = _group_runner(
        tuple(prepared[i].optimizer for i in order),
        first.surface.kernel,
        len(first.args[3]),
        first.noise > 0.0,
        first.batch is not None,
    )
    cols = run(first.args[0], tuple(prepared[i].args[1] for i in order), *first.args[2:])
    by_run = dict(zip(order, cols, strict=True))
    return [_trajectory(p, np.asarray(by_run[i]), p.seed) for i, p in enumerate(prepared)]


def spread(
    surface: Surface | str,
    optimizer: Optimizer | str,
    *,
    seeds: Sequence[int],
    start: tuple[float, float] | None = None,
    steps: int = 500,
    hparams: Mapping[str, object] | None = None,
    surface_params: Mapping[str, object] | None = None,
    schedule: schedules.Schedule | str = "constant",
    schedule_params: Mapping[str, object] | None = None,
    noise: float = 0.0,
    batch: int | None = None,
) -> list[Trajectory]:
    """The same run once per seed, in one vmapped call: how much the random draws (sampled
    batches, gradient noise) move the path. Run ``i`` equals ``simulate(..., seed=seeds[i])``."""
    seeds = list(seeds)
    if not 1 <= len(seeds) <= MAX_SPREAD:
        raise ValueError(f"seeds must hold 1 to {MAX_SPREAD} seeds, got {len(seeds)}")
    p = prepare(
        surface,
        optimizer,
        start=start,
        steps=steps,
        hparams=hparams,
        surface_params=surface_params,
        schedule=schedule,
        schedule_params=schedule_params,
        noise=noise,
        seed=seeds[0],
        batch=batch,
    )
    checked = [_check_noise(noise, s)[1] for s in seeds]
    length = len(p.args[3])
    run = _batched_runner(
        p.optimizer, p.surface.kernel, length, p.noise > 0.0, p.batch is not None, "seed"
    )
    args = (*p.args[:5], np.asarray(checked, np.uint32), p.args[6])
    cols = np.asarray(run(*args))
    return [_trajectory(p, cols[k], seed) for k, seed in enumerate(checked)]


def vary(
    surface: Surface | str,
    optimizer: Optimizer | str,
    *,
    param: str,
    values: Sequence[float],
    start: tuple[float, float] | None = None,
    steps: int = 500,
    hparams: Mapping[str, object] | None = None,
    surface_params: Mapping[str, object] | None = None,
    schedule: schedules.Schedule | str = "constant",
    schedule_params: Mapping[str, object] | None = None,
    noise: float = 0.0,
    seed: int = 0,
    batch: int | None = None,
) -> list[Trajectory]:
    """The same run once per value of the hyperparameter ``param``, in one vmapped call: what
    the neighbouring positions of its slider would show. Run ``i`` equals ``simulate(...,
    hparams={**hparams, param: values[i]})`` up to float rounding. Each value is checked like
    any hyperparameter; a count other than the last call's compiles once for that count."""
    values = list(values)
    if not 1 <= len(values) <= MAX_SPREAD:
        raise ValueError(f"values must hold 1 to {MAX_SPREAD} values, got {len(values)}")
    p = prepare(
        surface,
        optimizer,
        start=start,
        steps=steps,
        hparams={**(hparams or {}), param: values[0]},
        surface_params=surface_params,
        schedule=schedule,
        schedule_params=schedule_params,
        noise=noise,
        seed=seed,
        batch=batch,
    )
    checked = [p.optimizer.resolve_hparams({**p.hparams, param: v})[param] for v in values]
    dtype = float_dtype()
    hp = {**p.args[1], param: np.asarray(checked, dtype)}
    length = len(p.args[3])
    run = _batched_runner(
        p.optimizer, p.surface.kernel, length, p.noise > 0.0, p.batch is not None, param
    )
    cols = np.asarray(run(p.args[0], hp, *p.args[2:]))
    return [
        _trajectory(p._replace(hparams={**p.hparams, param: v}), cols[k], p.seed)
        for k, v in enumerate(checked)
    ]


def _trajectory(p: Prepared, cols: np.ndarray, seed: int) -> Trajectory:
    n = p.steps
    cols = cols[:, : n + 1]  # x, y, f
    xy, loss = cols[:2].T.copy(), cols[2].copy()
    diverged_at = _first_divergence(p.surface, cols)
    if diverged_at is not None:
        xy[diverged_at:] = np.nan
        loss[diverged_at:] = np.nan
    return Trajectory(
        surface=p.surface.name,
        optimizer=p.optimizer.name,
        hparams=p.hparams,
        surface_params=p.surface_params,
        schedule=p.schedule.name,
        schedule_params=p.schedule_params,
        noise=p.noise,
        seed=seed,
        xy=xy,
        loss=loss,
        lr=p.hparams["lr"] * p.args[3][:n],
        diverged_at=diverged_at,
        batch=p.batch,
    )
