"""The trajectory engine: one jitted ``lax.scan`` per (optimizer, surface, step bucket).

A run is an optimizer, its hyperparameters and a `RunSpec` (optimizers/spec.py: the surface,
start, steps, schedule, noise, seed, batch, stopping rule, validated once). Every entry point
takes the spec first — ``simulate(spec, optimizer, hparams)`` — or, as a thin wrapper, a
surface and `RunSpec.make`'s keywords.

Everything a slider moves — hyperparameters, the start, surface parameters (κ, θ, α), the η_t
array of the schedule, the noise level and seed, the batch size — is a traced argument
(`RunArgs`), so moving it never recompiles. Only structure is static (`Prepared.structure`):
the optimizer, the surface's kernel, whether noise is on, whether gradients are taken on
sampled batches, and the step count rounded up to a power of two (then sliced).

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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as _replace
from functools import lru_cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from optimizers import _registry, schedules
from optimizers._optimizer import Optimizer
from optimizers.spec import BOUND, MAX_STEPS, RunSpec, box, check_seed
from surfaces import Kernel, Surface

MIN_BUCKET = 64
MAX_SPREAD = 64  # runs in one vmapped spread

__all__ = ["BOUND", "MAX_STEPS", "Prepared", "RunArgs", "RunSpec", "Trajectory"]


@dataclass(frozen=True)
class Trajectory:
    """One optimizer's path. Rows of ``xy`` and ``loss`` are steps; row 0 is the start.

    ``diverged_at`` is the first step whose point or loss is not finite or lies more than
    ``BOUND`` domain widths from the domain: from that row on ``xy`` and ``loss`` are NaN.
    The fields from ``surface_params`` to ``batch`` repeat ``spec``'s, as plain values.
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
    spec: RunSpec | None = None  # the run's configuration, the optimizer and hparams aside

    @property
    def steps(self) -> int:
        return len(self.lr)

    def __getstate__(self) -> dict[str, object]:
        # A spec holding a caller's own Surface (its functions may be local, which do not
        # pickle) stays behind; specs of registered, typed and regularized surfaces are values.
        state = dict(self.__dict__)
        if self.spec is not None and isinstance(self.spec.surface, Surface):
            state["spec"] = None
        return state

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


class RunArgs(NamedTuple):
    """The traced arguments of a compiled run, in the order the runner takes them: moving any
    of them reuses the compiled code."""

    x0: np.ndarray  # (2,) the start
    hparams: dict[str, np.ndarray]  # name -> () (a vmapped one: (K,))
    surface_params: dict[str, np.ndarray]  # name -> ()
    mult: np.ndarray  # (length,) the schedule's m(t), η_t = η·m(t); 1 past the last step
    sigma: np.ndarray  # () the noise's standard deviation
    seed: np.ndarray  # () uint32 (a spread: (K,))
    batch: np.ndarray  # () examples per gradient; 0 when the loss is exact


_NO_AXES = RunArgs(*[None] * len(RunArgs._fields))


@lru_cache(maxsize=64)
def _batched_runner(opt: Optimizer, k: Kernel, length: int, noisy: bool, batched: bool, over: str):
    """`_runner` vmapped over the seed (``over="seed"``: K runs that differ only in their random
    draws) or over one hyperparameter (``over`` its name: K runs that differ in its value)."""
    run = _run_fn(opt, k, length, noisy, batched)
    if over == "seed":
        axes = _NO_AXES._replace(seed=0)
    else:
        axes = _NO_AXES._replace(
            hparams={p.name: (0 if p.name == over else None) for p in opt.hparams}
        )
    return jax.jit(jax.vmap(run, in_axes=tuple(axes)), compiler_options=_compiler_options())


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


def _first_divergence(surface: Surface, cols: np.ndarray) -> int | None:
    """The first column of (x, y, f) ``cols`` that is not finite or lies outside the box."""
    (lx, ly), (hx, hy) = box(surface.domain)
    x, y, f = cols
    # The common case in five contiguous reductions; NaN fails every comparison, so the
    # bounds also catch non-finite points.
    if np.isfinite(f).all() and lx <= x.min() and x.max() <= hx and ly <= y.min() and y.max() <= hy:
        return None
    ok = np.isfinite(f) & (x >= lx) & (x <= hx) & (y >= ly) & (y <= hy)
    return int(np.argmin(ok))


