"""Sweep benchmark: optimizer-steps per second of ``optimizers.sweep`` against the usual
alternatives, measured in the same run.

    python bench/sweep.py            # full report: N = 10⁴ and 10⁵ (a few minutes)
    python bench/sweep.py --quick    # smoke run for CI (well under a minute)

1. Adam on Rosenbrock, N configurations (a start and an η each) × 1,000 steps, every
   contender returning the final points, final losses and a divergence flag:
   * ``optimizers.sweep`` on one JAX CPU device (this process);
   * ``optimizers.sweep`` sharded over two host devices: this script re-run in a subprocess
     with ``XLA_FLAGS=--xla_force_host_platform_device_count=2`` (set before JAX starts);
   * the same sweep built from ``optax.adam`` (``inject_hyperparams`` for a per-run η) under
     ``jax.vmap`` inside one jitted ``lax.scan``: what one would write with optax;
   * a NumPy loop over the steps, vectorized over N (float32, analytic gradient).
   The final points are compared, so the race is honest.
1b. The same against optax with β₁ and β₂ per configuration (an η × β heatmap), where
   optax's bias correction takes βᵗ as a power per configuration and step and the sweep keeps
   running products.
2. The Tune page's case: 200 η values × 4 optimizers (sgd, momentum, rmsprop, adam) ×
   1,000 steps, warm.
3. The targets, PASS or MISS.

Timings are medians over repeats on shared, noisy cores; process CPU time is printed beside
wall time (it moves much less when other processes crowd the cores). A report: it never
asserts on time and always exits 0.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import optimizers

sweep_module = importlib.import_module("optimizers.sweep")

STEPS = 1000
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
TARGET_RATE = 5e8  # optimizer-steps per second
TARGET_OVER_OPTAX = 4.0
TARGET_TUNE_MS = 300.0
TUNE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
TUNE_N = 200
_BOX = 50.0  # Rosenbrock's domain is [-2, 2] × [-1, 3]: BOUND widths around it, roughly


def configurations(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n starts in Rosenbrock's domain and n values of η, log-spaced in [1e-3, 3e-2]."""
    rng = np.random.default_rng(0)
    starts = np.stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)], axis=1)
    return starts, np.geomspace(1e-3, 3e-2, n)


# ---------------------------------------------------------------------------------------
# Contenders: each returns (final (n, 2), loss (n,), diverged (n,)) as NumPy
# ---------------------------------------------------------------------------------------


def betas(n: int) -> tuple[np.ndarray, np.ndarray]:
    """β₁ and β₂ per configuration, as an η × β heatmap (the Tune page's) varies them."""
    rng = np.random.default_rng(1)
    return rng.uniform(0.8, 0.99, n), rng.uniform(0.99, 0.9999, n)


def run_sweep_betas(starts: np.ndarray, lrs: np.ndarray) -> tuple[np.ndarray, ...]:
    b1, b2 = betas(len(lrs))
    hp = {"lr": lrs, "beta1": b1, "beta2": b2}
    res = optimizers.sweep("rosenbrock", "adam", starts=starts, hparams=hp, steps=STEPS)
    return res.final, res.loss, res.diverged


def make_optax_betas_sweep() -> Callable[..., tuple[np.ndarray, ...]] | None:
    """optax.adam under vmap with β₁, β₂ per configuration: its bias correction takes the
    power βᵗ for every configuration at every step, where the sweep keeps running products."""
    made = _optax_adam_sweep(per_config_betas=True)
    return None if made is None else made[1]


def betas_section(sizes: list[int], repeats: int) -> dict[str, float]:
    """The same race with β₁ and β₂ varying per configuration too."""
    print("1b. The same, with β₁ ∈ [0.8, 0.99] and β₂ ∈ [0.99, 0.9999] per configuration too")
    print("   (an η × β heatmap): optax then takes βᵗ as a power per configuration and step")
    print()
    optax_betas = make_optax_betas_sweep()
    if optax_betas is None:
        print("   optax is not installed: skipped")
        return {}
    contenders = {"sweep, 1 device": run_sweep_betas, "optax adam under vmap": optax_betas}
    head: dict[str, float] = {}
    for n in sizes:
        med, outputs = race(contenders, n, repeats)
        print(f"   N = {n:,}")
        table(n, med, "optax adam under vmap")
        ref, out = outputs["sweep, 1 device"], outputs["optax adam under vmap"]
        both = ~ref[2] & ~out[2]
        diff = float(np.max(np.abs(out[0][both] - ref[0][both]))) if both.any() else 0.0
        print(f"     optax: final points max |Δ| {diff:.1e}")
        head[f"over optax betas {n}"] = med["optax adam under vmap"][0] / med["sweep, 1 device"][0]
    print()
    return head


