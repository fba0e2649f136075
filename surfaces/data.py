"""Loss surfaces defined by data: a model with two parameters fitted to a small fixed data set.

The surface's point (x, y) is the model's parameters (w, b); the loss is a mean over the
examples, so a gradient can also be taken on a sampled batch of them (the engine's ``batch``:
the whole set is batch gradient descent, 1 example stochastic gradient descent, anything in
between mini-batch). The contour always shows the full-data loss.

Linear regression, ŷ = w·u + b on one feature u, with the squared error
f(w, b) = 1/n Σᵢ ½ (w uᵢ + b − yᵢ)². Its Hessian is [[E u², E u], [E u, 1]], so with the raw
feature (mean 6, standard deviation 1.5) the valley is long and thin, κ ≈ 600; with the
feature standardized to mean 0 and variance 1 the Hessian is the identity and the contours
are circles. Both start at w = b = 0 (the same model, the same loss) and reach the same fit.

The batch loss weighs example i by mᵢ / Σⱼ mⱼ with mᵢ ∈ {0, 1} the batch mask; the full loss
is the same function with every mᵢ = 1, so a batch of all n examples computes exactly the
full gradient.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from surfaces import teaching  # noqa: F401  (registered first: the data surfaces list last)
from surfaces._registry import register
from surfaces._surface import DataTerms, Surface

N_EXAMPLES = 64
_RNG_SEED = 20_261_123  # the data set is fixed: the same pictures on every machine


def _regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_RNG_SEED)
    u = rng.normal(6.0, 1.5, N_EXAMPLES)
    y = 2.0 * u - 5.0 + rng.normal(0.0, 1.0, N_EXAMPLES)
    return u, y


FEATURE, TARGET = _regression_data()
FEATURE_STD = (FEATURE - FEATURE.mean()) / FEATURE.std()


def _least_squares(u: np.ndarray, y: np.ndarray) -> tuple[tuple[float, float], float]:
    """The exact minimum (w*, b*) and f* of ½·mean((w u + b − y)²), in float64."""
    a = np.stack([u, np.ones_like(u)], axis=1)
    (w, b), *_ = np.linalg.lstsq(a, y, rcond=None)
    return (float(w), float(b)), float(0.5 * np.mean((a @ np.array([w, b]) - y) ** 2))


def _regression_loss(u: np.ndarray, y: np.ndarray):
    def loss(xy, mask, **params):
        # the data in the point's precision: float32 in the app, float64 in the reference tests
        u_, y_ = jnp.asarray(u, xy.dtype), jnp.asarray(y, xy.dtype)
        residual = xy[0] * u_ + xy[1] - y_
        weights = mask / jnp.sum(mask)
        return jnp.sum(weights * (0.5 * residual**2))

    return loss


def _regression_surface(
    name: str, title: str, u: np.ndarray, domain, about: str, latex_u: str
) -> Surface:
    terms = DataTerms(N_EXAMPLES, _regression_loss(u, TARGET))
    (w, b), f_star = _least_squares(u, TARGET)

    def expr(xy):
        return terms.loss(xy, jnp.ones(N_EXAMPLES, xy.dtype))

    return Surface(
        name=name,
        title=title,
        expr=expr,
        domain=domain,
        start=(0.0, 0.0),
        minima=((w, b),),
        f_min=f_star,
        latex=(
            rf"f(w, b) = \frac{{1}}{{n}} \sum_{{i=1}}^{{n}} \tfrac12 "
            rf"\left(w\, {latex_u} + b - y_i\right)^2, \quad n = {N_EXAMPLES}"
        ),
        log_levels=True,
        about=about,
        data=terms,
    )


register(
    _regression_surface(
        "linreg_raw",
        "Linear regression, raw feature",
        FEATURE,
        ((-3.0, 7.0), (-15.0, 5.0)),
        "Fit ŷ = w·u + b to 64 points with u around 6: w and b trade off, so the valley is "
        "long and thin (condition number ≈ 600). x is w, y is b.",
        "u_i",
    )
)
register(
    _regression_surface(
        "linreg_standardized",
        "Linear regression, standardized feature",
        FEATURE_STD,
        ((-5.0, 11.0), (-1.0, 15.0)),
        "The same fit with u standardized to mean 0 and variance 1: round contours, and "
        "gradient descent heads straight for the minimum. x is w, y is b.",
        r"\tilde u_i",
    )
)


# A saddle made of examples. Example i pulls the point toward its own (aᵢ, bᵢ), with a
# bowl along x and a dome along y held up by a quartic wall:
#     ℓᵢ(x, y) = ½ (x − aᵢ)² − ½ (y − bᵢ)² + ¼ y⁴,   aᵢ, bᵢ = ±½, each sign on half the examples.
# On all 64 the pulls cancel: f = ½ x² − ½ y² + ¼ y⁴, a saddle at the origin between minima at
# (0, ±1) with f* = −¼, and the full gradient along y vanishes on the whole ridge y = 0. A
# sampled batch's bᵢ do not cancel, so its gradient pushes off the ridge. The values ±½ and
# the weights 1/n are powers of two, so the full gradient's y part on the ridge is exactly 0 in
# float32 whatever the order of the sum: batch gradient descent started there never leaves it.
def _saddle_signs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_RNG_SEED + 1)
    half = np.repeat([0.5, -0.5], N_EXAMPLES // 2)
    return rng.permutation(half), rng.permutation(half)


SADDLE_A, SADDLE_B = _saddle_signs()


def _saddle_loss(xy, mask, **params):
    a, b = jnp.asarray(SADDLE_A, xy.dtype), jnp.asarray(SADDLE_B, xy.dtype)
    x, y = xy[0], xy[1]
    per_example = 0.5 * (x - a) ** 2 - 0.5 * (y - b) ** 2 + 0.25 * y**4
    return jnp.sum(mask / jnp.sum(mask) * per_example)


def _saddle_expr(xy):
    return _saddle_loss(xy, jnp.ones(N_EXAMPLES, xy.dtype))


register(
    Surface(
        name="saddle_data",
        title="A saddle made of examples",
        expr=_saddle_expr,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.5, 0.0),
        minima=((0.0, 1.0), (0.0, -1.0)),
        f_min=-0.25,
        latex=(
            r"f(x, y) = \frac{1}{n} \sum_{i=1}^{n} \tfrac12 (x - a_i)^2 - \tfrac12 (y - b_i)^2 "
            rf"+ \tfrac14 y^4, \quad a_i, b_i = \pm\tfrac12, \quad n = {N_EXAMPLES}"
        ),
        about=(
            "Each of 64 examples pulls toward its own (aᵢ, bᵢ) = (±½, ±½); together they "
            "cancel on the ridge y = 0, so the full gradient slides along it into the saddle at "
            "the origin, while a sampled batch's pulls push off it, toward a minimum at (0, ±1)."
        ),
        data=DataTerms(N_EXAMPLES, _saddle_loss),
    )
)
