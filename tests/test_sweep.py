"""`optimizers.sweep`: N runs at once, checked run by run against `optimizers.simulate`.

The reference is `simulate` itself — the one-run engine that the rest of the suite checks
against optax, torch and closed forms — called once per configuration. Sweeps and
`simulate` compile different programs, so float32 rounding may differ in the last place
(XLA:CPU contracts a·b + c into one FMA within a fusion, so where fusions end decides the
rounding); where a configuration amplifies that (a chaotic, exploding or barely diverging
run), the comparison asks for a witness: nudging the start and η by a few ulps moves
`simulate` itself as far.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest
from compiles import count_compiles  # tests/compiles.py

import optimizers
import surfaces

STEPS = 100  # one step bucket (128) for most sweeps here: one compile per optimizer
SURFACES = ("rosenbrock", "himmelblau", "beale", "six_hump_camel", "valley")
N_SAMPLED = 30
EARLY = 10  # rows that must agree for every configuration, chaotic or not
NUDGE = 2.0**-20  # relative nudge of the start or η in the chaos witness (~8 float32 ulps)


def _close(a: np.ndarray, b: np.ndarray, scale: float) -> bool:
    return bool(np.allclose(a, b, rtol=1e-4, atol=1e-5 * scale))


def _sample(opt: optimizers.Optimizer, surface: surfaces.Surface, n: int, seed: int):
    """n random starts in the domain, hyperparameters across their ranges (log ones
    log-uniform); η around its default, with a few at its maximum so some runs diverge."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.domain
    starts = np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1)
    hp = {}
    for p in opt.hparams:
        if p.name == "lr":
            lo, hi = max(p.low, p.default / 100), min(p.high, p.default * 10)
            values = np.exp(rng.uniform(math.log(lo), math.log(hi), n))
            values[:3] = p.high
        elif p.log:
            values = np.exp(rng.uniform(math.log(p.low), math.log(p.high), n))
        else:
            values = rng.uniform(p.low, p.high, n)
        hp[p.name] = values
    return starts, hp


def _early_close(a: np.ndarray, b: np.ndarray, scale: float) -> bool:
    return bool(np.allclose(a, b, rtol=1e-5, atol=1e-6 * scale))


def _moves(s, opt, start, given, t, nudge_start, nudge_lr, scale, early) -> bool:
    """Whether simulate, nudged, ends out of tolerance of its own unnudged run ``t`` — or,
    when ``early`` rows are given, leaves them out of the early tolerance."""
    lr = given["lr"] * (1 + nudge_lr)
    low, high = next((p.low, p.high) for p in opt.hparams if p.name == "lr")
    if not low <= lr <= high:  # η at the edge of its range: this nudge is not allowed
        return False
    nudged = optimizers.simulate(
        s, opt, start=tuple(start * (1 + nudge_start)), steps=STEPS, hparams=given | {"lr": lr}
    )
    if early:
        return not _early_close(nudged.xy[:early], t.xy[:early], scale)
    return nudged.diverged_at != t.diverged_at or not _close(nudged.xy[-1], t.xy[-1], scale)


@pytest.mark.parametrize("name", optimizers.names())
def test_sweep_agrees_with_simulate_run_by_run(name):
    opt = optimizers.get(name)
    s = surfaces.get(SURFACES[optimizers.names().index(name) % len(SURFACES)])
    starts, hp = _sample(opt, s, N_SAMPLED, seed=len(name))
    res = optimizers.sweep(s, opt, starts=starts, hparams=hp, steps=STEPS, path_points=STEPS + 1)
    assert res.n == N_SAMPLED and res.paths.shape == (N_SAMPLED, STEPS + 1, 2)
    (x0, x1), _ = s.domain
    scale = x1 - x0
    sensitive = 0
    for k in range(N_SAMPLED):
        given = {p: float(v[k]) for p, v in hp.items()}
        t = optimizers.simulate(s, opt, start=tuple(starts[k]), steps=STEPS, hparams=given)
        ref_div = -1 if t.diverged_at is None else t.diverged_at
        # Every run: the first rows agree to rounding, whatever happens later (unless the
        # run multiplies a rounding difference many times a step: the witness below).
        early = min(EARLY, STEPS + 1 if ref_div < 0 else ref_div)
        early_ok = _early_close(res.paths[k, :early], t.xy[:early], scale)
        agrees = (
            early_ok
            and res.diverged_at[k] == ref_div
            and (
                ref_div >= 0
                or (_close(res.final[k], t.xy[-1], scale) and _close(res.loss[k], t.loss[-1], 1.0))
            )
        )
        if agrees:
            continue
        # Otherwise simulate itself must be that sensitive: the witness is a nudge of a few
        # ulps to the start or to η (which enters every step, as rounding does) that moves
        # simulate's own result — its first rows, if those disagreed — out of tolerance.
        # Sensitivity has a direction (a 2-cycle has a phase), so any of four nudges will do.
        witness_rows = 0 if early_ok else early
        assert any(
            _moves(s, opt, starts[k], given, t, nudge_start, nudge_lr, scale, witness_rows)
            for nudge_start, nudge_lr in ((NUDGE, 0), (-NUDGE, 0), (0, NUDGE), (0, -NUDGE))
        ), f"config {k} ({given}) disagrees with simulate, and simulate is not that sensitive"
        sensitive += 1
    # The witness may excuse a few runs, never most of them.
    assert sensitive <= N_SAMPLED // 4, f"{sensitive} of {N_SAMPLED} runs needed the witness"


