"""Optimizer step functions, learning-rate schedules and the trajectory engine.

>>> import optimizers
>>> t = optimizers.simulate("rosenbrock", "adam", steps=500, hparams={"lr": 0.01})
>>> t.xy.shape
(501, 2)
"""

from optimizers import (  # noqa: F401  (registers them)
    classic,
    conventions,
    metrics,
    modern,
    newton,
    schedules,
)
from optimizers._optimizer import Optimizer
from optimizers._registry import REGISTRY, get, names, register
from optimizers.engine import (
    BOUND,
    MAX_STEPS,
    Trajectory,
    bucket,
    simulate,
    simulate_runs,
    spread,
    vary,
)
from optimizers.schedules import Schedule
from optimizers.spec import RunSpec, StopRule

# The function `sweep` shadows its module's name here; the module is `optimizers.sweep` in
# sys.modules (importlib.import_module("optimizers.sweep")).
from optimizers.sweep import MAX_CONFIGS, Sweep, sweep, sweep_basins

__all__ = [
    "BOUND",
    "MAX_CONFIGS",
    "MAX_STEPS",
    "REGISTRY",
    "Optimizer",
    "RunSpec",
    "Schedule",
    "StopRule",
    "Sweep",
    "Trajectory",
    "bucket",
    "get",
    "metrics",
    "names",
    "register",
    "schedules",
    "simulate",
    "simulate_runs",
    "spread",
    "sweep",
    "sweep_basins",
    "vary",
]
