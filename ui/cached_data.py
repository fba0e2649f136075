"""Bounded caches for the Data page's runs (batch-sampled runs and their seed spread), keyed
on each run's `optimizers.RunSpec` (`scenarios.data_runs.DataRun.spec`)."""

from __future__ import annotations

import optimizers
from ui.cached import key
from ui.lru import LRU

RUNS = 128
SPREADS = 16

_RUNS: LRU[optimizers.Trajectory] = LRU(RUNS)
_SPREADS: LRU[list] = LRU(SPREADS)


def run(r, *, batch: int | None = None, seed: int | None = None) -> optimizers.Trajectory:
    """The run ``r`` (a scenarios.data_runs.DataRun), optionally with another batch or seed."""
    spec = r.spec(batch=batch, seed=seed)
    k = (spec, r.optimizer, key(r.hparams))
    hit = _RUNS.get(k)
    if hit is None:
        hit = optimizers.simulate(spec, r.optimizer, dict(r.hparams))
        _RUNS.put(k, hit)
    return hit


def spread(r, seeds: tuple[int, ...]) -> list:
    """The paths ((steps + 1, 2) each) of ``r`` under each of ``seeds``."""
    spec = r.spec()
    k = (spec, r.optimizer, key(r.hparams), tuple(seeds))
    hit = _SPREADS.get(k)
    if hit is None:
        hit = [t.xy for t in optimizers.spread(spec, r.optimizer, dict(r.hparams), seeds=seeds)]
        _SPREADS.put(k, hit)
    return hit
