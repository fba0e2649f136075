"""Classic optimization test functions in two variables.

Definitions, domains and minima follow the usual references: Jamil & Yang, "A literature
survey of benchmark functions for global optimization problems" (2013), and the Virtual
Library of Simulation Experiments (Surjanovic & Bingham, sfu.ca/~ssurjano). Minima are given
to the precision the tests check them at (they are polished numerically in the tests).
"""

import math

import jax.numpy as jnp

from surfaces._registry import register
from surfaces._surface import Surface

TAU = 2.0 * jnp.pi


def _rosenbrock(xy):
    x, y = xy
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _beale(xy):
    x, y = xy
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _himmelblau(xy):
    x, y = xy
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def _booth(xy):
    x, y = xy
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


def _matyas(xy):
    x, y = xy
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def _three_hump_camel(xy):
    x, y = xy
    return 2.0 * x**2 - 1.05 * x**4 + x**6 / 6.0 + x * y + y**2


def _six_hump_camel(xy):
    x, y = xy
    return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (-4.0 + 4.0 * y**2) * y**2


def _rastrigin(xy):
    return 20.0 + jnp.sum(xy**2 - 10.0 * jnp.cos(TAU * xy))


def _ackley(xy):
    r2 = 0.5 * jnp.sum(xy**2)
    # √r² has an infinite derivative at the minimum; the double `where` keeps the gradient
    # there at its subgradient 0 instead of NaN.
    safe = jnp.where(r2 > 0.0, r2, 1.0)
    r = jnp.where(r2 > 0.0, jnp.sqrt(safe), 0.0)
    return -20.0 * jnp.exp(-0.2 * r) - jnp.exp(0.5 * jnp.sum(jnp.cos(TAU * xy))) + jnp.e + 20.0


def _goldstein_price(xy):
    x, y = xy
    a = 1.0 + (x + y + 1.0) ** 2 * (
        19.0 - 14.0 * x + 3.0 * x**2 - 14.0 * y + 6.0 * x * y + 3.0 * y**2
    )
    b = 30.0 + (2.0 * x - 3.0 * y) ** 2 * (
        18.0 - 32.0 * x + 12.0 * x**2 + 48.0 * y - 36.0 * x * y + 27.0 * y**2
    )
    return a * b


def _styblinski_tang(xy):
    return 0.5 * jnp.sum(xy**4 - 16.0 * xy**2 + 5.0 * xy)


def _mccormick(xy):
    x, y = xy
    return jnp.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1.0


register(
    Surface(
        name="rosenbrock",
        title="Rosenbrock (banana valley)",
        expr=_rosenbrock,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.5, 2.0),
        minima=((1.0, 1.0),),
        f_min=0.0,
        latex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        log_levels=True,
        about="A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
    )
)
register(
    Surface(
        name="beale",
        title="Beale",
        expr=_beale,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.5),
        minima=((3.0, 0.5),),
        f_min=0.0,
        latex=(r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"),
        log_levels=True,
        about="Flat plateaus and sharp ridges; the minimum sits at the end of a narrow arm.",
    )
)
register(
    Surface(
        name="himmelblau",
        title="Himmelblau",
        expr=_himmelblau,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(0.0, 0.0),
        minima=(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
        f_min=0.0,
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        log_levels=True,
        about="Four equal minima: which one a path reaches depends on where it starts.",
    )
)
register(
    Surface(
        name="booth",
        title="Booth",
        expr=_booth,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, -8.0),
        minima=((1.0, 3.0),),
        f_min=0.0,
        latex=r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        log_levels=True,
        about="A tilted quadratic bowl (condition number 9).",
    )
)
register(
    Surface(
        name="matyas",
        title="Matyas",
        expr=_matyas,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(8.0, -6.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        latex=r"f(x, y) = 0.26\,(x^2 + y^2) - 0.48\,xy",
        log_levels=True,
        about="A shallow quadratic with a long diagonal valley (condition number 25).",
    )
)
register(
    Surface(
        name="three_hump_camel",
        title="Three-hump camel",
        expr=_three_hump_camel,
        domain=((-2.5, 2.5), (-2.5, 2.5)),
        start=(-2.0, 2.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        local_minima=((1.7475523458, -0.8737761729), (-1.7475523458, 0.8737761729)),
        latex=r"f(x, y) = 2x^2 - 1.05\,x^4 + \tfrac{x^6}{6} + xy + y^2",
        log_levels=True,
        about="One global minimum between two local ones.",
    )
)
register(
    Surface(
        name="six_hump_camel",
        title="Six-hump camel",
        expr=_six_hump_camel,
        domain=((-3.0, 3.0), (-2.0, 2.0)),
        start=(-1.5, 1.5),
        minima=((0.0898420131, -0.712656403), (-0.0898420131, 0.712656403)),
        f_min=-1.031628453489877,
        local_minima=(
            (1.703606715, -0.796083568),
            (-1.703606715, 0.796083568),
            (1.607104753, 0.568651455),
            (-1.607104753, -0.568651455),
        ),
        latex=(r"f(x, y) = \left(4 - 2.1\,x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2"),
        log_levels=True,
        about="Two global minima and four local ones.",
    )
)
register(
    Surface(
        name="rastrigin",
        title="Rastrigin",
        expr=_rastrigin,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-4.5, 4.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        latex=r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)",
        about="A bowl covered in regularly spaced local minima: a trap for plain gradients.",
    )
)
register(
    Surface(
        name="ackley",
        title="Ackley",
        expr=_ackley,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-4.0, 3.5),
        minima=((0.0, 0.0),),
        f_min=0.0,
        latex=(
            r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
            r" - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
        ),
        about="A nearly flat, rippled plain with one deep well at the origin.",
    )
)
register(
    Surface(
        name="goldstein_price",
        title="Goldstein–Price",
        expr=_goldstein_price,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.2, 1.5),
        minima=((0.0, -1.0),),
        f_min=3.0,
        local_minima=((-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)),
        latex=(
            r"f = \left[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
            r"\left[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
        ),
        log_levels=True,
        about="Values from 3 to a million: steep walls around several basins.",
    )
)
register(
    Surface(
        name="styblinski_tang",
        title="Styblinski–Tang",
        expr=_styblinski_tang,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(0.5, 4.5),
        minima=((-2.903534027771178, -2.903534027771178),),
        f_min=-78.33233140754282,
        local_minima=(
            (2.746802771, 2.746802771),
            (-2.9035340278, 2.746802771),
            (2.746802771, -2.9035340278),
        ),
        latex=r"f(x, y) = \tfrac{1}{2} \sum_{u \in \{x, y\}} \left(u^4 - 16u^2 + 5u\right)",
        about="Four basins of unequal depth, one in each quadrant.",
    )
)
register(
    Surface(
        name="mccormick",
        title="McCormick",
        expr=_mccormick,
        domain=((-1.5, 4.0), (-3.0, 4.0)),
        start=(3.5, 3.5),
        minima=((-0.5471975511965976, -1.5471975511965976),),
        f_min=-1.9132229549810367,
        local_minima=((0.5 + 2.0 * math.pi / 3.0, -0.5 + 2.0 * math.pi / 3.0),),
        latex=r"f(x, y) = \sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
        about="A smooth valley bent by a sine.",
    )
)
