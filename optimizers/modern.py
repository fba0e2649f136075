"""Optimizers practitioners reach for after Adam, each in optax's form so optax is the check.

Where PyTorch's form differs it is said in the entry's ``about``. All share Adam's moments
(:func:`optimizers.classic.adam_moments`), with β₁ᵗ and β₂ᵗ kept as running products.
"""

from typing import NamedTuple

import jax.numpy as jnp

from optimizers._optimizer import Optimizer, beta1, beta2, eps, lr, weight_decay
from optimizers._registry import register
from optimizers.classic import AdamState, adam_init, adam_moments, adam_scale

_ADAM_MOMENTS = (
    r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \qquad "
    r"v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \qquad "
    r"\hat m_t = \frac{m_t}{1 - \beta_1^t} \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t} \\ "
)


class AmsgradState(NamedTuple):
    adam: AdamState
    v_max: jnp.ndarray  # (2,) largest bias-corrected second moment so far


class AdamaxState(NamedTuple):
    m: jnp.ndarray  # (2,) first moment
    u: jnp.ndarray  # (2,) exponentially weighted infinity norm
    b1t: jnp.ndarray  # () β₁ᵗ


class RadamState(NamedTuple):
    adam: AdamState
    t: jnp.ndarray  # () step count, for the length of the approximated SMA


class LionState(NamedTuple):
    m: jnp.ndarray  # (2,) momentum


def _adam_direction(st: AdamState, hp) -> jnp.ndarray:
    return (st.m / (1.0 - st.b1t)) / (jnp.sqrt(st.v / (1.0 - st.b2t)) + hp["eps"])


def _adamw_update(g, state, x, hp, f):
    st = adam_moments(g, state, hp)
    return _adam_direction(st, hp) + hp["weight_decay"] * x, st  # decay is not rescaled by v


def _nadam_update(g, state, x, hp, f):
    b1 = hp["beta1"]
    st = adam_moments(g, state, hp)
    # Dozat's simplification: the next step's momentum, applied now.
    m_hat = b1 * st.m / (1.0 - st.b1t * b1) + (1.0 - b1) * g / (1.0 - st.b1t)
    return m_hat / (jnp.sqrt(st.v / (1.0 - st.b2t)) + hp["eps"]), st


def _amsgrad_init(x, hp):
    return AmsgradState(adam_init(x, hp), jnp.zeros_like(x))


def _amsgrad_update(g, state, x, hp, f):
    st = adam_moments(g, state.adam, hp)
    v_max = jnp.maximum(state.v_max, st.v / (1.0 - st.b2t))  # the denominator never shrinks
    return (st.m / (1.0 - st.b1t)) / (jnp.sqrt(v_max) + hp["eps"]), AmsgradState(st, v_max)


def _adamax_init(x, hp):
    return AdamaxState(jnp.zeros_like(x), jnp.zeros_like(x), jnp.ones((), x.dtype))


def _adamax_update(g, state, x, hp, f):
    b1, b2 = hp["beta1"], hp["beta2"]
    m = b1 * state.m + (1.0 - b1) * g
    u = jnp.maximum(b2 * state.u, jnp.abs(g) + hp["eps"])  # ∞-norm in place of √v
    b1t = state.b1t * b1
    return (m / (1.0 - b1t)) / u, AdamaxState(m, u, b1t)


_RADAM_THRESHOLD = 5.0  # below this SMA length the variance estimate is not trusted


def _radam_init(x, hp):
    return RadamState(adam_init(x, hp), jnp.zeros((), x.dtype))


def _radam_update(g, state, x, hp, f):
    st = adam_moments(g, state.adam, hp)
    t = state.t + 1.0
    rho_inf = 2.0 / (1.0 - hp["beta2"]) - 1.0
    rho_t = rho_inf - 2.0 * t * st.b2t / (1.0 - st.b2t)
    trusted = rho_t >= _RADAM_THRESHOLD
    safe = jnp.where(trusted, rho_t, _RADAM_THRESHOLD)  # keep the unused branch finite
    r = jnp.sqrt((safe - 4.0) * (safe - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * safe))
    m_hat = st.m / (1.0 - st.b1t)
    adaptive = r * m_hat / (jnp.sqrt(st.v / (1.0 - st.b2t)) + hp["eps"])
    return jnp.where(trusted, adaptive, m_hat), RadamState(st, t)


def _adabelief_update(g, state, x, hp, f):
    b1, b2, e = hp["beta1"], hp["beta2"], hp["eps"]
    m = b1 * state.m + (1.0 - b1) * g
    s = b2 * state.v + (1.0 - b2) * (g - m) ** 2 + e  # belief: spread of g around its mean
    b1t, b2t = state.b1t * b1, state.b2t * b2
    direction = (m / (1.0 - b1t)) / (jnp.sqrt(s / (1.0 - b2t)) + e)
    return direction, AdamState(m, s, b1t, b2t)


def _lion_init(x, hp):
    return LionState(jnp.zeros_like(x))


