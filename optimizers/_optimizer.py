"""The `Optimizer` record and the shared hyperparameter definitions.

An optimizer is a pair of pure functions, in the style of optax and
``jax.example_libraries.optimizers``:

* ``init(x, hp) -> state``
* ``update(g, state, x, hp, f) -> (direction, state)``

and the engine moves ``x ← x − η_t · direction``: the learning rate, and its schedule,
multiplies the final step, so a schedule means the same thing for every optimizer.
``hp`` maps hyperparameter names to (traced) scalars; ``f`` is the loss, for methods that
need more than the gradient (Newton's Hessian).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax

from surfaces import Param, resolve

Array = jax.Array
State = Any  # a NamedTuple of arrays, one per optimizer
HParams = Mapping[str, Array]
Init = Callable[[Array, HParams], State]
Update = Callable[[Array, State, Array, HParams, Callable[[Array], Array]], tuple[Array, State]]
# (state before the step, state after it, hp) -> the per-coordinate factor of η_t in the step
Scale = Callable[[State, State, HParams], Array]


class Optimizer(NamedTuple):
    name: str
    title: str
    hparams: tuple[Param, ...]
    init: Init
    update: Update
    latex: str  # the update rule, in the symbols of the sliders
    about: str = ""
    # A convention variant (conventions.py) names the optimizer it is a form of, and the
    # switch that turns it on: pages offer it as a toggle in that optimizer's panel.
    variant_of: str = ""
    switch: str = ""
    # Adaptive methods: the per-coordinate factor that multiplies η_t in the step, e.g.
    # 1 / (√s_t + ε) for AdaGrad and RMSProp, so η_t · scale is the effective step size
    # (per unit of g, or of the bias-corrected m̂ for the Adam family). None: not adaptive.
    scale: Scale | None = None
    # Heavy-ball-style momentum: the step's steady-state gain per unit of gradient, 1 / (1 − β)
    # when v ← βv + g. A proximal step thresholds by η_t α times it, so a path with the prox
    # settles on the minimum of f + α‖x‖₁ rather than that of f + (1 − β)α‖x‖₁
    # (optimizers/engine.py, `prox_scale`). None: gain 1 (an average of gradients, or none).
    prox_gain: Callable[[Mapping[str, jax.Array]], jax.Array] | None = None

    def resolve_hparams(self, given: Mapping[str, object] | None = None) -> dict[str, float]:
        """Defaults filled in, each value checked (``ValueError`` naming the parameter)."""
        return resolve(self.hparams, given, f"optimizer {self.name!r}")

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.hparams}


# Names and symbols shared across optimizers (DESIGN.md: lr, beta, beta1, beta2, rho, eps).
def lr(default: float) -> Param:
    return Param("lr", default, 1e-6, 10.0, "η", log=True, help="learning rate")


def beta(default: float = 0.9) -> Param:
    return Param("beta", default, 0.0, 0.999, "β", help="momentum")


def beta1(default: float = 0.9) -> Param:
    return Param("beta1", default, 0.0, 0.999, "β₁", help="first-moment decay")


def beta2(default: float = 0.999) -> Param:
    return Param("beta2", default, 0.0, 0.99999, "β₂", help="second-moment decay")


def rho(default: float) -> Param:
    return Param("rho", default, 0.0, 0.9999, "ρ", help="squared-gradient decay")


def eps(default: float) -> Param:
    return Param(
        "eps", default, 1e-12, 1.0, "ε", log=True, help="numerical guard in the denominator"
    )


def weight_decay(default: float) -> Param:
    return Param("weight_decay", default, 0.0, 1.0, "λ", help="decoupled weight decay")
