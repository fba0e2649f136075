"""Sweeps: one optimizer run from many starts and hyperparameter settings at once.

``sweep`` runs N configurations — N starts, N values of each hyperparameter, or both — with
the same update rules as `simulate` (the registry's ``init``/``update`` under ``jax.vmap``),
the same divergence rule (a point or loss that is not finite, or a point more than ``BOUND``
domain widths from the domain) and the same schedule (η_t = η · m(t), m shared by all N).
Row t of a configuration is (x_t, f(x_t)), t = 0 … steps; for each configuration it keeps

* the final point x_T and loss f(x_T) (NaN when it diverged),
* ``diverged_at``: the first row that is not finite or out of bounds, −1 when none,
* ``hit_at``: the first row with f(x_t) − f* ≤ ``tol`` before any divergence, −1 when none,
* optionally the path at ``path_points`` evenly spaced steps, 0 and T included.

How it runs: configurations are padded to a few stable sizes and processed in chunks of at
most ``chunk`` per call; within a call they are split into blocks of at most ``BLOCK`` that
each run every step before the next block starts, so a block's state stays in the cache.
The update is written for one configuration and vmapped over the block; the loop over
steps runs outside the vmap, so every carried array keeps the block on its last axis
((2, block) rows: one vectorized pass per array and step, no transposes), ∇f is taken for
the whole block at once (the gradient of the sum of its independent losses), and what does
not depend on a varied value — β₁ᵗ when β₁ is shared, the step counter — stays one scalar
per block (found from the jaxprs of ``init`` and ``update``). Divergence and ``hit_at``
live in the carry; nothing is written per step but the path rows. With several JAX
devices the blocks are spread over them (``jax.shard_map`` over a one-axis mesh).
Hyperparameter values, starts, surface parameters, the schedule's multipliers, the step
count, ``tol``, f* and the divergence box are traced, so changing them never recompiles; one
compile per (optimizer, surface kernel, step bucket, padded size, number of path points,
devices, which hyperparameters vary). Keyed on ``surface.kernel``, not the surface: the same
regularization at another α (other minima, another f*) or a typed formula over another domain
reuses the compiled sweep.

The shared settings come as a `RunSpec` (or its keywords: ``steps`` defaults to
``SWEEP_STEPS`` there); its start is the default of ``starts``. Gradient noise, sampled
batches (``batch`` on a data surface) and proximal steps (L1 with ``prox``,
surfaces/regularize.py) are not offered here: a sweep is deterministic, with exact gradients
of ``surface.expr`` (use `simulate` or `spread` for those; such a spec is refused). The L1
subgradient and L2 penalties are smooth enough to sweep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

import surfaces
from optimizers import _registry, engine, metrics, schedules
from optimizers._optimizer import Optimizer
from optimizers.spec import RunSpec, box
from surfaces import Param, Surface

SWEEP_STEPS = 1000  # the keyword form's default step count
MAX_CONFIGS = 1_000_000  # N above this is refused: split the sweep
MAX_PATH_POINTS = 10_000  # per configuration
MAX_PATH_VALUES = 2**26  # N × path_points: 64 Mi points, 512 MiB of float32 paths
DEFAULT_CHUNK = 2**16  # configurations per call when ``chunk`` is None
BLOCK = 1024  # configurations that step together: their state stays in the L2 cache
# At least this many: a block of 8 runs its loop as one XLA:CPU "small call" (a while loop
# whose body moves < 1 KiB), compiled by another code generator that rounds differently
# (FMA contraction), so chunked runs would stop agreeing bit for bit with unchunked ones.
MIN_BLOCK = 64
FAST_CODE_SIZE = 4096  # calls of at least this many configurations get XLA's fusion emitters
_PATH_BYTES_PER_CALL = 2**28  # the default chunk shrinks so that one call's paths fit here
_AXIS = "configs"
NEVER = 2**30  # a step no run reaches: "not diverged", "not within tol" inside the loop


@dataclass(frozen=True)
class Sweep:
    """N runs of one optimizer on one surface. Arrays are NumPy, one row per configuration."""

    surface: str
    optimizer: str
    steps: int
    hparams: dict[str, np.ndarray]  # each (N,) float64: the values used, defaults filled in
    starts: np.ndarray  # (N, 2)
    surface_params: dict[str, float]
    schedule: str
    schedule_params: dict[str, float]
    tol: float | None
    final: np.ndarray  # (N, 2) x_T; NaN rows where diverged
    loss: np.ndarray  # (N,) f(x_T); NaN where diverged
    diverged_at: np.ndarray  # (N,) int: first row not finite or out of bounds, −1 when none
    hit_at: np.ndarray  # (N,) int: first row with f − f* ≤ tol, −1 when none or no tol
    paths: np.ndarray | None  # (N, path_points, 2), NaN from diverged_at on
    path_steps: np.ndarray | None  # (path_points,) the step of each path row
    spec: RunSpec | None = None  # the shared settings (its start: the default of starts)

    @property
    def n(self) -> int:
        return len(self.loss)

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0


# ----------------------------------------------------------------------------- validation


def _check_starts(surface: Surface, starts: object) -> np.ndarray:
    """(N, 2) or (2,) float64, every row finite and inside the divergence box."""
    try:
        a = np.asarray(starts, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"starts must be (x, y) numbers or an (N, 2) array, got {starts!r}"
        ) from None
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != 2 or a.shape[0] == 0:
        raise ValueError(f"starts must be one (x, y) point or an (N, 2) array, got shape {a.shape}")
    bad = ~np.isfinite(a).all(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"starts must be finite; row {i} is ({a[i, 0]}, {a[i, 1]})")
    (lx, ly), (hx, hy) = box(surface.domain)
    out = (a[:, 0] < lx) | (a[:, 0] > hx) | (a[:, 1] < ly) | (a[:, 1] > hy)
    if out.any():
        i = int(np.argmax(out))
        raise ValueError(
            f"starts row {i} ({a[i, 0]:g}, {a[i, 1]:g}) is too far from the domain of "
            f"{surface.name!r}: x must be in [{lx:g}, {hx:g}], y in [{ly:g}, {hy:g}]"
        )
    return a


def _check_values(p: Param, value: object, owner: str) -> np.ndarray | float:
    """A scalar (checked by the parameter itself) or a 1-D array checked element by element."""
    try:
        a = np.asarray(value)
    except (TypeError, ValueError):
        a = np.asarray(None)  # ragged nesting: reported below as not numbers
    if a.ndim == 0:
        return p.check(value, owner)
    if a.dtype.kind not in "fiu":
        raise ValueError(
            f"parameter {p.name!r} of {owner} must be a number or an array of numbers in "
            f"{p.range_text}, got an array of {a.dtype}"
        )
    if a.ndim != 1 or a.size == 0:
        raise ValueError(
            f"parameter {p.name!r} of {owner} must be a scalar or a 1-D array of N values, "
            f"got shape {a.shape}"
        )
    a = a.astype(np.float64)
    checks = (
        (~np.isfinite(a), "must be finite"),
        ((a < p.low) | (a > p.high), f"must be in {p.range_text}"),
        ((a != np.round(a)) if p.integer else np.zeros(a.shape, bool), "must be a whole number"),
    )
    for bad, what in checks:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"parameter {p.name!r} of {owner} {what}, got {a[i]:g} at index {i}")
    return a


def _check_hparams(opt: Optimizer, given: Mapping[str, object] | None) -> dict[str, object]:
    if given is not None and not isinstance(given, Mapping):
        raise ValueError(f"hparams must be a mapping of names to values, got {given!r}")
    given = dict(given or {})
    owner = f"optimizer {opt.name!r}"
    known = {p.name: p for p in opt.hparams}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r} for {owner}; its parameters: {', '.join(known)}"
        )
    return {name: _check_values(p, given.get(name, p.default), owner) for name, p in known.items()}


def _common_n(starts: np.ndarray, hp: Mapping[str, object]) -> int:
    """N: the length shared by the starts (unless one point) and every array hyperparameter."""
    sizes = {"starts": len(starts)} if len(starts) > 1 else {}
    sizes.update({k: len(v) for k, v in hp.items() if isinstance(v, np.ndarray)})
    lengths = set(sizes.values())
    if len(lengths) > 1:
        told = ", ".join(f"{k} has {v}" for k, v in sizes.items())
        raise ValueError(f"starts and hyperparameter arrays must share one length N: {told}")
    n = lengths.pop() if lengths else 1
    if n > MAX_CONFIGS:
        raise ValueError(
            f"a sweep runs at most {MAX_CONFIGS:,} configurations, got {n:,}: split it into "
            "several sweeps"
        )
    return n


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return int(value)


def _check_tol(surface: Surface, tol: object) -> float | None:
    if tol is None:
        return None
    if surface.f_min is None:
        raise ValueError(f"tol needs a known minimum value f*, and {surface.name!r} has none")
    if isinstance(tol, bool) or not isinstance(tol, int | float | np.integer | np.floating):
        raise ValueError(f"tol must be a number ≥ 0 or None, got {tol!r}")
    value = float(tol)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"tol must be a finite number ≥ 0, got {tol!r}")
    return value


def _check_path_points(path_points: object, steps: int, n: int) -> int:
    points = _check_int("path_points", path_points, 0, min(MAX_PATH_POINTS, steps + 1))
    if points == 1:
        raise ValueError("path_points must be 0 (no paths) or at least 2 (the start and the end)")
    if n * points > MAX_PATH_VALUES:
        raise ValueError(
            f"paths of {n:,} configurations × {points} points exceed {MAX_PATH_VALUES:,} points: "
            "ask for fewer path_points or fewer configurations"
        )
    return points


def _check_devices(devices: Sequence[jax.Device] | None) -> tuple[jax.Device, ...]:
    if devices is None:
        return tuple(jax.devices())
    try:
        found = tuple(devices)
    except TypeError:
        raise ValueError(f"devices must be a sequence of JAX devices, got {devices!r}") from None
    if not found or not all(isinstance(d, jax.Device) for d in found):
        raise ValueError(f"devices must be a non-empty sequence of JAX devices, got {devices!r}")
    if len(set(found)) != len(found):
        raise ValueError("devices must not repeat a device")
    return found


# ----------------------------------------------------------------------------- layout


def _layout(n: int, chunk: int, n_devices: int) -> tuple[int, int, int]:
    """(calls, padded configurations per call, block size) for n configurations.

    Every call gets the same padded size, so a sweep compiles once. Sizes come from a short
    list — powers of two from ``MIN_BLOCK`` up to a block per device, then a number of blocks
    with four significant bits (at most 12.5 % padding) — so nearby N share a compile.
    """
    calls = -(-n // chunk)
    per_device = -(-n // (calls * n_devices))
    if per_device <= BLOCK:
        block = max(MIN_BLOCK, 1 << (per_device - 1).bit_length())
        return calls, block * n_devices, block
    blocks = -(-per_device // BLOCK)
    shift = max(0, blocks.bit_length() - 4)
    blocks = -(-blocks >> shift) << shift
    return calls, blocks * BLOCK * n_devices, BLOCK


def _pad(a: np.ndarray, size: int) -> np.ndarray:
    """``a`` grown to ``size`` rows by repeating its first row (a valid configuration)."""
    if len(a) == size:
        return a
    return np.concatenate([a, np.repeat(a[:1], size - len(a), axis=0)])


# ----------------------------------------------------------------------------- the kernel


def _compiler_options(size: int) -> dict[str, object] | None:
    # XLA:CPU's fusion emitters made the step loop about 1.5× faster and its compile about
    # 2× slower (Adam on Rosenbrock, 2-core x86 machine): worth it only for big calls. The
    # results are the same bit for bit either way (tests/test_sweep.py, chunked runs).
    options = dict(engine._compiler_options() or {}) if size < FAST_CODE_SIZE else {}
    if jax.default_backend() == "cpu":
        # Region-based copy insertion sees that the step's readers of x and of the counter
        # all run before their update, so it drops the two copies XLA otherwise makes of them
        # every step (about 7 % of the step, same results bit for bit).
        options["xla_cpu_copy_insertion_use_region_analysis"] = True
    return options or None


@lru_cache(maxsize=64)
def _mesh(devices: tuple[jax.Device, ...]) -> Mesh:
    return Mesh(np.array(devices), (_AXIS,))


def _dependence(fn, args: tuple):
    """``fn(*args)``'s jaxpr and, given which input leaves vary per configuration, which
    output leaves do: an equation with a varying input has varying outputs, as under vmap."""
    import jax.extend.core as jex_core  # on use: it imports Pallas, 15 ms of every app start

    jaxpr = jax.make_jaxpr(lambda *a: jax.tree.leaves(fn(*a)))(*args).jaxpr

    def outputs(varying: Sequence[bool]) -> list[bool]:
        mapped = {v for v, b in zip(jaxpr.invars, varying, strict=True) if b}
        for eqn in jaxpr.eqns:
            if any(isinstance(v, jex_core.Var) and v in mapped for v in eqn.invars):
                mapped.update(eqn.outvars)
        return [isinstance(v, jex_core.Var) and v in mapped for v in jaxpr.outvars]

    return outputs


def _carry_axes(init, step, x0, varied, shared, others):
    """vmap axes for the carry of one configuration: −1 (the block's last axis) for a leaf
    that depends on the point or a varied hyperparameter, None for one that stays a single
    value for the whole block (β₁ᵗ when β₁ is shared). ``init(x0, varied, shared)`` makes the
    carry and ``step(carry, varied, *others)`` advances it; a leaf varies when ``init``
    makes it from a varying input or ``step`` does, from the point, a varied value or a
    varying leaf: a fixed point, found from the two jaxprs."""
    carry = init(x0, varied, shared)
    n_v = len(jax.tree.leaves(varied))
    n_o = len(jax.tree.leaves(others))
    varying = _dependence(init, (x0, varied, shared))(
        [True] * (len(jax.tree.leaves(x0)) + n_v) + [False] * len(jax.tree.leaves(shared))
    )
    through_step = _dependence(step, (carry, varied, *others))
    while True:
        grown = [
            a or b
            for a, b in zip(
                varying, through_step(varying + [True] * n_v + [False] * n_o), strict=True
            )
        ]
        if grown == varying:
            return carry, jax.tree.unflatten(
                jax.tree.structure(carry), [-1 if b else None for b in varying]
            )
        varying = grown


@lru_cache(maxsize=128)
def _runner(
    opt: Optimizer,
    k: surfaces.Kernel,
    length: int,
    size: int,
    block: int,
    segments: int,
    record: bool,
    track_hit: bool,
    devices: tuple[jax.Device, ...],
):
    """The jitted sweep of ``size`` configurations (per call) over ``devices``.

    Arguments: starts (size, 2); ``varied`` hyperparameters {name: (size,)}; ``shared`` ones
    {name: ()}; surface parameters {name: ()}; the schedule's multipliers (length,); the
    segment boundaries ``marks`` (segments + 1,); ``limits`` (6,): the divergence box (lx,
    ly, hx, hy), f* and tol, traced so that another α or domain reuses the compiled sweep.
    """

    def check(t, x, loss, div_at, hit_at, limits):
        # engine._first_divergence's rule; NaN fails every comparison. Each record is the
        # minimum over the steps that qualify (NEVER when none): cheaper than a select.
        lx, ly, hx, hy, f_min, tol = (limits[i] for i in range(6))
        ok = jnp.isfinite(loss) & (x[0] >= lx) & (x[0] <= hx) & (x[1] >= ly) & (x[1] <= hy)
        div_at = jnp.minimum(div_at, jnp.where(ok, NEVER, t))
        if track_hit:
            near = (div_at == NEVER) & (loss - f_min <= tol)
            hit_at = jnp.minimum(hit_at, jnp.where(near, t, NEVER))
        return div_at, hit_at

    def loss_fn(sp):
        return partial(k.expr, **sp) if sp else k.expr

    def init_one(x0, varied, shared):
        never = jnp.array(NEVER, jnp.int32)
        return x0, opt.init(x0, shared | varied), never, never

    def update_one(carry, loss, g, varied, t, shared, sp, mult, limits):
        """One configuration's step given f(x) and ∇f(x), exactly `simulate`'s."""
        x, state, div_at, hit_at = carry
        hp = shared | varied
        div_at, hit_at = check(t, x, loss, div_at, hit_at, limits)
        direction, state = opt.update(g, state, x, hp, loss_fn(sp))
        return x - hp["lr"] * mult[t] * direction, state, div_at, hit_at

    def step_one(carry, varied, t, shared, sp, mult, limits):
        """One configuration's whole step (what `_carry_axes` reads; the loop runs `step`)."""
        loss, g = jax.value_and_grad(loss_fn(sp))(carry[0])
        return update_one(carry, loss, g, varied, t, shared, sp, mult, limits)

    def finish_one(x, div_at, hit_at, sp, t, limits):
        loss = loss_fn(sp)(x)
        div_at, hit_at = check(t, x, loss, div_at, hit_at, limits)
        return loss, jnp.where(div_at == NEVER, -1, div_at), jnp.where(hit_at == NEVER, -1, hit_at)

    def run_block(x0, varied, shared, sp, mult, marks, limits):
        """One block, configurations on the last axis: x0 (2, block), varied {name: (block,)}.

        The loop over steps runs outside the vmap, so every carried array keeps the block on
        its last axis ((2, block) rows, vectorized across configurations), and whatever does
        not depend on a varied value — β₁ᵗ when β₁ is shared — stays one scalar per block.
        """
        _, axes = _carry_axes(
            init_one,
            step_one,
            x0[:, 0],
            {k: v[0] for k, v in varied.items()},
            shared,
            (jnp.int32(0), shared, sp, mult, limits),
        )
        carry = jax.vmap(init_one, in_axes=(-1, -1, None), out_axes=axes)(x0, varied, shared)
        update = jax.vmap(
            update_one, in_axes=(axes, -1, -1, -1, None, None, None, None, None), out_axes=axes
        )

        def step(carry, varied, t, shared, sp, mult, limits):
            # f and ∇f for the whole block, x as (2, block) rows: configurations are
            # independent, so the gradient of the sum is each one's own gradient, and the
            # pads that transpose f's ``x, y = xy`` stay in the rows' layout. Differentiating
            # each configuration under the vmap instead pads (block, 2) arrays and transposes
            # them back every step (about 15 % slower).
            f = jax.vmap(loss_fn(sp), in_axes=-1)

            def total(x):
                losses = f(x)
                return jnp.sum(losses), losses

            g, loss = jax.grad(total, has_aux=True)(carry[0])
            return update(carry, loss, g, varied, t, shared, sp, mult, limits)

        def segment(carry, k):
            carry = jax.lax.fori_loop(
                marks[k],
                marks[k + 1],
                lambda t, c: step(c, varied, t, shared, sp, mult, limits),
                carry,
            )
            return carry, carry[0] if record else None

        (x, _, div_at, hit_at), rows = jax.lax.scan(segment, carry, jnp.arange(segments))
        # hit_at stays a scalar when tol is not tracked: vmap broadcasts it back to the block
        finish = jax.vmap(finish_one, in_axes=(-1, axes[2], axes[3], None, None, None))
        loss, div_at, hit_at = finish(x, div_at, hit_at, sp, marks[-1], limits)
        return x, loss, div_at, hit_at, rows  # rows (segments, 2, block)

    def run(x0, varied, shared, sp, mult, marks, limits):
        """Blocks in sequence: (configs, ...) in, (configs, ...) out; paths (segments, configs, 2)."""
        n = x0.shape[0]
        nb = n // block
        xs = (
            jnp.transpose(x0.reshape(nb, block, 2), (0, 2, 1)),
            {k: v.reshape(nb, block) for k, v in varied.items()},
        )
        if nb == 1:  # one block: no loop around it (less to compile)
            out = run_block(
                xs[0][0], {k: v[0] for k, v in xs[1].items()}, shared, sp, mult, marks, limits
            )
            out = jax.tree.map(lambda a: a[None], out)
        else:
            out = jax.lax.map(lambda a: run_block(*a, shared, sp, mult, marks, limits), xs)
        x, loss, div_at, hit_at, rows = out
        flat = (
            jnp.transpose(x, (0, 2, 1)).reshape(n, 2),
            loss.reshape(n),
            div_at.reshape(n),
            hit_at.reshape(n),
        )
        if record:
            rows = jnp.transpose(rows, (1, 0, 3, 2)).reshape(segments, n, 2)
        return (*flat, rows)

    if len(devices) == 1:
        return jax.jit(run, compiler_options=_compiler_options(size))
    split, whole = P(_AXIS), P()
    sharded = jax.shard_map(
        run,
        mesh=_mesh(devices),
        in_specs=(split, split, whole, whole, whole, whole, whole),
        out_specs=(split, split, split, split, P(None, _AXIS) if record else whole),
        check_vma=False,  # every configuration is independent: nothing crosses devices
    )
    return jax.jit(sharded, compiler_options=_compiler_options(size))


# ----------------------------------------------------------------------------- the sweep


def sweep(
    surface: RunSpec | Surface | str,
    optimizer: Optimizer | str,
    *,
    starts: object = None,
    hparams: Mapping[str, object] | None = None,
    tol: float | None = None,
    path_points: int = 0,
    chunk: int | None = None,
    devices: Sequence[jax.Device] | None = None,
    **settings: object,
) -> Sweep:
    """Run ``optimizer`` for N configurations at once, sharing the rest of the run ``surface``
    describes: a `RunSpec`, or a surface with `RunSpec.make`'s keywords (``steps`` defaults to
    ``SWEEP_STEPS`` here; ``surface_params``, ``schedule``, ``schedule_params``).

    ``starts`` is one (x, y) point, shared by all, or an (N, 2) array (default: the spec's
    start); each hyperparameter is a scalar, shared, or an array of N values; unspecified ones
    take their defaults. ``tol`` records ``hit_at``, the first step t with f(x_t) − f* ≤ tol
    (the surface must know f*). ``path_points`` > 1 also keeps each path at that many evenly
    spaced steps, 0 and ``steps`` included. ``chunk`` caps the configurations per device call
    (memory); results do not depend on it, nor on ``devices`` (default: all of
    ``jax.devices()``, sharded when more than one).

    Every value is checked, arrays element by element: a bad one is a ``ValueError`` naming
    the parameter (and the index). N is at most ``MAX_CONFIGS``. Divergence never raises.
    """
    if not isinstance(surface, RunSpec):
        settings.setdefault("steps", SWEEP_STEPS)
    spec = engine.as_spec(surface, settings)
    s = spec.build()
    if s.prox is not None:
        raise ValueError(
            f"surface {s.name!r} takes a proximal step after each update, which sweeps do not "
            "run: use simulate, or the regularization without the proximal step"
        )
    if spec.noise > 0.0 or spec.batch is not None:
        raise ValueError(
            "a sweep runs exact gradients: noise and batch are not offered here (use spread)"
        )
    o = _registry.get(optimizer) if isinstance(optimizer, str) else optimizer
    steps = spec.steps
    x0 = _check_starts(s, spec.start if starts is None else starts)
    hp = _check_hparams(o, hparams)
    n = _common_n(x0, hp)
    tol = _check_tol(s, tol)
    points = _check_path_points(path_points, steps, n)
    if chunk is None:
        chunk = (
            DEFAULT_CHUNK
            if not points
            else min(DEFAULT_CHUNK, max(BLOCK, _PATH_BYTES_PER_CALL // (8 * points)))
        )
    chunk = _check_int("chunk", chunk, 1, MAX_CONFIGS)
    devs = _check_devices(devices)

    starts_n = np.broadcast_to(x0, (n, 2)) if len(x0) == 1 else x0
    hp_n = {k: np.broadcast_to(np.asarray(v, np.float64), (n,)) for k, v in hp.items()}
    path_steps = np.round(np.linspace(0, steps, points)).astype(np.int64) if points else None
    marks = path_steps if points else np.array([0, steps], np.int64)

    calls, size, block = _layout(n, chunk, len(devs))
    length = engine.bucket(steps)
    dtype = engine.float_dtype()
    mult = np.ones(length, dtype)
    mult[:steps] = schedules.get(spec.schedule).values(1.0, steps, dict(spec.schedule_params))
    track = tol is not None
    runner = _runner(o, s.kernel, length, size, block, len(marks) - 1, bool(points), track, devs)
    varied = {k: hp_n[k] for k, v in hp.items() if isinstance(v, np.ndarray)}
    (lx, ly), (hx, hy) = box(s.domain)
    f_min = 0.0 if s.f_min is None else s.f_min
    shared = (
        {k: np.asarray(v, dtype) for k, v in hp.items() if not isinstance(v, np.ndarray)},
        {k: np.asarray(v, dtype) for k, v in spec.surface_params},
        mult,
        marks.astype(np.int32),
        np.array([lx, ly, hx, hy, f_min, 0.0 if tol is None else tol], dtype),
    )
    final, loss, div_at, hit_at, rows = _run_calls(
        runner, _placer(devs), shared, starts_n, varied, calls, size, dtype
    )
    div_at = div_at.astype(np.int64)
    hit_at = hit_at.astype(np.int64)
    diverged = div_at >= 0
    final[diverged] = np.nan
    loss[diverged] = np.nan
    paths = None
    if points:
        paths = np.empty((n, points, 2), dtype)
        paths[:, 0] = starts_n
        paths[:, 1:] = np.moveaxis(rows, 0, 1)
        paths[diverged[:, None] & (path_steps[None, :] >= div_at[:, None])] = np.nan
    return Sweep(
        surface=s.name,
        optimizer=o.name,
        steps=steps,
        hparams={k: np.array(v) for k, v in hp_n.items()},
        starts=np.array(starts_n),
        surface_params=dict(spec.surface_params),
        schedule=spec.schedule,
        schedule_params=dict(spec.schedule_params),
        tol=tol,
        final=final,
        loss=loss,
        diverged_at=div_at,
        hit_at=hit_at,
        paths=paths,
        path_steps=path_steps,
        spec=spec,
    )


def _run_calls(runner, put, shared, starts, hp, calls, size, dtype) -> list[np.ndarray]:
    """Every call dispatched before any result is read, so NumPy's padding of the next chunk
    overlaps the device's work; then the results, unpadded and joined: final, loss,
    diverged_at, hit_at and the path rows (points − 1, N, 2) (empty without paths)."""
    n = len(starts)
    per_call = -(-n // calls)
    pending = []
    for c in range(calls):
        part = slice(c * per_call, min(n, (c + 1) * per_call))
        args = (
            _pad(np.asarray(starts[part], dtype), size),
            {k: _pad(np.asarray(v[part], dtype), size) for k, v in hp.items()},
        )
        pending.append((part.stop - part.start, runner(*put(args), *shared)))
    joined = [np.concatenate([np.asarray(r[i])[:count] for count, r in pending]) for i in range(4)]
    rows = [r[4] for _, r in pending]
    if rows[0] is None:
        return [*joined, np.empty((0, n, 2), dtype)]
    return [
        *joined,
        np.concatenate(
            [np.asarray(r)[:, :count] for (count, _), r in zip(pending, rows, strict=True)], axis=1
        ),
    ]


def _placer(devices: tuple[jax.Device, ...]):
    """Puts per-configuration arguments where the runner wants them: split over the mesh."""
    if len(devices) == 1:
        return lambda args: jax.device_put(args, devices[0])
    sharding = NamedSharding(_mesh(devices), P(_AXIS))
    return lambda args: jax.device_put(args, sharding)


def sweep_basins(surface: Surface | str, res: Sweep, radius: float | None = None) -> np.ndarray:
    """For each configuration, the minimum it ended within ``radius`` of.

    Minima are ``surface.minima + surface.local_minima``, indexed in that order. −1: the final
    point is within ``radius`` of none (not converged); −2: the run diverged. ``radius``
    defaults to the tolerance of `optimizers.metrics`: ``metrics.TOLERANCE`` times the
    domain's larger side.
    """
    s = surfaces.get(surface) if isinstance(surface, str) else surface
    if not isinstance(res, Sweep):
        raise ValueError(f"res must be the Sweep that optimizers.sweep returned, got {type(res)}")
    if res.surface != s.name:
        raise ValueError(f"res is a sweep on {res.surface!r}, not on {s.name!r}")
    (x0, x1), (y0, y1) = s.domain
    if radius is None:
        radius = metrics.TOLERANCE * max(x1 - x0, y1 - y0)
    elif isinstance(radius, bool) or not (
        isinstance(radius, int | float | np.integer | np.floating)
        and math.isfinite(radius)
        and radius > 0
    ):
        raise ValueError(f"radius must be a finite number > 0, got {radius!r}")
    labels = np.full(res.n, -1, np.int64)
    minima = np.array(s.minima + s.local_minima, np.float64).reshape(-1, 2)
    if len(minima):
        final = res.final.astype(np.float64)
        dist = np.linalg.norm(final[:, None, :] - minima[None, :, :], axis=2)  # (N, minima)
        nearest = np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=1)
        close = dist[np.arange(res.n), nearest] <= radius
        labels[close] = nearest[close]
    labels[res.diverged] = -2
    return labels
