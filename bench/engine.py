"""Engine benchmark: warm run time against the usual alternatives, and compile cost.

    python bench/engine.py              # full report (5 to 9 minutes on 2 shared cores)
    python bench/engine.py --quick      # smoke run for CI (well under a minute)

1. Warm time of ``optimizers.simulate("rosenbrock", "adam", steps=1000)`` next to the loop a
   student would write instead: plain NumPy with the analytic gradient, and
   ``torch.optim.Adam`` with autograd. Same start, same hyperparameters, same outputs (the
   path and the loss at every step); the final points are compared so the race is honest.
2. Each optimizer's first-call cost, measured in fresh subprocesses: the whole first
   ``simulate`` call, and separately trace + lower and the XLA compile, with the engine's
   compiler options and with JAX's defaults. Then the Compare page's first view (SGD,
   Momentum, RMSProp, Adam, 500 steps on Rosenbrock) as one ``simulate_runs`` call, next to
   four ``simulate`` calls, again each in fresh processes, alternating.
3. The issue's targets, PASS or MISS.

Timings are medians (and p90) over repeats on shared, noisy cores: read ratios, not single
numbers. This is a report: it never asserts on time and always exits 0.
"""

from __future__ import annotations

import argparse
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
from optimizers import engine

STEPS = 1000
START = (-1.5, 2.0)
LR, BETA1, BETA2, EPS = 0.01, 0.9, 0.999, 1e-8
TARGET_SPEEDUP = 50.0  # simulate vs the NumPy loop
TARGET_COMPILE_MS = 150.0  # XLA compile, per optimizer
QUICK_OPTIMIZERS = ("adam", "newton")
PAGE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")  # the Compare page's defaults
PAGE_STEPS = 500  # the headline one and the heaviest to compile
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"  # fired once per XLA compile


# ---------------------------------------------------------------------------------------
# 1. Warm run time against the usual alternatives
# ---------------------------------------------------------------------------------------


def rosenbrock_np(x: float, y: float) -> float:
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def numpy_adam(steps: int = STEPS, lr: float = LR) -> tuple[np.ndarray, np.ndarray]:
    """The loop a student writes: float64 NumPy, analytic gradient, path and loss recorded."""
    x = np.array(START)
    m = np.zeros(2)
    v = np.zeros(2)
    xs = np.empty((steps + 1, 2))
    loss = np.empty(steps + 1)
    for t in range(1, steps + 1):
        a, b = x
        xs[t - 1] = x
        loss[t - 1] = rosenbrock_np(a, b)
        g = np.array([-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)])
        m = BETA1 * m + (1.0 - BETA1) * g
        v = BETA2 * v + (1.0 - BETA2) * g * g
        x = x - lr * (m / (1.0 - BETA1**t)) / (np.sqrt(v / (1.0 - BETA2**t)) + EPS)
    xs[steps] = x
    loss[steps] = rosenbrock_np(*x)
    return xs, loss


