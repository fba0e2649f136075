"""The seven optimizers of the update-rule table, in ``torch.optim``'s default forms.

Each returns a *direction*; the engine applies ``x ← x − η_t · direction``. With g = ∇f(x_t)
and t counting from 1 (DESIGN.md, "Update rules"):

=========  ==============================================================================
SGD        x ← x − η g
Momentum   v ← β v + g;  x ← x − η v                       (heavy ball, as torch)
Nesterov   v ← β v + g;  x ← x − η (g + β v)               (as torch, nesterov=True)
AdaGrad    s ← s + g²;  x ← x − η g / (√s + ε)             (ε outside the root, s₀ = 0)
RMSProp    s ← ρ s + (1 − ρ) g²;  x ← x − η g / (√s + ε)
AdaDelta   s ← ρ s + (1 − ρ) g²;  Δ ← √(u + ε)/√(s + ε) · g;  u ← ρ u + (1 − ρ) Δ²;  x ← x − η Δ
Adam       m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  x ← x − η m̂ / (√v̂ + ε)
=========  ==============================================================================

.. warning:: Course notes often write momentum as an EMA, v ← β v + (1 − β) g: that is
   heavy-ball momentum with η(1 − β). optax puts ε inside the root for AdaGrad and RMSProp
   by default; these follow PyTorch so any number can be checked against it.
"""

from typing import NamedTuple

import jax.numpy as jnp

from optimizers._optimizer import Optimizer, beta, beta1, beta2, eps, lr, rho
from optimizers._registry import register


class NoState(NamedTuple):
    pass


class VelocityState(NamedTuple):
    v: jnp.ndarray  # (2,) velocity


class SquaresState(NamedTuple):
    s: jnp.ndarray  # (2,) accumulated (AdaGrad) or averaged (RMSProp) squared gradient


class AdaDeltaState(NamedTuple):
    s: jnp.ndarray  # (2,) running average of g²
    u: jnp.ndarray  # (2,) running average of Δ²


class AdamState(NamedTuple):
    m: jnp.ndarray  # (2,) first moment
    v: jnp.ndarray  # (2,) second moment
    b1t: jnp.ndarray  # () β₁ᵗ, kept as a running product: cheaper than a power in sweeps
    b2t: jnp.ndarray  # () β₂ᵗ


def _sgd_init(x, hp):
    return NoState()


def _sgd_update(g, state, x, hp, f):
    return g, state


def heavy_ball_gain(hp):
    """v ← βv + g carries a constant gradient g as g / (1 − β): the step's steady-state gain."""
    return 1.0 / (1.0 - hp["beta"])


def velocity_init(x, hp):
    return VelocityState(v=jnp.zeros_like(x))


def _momentum_update(g, state, x, hp, f):
    v = hp["beta"] * state.v + g  # heavy-ball velocity
    return v, VelocityState(v)


def _nesterov_update(g, state, x, hp, f):
    v = hp["beta"] * state.v + g
    return g + hp["beta"] * v, VelocityState(v)  # look ahead along the new velocity


def squares_init(x, hp):
    return SquaresState(s=jnp.zeros_like(x))


def _over_root_plus_eps(before, after, hp):
    return 1.0 / (jnp.sqrt(after.s) + hp["eps"])  # AdaGrad and RMSProp: η_t / (√s_t + ε)


def _adadelta_scale(before, after, hp):
    return jnp.sqrt(before.u + hp["eps"]) / jnp.sqrt(after.s + hp["eps"])


def adam_scale(before, after, hp):
    """η_t / (√v̂_t + ε): the factor of η_t per unit of the bias-corrected first moment."""
    return 1.0 / (jnp.sqrt(after.v / (1.0 - after.b2t)) + hp["eps"])


def _adagrad_update(g, state, x, hp, f):
    s = state.s + g**2  # sum of all squared gradients: the step only ever shrinks
    return g / (jnp.sqrt(s) + hp["eps"]), SquaresState(s)


def _rmsprop_update(g, state, x, hp, f):
    s = hp["rho"] * state.s + (1.0 - hp["rho"]) * g**2  # forgets old gradients
    return g / (jnp.sqrt(s) + hp["eps"]), SquaresState(s)


def _adadelta_init(x, hp):
    return AdaDeltaState(s=jnp.zeros_like(x), u=jnp.zeros_like(x))


