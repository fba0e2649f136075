"""The engine's golden outputs: a handful of runs through each entry point, as arrays.

``tests/data/engine_golden.npz`` was recorded with this script from the engine before the
RunSpec refactor (commit c894f59), through the keyword entry points; tests/test_run_spec.py
checks that the spec-based entry points reproduce it bit for bit. Re-record it (only when a
change to the numbers is intended, and say so in the commit) with

    python tests/engine_golden.py

Each case is (name, entry point, arguments): ``surface`` is a registered name or a
``("reg", base, kind, alpha, prox)`` / ``("formula", text)`` description, built by `surface`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import optimizers
import surfaces

PATH = Path(__file__).parent / "data" / "engine_golden.npz"

FORMULA = "x**2 + 10*y**2 + sin(3*x)"
_RNG = np.random.default_rng(20240501)
SWEEP_STARTS = _RNG.uniform(-2.0, 2.0, (12, 2)).round(3)
SWEEP_LRS = np.geomspace(1e-4, 0.2, 12).round(6)

CASES: list[tuple[str, str, dict]] = [
    (
        "analytic",
        "simulate",
        {
            "surface": "rosenbrock",
            "optimizer": "adam",
            "steps": 120,
            "hparams": {"lr": 0.01},
            "start": (-1.5, 2.0),
        },
    ),
    (
        "noisy",
        "simulate",
        {
            "surface": "himmelblau",
            "optimizer": "sgd",
            "steps": 100,
            "hparams": {"lr": 0.005},
            "noise": 0.3,
            "seed": 7,
        },
    ),
    (
        "batch",
        "simulate",
        {"surface": "linreg_standardized", "optimizer": "sgd", "steps": 80, "batch": 4, "seed": 3},
    ),
    (
        "schedule",
        "simulate",
        {
            "surface": "valley",
            "optimizer": "momentum",
            "steps": 150,
            "surface_params": {"kappa": 50.0, "theta": 20.0},
            "schedule": "cosine",
            "schedule_params": {"alpha": 0.1},
        },
    ),
    (
        "diverging",
        "simulate",
        {"surface": "rosenbrock", "optimizer": "sgd", "steps": 60, "hparams": {"lr": 0.1}},
    ),
    (
        "l1_prox",
        "simulate",
        {
            "surface": ("reg", "himmelblau", "l1", 0.5, True),
            "optimizer": "adam",
            "steps": 100,
            "hparams": {"lr": 0.05},
        },
    ),
    (
        "l1_sub",
        "simulate",
        {"surface": ("reg", "booth", "l1", 0.8, False), "optimizer": "rmsprop", "steps": 100},
    ),
    (
        "l2",
        "simulate",
        {
            "surface": ("reg", "valley", "l2", 0.3, False),
            "optimizer": "newton",
            "steps": 70,
            "surface_params": {"kappa": 20.0, "reg_alpha": 0.3},
        },
    ),
    (
        "formula",
        "simulate",
        {
            "surface": ("formula", FORMULA),
            "optimizer": "nesterov",
            "steps": 100,
            "start": (2.0, 1.5),
        },
    ),
    (
        "group",
        "simulate_runs",
        {
            "surface": "rosenbrock",
            "steps": 100,
            "noise": 0.1,
            "seed": 2,
            "runs": [("sgd", {"lr": 0.001}), ("momentum", None), ("adam", {"lr": 0.02})],
        },
    ),
    (
        "spread",
        "spread",
        {
            "surface": "linreg_standardized",
            "optimizer": "sgd",
            "steps": 64,
            "batch": 5,
            "seeds": [0, 1, 2],
        },
    ),
    (
        "vary",
        "vary",
        {
            "surface": "rosenbrock",
            "optimizer": "adam",
            "steps": 80,
            "param": "lr",
            "values": [0.001, 0.01, 0.05],
        },
    ),
    (
        "sweep",
        "sweep",
        {
            "surface": "rosenbrock",
            "optimizer": "adam",
            "steps": 100,
            "starts": SWEEP_STARTS,
            "hparams": {"lr": SWEEP_LRS},
            "tol": 0.1,
            "path_points": 11,
        },
    ),
    (
        "sweep_l2",
        "sweep",
        {
            "surface": ("reg", "himmelblau", "l2", 0.2, False),
            "optimizer": "momentum",
            "steps": 90,
            "starts": SWEEP_STARTS,
            "hparams": {"lr": 0.005},
            "tol": 0.01,
        },
    ),
    (
        "sweep_l1",
        "sweep",
        {
            "surface": ("reg", "booth", "l1", 0.5, False),
            "optimizer": "sgd",
            "steps": 90,
            "starts": (1.0, -1.0),
            "hparams": {"lr": SWEEP_LRS},
            "schedule": "exponential",
        },
    ),
]


def surface(desc: object) -> surfaces.Surface | str:
    """The surface a case names, as the keyword entry points take it."""
    if isinstance(desc, str):
        return desc
    kind, *rest = desc  # type: ignore[misc]
    if kind == "formula":
        return surfaces.from_formula(rest[0])
    base, penalty, alpha, prox = rest
    return surfaces.regularize(surfaces.get(base), penalty, alpha, prox=prox)


def trajectory_arrays(prefix: str, t: optimizers.Trajectory) -> dict[str, np.ndarray]:
    return {
        f"{prefix}.xy": t.xy,
        f"{prefix}.loss": t.loss,
        f"{prefix}.lr": t.lr,
        f"{prefix}.diverged_at": np.array(-1 if t.diverged_at is None else t.diverged_at),
    }


def sweep_arrays(prefix: str, res: optimizers.Sweep) -> dict[str, np.ndarray]:
    out = {f"{prefix}.{k}": getattr(res, k) for k in ("final", "loss", "diverged_at", "hit_at")}
    if res.paths is not None:
        out[f"{prefix}.paths"] = res.paths
    return out


def run_case(entry: str, args: dict, engine=optimizers) -> list:
    """The case's result(s) through the keyword entry points of ``engine``."""
    args = {**args, "surface": surface(args["surface"])}
    result = getattr(engine, entry)(**args)
    return result if isinstance(result, list) else [result]


def arrays(results: dict[str, list]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, items in results.items():
        for i, r in enumerate(items):
            convert = sweep_arrays if isinstance(r, optimizers.Sweep) else trajectory_arrays
            out.update(convert(f"{name}.{i}", r))
    return out


def record() -> dict[str, np.ndarray]:
    return arrays({name: run_case(entry, args) for name, entry, args in CASES})


if __name__ == "__main__":
    found = record()
    PATH.parent.mkdir(exist_ok=True)
    np.savez_compressed(PATH, **found)
    print(f"wrote {PATH}: {len(found)} arrays, {PATH.stat().st_size / 1024:.0f} kB")