def test_schedule_and_surface_parameters_are_the_ones_simulate_uses():
    s = surfaces.get("valley")
    starts = np.array([[-3.0, 2.0], [2.5, -1.0], [0.5, 3.0]])
    lrs = np.array([0.01, 0.03, 0.1])
    kwargs = dict(surface_params={"kappa": 20.0, "theta": 30.0}, schedule="cosine")
    kwargs["schedule_params"] = {"alpha": 0.1}
    res = optimizers.sweep(s, "momentum", starts=starts, hparams={"lr": lrs}, steps=90, **kwargs)
    for k in range(3):
        t = optimizers.simulate(
            s, "momentum", start=tuple(starts[k]), steps=90, hparams={"lr": lrs[k]}, **kwargs
        )
        assert t.diverged_at is None and res.diverged_at[k] == -1
        np.testing.assert_allclose(res.final[k], t.xy[-1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(res.loss[k], t.loss[-1], rtol=1e-4, atol=1e-7)
    assert res.schedule == "cosine" and res.surface_params == {"kappa": 20.0, "theta": 30.0}


def _mixed_sweep(**kwargs) -> optimizers.Sweep:
    """300 momentum runs on Rosenbrock, η over 3 decades: some diverge, some reach tol."""
    rng = np.random.default_rng(7)
    n = 300
    starts = np.stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)], axis=1)
    lr = np.exp(rng.uniform(math.log(1e-5), math.log(1e-2), n))
    beta = rng.uniform(0.0, 0.99, n)
    hp = {"lr": lr, "beta": beta}
    return optimizers.sweep(
        "rosenbrock", "momentum", starts=starts, hparams=hp, steps=STEPS, tol=0.5, **kwargs
    )


