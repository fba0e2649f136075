"""Surfaces built to show one idea each: saddles, and valleys of a chosen conditioning."""

import jax.numpy as jnp

from surfaces._registry import register
from surfaces._spec import Param
from surfaces._surface import Surface


def _saddle(xy):
    x, y = xy
    return x**2 - y**2


def _monkey_saddle(xy):
    x, y = xy
    return x**3 - 3.0 * x * y**2


def _bounded_saddle(xy):
    x, y = xy
    return 0.25 * x**4 - 0.5 * x**2 + 0.5 * y**2


def _valley(xy, kappa, theta):
    # Rotate the axes by θ (degrees), then scale the second one: the Hessian has eigenvalues
    # 1 and κ, so κ is the condition number and θ the direction of the valley floor.
    t = jnp.deg2rad(theta)
    u = jnp.cos(t) * xy[0] + jnp.sin(t) * xy[1]
    v = -jnp.sin(t) * xy[0] + jnp.cos(t) * xy[1]
    return 0.5 * (u**2 + kappa * v**2)


register(
    Surface(
        name="saddle",
        title="Saddle  x² − y²",
        expr=_saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.8, 0.02),
        minima=(),
        f_min=None,
        bounded_below=False,
        latex=r"f(x, y) = x^2 - y^2",
        about="Unbounded below: a path that starts near y = 0 crawls towards the saddle point.",
    )
)
register(
    Surface(
        name="monkey_saddle",
        title="Monkey saddle  x³ − 3xy²",
        expr=_monkey_saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.5, 0.1),
        minima=(),
        f_min=None,
        bounded_below=False,
        latex=r"f(x, y) = x^3 - 3xy^2",
        about="Three valleys leave a flat saddle point, where the Hessian is zero.",
    )
)
register(
    Surface(
        name="bounded_saddle",
        title="Saddle between two minima",
        expr=_bounded_saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(0.01, 1.8),
        minima=((1.0, 0.0), (-1.0, 0.0)),
        f_min=-0.25,
        latex=r"f(x, y) = \tfrac{1}{4}x^4 - \tfrac{1}{2}x^2 + \tfrac{1}{2}y^2",
        about="A saddle at the origin with a minimum on either side: which way will it fall?",
    )
)
register(
    Surface(
        name="valley",
        title="Elongated valley (κ, θ)",
        expr=_valley,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.5, 2.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        params=(
            Param("kappa", 10.0, 1.0, 1000.0, "κ", log=True, help="condition number"),
            Param("theta", 30.0, -90.0, 90.0, "θ", help="rotation of the valley, degrees"),
        ),
        latex=(
            r"f = \tfrac{1}{2}\left(u^2 + \kappa\,v^2\right),\quad"
            r"u = x\cos\theta + y\sin\theta,\ v = -x\sin\theta + y\cos\theta"
        ),
        log_levels=True,
        about="A quadratic whose Hessian has eigenvalues 1 and κ: the textbook ill-conditioned bowl.",
    )
)