class Prepared(NamedTuple):
    """A validated run: its spec, the surface and optimizer, and the jitted call
    ``runner(*args)`` that `simulate` makes."""

    spec: RunSpec
    surface: Surface
    optimizer: Optimizer
    hparams: dict[str, float]
    runner: Callable
    args: RunArgs

    @property
    def structure(self) -> tuple[Kernel, int, bool, bool]:
        """What compiled code depends on besides the optimizer: (kernel, scan length, noisy,
        batched). Everything else is in ``args``."""
        spec = self.spec
        return self.surface.kernel, len(self.args.mult), spec.noise > 0.0, spec.batch is not None


def as_spec(surface: RunSpec | Surface | str, settings: Mapping[str, object]) -> RunSpec:
    """The keyword form's spec: ``surface`` itself when it is a `RunSpec` (then no settings
    may come with it), else ``RunSpec.make(surface, **settings)``."""
    if isinstance(surface, RunSpec):
        if settings:
            raise TypeError(
                f"a RunSpec carries the run's settings; got {', '.join(sorted(settings))} "
                "as well: pass spec.replace(...) instead"
            )
        return surface
    return RunSpec.make(surface, **settings)


def prepare(
    surface: RunSpec | Surface | str,
    optimizer: Optimizer | str,
    hparams: Mapping[str, object] | None = None,
    **settings: object,
) -> Prepared:
    """Validate everything and build the jitted call; see `simulate` for the arguments."""
    spec = as_spec(surface, settings)
    o = _registry.get(optimizer) if isinstance(optimizer, str) else optimizer
    hp = o.resolve_hparams(hparams)
    s = spec.build()
    length = bucket(spec.steps)
    dtype = float_dtype()
    mult = np.ones(length, dtype)
    mult[: spec.steps] = schedules.get(spec.schedule).values(
        1.0, spec.steps, dict(spec.schedule_params)
    )
    args = RunArgs(
        x0=np.asarray(spec.start, dtype),
        hparams={k: np.asarray(v, dtype) for k, v in hp.items()},
        surface_params={k: np.asarray(v, dtype) for k, v in spec.surface_params},
        mult=mult,
        sigma=np.asarray(spec.noise, dtype),
        seed=np.uint32(spec.seed),
        batch=np.asarray(0 if spec.batch is None else spec.batch, dtype),
    )
    runner = _runner(o, s.kernel, length, spec.noise > 0.0, spec.batch is not None)
    return Prepared(spec, s, o, hp, runner, args)


def simulate(
    surface: RunSpec | Surface | str,
    optimizer: Optimizer | str,
    hparams: Mapping[str, object] | None = None,
    **settings: object,
) -> Trajectory:
    """Run ``optimizer`` with ``hparams`` for the run ``surface`` describes: a `RunSpec`, or a
    surface (a `Surface`, a `surfaces.SurfaceSpec` or a name) with `RunSpec.make`'s keywords
    (``start``, ``steps``, ``surface_params``, ``schedule``, ``schedule_params``, ``noise``,
    ``seed``, ``batch``, ``stop``).

    Unspecified hyperparameters, surface parameters and schedule parameters take their
    defaults; an unknown name, an out-of-range or non-finite value raises ``ValueError``
    naming it. Divergence never raises: it is reported in ``diverged_at``. ``batch`` (data
    surfaces only) takes each gradient on that many sampled examples. The stopping rule is
    not applied here: `optimizers.stopping.stopped` (t, spec.stop) cuts the path.
    """
    p = prepare(surface, optimizer, hparams, **settings)
    return _trajectory(p, np.asarray(p.runner(*p.args)))