def run_sweep(starts: np.ndarray, lrs: np.ndarray) -> tuple[np.ndarray, ...]:
    res = optimizers.sweep("rosenbrock", "adam", starts=starts, hparams={"lr": lrs}, steps=STEPS)
    return res.final, res.loss, res.diverged


def make_optax_sweep() -> tuple[str, Callable[..., tuple[np.ndarray, ...]]] | None:
    return _optax_adam_sweep(per_config_betas=False)


def _optax_adam_sweep(
    per_config_betas: bool,
) -> tuple[str, Callable[..., tuple[np.ndarray, ...]]] | None:
    """(name, run): Adam from optax under vmap in one jitted scan; η per configuration, and β₁,
    β₂ too when ``per_config_betas`` (from `betas`), else the shared BETA1 and BETA2."""
    try:
        import optax
    except ImportError:
        return None

    def rosenbrock(p):
        return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2

    def one(x0, lr, b1, b2):
        opt = optax.inject_hyperparams(optax.adam)(learning_rate=lr, b1=b1, b2=b2, eps=EPS)

        def step(carry, _):
            x, state, bad = carry
            loss, g = jax.value_and_grad(rosenbrock)(x)
            bad = bad | ~jnp.isfinite(loss) | jnp.any(jnp.abs(x) > _BOX)
            updates, state = opt.update(g, state, x)
            return (optax.apply_updates(x, updates), state, bad), None

        (x, _, bad), _ = jax.lax.scan(step, (x0, opt.init(x0), False), None, length=STEPS)
        loss = rosenbrock(x)
        return x, loss, bad | ~jnp.isfinite(loss)

    axes = (0, 0, 0, 0) if per_config_betas else (0, 0, None, None)
    jitted = jax.jit(jax.vmap(one, in_axes=axes))

    def run(starts: np.ndarray, lrs: np.ndarray) -> tuple[np.ndarray, ...]:
        f32 = np.float32
        b1, b2 = betas(len(lrs)) if per_config_betas else (BETA1, BETA2)
        x, loss, bad = jitted(
            starts.astype(f32), lrs.astype(f32), np.asarray(b1, f32), np.asarray(b2, f32)
        )
        return np.asarray(x), np.asarray(loss), np.asarray(bad)

    return f"optax {optax.__version__}: adam under vmap", run