def _lion_update(g, state, x, hp, f):
    b1, b2 = hp["beta1"], hp["beta2"]
    direction = jnp.sign((1.0 - b1) * g + b1 * state.m) + hp["weight_decay"] * x
    return direction, LionState(b2 * state.m + (1.0 - b2) * g)


register(
    Optimizer(
        name="adamw",
        title="AdamW",
        hparams=(lr(0.01), beta1(), beta2(), eps(1e-8), weight_decay(0.01)),
        init=adam_init,
        update=_adamw_update,
        scale=adam_scale,
        latex=_ADAM_MOMENTS
        + r"x_{t+1} = x_t - \eta_t \left(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda x_t\right)",
        about="Adam with decoupled weight decay (as optax.adamw and torch.optim.AdamW).",
    )
)
register(
    Optimizer(
        name="nadam",
        title="NAdam",
        hparams=(lr(0.01), beta1(), beta2(), eps(1e-8)),
        init=adam_init,
        update=_nadam_update,
        scale=adam_scale,
        latex=_ADAM_MOMENTS
        + r"x_{t+1} = x_t - \eta_t\, \frac{\beta_1 \frac{m_t}{1 - \beta_1^{t+1}}"
        r" + (1 - \beta_1) \frac{g_t}{1 - \beta_1^t}}{\sqrt{\hat v_t} + \epsilon}",
        about=(
            "Adam with Nesterov momentum, in Dozat's form as optax.nadam; torch.optim.NAdam "
            "adds a momentum-decay schedule."
        ),
    )
)
register(
    Optimizer(
        name="amsgrad",
        title="AMSGrad",
        hparams=(lr(0.01), beta1(), beta2(), eps(1e-8)),
        init=_amsgrad_init,
        update=_amsgrad_update,
        scale=lambda before, after, hp: 1.0 / (jnp.sqrt(after.v_max) + hp["eps"]),
        latex=_ADAM_MOMENTS + r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t) \qquad "
        r"x_{t+1} = x_t - \eta_t\, \frac{\hat m_t}{\sqrt{\hat v^{\max}_t} + \epsilon}",
        about=(
            "Adam whose denominator never shrinks (as optax.amsgrad: the maximum of the "
            "bias-corrected v; torch takes the maximum before the correction)."
        ),
    )
)
register(
    Optimizer(
        name="adamax",
        title="Adamax",
        hparams=(lr(0.02), beta1(), beta2(), eps(1e-8)),
        init=_adamax_init,
        update=_adamax_update,
        scale=lambda before, after, hp: 1.0 / after.u,
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \qquad "
            r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \qquad "
            r"x_{t+1} = x_t - \eta_t\, \frac{m_t}{(1 - \beta_1^t)\, u_t}"
        ),
        about="Adam with the infinity norm in place of the root mean square (as optax and torch).",
    )
)
register(
    Optimizer(
        name="radam",
        title="RAdam",
        hparams=(lr(0.01), beta1(), beta2(), eps(1e-8)),
        init=_radam_init,
        update=_radam_update,
        latex=_ADAM_MOMENTS + r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1 - \beta_2^t},\ "
        r"\rho_\infty = \frac{2}{1 - \beta_2} - 1 \qquad "
        r"x_{t+1} = x_t - \eta_t \begin{cases} r_t \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
        r" & \rho_t \ge 5 \\ \hat m_t & \text{otherwise} \end{cases},\ "
        r"r_t = \sqrt{\tfrac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}"
        r"{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}",
        about="Rectified Adam: momentum SGD until the variance estimate can be trusted (as optax).",
    )
)
register(
    Optimizer(
        name="adabelief",
        title="AdaBelief",
        hparams=(lr(0.01), beta1(), beta2(), eps(1e-12)),
        init=adam_init,
        update=_adabelief_update,
        scale=lambda before, after, hp: 1.0 / (jnp.sqrt(after.v / (1.0 - after.b2t)) + hp["eps"]),
        latex=(
            r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \qquad "
            r"s_t = \beta_2 s_{t-1} + (1 - \beta_2)(g_t - m_t)^2 + \epsilon \\ "
            r"x_{t+1} = x_t - \eta_t\, \frac{m_t / (1 - \beta_1^t)}"
            r"{\sqrt{s_t / (1 - \beta_2^t)} + \epsilon}"
        ),
        about="Adam scaled by the spread of g around its mean: big steps where g is predictable.",
    )
)
register(
    Optimizer(
        name="lion",
        title="Lion",
        hparams=(lr(1e-3), beta1(0.9), beta2(0.99), weight_decay(0.0)),
        init=_lion_init,
        update=_lion_update,
        latex=(
            r"x_{t+1} = x_t - \eta_t \left(\operatorname{sign}\!\left(\beta_1 m_{t-1}"
            r" + (1 - \beta_1)\, g_t\right) + \lambda x_t\right) \qquad "
            r"m_t = \beta_2 m_{t-1} + (1 - \beta_2)\, g_t"
        ),
        about="Sign of an interpolated momentum: every coordinate moves exactly η (as optax.lion).",
    )
)
