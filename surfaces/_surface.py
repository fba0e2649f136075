"""The `Surface` record: a pure ``jax.numpy`` function of a point plus what a page needs to draw it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

import jax

from surfaces._spec import Param, resolve

Point = tuple[float, float]
Domain = tuple[tuple[float, float], tuple[float, float]]
# f(xy, **params) -> scalar, xy a jnp array of shape (2,)
Expr = Callable[..., jax.Array]
# prox(x, step, **params) -> the point after a proximal step of size ``step`` (surfaces/regularize.py)
Prox = Callable[..., jax.Array]


@dataclass(frozen=True)
class DataTerms:
    """The per-example side of a loss defined by data (surfaces/data.py).

    ``loss(xy, mask, **params)`` is the loss on the examples whose entry of the (n,) 0/1
    ``mask`` is 1, averaged over them; the surface's ``expr`` is the same with every entry 1
    (its ``smooth`` part, when the surface has a proximal step: the part gradients are taken of).
    """

    n: int
    loss: Callable[[jax.Array, jax.Array], jax.Array] = field(repr=False)


class Kernel(NamedTuple):
    """The compiled side of a `Surface` (``Surface.kernel``): hashable, free of metadata."""

    name: str
    expr: Expr
    data: DataTerms | None
    smooth: Expr | None
    prox: Prox | None
    param_names: tuple[str, ...]


@dataclass(frozen=True)
class Surface:
    """An analytic 2-D loss surface.

    ``expr(xy, **params)`` is the loss; ``fn`` is the same with the default parameters bound,
    so ``fn(xy) -> scalar`` as the contract says. Surface parameters (κ and θ of ``valley``)
    are traced by the engine like hyperparameters, so moving them never recompiles.

    ``minima`` are the global minima with value ``f_min``; ``local_minima`` the others that a
    path can settle in. A surface unbounded below has ``bounded_below=False``, no minima and
    ``f_min=None``; a bounded one whose minimum is not known in closed form (a neuron's loss)
    has no minima and ``f_min=None`` too. ``log_levels`` asks the contour plot for log-spaced levels of f − f_min.

    A surface with a nonsmooth term handled by a proximal step (L1 regularization,
    surfaces/regularize.py) has ``smooth``, the loss without that term, whose gradient the
    engine takes, and ``prox(x, step, **params)``, applied after every step; ``expr`` stays the
    whole loss, the one recorded and drawn. ``kernel`` is what compiled code depends on.
    """

    name: str
    title: str
    expr: Expr
    domain: Domain
    start: Point
    minima: tuple[Point, ...]
    f_min: float | None
    latex: str
    log_levels: bool = False
    local_minima: tuple[Point, ...] = ()
    params: tuple[Param, ...] = ()
    bounded_below: bool = True
    about: str = ""
    data: DataTerms | None = None  # a loss over examples: the engine can sample batches
    smooth: Expr | None = None  # with ``prox``: the part of ``expr`` whose gradient is taken
    prox: Prox | None = None
    fn: Callable[[jax.Array], jax.Array] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        defaults = {p.name: p.default for p in self.params}
        object.__setattr__(self, "fn", partial(self.expr, **defaults) if defaults else self.expr)
        if (not self.bounded_below and self.f_min is not None) or (
            not self.minima and self.f_min is not None
        ):
            raise AssertionError(f"{self.name}: minima, f_min and bounded_below disagree")
        if (self.prox is None) != (self.smooth is None):
            raise AssertionError(f"{self.name}: a proximal step needs its smooth part, and back")

    @property
    def kernel(self) -> Kernel:
        """What jitted code built from this surface depends on. Caches of compiled functions
        key on it, so a surface that differs only in its metadata (the minima and title of a
        regularized surface at another α) reuses them."""
        return Kernel(
            self.name,
            self.expr,
            self.data,
            self.smooth,
            self.prox,
            tuple(p.name for p in self.params),
        )

    def resolve_params(self, given: Mapping[str, object] | None = None) -> dict[str, float]:
        """Defaults filled in, every value checked against its range (``ValueError`` if not)."""
        return resolve(self.params, given, f"surface {self.name!r}")

    def bind(self, params: Mapping[str, object] | None = None) -> Callable[[jax.Array], jax.Array]:
        """``f(xy)`` with these surface parameters (validated; defaults for the rest)."""
        values = self.resolve_params(params)
        return partial(self.expr, **values) if values else self.expr