def _assert_same(a: optimizers.Sweep, b: optimizers.Sweep) -> None:
    for field in ("final", "loss", "diverged_at", "hit_at", "paths"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


def test_chunked_and_unchunked_runs_agree_exactly():
    whole = _mixed_sweep(path_points=9)
    assert 0 < whole.diverged.sum() < whole.n and 0 < (whole.hit_at >= 0).sum() < whole.n
    for chunk in (1000, 64, 7):
        _assert_same(whole, _mixed_sweep(path_points=9, chunk=chunk))


def test_sharded_over_two_devices_agrees_with_one_device(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys, json
        import jax, numpy as np
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_sweep import _mixed_sweep
        res = _mixed_sweep(path_points=9)
        for field in ("final", "loss", "diverged_at", "hit_at", "paths"):
            np.save({str(tmp_path)!r} + "/" + field + ".npy", getattr(res, field))
        print(json.dumps({{"devices": jax.device_count()}}))
        """
    )
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    env["JAX_PLATFORMS"] = "cpu"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"devices": 2}
    here = _mixed_sweep(path_points=9, devices=jax.devices()[:1])
    for field in ("final", "loss", "diverged_at", "hit_at", "paths"):
        np.testing.assert_array_equal(np.load(tmp_path / f"{field}.npy"), getattr(here, field))


def test_one_start_is_broadcast_to_every_configuration():
    lrs = np.geomspace(1e-3, 0.1, 5)
    one = optimizers.sweep("himmelblau", "rmsprop", starts=(1.0, -2.0), hparams={"lr": lrs})
    many = optimizers.sweep(
        "himmelblau", "rmsprop", starts=np.tile([1.0, -2.0], (5, 1)), hparams={"lr": lrs}
    )
    _assert_same(one, many)
    assert one.starts.shape == (5, 2) and one.hparams["lr"].shape == (5,)
    assert np.all(one.hparams["rho"] == 0.99)  # the default, one per configuration


def test_paths_start_at_the_starts_end_at_the_finals_and_stop_at_divergence():
    res = _mixed_sweep(path_points=9)
    np.testing.assert_array_equal(res.path_steps, np.round(np.linspace(0, STEPS, 9)))
    np.testing.assert_array_equal(res.paths[:, 0], res.starts.astype(np.float32))
    ok = ~res.diverged
    np.testing.assert_array_equal(res.paths[ok, -1], res.final[ok])
    assert np.isfinite(res.paths[ok]).all()
    for k in np.flatnonzero(res.diverged):
        after = res.path_steps >= res.diverged_at[k]
        assert np.isnan(res.paths[k, after]).all() and np.isfinite(res.paths[k, ~after]).all()
        assert np.isnan(res.final[k]).all() and np.isnan(res.loss[k])


def test_hit_at_is_the_first_step_of_simulates_loss_within_tol():
    s = surfaces.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [1.5, 1.5], [-0.5, 1.0], [2.0, 3.0]])
    lrs = np.array([0.02, 0.005, 0.01, 1e-4, 0.05])
    tol = 0.01
    res = optimizers.sweep(s, "adam", starts=starts, hparams={"lr": lrs}, steps=400, tol=tol)
    found = 0
    for k in range(len(lrs)):
        t = optimizers.simulate(
            s, "adam", start=tuple(starts[k]), steps=400, hparams={"lr": lrs[k]}
        )
        within = np.flatnonzero(t.loss - s.f_min <= tol)  # NaN rows never count
        expected = int(within[0]) if within.size else -1
        assert res.hit_at[k] == expected, k
        found += expected >= 0
    assert 0 < found < len(lrs)  # some reach the tolerance, some do not
    assert (optimizers.sweep(s, "adam", starts=starts, steps=400).hit_at == -1).all()  # no tol


def test_a_start_within_tol_hits_at_step_zero():
    res = optimizers.sweep("booth", "sgd", starts=[(1.0, 3.0), (0.0, 0.0)], tol=1e-6, steps=5)
    assert list(res.hit_at) == [0, -1]


def test_sweep_basins_on_himmelblau_label_each_start_with_its_own_minimum():
    s = surfaces.get("himmelblau")
    minima = np.array(s.minima)
    rng = np.random.default_rng(3)
    offsets = rng.normal(scale=0.4, size=(4, 5, 2))
    starts = (minima[:, None, :] + offsets).reshape(-1, 2)
    res = optimizers.sweep(s, "sgd", starts=starts, hparams={"lr": 0.01}, steps=500)
    np.testing.assert_array_equal(optimizers.sweep_basins(s, res), np.repeat(np.arange(4), 5))
    # A run that has not arrived is −1, a diverged one −2.
    slow = optimizers.sweep(s, "sgd", starts=(0.0, 0.0), hparams={"lr": 1e-6}, steps=50)
    wild = optimizers.sweep(s, "sgd", starts=(0.0, 0.0), hparams={"lr": 5.0}, steps=50)
    assert optimizers.sweep_basins(s, slow).tolist() == [-1]
    assert wild.diverged.all() and optimizers.sweep_basins("himmelblau", wild).tolist() == [-2]
    # The radius is the metrics module's tolerance unless given.
    near = optimizers.sweep(s, "sgd", starts=minima[0] + 0.05, hparams={"lr": 1e-6}, steps=5)
    assert optimizers.sweep_basins(s, near).tolist() == [0]
    assert optimizers.sweep_basins(s, near, radius=0.01).tolist() == [-1]


def test_changing_values_never_recompiles():
    rng = np.random.default_rng(0)

    def run(n_lr: float, start: float, steps: int, tol: float, chunk: int | None = None):
        starts = np.stack([rng.uniform(-2, 2, 50), np.full(50, start)], axis=1)
        lr = np.full(50, n_lr)
        return optimizers.sweep(
            "rosenbrock", "adam", starts=starts, hparams={"lr": lr}, steps=steps, tol=tol
        )

    run(0.01, 1.0, 100, 0.1)
    with count_compiles() as compiles:
        run(0.02, 0.5, 100, 0.5)
        run(0.3, -0.5, 90, 1e-3)  # a new step count in the same bucket
        optimizers.sweep("rosenbrock", "adam", starts=(0.0, 0.0), hparams={"beta1": 0.5})
    assert len(compiles) == 1  # only the last: a new bucket (1000 steps) and size
    with count_compiles() as compiles:
        optimizers.sweep("rosenbrock", "adam", starts=(1.0, 2.0), hparams={"beta2": 0.9})
    assert compiles == []


THREE_STARTS = np.zeros((3, 2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"starts": np.zeros((3, 3))}, "starts"),
        ({"starts": [(0.0, 0.0), (np.nan, 1.0)]}, "starts must be finite; row 1"),
        ({"starts": [(0.0, 0.0), (1e6, 1.0)]}, "starts row 1"),
        ({"starts": "here"}, "starts"),
        ({"starts": np.zeros((0, 2))}, "starts"),
        ({"hparams": {"lr": [0.1, 20.0, 0.1]}}, "'lr' of optimizer 'adam' must be in"),
        ({"hparams": {"lr": [0.1, 0.1, np.nan]}}, "'lr' of optimizer 'adam' must be finite"),
        ({"hparams": {"lr": np.full((3, 1), 0.1)}}, "'lr'"),
        ({"hparams": {"lr": ["a", "b", "c"]}}, "'lr'"),
        ({"hparams": {"lr": [True, False, True]}}, "'lr'"),
        ({"hparams": {"lr": -1.0}}, "'lr'"),
        ({"hparams": {"beta": 0.5}}, "unknown parameter 'beta'"),
        ({"hparams": {"lr": [0.1, 0.1]}}, "share one length N"),
        ({"hparams": [0.1]}, "hparams"),
        ({"steps": 0}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"tol": -1.0}, "tol"),
        ({"tol": float("nan")}, "tol"),
        ({"tol": "small"}, "tol"),
        ({"path_points": 1}, "path_points"),
        ({"path_points": 12, "steps": 10}, "path_points"),
        ({"chunk": 0}, "chunk"),
        ({"devices": []}, "devices"),
        ({"devices": ["cpu"]}, "devices"),
        ({"surface_params": {"kappa": 1.0}}, "unknown parameter 'kappa'"),
        ({"schedule_params": {"alpha": 2.0}}, "alpha"),
    ],
)
def test_bad_input_is_a_value_error_naming_it(kwargs, message):
    args = {"starts": THREE_STARTS, "schedule": "cosine"} | kwargs
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        optimizers.sweep("rosenbrock", "adam", **args)


def test_limits_on_n_and_on_paths_are_clear():
    too_many = np.full(optimizers.MAX_CONFIGS + 1, 0.01)
    with pytest.raises(ValueError, match="at most 1,000,000 configurations"):
        optimizers.sweep("rosenbrock", "sgd", starts=(0.0, 0.0), hparams={"lr": too_many})
    with pytest.raises(ValueError, match="path_points"):
        optimizers.sweep(
            "rosenbrock",
            "sgd",
            starts=(0.0, 0.0),
            hparams={"lr": np.full(10**6, 0.01)},
            steps=1000,
            path_points=100,
        )
    with pytest.raises(ValueError, match="known minimum value"):
        optimizers.sweep("saddle", "sgd", starts=(0.1, 0.1), tol=0.1)
    with pytest.raises(KeyError, match="unknown optimizer"):
        optimizers.sweep("rosenbrock", "adamm", starts=(0.0, 0.0))


def test_sweep_basins_rejects_a_bad_radius_and_another_surfaces_sweep():
    res = optimizers.sweep("himmelblau", "sgd", starts=(0.0, 0.0), steps=5)
    with pytest.raises(ValueError, match="radius"):
        optimizers.sweep_basins("himmelblau", res, radius=-1.0)
    with pytest.raises(ValueError, match="himmelblau"):
        optimizers.sweep_basins("rosenbrock", res)
