"""Classroom presets: one click each, each with the question it answers.

tests/test_scenarios.py checks that every preset tells the story its question sets up (the
overshoot happens, the warm-up rescues, …), so a change to the engine cannot quietly break a
lesson.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import optimizers
from scenarios.settings import Run, Settings
from surfaces import Registry


class Preset(NamedTuple):
    name: str
    title: str
    question: str
    settings: Settings

    def shown_by(self, s: Settings) -> bool:
        """Whether the view ``s`` is this preset's (the display switches aside)."""
        from scenarios.query import encode

        return encode(replace(s, show=frozenset())) == encode(self.settings)


def _run(name: str, **hparams: float) -> Run:
    return Run(name, {**optimizers.get(name).defaults, **hparams})


PRESETS: Registry[Preset] = Registry("preset")

for _preset in (
    Preset(
        "rosenbrock_banana",
        "The Rosenbrock banana",
        "Every method finds the curved valley quickly: which ones follow it all the way to the "
        "minimum at (1, 1)?",
        Settings(
            surface="rosenbrock",
            steps=2000,
            runs=(
                _run("sgd", lr=1e-3),
                _run("momentum", lr=1e-3, beta=0.9),
                _run("rmsprop", lr=0.01),
                _run("adam", lr=0.05),
            ),
        ),
    ),
    Preset(
        "momentum_overshoot",
        "Momentum in a narrow valley",
        "In a valley 50 times steeper across than along, why does momentum swing from wall to "
        "wall while plain gradient descent walks straight down, and who arrives first?",
        Settings(
            surface="valley",
            surface_params={"kappa": 50.0, "theta": 30.0},
            steps=200,
            runs=(_run("sgd", lr=0.015), _run("momentum", lr=0.015, beta=0.9)),
        ),
    ),
    Preset(
        "adagrad_fades",
        "AdaGrad's fading step",
        "AdaGrad and RMSProp both divide by the size of past gradients: why does AdaGrad slow "
        "to a crawl halfway along the valley while RMSProp keeps going?",
        Settings(
            surface="rosenbrock",
            steps=1000,
            runs=(_run("adagrad", lr=0.3), _run("rmsprop", lr=0.01)),
        ),
    ),
    Preset(
        "saddle_noise",
        "Noise escapes a saddle",
        "Started exactly on the ridge x = 0, where the gradient never points sideways: set σ to 0 "
        "and the paths stop at the saddle. Why does a little gradient noise change that?",
        Settings(
            surface="bounded_saddle",
            start=(0.0, 1.8),
            steps=300,
            runs=(_run("sgd", lr=0.05), _run("momentum", lr=0.02, beta=0.9)),
            noise=0.05,
            seed=0,
        ),
    ),
    Preset(
        "warmup_tames",
        "A warm-up tames a large η",
        "With a constant η = 0.004, both paths leave the map within a few steps: why does the "
        "same η survive when it is ramped up over the first fifth of the run?",
        Settings(
            surface="rosenbrock",
            steps=1000,
            runs=(_run("sgd", lr=0.004), _run("momentum", lr=0.004, beta=0.9)),
            schedule="warmup_cosine",
            schedule_params={"warmup": 0.2, "alpha": 0.0},
        ),
    ),
    Preset(
        "himmelblau_basins",
        "Four minima, one start",
        "All four start next to the same hilltop of Himmelblau's function: why do they not "
        "all end in the same minimum?",
        Settings(
            surface="himmelblau",
            start=(-0.27, -0.92),
            steps=500,
            runs=(
                _run("sgd", lr=0.01),
                _run("momentum", lr=0.005, beta=0.9),
                _run("rmsprop", lr=0.05),
                _run("adam", lr=0.1),
            ),
        ),
    ),
    Preset(
        "condition_number",
        "Ill-conditioning and Newton",
        "The valley is 100 times steeper across than along: how many steps does each method "
        "need, and why does Newton's method need only one?",
        Settings(
            surface="valley",
            surface_params={"kappa": 100.0, "theta": -20.0},
            steps=300,
            runs=(
                _run("sgd", lr=0.0195),
                _run("momentum", lr=0.0195, beta=0.9),
                _run("adam", lr=0.1),
                _run("newton", lr=1.0),
            ),
        ),
    ),
    Preset(
        "lasso_zero",
        "L1 drops a feature",
        "With α‖x‖₁ added and the proximal step on, both paths end with the slope w exactly 0: "
        "the lasso drops the feature. Switch the proximal step off: why do the same paths now "
        "rattle around w = 0 instead of landing on it?",
        Settings(
            surface="linreg_standardized",
            surface_params={"reg_alpha": 4.0},
            start=(9.0, 13.0),
            steps=300,
            runs=(_run("sgd", lr=0.1), _run("adam", lr=0.3)),
            reg="l1",
            prox=True,
        ),
    ),
):
    PRESETS.register(_preset)
