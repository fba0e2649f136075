"""A single neuron fitted to 64 labelled points: the loss over its weight w and bias b.

The neuron computes a = φ(w·u + b) on a 1-D input u, with labels y ∈ {0, 1} that overlap
near u = ½ (so no weights fit them perfectly and every loss has a finite best). The choice of
activation φ and loss is traced like any parameter, so switching never recompiles:

* squared error: ½ (a − y)²
* cross-entropy: −y log q − (1 − y) log(1 − q), with q = a for the sigmoid (the classic
  logistic neuron) and q = σ(a) for the others, whose output is read as a logit
* hinge: max(0, 1 − ỹ (a − c)), ỹ = 2y − 1, with c = ½ the sigmoid's midpoint (0 for the rest)

What to look for: with the sigmoid, squared error is flat far from the fit (σ′ vanishes
where the neuron is confidently wrong) while cross-entropy keeps a slope there; ReLU has a
dead region (w·u + b < 0 for every u: a = 0 and no gradient at all); tanh saturates like the
sigmoid; Leaky ReLU and ELU keep a small slope where ReLU has none. Nothing is known in
closed form about the minimum, so the map shows f itself.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from surfaces import data as _data  # noqa: F401  (registered first: the neuron lists last)
from surfaces._registry import register
from surfaces._spec import Param
from surfaces._surface import DataTerms, Surface

N_EXAMPLES = 64
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
LOSSES = ("squared_error", "cross_entropy", "hinge")
LEAK = 0.1


def _classification_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20_261_124)
    u = rng.normal(0.0, 1.5, N_EXAMPLES)
    y = (u + rng.normal(0.0, 0.8, N_EXAMPLES) > 0.5).astype(np.float64)
    return u, y


INPUT, LABEL = _classification_data()


def _activate(kind, z):
    """(a, logit, centre) for activation index ``kind``: a = φ(z); σ(logit) is the probability
    cross-entropy reads; centre is where the hinge puts the decision."""
    branches = (
        lambda z: (jax.nn.sigmoid(z), z, jnp.full_like(z, 0.5)),
        lambda z: (jnp.tanh(z), jnp.tanh(z), jnp.zeros_like(z)),
        lambda z: (jnp.maximum(z, 0.0), jnp.maximum(z, 0.0), jnp.zeros_like(z)),
        lambda z: (jnp.where(z > 0, z, LEAK * z),) * 2 + (jnp.zeros_like(z),),
        lambda z: (
            jnp.where(z > 0, z, jnp.expm1(jnp.minimum(z, 0.0))),
            jnp.where(z > 0, z, jnp.expm1(jnp.minimum(z, 0.0))),
            jnp.zeros_like(z),
        ),
    )
    return jax.lax.switch(jnp.asarray(kind, jnp.int32), branches, z)


def _per_example(xy, activation, loss):
    u, y = jnp.asarray(INPUT, xy.dtype), jnp.asarray(LABEL, xy.dtype)
    a, logit, centre = _activate(activation, xy[0] * u + xy[1])
    branches = (
        lambda: 0.5 * (a - y) ** 2,
        lambda: jax.nn.softplus(logit) - y * logit,  # −log σ(·) of the right class, stably
        lambda: jnp.maximum(0.0, 1.0 - (2.0 * y - 1.0) * (a - centre)),
    )
    return jax.lax.switch(jnp.asarray(loss, jnp.int32), branches)


def _batch_loss(xy, mask, activation=1.0, loss=0.0):
    return jnp.sum(mask / jnp.sum(mask) * _per_example(xy, activation, loss))


def _neuron(xy, activation, loss):
    return _batch_loss(xy, jnp.ones(N_EXAMPLES, xy.dtype), activation, loss)


register(
    Surface(
        name="neuron",
        title="Single neuron (activation, loss)",
        expr=_neuron,
        domain=((-6.0, 6.0), (-6.0, 6.0)),
        start=(-4.0, 3.0),
        minima=(),
        f_min=None,
        latex=(
            r"a_i = \varphi(w\, u_i + b) \qquad "
            r"f(w, b) = \frac{1}{n} \sum_{i=1}^{n} \ell(a_i, y_i), \quad n = 64"
        ),
        params=(
            Param(
                "activation",
                0,
                0,
                len(ACTIVATIONS) - 1,
                "φ",
                integer=True,
                help="activation",
                choices=ACTIVATIONS,
            ),
            Param(
                "loss",
                0,
                0,
                len(LOSSES) - 1,
                "ℓ",
                integer=True,
                help="loss",
                choices=LOSSES,
            ),
        ),
        about=(
            "A neuron a = φ(w·u + b) classifying 64 points; x is w, y is b. The start is "
            "confidently wrong: which activations and losses still have a slope there?"
        ),
        data=DataTerms(N_EXAMPLES, _batch_loss),
    )
)