def _adadelta_update(g, state, x, hp, f):
    r, e = hp["rho"], hp["eps"]
    s = r * state.s + (1.0 - r) * g**2
    delta = jnp.sqrt(state.u + e) / jnp.sqrt(s + e) * g  # units of x: RMS of past steps / RMS of g
    u = r * state.u + (1.0 - r) * delta**2
    return delta, AdaDeltaState(s, u)


def adam_init(x, hp):
    one = jnp.ones((), x.dtype)
    return AdamState(m=jnp.zeros_like(x), v=jnp.zeros_like(x), b1t=one, b2t=one)


def adam_moments(g, state, hp):
    """The shared first half of the Adam family: moments and the bias-correction products."""
    b1, b2 = hp["beta1"], hp["beta2"]
    m = b1 * state.m + (1.0 - b1) * g  # first moment estimate
    v = b2 * state.v + (1.0 - b2) * g**2  # second moment estimate
    return AdamState(m, v, state.b1t * b1, state.b2t * b2)


def _adam_update(g, state, x, hp, f):
    st = adam_moments(g, state, hp)
    m_hat = st.m / (1.0 - st.b1t)
    v_hat = st.v / (1.0 - st.b2t)
    return m_hat / (jnp.sqrt(v_hat) + hp["eps"]), st


register(
    Optimizer(
        name="sgd",
        title="SGD",
        hparams=(lr(1e-3),),
        init=_sgd_init,
        update=_sgd_update,
        latex=r"x_{t+1} = x_t - \eta_t\, g_t",
        about="Plain gradient descent: a step against the gradient, scaled by η.",
    )
)
register(
    Optimizer(
        name="momentum",
        title="Momentum",
        hparams=(lr(1e-3), beta(0.9)),
        init=velocity_init,
        update=_momentum_update,
        latex=r"v_{t} = \beta\, v_{t-1} + g_t \qquad x_{t+1} = x_t - \eta_t\, v_t",
        prox_gain=heavy_ball_gain,
        about="Heavy-ball momentum (as torch.optim.SGD): a velocity that accumulates gradients.",
    )
)
register(
    Optimizer(
        name="nesterov",
        title="Nesterov",
        hparams=(lr(1e-3), beta(0.9)),
        init=velocity_init,
        update=_nesterov_update,
        latex=(
            r"v_{t} = \beta\, v_{t-1} + g_t \qquad "
            r"x_{t+1} = x_t - \eta_t \left(g_t + \beta\, v_t\right)"
        ),
        about="Nesterov momentum in torch's form: the step looks ahead along the new velocity.",
        prox_gain=heavy_ball_gain,
    )
)
register(
    Optimizer(
        name="adagrad",
        title="AdaGrad",
        hparams=(lr(0.1), eps(1e-10)),
        init=squares_init,
        update=_adagrad_update,
        scale=_over_root_plus_eps,
        latex=(
            r"s_t = s_{t-1} + g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}"
        ),
        about="Per-coordinate steps that shrink as squared gradients pile up.",
    )
)
register(
    Optimizer(
        name="rmsprop",
        title="RMSProp",
        hparams=(lr(0.01), rho(0.99), eps(1e-8)),
        init=squares_init,
        update=_rmsprop_update,
        scale=_over_root_plus_eps,
        latex=(
            r"s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}"
        ),
        about="AdaGrad with a forgetting average, so the step size does not fade away.",
    )
)
register(
    Optimizer(
        name="adadelta",
        title="AdaDelta",
        hparams=(lr(1.0), rho(0.9), eps(1e-6)),
        init=_adadelta_init,
        update=_adadelta_update,
        scale=_adadelta_scale,
        latex=(
            r"s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2 \qquad "
            r"\Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{s_t + \epsilon}}\, g_t \qquad "
            r"u_t = \rho\, u_{t-1} + (1 - \rho)\, \Delta_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \Delta_t"
        ),
        about="Step sizes in the units of x, from the ratio of past step and gradient sizes.",
    )
)
register(
    Optimizer(
        name="adam",
        title="Adam",
        hparams=(lr(0.01), beta1(0.9), beta2(0.999), eps(1e-8)),
        init=adam_init,
        update=_adam_update,
        scale=adam_scale,
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \qquad "
            r"v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{m_t / (1 - \beta_1^t)}"
            r"{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}"
        ),
        about="Momentum on the gradient and RMSProp on its square, both bias-corrected.",
    )
)
