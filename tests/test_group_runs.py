"""Runs computed together (`optimizers.simulate_runs`, and the Compare page's cache in front of
it, ui/cached.py): one compile for a group of optimizers, and every run exactly the one
`optimizers.simulate` gives alone. The closed-form update rules of DESIGN.md
(tests/reference.py, float64) are the independent reference; `simulate`, itself checked
against them, optax and PyTorch elsewhere, is the bit-for-bit one."""

from __future__ import annotations

import threading

import jax
import numpy as np
import pytest
import reference
from compiles import count_compiles

import optimizers
import scenarios
import surfaces
from ui import cached
from ui.lru import LRU

GROUP = [("adam", {"lr": 0.05}), ("sgd", None), ("momentum", {"beta": 0.8}), ("rmsprop", None)]


def _same(a: optimizers.Trajectory, b: optimizers.Trajectory) -> None:
    assert a.optimizer == b.optimizer and a.hparams == b.hparams
    assert a.diverged_at == b.diverged_at
    np.testing.assert_array_equal(a.xy, b.xy)  # NaN where both diverged
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.lr, b.lr)


def test_a_group_follows_the_closed_form_update_rules():
    start, steps = (-1.0, 1.5), 200
    with jax.enable_x64(True):
        group = optimizers.simulate_runs("himmelblau", GROUP, start=start, steps=steps)
    grad = reference.surface("himmelblau").grad
    for (name, _), t in zip(GROUP, group, strict=True):
        expected = reference.CLOSED_FORM[name](
            grad, start, np.full(steps, t.hparams["lr"]), t.hparams
        )
        np.testing.assert_allclose(t.xy, expected, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    ("surface", "kw"),
    [
        ("rosenbrock", {}),
        ("valley", {"surface_params": {"kappa": 50.0}}),
        ("beale", {"noise": 0.3, "seed": 5}),
        ("linreg_raw", {"batch": 4, "seed": 2}),
        ("rosenbrock", {"schedule": "warmup_cosine"}),
        ("saddle", {"hparams_lr": 5.0}),  # SGD and momentum diverge
    ],
)
def test_each_run_of_a_group_is_the_run_alone(surface, kw):
    kw = dict(kw)
    lr = kw.pop("hparams_lr", None)
    runs = [(n, {**(hp or {}), **({"lr": lr} if lr else {})}) for n, hp in GROUP]
    group = optimizers.simulate_runs(surface, runs, steps=300, **kw)
    for (name, hp), t in zip(runs, group, strict=True):
        _same(t, optimizers.simulate(surface, name, hparams=hp, steps=300, **kw))
    if lr:
        assert any(t.diverged_at is not None for t in group)


def test_regularized_and_typed_surfaces_group_too():
    l1 = surfaces.regularize(surfaces.get("rosenbrock"), "l1", prox=True)
    typed = surfaces.from_formula("x^2 + 3*sin(y)^2", ((-2.0, 2.0), (-2.0, 2.0)))
    for s, sp in ((l1, {"reg_alpha": 0.3}), (typed, {})):
        group = optimizers.simulate_runs(s, GROUP, start=(1.0, 1.0), steps=100, surface_params=sp)
        for (name, hp), t in zip(GROUP, group, strict=True):
            alone = optimizers.simulate(
                s, name, hparams=hp, start=(1.0, 1.0), steps=100, surface_params=sp
            )
            _same(t, alone)


def test_a_group_compiles_once_in_any_order_and_moving_sliders_never_recompiles():
    kw = {"start": (0.5, -0.5), "steps": 1500}  # a step bucket no other test compiles (2048)
    with count_compiles() as events:
        first = optimizers.simulate_runs("booth", GROUP, **kw)
    assert len(events) == 1
    with count_compiles() as events:
        again = optimizers.simulate_runs("booth", GROUP[::-1], **kw)
        moved = optimizers.simulate_runs(
            "booth", [(n, {"lr": 0.002}) for n, _ in GROUP], start=(1.0, 2.0), steps=1400
        )
    assert events == []
    for a, b in zip(first, again[::-1], strict=True):
        _same(a, b)
    assert all(t.hparams["lr"] == 0.002 and t.steps == 1400 for t in moved)


def test_bad_groups_are_refused_naming_the_problem():
    assert optimizers.simulate_runs("booth", []) == []
    with pytest.raises(ValueError, match="once"):
        optimizers.simulate_runs("booth", [("adam", None), ("adam", {"lr": 0.1})])
    with pytest.raises(ValueError, match="beta1"):
        optimizers.simulate_runs("booth", [("sgd", None), ("adam", {"beta1": 2.0})])
    with pytest.raises(KeyError):
        optimizers.simulate_runs("booth", [("sgd", None), ("nope", None)])


# --- the cache in front of it -------------------------------------------------------------


def test_lru_keeps_the_most_recent_entries():
    lru: LRU[int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2
    lru.clear()
    assert len(lru) == 0 and lru.get("a") is None
    with pytest.raises(ValueError, match="size"):
        LRU(0)


def test_lru_shared_between_threads_stays_bounded():
    lru: LRU[int] = LRU(50)

    def writer(k: int) -> None:
        for i in range(2000):
            lru.put((k, i), i)
            lru.get((k, i // 2))

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(lru) == 50


def _view(lr: float = 0.01) -> scenarios.Settings:
    runs = tuple(
        scenarios.Run(n, {**optimizers.get(n).defaults, **({"lr": lr} if n == "adam" else {})})
        for n in ("sgd", "momentum", "rmsprop", "adam")
    )
    # a surface and step bucket (4096) no other test compiles, so the counts are this test's
    return scenarios.Settings(surface="matyas", steps=2500, runs=runs, start=(4.0, -3.0))


def test_the_compare_views_runs_compile_as_one_group_then_one_at_a_time():
    cached._RUNS.clear()
    with count_compiles() as events:
        runs = cached.runs(_view())
    assert len(events) == 1  # four optimizers, one program
    with count_compiles() as events:
        moved = cached.runs(_view(lr=0.02))  # Adam's η slider: only Adam is new
    assert len(events) == 1  # Adam's own runner
    assert moved[:3] == runs[:3] and all(a is b for a, b in zip(moved[:3], runs[:3], strict=True))
    assert moved[3].hparams["lr"] == 0.02
    with count_compiles() as events:
        back = cached.runs(_view())
    assert events == [] and all(a is b for a, b in zip(back, runs, strict=True))
    # (the reference runs last: they compile each optimizer's own runner)
    for r, t in zip(_view().runs, runs, strict=True):
        alone = optimizers.simulate(
            "matyas", r.optimizer, hparams=r.hparams, start=(4.0, -3.0), steps=2500
        )
        _same(t, alone)


def test_cached_runs_are_read_only():
    t = cached.runs(_view())[0]
    for a in (t.xy, t.loss, t.lr):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0.0