def simulate_runs(
    surface: RunSpec | Surface | str,
    runs: Sequence[tuple[Optimizer | str, Mapping[str, object] | None]],
    **settings: object,
) -> list[Trajectory]:
    """Several optimizers on the same surface from the same start, each with its own
    hyperparameters (``runs``: (optimizer, hparams) pairs), in one compiled call: what the
    Compare page shows. Run ``i`` equals ``simulate(spec, runs[i][0], runs[i][1])`` exactly;
    the group compiles once per set of optimizers (in any order), where ``simulate``
    compiles once per optimizer. An optimizer may appear once."""
    if not runs:
        return []
    spec = as_spec(surface, settings)
    prepared = [prepare(spec, o, hp) for o, hp in runs]
    names = [p.optimizer.name for p in prepared]
    if len(set(names)) < len(names):
        raise ValueError(f"each optimizer may appear once in a group, got {names}")
    order = sorted(range(len(prepared)), key=lambda i: names[i])  # one compile per set
    first = prepared[0]
    run = _group_runner(tuple(prepared[i].optimizer for i in order), *first.structure)
    hps = tuple(prepared[i].args.hparams for i in order)
    cols = run(*first.args._replace(hparams=hps))
    by_run = dict(zip(order, cols, strict=True))
    return [_trajectory(p, np.asarray(by_run[i])) for i, p in enumerate(prepared)]


def spread(
    surface: RunSpec | Surface | str,
    optimizer: Optimizer | str,
    hparams: Mapping[str, object] | None = None,
    *,
    seeds: Sequence[int],
    **settings: object,
) -> list[Trajectory]:
    """The same run once per seed, in one vmapped call: how much the random draws (sampled
    batches, gradient noise) move the path. Run ``i`` equals ``simulate(spec.replace(seed=
    seeds[i]), ...)``; the spec's own seed is not used."""
    if "seed" in settings:
        raise TypeError("spread takes its seeds as seeds=[...], not seed=")
    seeds = list(seeds)
    if not 1 <= len(seeds) <= MAX_SPREAD:
        raise ValueError(f"seeds must hold 1 to {MAX_SPREAD} seeds, got {len(seeds)}")
    checked = [check_seed(s) for s in seeds]
    p = prepare(surface, optimizer, hparams, **settings)
    run = _batched_runner(p.optimizer, *p.structure, "seed")
    cols = np.asarray(run(*p.args._replace(seed=np.asarray(checked, np.uint32))))
    # each seed was checked above: the spec of run k is the shared one with its seed
    return [
        _trajectory(p._replace(spec=_replace(p.spec, seed=seed)), cols[k])
        for k, seed in enumerate(checked)
    ]


def vary(
    surface: RunSpec | Surface | str,
    optimizer: Optimizer | str,
    hparams: Mapping[str, object] | None = None,
    *,
    param: str,
    values: Sequence[float],
    **settings: object,
) -> list[Trajectory]:
    """The same run once per value of the hyperparameter ``param``, in one vmapped call: what
    the neighbouring positions of its slider would show. Run ``i`` equals ``simulate(spec,
    optimizer, {**hparams, param: values[i]})`` up to float rounding. Each value is checked
    like any hyperparameter; a count other than the last call's compiles once for that count."""
    values = list(values)
    if not 1 <= len(values) <= MAX_SPREAD:
        raise ValueError(f"values must hold 1 to {MAX_SPREAD} values, got {len(values)}")
    p = prepare(surface, optimizer, {**(hparams or {}), param: values[0]}, **settings)
    checked = [p.optimizer.resolve_hparams({**p.hparams, param: v})[param] for v in values]
    hp = {**p.args.hparams, param: np.asarray(checked, float_dtype())}
    run = _batched_runner(p.optimizer, *p.structure, param)
    cols = np.asarray(run(*p.args._replace(hparams=hp)))
    return [
        _trajectory(p._replace(hparams={**p.hparams, param: v}), cols[k])
        for k, v in enumerate(checked)
    ]


def _trajectory(p: Prepared, cols: np.ndarray) -> Trajectory:
    spec, n = p.spec, p.spec.steps
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
        surface_params=dict(spec.surface_params),
        schedule=spec.schedule,
        schedule_params=dict(spec.schedule_params),
        noise=spec.noise,
        seed=spec.seed,
        xy=xy,
        loss=loss,
        lr=p.hparams["lr"] * p.args.mult[:n],
        diverged_at=diverged_at,
        batch=spec.batch,
        spec=spec,
    )