def make_torch_adam() -> tuple[str, Callable[..., tuple[np.ndarray, np.ndarray]]] | None:
    """(label, loop) for torch.optim.Adam, or None when torch does not import."""
    try:
        import torch
    except ImportError:
        return None

    def torch_adam(steps: int = STEPS, lr: float = LR) -> tuple[np.ndarray, np.ndarray]:
        """torch.optim.Adam on a float32 2-vector, autograd for the gradient."""
        p = torch.tensor(START, dtype=torch.float32, requires_grad=True)
        opt = torch.optim.Adam([p], lr=lr, betas=(BETA1, BETA2), eps=EPS)
        xs = torch.empty(steps + 1, 2)  # preallocated: cheaper than a list of copies
        loss = torch.empty(steps + 1)
        for t in range(steps):
            opt.zero_grad()
            x, y = p
            f = (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2
            f.backward()
            with torch.no_grad():
                xs[t] = p
                loss[t] = f
            opt.step()
        with torch.no_grad():
            xs[steps] = p
            loss[steps] = (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2
        return xs.numpy(), loss.numpy()

    return f"torch.optim.Adam {torch.__version__} (f32)", torch_adam


def simulate_adam(lr: float = LR) -> tuple[np.ndarray, np.ndarray]:
    hp = {"lr": lr, "beta1": BETA1, "beta2": BETA2, "eps": EPS}
    t = optimizers.simulate("rosenbrock", "adam", start=START, steps=STEPS, hparams=hp)
    return t.xy, t.loss


class CompileCounter:
    """Counts XLA compiles through JAX's monitoring events."""

    def __init__(self) -> None:
        self.count = 0
        jax.monitoring.register_event_duration_secs_listener(self._on_event)

    def _on_event(self, event: str, duration: float, **kwargs: object) -> None:
        if event == COMPILE_EVENT:
            self.count += 1


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) milliseconds. Wall time is what a user waits. CPU time sums this process's
    threads: it grows much less than wall time when other processes crowd the shared cores,
    and it can exceed wall time where XLA compiles on two threads."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w0) * 1e3, (time.process_time() - c0) * 1e3


def ms(x: float) -> str:
    return f"{x:8.2f} ms" if x < 100 else f"{x:8.1f} ms"


def runner_and_args(name: str, length: int, hparams: dict[str, float] | None):
    """The engine's jitted scan for ``name`` on rosenbrock, and its arguments exactly as
    ``engine.simulate`` builds them (noise off)."""
    spec = optimizers.RunSpec.make("rosenbrock", start=START, steps=length)
    p = engine.prepare(spec, name, hparams)
    return p.runner, p.args  # args: an engine.RunArgs, called as runner(*args)


def warm_section(repeats: int) -> tuple[float, float]:
    """Prints the warm-run comparison; returns simulate's speed-up over the NumPy loop
    (wall, CPU)."""
    print(f"1. Warm run: Adam on rosenbrock, {STEPS} steps, start {START}")
    print(
        f"   lr {LR}, β₁ {BETA1}, β₂ {BETA2}, ε {EPS:g}; {repeats} timed repeats in "
        f"{min(3, max(1, repeats // 5))} round(s), each after a warm-up call"
    )
    print("   (every contender returns the path and the loss at every step)")
    counter = CompileCounter()
    sim, loop = "simulate (jit + lax.scan)", "NumPy loop (float64)"
    contenders: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
        sim: simulate_adam,
        loop: numpy_adam,
    }
    torch_adam = make_torch_adam()
    if torch_adam is not None:
        label, fn = torch_adam
        contenders[label] = fn

    # Rounds of one block per contender, so a load spike on the shared cores or a slow drift
    # hits every contender alike. Each block starts with an untimed call: timing single calls
    # interleaved with the 30 ms loops would measure simulate's 0.3 ms with cold caches, not
    # its warm time. The very first calls, at exactly the reference lr, give the paths
    # compared below. lr moves a little each repeat: a traced argument, so no recompile.
    before = counter.count
    paths = {name: fn() for name, fn in contenders.items()}
    warmup_compiles = counter.count - before
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    timed_compiles = 0
    rounds = min(3, max(1, repeats // 5))  # --quick: one
    for r in range(rounds):
        block = range(r * repeats // rounds, (r + 1) * repeats // rounds)
        for name, fn in contenders.items():
            fn()
            before = counter.count
            for i in block:
                lr = LR * (1.0 + 1e-3 * (i + 1))
                times[name].append(timed(lambda fn=fn, lr=lr: fn(lr=lr)))
            if name == sim:
                timed_compiles += counter.count - before

    wall = {name: float(np.median([w for w, _ in ts])) for name, ts in times.items()}
    cpu = {name: float(np.median([c for _, c in ts])) for name, ts in times.items()}
    print()
    print(f"   {'':34s} {'median':>11s} {'p90':>11s} {'median CPU':>11s}   alternative / simulate")
    for name, ts in times.items():
        p90 = float(np.percentile([w for w, _ in ts], 90))
        ratio = ""
        if name != sim:
            ratio = f"{wall[name] / wall[sim]:6.0f}× (CPU {cpu[name] / cpu[sim]:.0f}×)"
        print(f"   {name:34s} {ms(wall[name])} {ms(p90)} {ms(cpu[name])}   {ratio}")
    if torch_adam is None:
        print(f"   {'torch.optim.Adam':34s} torch not installed")
    print()
    for name in contenders:
        if name != sim:
            what = "the NumPy loop" if name == loop else "torch.optim.Adam"
            print(f"   simulate is {wall[name] / wall[sim]:.0f}× faster than {what}")

    # Where simulate's time goes: the jitted scan alone, against the whole call.
    jitted, args = runner_and_args("adam", engine.bucket(STEPS), {"lr": LR})
    scan = [timed(lambda: jax.block_until_ready(jitted(*args)))[0] for _ in range(repeats + 1)]
    scan_ms = float(np.median(scan[1:]))
    print(
        f"   of simulate's {wall[sim]:.2f} ms, the jitted lax.scan alone takes {scan_ms:.2f} ms; "
        "the rest is its Python"
    )
    print("   around it (validation, schedule array, slicing, divergence check)")
    if warmup_compiles == 0:
        print(f"   XLA compiles: not counted (no {COMPILE_EVENT!r} events from this jax)")
    else:
        verdict = "no recompilation" if timed_compiles == 0 else "RECOMPILED"
        print(
            f"   XLA compiles: {warmup_compiles} in the warm-up call, {timed_compiles} in the "
            f"{repeats} timed calls with varying lr ({verdict})"
        )

    # Honesty check: same start, same hyperparameters, so the same path up to rounding.
    ref = paths[sim][0]
    print(
        "   final points (same start and hyperparameters; simulate runs in "
        f"{engine.float_dtype()}):"
    )
    for name, (xy, _) in paths.items():
        d_end = float(np.max(np.abs(xy[-1] - ref[-1])))
        d_path = float(np.max(np.abs(xy - ref)))
        diff = "" if name == sim else f"  max |Δ| {d_end:.1e}, whole path {d_path:.1e}"
        print(f"     {name:34s} ({xy[-1, 0]:.6f}, {xy[-1, 1]:.6f}){diff}")
    print()
    return wall[loop] / wall[sim], cpu[loop] / cpu[sim]


# ---------------------------------------------------------------------------------------
# 2. First-call and compile cost, each in a fresh process
# ---------------------------------------------------------------------------------------


def child(mode: str, name: str, default_first: bool) -> dict[str, float]:
    """One measurement in this (fresh) process; the parent runs it as a subprocess.

    JAX start-up (the first jit of anything) is paid first by an unrelated function, so it is
    not charged to the optimizer; it is reported on its own.
    """
    jax.config.update("jax_enable_compilation_cache", False)  # every compile is a real one
    out: dict[str, float] = {}

    def unrelated(x):
        def body(c, _):
            v, g = jax.value_and_grad(lambda z: jnp.sum(jnp.cos(z) ** 2))(c)
            return c - 0.1 * g, v

        return jax.lax.scan(body, x, None, length=8)

    t0 = time.perf_counter()
    jax.block_until_ready(jax.jit(unrelated)(jnp.ones(2, jnp.float32)))
    out["startup"] = (time.perf_counter() - t0) * 1e3

    if mode == "page":  # the Compare page's first view, "group" or "each" (in ``name``)
        runs = [(n, None) for n in PAGE_OPTIMIZERS]

        def page() -> object:
            if name == "group":
                return optimizers.simulate_runs("rosenbrock", runs, steps=PAGE_STEPS)
            return [optimizers.simulate("rosenbrock", n, steps=PAGE_STEPS) for n, _ in runs]

        with_events: list[float] = []

        def listener(event: str, duration: float, **kwargs: object) -> None:
            if event == COMPILE_EVENT:
                with_events.append(duration)

        jax.monitoring.register_event_duration_secs_listener(listener)
        out["first"], out["first_cpu"] = timed(page)
        out["compiles"] = float(len(with_events))
        out["compile"] = sum(with_events) * 1e3
        return out

    if mode == "first":  # surface and optimizer by name, as the CLI calls it
        out["first"], out["first_cpu"] = timed(
            lambda: optimizers.simulate("rosenbrock", name, start=START, steps=STEPS)
        )
        return out

    jitted, args = runner_and_args(name, engine.bucket(STEPS), None)
    lowered = None

    def lower() -> None:
        nonlocal lowered
        lowered = jitted.lower(*args)

    out["lower"], out["lower_cpu"] = timed(lower)
    # The engine's jit carries its compiler options; a plain jit of the same function gets
    # JAX's defaults. Same module, different options: no in-memory cache hit between them.
    # Whichever compiles second finds LLVM warmer, so the parent alternates the order.
    plain = jax.jit(jitted.__wrapped__).lower(*args) if engine._compiler_options() else None
    order = [("default", plain), ("compile", lowered)]
    for key, low in order if default_first else order[::-1]:
        if low is not None:
            out[key], out[f"{key}_cpu"] = timed(low.compile)
    return out


def run_child(mode: str, name: str, default_first: bool) -> dict[str, float] | str:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", mode, name]
    if default_first:
        cmd.append("--default-first")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "timed out"
    if p.returncode != 0:
        return (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
    return json.loads(p.stdout.strip().splitlines()[-1])


def compile_section(names: list[str], procs: int, quick: bool) -> dict[str, dict[str, float]]:
    """Prints the per-optimizer table; returns the median compile (wall, CPU) and first-call
    ms per optimizer."""
    print(
        f"2. First call and compile per optimizer: rosenbrock, {STEPS} steps "
        f"(bucket {engine.bucket(STEPS)}), default hyperparameters"
    )
    print(f"   median of {procs} fresh subprocess(es) per optimizer and measurement; the first")
    print("   simulate call and the lower/compile split run in separate processes, so neither")
    print(
        "   finds the other's work cached"
        + (f"; --quick: only {', '.join(names)}" if quick else "")
    )
    print()
    failures: list[str] = []
    # Optimizers inside, repeats outside: a drift in the machine's load spreads over all.
    results: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for rep in range(procs):
        for i, name in enumerate(names):
            for mode in ("first", "compile"):
                r = run_child(mode, name, default_first=(i + rep) % 2 == 1)
                if isinstance(r, str):
                    failures.append(f"{name} ({mode}): {r}")
                    continue
                for key, val in r.items():
                    results[name].setdefault(key, []).append(val)

    def med(name: str, key: str) -> float:
        vals = results[name].get(key)
        return float(np.median(vals)) if vals else float("nan")

    print(
        f"   {'optimizer':10s} {'first call':>11s} {'trace+lower':>12s} {'compile':>10s} "
        f"{'(CPU)':>10s} {'XLA defaults':>12s} {'(CPU)':>10s}  defaults/engine  "
        f"< {TARGET_COMPILE_MS:.0f} ms"
    )
    ratios, ratios_cpu = [], []
    for name in names:
        comp, dflt = med(name, "compile"), med(name, "default")
        comp_cpu, dflt_cpu = med(name, "compile_cpu"), med(name, "default_cpu")
        if np.isfinite(comp) and np.isfinite(dflt):
            ratios.append(dflt / comp)
            ratios_cpu.append(dflt_cpu / comp_cpu)
            ratio = f"{dflt / comp:4.2f}× (CPU {dflt_cpu / comp_cpu:4.2f}×)"
        else:
            ratio = "n/a"
        verdict = "" if not np.isfinite(comp) else ("yes" if comp < TARGET_COMPILE_MS else "NO")
        print(
            f"   {name:10s} {med(name, 'first'):8.1f} ms {med(name, 'lower'):9.1f} ms "
            f"{comp:7.1f} ms {comp_cpu:7.1f} ms {dflt:9.1f} ms {dflt_cpu:7.1f} ms  "
            f"{ratio:>15s}  {verdict}"
        )
    startup = [v for r in results.values() for v in r.get("startup", [])]
    print()
    print("   first call = the whole first simulate(): trace, lower, compile and run")
    print(f"   compile = lowered.compile() with the engine's options {engine._compiler_options()}")
    print("   XLA defaults = the same function, lowered under a plain jax.jit")
    print("   (CPU) = process time over all threads; it exceeds wall time where XLA compiles on")
    print("   two threads at once")
    if startup:
        print(
            "   one-time JAX start-up per process (first jit of anything, not counted above): "
            f"median {np.median(startup):.0f} ms"
        )
    if ratios:
        print(
            f"   XLA defaults compile {np.median(ratios):.2f}× as long as the engine's options "
            f"(CPU {np.median(ratios_cpu):.2f}×; median over optimizers, wall range "
            f"{min(ratios):.2f}×–{max(ratios):.2f}×)"
        )
    for f in failures:
        print(f"   FAILED {f}")
    print()

    def medians(key: str) -> dict[str, float]:
        return {n: med(n, key) for n in names if np.isfinite(med(n, key))}

    return {key: medians(key) for key in ("compile", "compile_cpu", "first")}


def page_section(procs: int) -> None:
    """The Compare page's first view: its four runs in one compiled group against four
    compiled runners, each measured in fresh processes (alternating)."""
    print(
        f"2b. The Compare page's first view: {', '.join(PAGE_OPTIMIZERS)} on rosenbrock, "
        f"{PAGE_STEPS} steps, as one simulate_runs call or four simulate calls"
    )
    print(f"   median of {procs} fresh subprocesses each, alternating")
    results: dict[str, dict[str, list[float]]] = {"group": {}, "each": {}}
    for _ in range(procs):
        for how in ("each", "group"):
            r = run_child("page", how, default_first=False)
            if isinstance(r, str):
                print(f"   FAILED {how}: {r}")
                continue
            for key, val in r.items():
                results[how].setdefault(key, []).append(val)

    def med(how: str, key: str) -> float:
        vals = results[how].get(key)
        return float(np.median(vals)) if vals else float("nan")

    for how, label in (("each", "four simulate calls"), ("group", "one simulate_runs call")):
        print(
            f"   {label:24s} first call {med(how, 'first'):6.1f} ms (CPU {med(how, 'first_cpu'):6.1f})"
            f", {med(how, 'compiles'):.0f} XLA compile(s) totalling {med(how, 'compile'):6.1f} ms"
        )
    ratio = med("each", "first") / med("group", "first")
    print(f"   one group takes {1 / ratio:.2f}× the time of four runners ({ratio:.2f}× faster)")
    print()


# ---------------------------------------------------------------------------------------
# 3. Targets
# ---------------------------------------------------------------------------------------


def targets(speedup: tuple[float, float], costs: dict[str, dict[str, float]], quick: bool) -> None:
    print("3. Targets (judged on wall-clock medians; CPU-time readings alongside)")
    wall, cpu = speedup
    verdict = "PASS" if wall >= TARGET_SPEEDUP else "MISS"
    print(
        f"   {verdict}  simulate ≥ {TARGET_SPEEDUP:.0f}× faster than the NumPy loop: "
        f"{wall:.0f}× (CPU {cpu:.0f}×)"
    )
    compiles, compiles_cpu, firsts = costs["compile"], costs["compile_cpu"], costs["first"]
    if compiles:
        over = [n for n, v in compiles.items() if v >= TARGET_COMPILE_MS]
        over_cpu = [n for n, v in compiles_cpu.items() if v >= TARGET_COMPILE_MS]
        worst = max(compiles, key=compiles.__getitem__)
        worst_cpu = max(compiles_cpu, key=compiles_cpu.__getitem__)
        verdict = "MISS" if over else "PASS"
        scope = " (quick subset)" if quick else ""
        n = len(compiles)
        print(
            f"   {verdict}  XLA compile < {TARGET_COMPILE_MS:.0f} ms per optimizer{scope}: "
            f"{n - len(over)}/{n} under, worst {worst} {compiles[worst]:.0f} ms"
        )
        if over:
            print(f"         over: {', '.join(over)}")
        print(
            f"         CPU time: {n - len(over_cpu)}/{n} under, worst {worst_cpu} "
            f"{compiles_cpu[worst_cpu]:.0f} ms"
        )
    if firsts:
        worst = max(firsts, key=firsts.__getitem__)
        print(
            "   (for reference, not a target: the whole first call is at most "
            f"{firsts[worst]:.0f} ms, {worst})"
        )


def _load() -> tuple[float, str]:
    """The 1-minute load average, and all three as text."""
    try:
        avg = os.getloadavg()
    except (AttributeError, OSError):  # not on every platform
        return 0.0, "unknown"
    return avg[0], " / ".join(f"{x:.2f}" for x in avg) + " (1 / 5 / 15 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats (default 15)")
    parser.add_argument(
        "--procs", type=int, default=3, help="fresh processes per optimizer (default 3)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"fast smoke run for CI: 3 repeats, 1 process, only {', '.join(QUICK_OPTIMIZERS)}",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "OPT"), help=argparse.SUPPRESS)
    parser.add_argument("--default-first", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        mode, name = args.child
        print(json.dumps(child(mode, name, args.default_first)))
        return 0

    t0 = time.perf_counter()
    repeats = min(args.repeats, 3) if args.quick else args.repeats
    procs = 1 if args.quick else args.procs
    names = list(optimizers.names())
    if args.quick:
        names = [n for n in QUICK_OPTIMIZERS if n in names]
    print("Optiscape engine benchmark" + (" (--quick)" if args.quick else ""))
    load_start, text = _load()
    print(f"   load average {text} on {os.cpu_count()} CPUs")
    print(
        f"   Python {platform.python_version()}, jax {jax.__version__} on "
        f"{jax.default_backend()}, numpy {np.__version__}, {platform.machine()}"
    )
    print()
    speedup = warm_section(max(1, repeats))
    costs = compile_section(names, max(1, procs), args.quick)
    page_section(max(1, procs) if args.quick else max(3, procs) * 2 - 1)
    targets(speedup, costs, args.quick)
    print()
    load_end, text = _load()
    print(f"load average {text}")
    if max(load_start, load_end) > (os.cpu_count() or 1):
        print(
            "more runnable processes than CPUs during this run: wall times are inflated; "
            "CPU times less so (a busy sibling core still slows them)"
        )
    print(f"bench took {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
