"""Other common forms of the classic optimizers: conventions, not bugs (DESIGN.md).

Each is registered as an optimizer of its own, with ``variant_of`` naming the default form
and ``switch`` the toggle a page shows for it, so the equation on screen changes with the
switch and both forms can run side by side on one map.

================  ==========================================================================
momentum_ema      v ← β v + (1 − β) g;  x ← x − η v    (course notes; = heavy ball at η(1 − β))
adagrad_eps_in    s ← s + g²;  x ← x − η g / √(s + ε)   (optax's AdaGrad, accumulator from 0)
rmsprop_eps_in    s ← ρ s + (1 − ρ) g²;  x ← x − η g / √(s + ε)   (optax's default RMSProp)
adam_no_bias      m, v as Adam;  x ← x − η m / (√v + ε)   (no bias correction: m and v start
                  at 0, so the first step is η(1 − β₁)/√(1 − β₂) ≈ 3.2η per coordinate at
                  the defaults, not Adam's η)
================  ==========================================================================
"""

import jax.numpy as jnp

from optimizers import modern, newton  # noqa: F401  (registered first: variants list last)
from optimizers._optimizer import Optimizer, beta, beta1, beta2, eps, lr, rho
from optimizers._registry import register
from optimizers.classic import (
    SquaresState,
    VelocityState,
    adam_init,
    adam_moments,
    squares_init,
    velocity_init,
)


def _over_root_of_sum(before, after, hp):
    return 1.0 / jnp.sqrt(after.s + hp["eps"])  # η_t / √(s_t + ε)


def _momentum_ema_update(g, state, x, hp, f):
    v = hp["beta"] * state.v + (1.0 - hp["beta"]) * g  # an exponential moving average of g
    return v, VelocityState(v)


def _adagrad_eps_in_update(g, state, x, hp, f):
    s = state.s + g**2
    return g / jnp.sqrt(s + hp["eps"]), SquaresState(s)


def _rmsprop_eps_in_update(g, state, x, hp, f):
    s = hp["rho"] * state.s + (1.0 - hp["rho"]) * g**2
    return g / jnp.sqrt(s + hp["eps"]), SquaresState(s)


def _adam_no_bias_update(g, state, x, hp, f):
    st = adam_moments(g, state, hp)
    return st.m / (jnp.sqrt(st.v) + hp["eps"]), st


register(
    Optimizer(
        name="momentum_ema",
        title="Momentum (EMA form)",
        hparams=(lr(1e-2), beta(0.9)),
        init=velocity_init,
        update=_momentum_ema_update,
        latex=r"v_{t} = \beta\, v_{t-1} + (1 - \beta)\, g_t \qquad x_{t+1} = x_t - \eta_t\, v_t",
        about="Momentum as an average of gradients: heavy-ball momentum with η(1 − β).",
        variant_of="momentum",
        switch="EMA form: v ← βv + (1 − β)g",
    )
)
register(
    Optimizer(
        name="adagrad_eps_in",
        title="AdaGrad (ε inside √)",
        hparams=(lr(0.1), eps(1e-10)),
        init=squares_init,
        update=_adagrad_eps_in_update,
        scale=_over_root_of_sum,
        latex=(
            r"s_t = s_{t-1} + g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{g_t}{\sqrt{s_t + \epsilon}}"
        ),
        about="AdaGrad with ε under the root (optax's form): a large ε caps the first steps.",
        variant_of="adagrad",
        switch="ε inside the square root",
    )
)
register(
    Optimizer(
        name="rmsprop_eps_in",
        title="RMSProp (ε inside √)",
        hparams=(lr(0.01), rho(0.99), eps(1e-8)),
        init=squares_init,
        update=_rmsprop_eps_in_update,
        scale=_over_root_of_sum,
        latex=(
            r"s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{g_t}{\sqrt{s_t + \epsilon}}"
        ),
        about="RMSProp with ε under the root, optax's default form.",
        variant_of="rmsprop",
        switch="ε inside the square root",
    )
)
register(
    Optimizer(
        name="adam_no_bias",
        title="Adam (no bias correction)",
        hparams=(lr(0.01), beta1(0.9), beta2(0.999), eps(1e-8)),
        init=adam_init,
        update=_adam_no_bias_update,
        scale=lambda before, after, hp: 1.0 / (jnp.sqrt(after.v) + hp["eps"]),
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \qquad "
            r"v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{m_t}{\sqrt{v_t} + \epsilon}"
        ),
        about="Adam without bias correction: m and v start at 0, so early steps are mis-scaled.",
        variant_of="adam",
        switch="without bias correction",
    )
)