def run_numpy(starts: np.ndarray, lrs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Adam, vectorized over N in float32 NumPy, the analytic gradient written out."""
    f32 = np.float32
    x, y = starts[:, 0].astype(f32), starts[:, 1].astype(f32)
    lr = lrs.astype(f32)
    mx, my, vx, vy = (np.zeros_like(x) for _ in range(4))
    bad = np.zeros(len(x), bool)
    b1t = b2t = f32(1.0)
    b1, b2, eps = f32(BETA1), f32(BETA2), f32(EPS)
    with np.errstate(all="ignore"):
        for _ in range(STEPS):
            r = y - x * x
            loss = (1 - x) ** 2 + 100 * r * r
            bad |= ~np.isfinite(loss) | (np.abs(x) > _BOX) | (np.abs(y) > _BOX)
            gx = -2 * (1 - x) - 400 * x * r
            gy = 200 * r
            mx = b1 * mx + (1 - b1) * gx
            my = b1 * my + (1 - b1) * gy
            vx = b2 * vx + (1 - b2) * gx * gx
            vy = b2 * vy + (1 - b2) * gy * gy
            b1t, b2t = b1t * b1, b2t * b2
            x = x - lr * (mx / (1 - b1t)) / (np.sqrt(vx / (1 - b2t)) + eps)
            y = y - lr * (my / (1 - b1t)) / (np.sqrt(vy / (1 - b2t)) + eps)
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return np.stack([x, y], axis=1), loss, bad | ~np.isfinite(loss)


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds; CPU sums this process's threads."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def race(
    contenders: dict[str, Callable[..., tuple[np.ndarray, ...]]], n: int, repeats: int
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[np.ndarray, ...]]]:
    """Median (wall, CPU) seconds per contender, in rounds so load spikes hit all alike;
    and each contender's outputs (from its warm-up call)."""
    starts, lrs = configurations(n)
    outputs = {name: fn(starts, lrs) for name, fn in contenders.items()}  # warm-up, compile
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            times[name].append(timed(lambda fn=fn: fn(starts, lrs)))
    med = {
        name: (float(np.median([w for w, _ in ts])), float(np.median([c for _, c in ts])))
        for name, ts in times.items()
    }
    return med, outputs


def child(sizes: list[int], repeats: int) -> dict[str, object]:
    """In a process started with two host devices: the sharded sweep against the optax sweep
    (which runs on one device), raced in the same rounds; median (wall, CPU) per N."""
    out: dict[str, object] = {"devices": jax.device_count()}
    contenders: dict[str, Callable[..., tuple[np.ndarray, ...]]] = {"sweep": run_sweep}
    optax_sweep = make_optax_sweep()
    if optax_sweep is not None:
        contenders["optax"] = optax_sweep[1]
    for n in sizes:
        med, _ = race(contenders, n, repeats)
        out[str(n)] = med
    return out


def sharded_times(sizes: list[int], repeats: int) -> dict[str, object] | str:
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    cmd = [sys.executable, os.path.abspath(__file__), "--child", ",".join(map(str, sizes))]
    cmd += ["--repeats", str(repeats)]
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return "timed out"
    if p.returncode != 0:
        return (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
    return json.loads(p.stdout.strip().splitlines()[-1])


def rate(n: int, seconds: float) -> str:
    return f"{n * STEPS / seconds:9.3g}"


def table(n: int, rows: dict[str, tuple[float, float]], optax_name: str | None) -> None:
    print(f"   {'':40s} {'steps/s':>9s} {'(CPU)':>9s} {'median':>10s}   optax / it")
    for name, (wall, cpu) in rows.items():
        ratio = ""
        if optax_name in rows:
            ratio = f"{rows[optax_name][0] / wall:8.2f}×"
        print(f"   {name:40s} {rate(n, wall)} {rate(n, cpu)} {wall * 1e3:7.0f} ms   {ratio}")


def throughput_section(sizes: list[int], repeats: int) -> dict[str, float]:
    """Prints the races; returns the headline numbers for the targets."""
    print(f"1. Adam on rosenbrock, N configurations × {STEPS} steps (η log-spaced in [1e-3, 3e-2])")
    print(
        f"   steps/s = N × {STEPS} / median wall time of {repeats} repeats, after a warm-up call;"
    )
    print("   contenders in one table run in the same rounds, so their ratio is fair")
    print()
    sharded = sharded_times(sizes, repeats)
    contenders: dict[str, Callable[..., tuple[np.ndarray, ...]]] = {
        "sweep, 1 device": run_sweep,
    }
    optax_sweep = make_optax_sweep()
    optax_name = None if optax_sweep is None else optax_sweep[0]
    if optax_sweep is not None:
        contenders[optax_sweep[0]] = optax_sweep[1]
    contenders["NumPy, vectorized over N (f32)"] = run_numpy
    head: dict[str, float] = {}
    for n in sizes:
        med, outputs = race(contenders, n, repeats)
        print(f"   N = {n:,}, this process (one CPU device)")
        table(n, med, optax_name)
        ref = outputs["sweep, 1 device"]
        for name, out in outputs.items():
            if name.startswith("sweep"):
                continue
            both = ~ref[2] & ~out[2]
            diff = float(np.max(np.abs(out[0][both] - ref[0][both]))) if both.any() else 0.0
            flags = int(np.sum(ref[2] != out[2]))
            print(f"     {name}: final points max |Δ| {diff:.1e}, divergence flags differ: {flags}")
        print(f"     diverged: {int(ref[2].sum())} of {n}")
        best = {"sweep": med["sweep, 1 device"], "optax": med.get(optax_name or "", (np.nan,) * 2)}
        if isinstance(sharded, dict) and str(n) in sharded:
            two = {k: tuple(v) for k, v in sharded[str(n)].items()}  # type: ignore[union-attr]
            print(f"   N = {n:,}, a subprocess with two host devices (sweep sharded; optax on one)")
            names = {"sweep": "sweep, 2 host devices", "optax": optax_name or "optax"}
            table(n, {names[k]: v for k, v in two.items()}, optax_name)
            if two["sweep"][0] < best["sweep"][0]:
                best = {"sweep": two["sweep"], "optax": two.get("optax", (np.nan,) * 2)}
        print()
        head[f"sweep {n}"] = n * STEPS / best["sweep"][0]
        head[f"over optax {n}"] = best["optax"][0] / best["sweep"][0]
    if isinstance(sharded, str):
        print(f"   sweep on 2 host devices: FAILED ({sharded})")
    elif sharded.get("devices") != 2:
        print(f"   sweep subprocess saw {sharded.get('devices')} device(s), not 2")
    return head


def tune_section(repeats: int) -> float:
    """The Tune page: 200 η × 4 optimizers × 1000 steps, warm. Returns the median ms."""
    s = "rosenbrock"
    lrs = {name: np.geomspace(1e-5, 1.0, TUNE_N) for name in TUNE_OPTIMIZERS}

    def tune() -> None:
        for name in TUNE_OPTIMIZERS:
            optimizers.sweep(s, name, starts=(-1.5, 2.0), hparams={"lr": lrs[name]}, tol=1e-3)

    first, _ = timed(tune)
    times = [timed(tune) for _ in range(max(3, repeats))]
    wall = float(np.median([w for w, _ in times])) * 1e3
    cpu = float(np.median([c for _, c in times])) * 1e3
    print(
        f"2. Tune page: {TUNE_N} η × {len(TUNE_OPTIMIZERS)} optimizers "
        f"({', '.join(TUNE_OPTIMIZERS)}) × {STEPS} steps on {s}, tol 1e-3"
    )
    print(f"   warm median {wall:.0f} ms (CPU {cpu:.0f} ms); first call, compiling, {first:.1f} s")
    print()
    return wall


def targets(head: dict[str, float], tune_ms: float, sizes: list[int]) -> None:
    print("3. Targets (wall-clock medians; the faster of one and two devices, and the optax")
    print("   ratio from the same race)")
    for n in sizes:
        r = head.get(f"sweep {n}", float("nan"))
        verdict = "PASS" if r >= TARGET_RATE else "MISS"
        print(f"   {verdict}  N = {n:,}: ≥ {TARGET_RATE:.0e} steps/s: {r:.3g}")
        for key, what in (("over optax", ""), ("over optax betas", ", β per configuration")):
            ratio = head.get(f"{key} {n}", float("nan"))
            if np.isfinite(ratio):
                verdict = "PASS" if ratio >= TARGET_OVER_OPTAX else "MISS"
                print(
                    f"   {verdict}  N = {n:,}: ≥ {TARGET_OVER_OPTAX:.0f}× the optax sweep{what}: "
                    f"{ratio:.2f}×"
                )
    verdict = "PASS" if tune_ms < TARGET_TUNE_MS else "MISS"
    print(f"   {verdict}  Tune page warm < {TARGET_TUNE_MS:.0f} ms: {tune_ms:.0f} ms")


def _load() -> tuple[float, str]:
    try:
        avg = os.getloadavg()
    except (AttributeError, OSError):
        return 0.0, "unknown"
    return avg[0], " / ".join(f"{x:.2f}" for x in avg) + " (1 / 5 / 15 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run for CI: N = 4096 only")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child([int(n) for n in args.child.split(",")], args.repeats)))
        return 0

    t0 = time.perf_counter()
    sizes = [4096] if args.quick else [10_000, 100_000]
    repeats = 2 if args.quick else max(1, args.repeats)
    print("Optiscape sweep benchmark" + (" (--quick)" if args.quick else ""))
    load_start, text = _load()
    print(f"   load average {text} on {os.cpu_count()} CPUs")
    print(
        f"   Python {platform.python_version()}, jax {jax.__version__} on "
        f"{jax.default_backend()}, numpy {np.__version__}, {platform.machine()}; "
        f"sweep blocks of {sweep_module.BLOCK}"
    )
    print()
    try:
        head = throughput_section(sizes, repeats)
        head.update(betas_section(sizes, repeats))
        tune_ms = tune_section(repeats)
        targets(head, tune_ms, sizes)
    except Exception as exc:  # a report: say what broke, still exit 0
        print(f"benchmark failed: {type(exc).__name__}: {exc}")
    print()
    load_end, text = _load()
    print(f"load average {text}")
    if max(load_start, load_end) > (os.cpu_count() or 1):
        print("more runnable processes than CPUs during this run: wall times are inflated")
    print(f"bench took {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
