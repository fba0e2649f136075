"""Regularization: any surface plus α·‖x‖₁ (lasso) or α·‖x‖² (ridge, weight decay).

>>> import surfaces
>>> s = surfaces.regularize(surfaces.get("rosenbrock"), "l1", alpha=0.5, prox=True)
>>> s.title
'Rosenbrock + α‖x‖₁'

The penalty is added to the surface's function (and to every batch loss of a surface defined
by data), with α a traced surface parameter, ``reg_alpha``: the wrapped function is one object
per (surface function, penalty, prox), so moving α never recompiles. The minima move with α;
they are found numerically, for that α, from the base's minima, the origin and the start:

* L2 is smooth: Newton's method with a line search on f + α‖x‖², checked for a vanishing
  gradient and a Hessian with no negative eigenvalue.
* L1 has a kink wherever a coordinate is 0. On each closed quadrant |x| is linear, so f + α‖x‖₁
  is smooth there: a projected Newton search in the start's quadrant (a coordinate that
  reaches the axis is exactly 0), on into the next quadrant while f still falls across an
  axis, and the optimality test of the nonsmooth problem: ∂ᵢf + α·sign(xᵢ) = 0 where xᵢ ≠ 0,
  |∂ᵢf| ≤ α where xᵢ = 0.

A base whose minima are not known (a typed formula, the neuron) or that is unbounded below
keeps no minima and f_min = None.

With ``prox=True`` (L1 only) the surface carries the proximal step of the penalty: the engine
takes the gradient of f alone and then soft-thresholds,
x ← sign(z)·max(|z| − η_t α, 0) with z = x − η_t d_t (ISTA when d_t is the gradient), so a
coordinate can land on exactly 0 and stay there, which the subgradient step never does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from surfaces._spec import Param, Registry
from surfaces._surface import DataTerms, Point, Surface

ALPHA = Param(
    "reg_alpha", 0.1, 1e-4, 10.0, "α", log=True, help="regularization strength"
)  # a name no base surface uses: it sits beside the base's own parameters

MAX_STARTS = 16  # starting points of the minimum search (the base's minima come first)
MAX_ITER = 200  # Newton steps per search: a slow one gives up rather than hang the page


@jax.custom_jvp
def _l1(xy: jax.Array) -> jax.Array:
    return jnp.sum(jnp.abs(xy))


@_l1.defjvp
def _l1_jvp(primals, tangents):
    # sign(x), so 0 at a zero coordinate: the minimum-norm subgradient (jnp.abs says 1 there)
    (xy,), (dx,) = primals, tangents
    return _l1(xy), jnp.sum(jnp.sign(xy) * dx)


def _l2(xy: jax.Array) -> jax.Array:
    return jnp.sum(xy**2)


def soft_threshold(x: jax.Array, t: jax.Array) -> jax.Array:
    """The proximal map of t·‖·‖₁: sign(x)·max(|x| − t, 0), exactly 0 where |x| ≤ t."""
    return jnp.sign(x) * jnp.maximum(jnp.abs(x) - t, 0.0)


class Penalty(NamedTuple):
    """A regularizer: its code, its name on screen and its formula in the point (x, y)."""

    name: str
    title: str
    symbol: str  # in surface titles: "Rosenbrock + α‖x‖₁"
    latex: str  # the added term, α included
    value: Callable[[jax.Array], jax.Array]
    # prox(x, t) = argmin_z ½‖z − x‖² + t·penalty(z); None: no proximal step offered
    prox: Callable[[jax.Array, jax.Array], jax.Array] | None
    about: str
    prox_latex: str = ""  # the step with the prox, in the symbols of the sliders


PENALTIES: Registry[Penalty] = Registry("penalty")
PENALTIES.register(
    Penalty(
        "l1",
        "L1 (lasso)",
        "α‖x‖₁",
        r"\alpha\,\left(|x| + |y|\right)",
        _l1,
        soft_threshold,
        "pulls each coordinate towards 0 at the same rate; its minimum can sit exactly on an axis",
        r"x_{t+1} = \operatorname{sign}(z)\,\max\left(|z| - \eta_t\,\alpha,\ 0\right),"
        r"\quad z = x_t - \eta_t\, d_t",
    )
)
PENALTIES.register(
    Penalty(
        "l2",
        "L2 (ridge)",
        "α‖x‖²",
        r"\alpha\,\left(x^2 + y^2\right)",
        _l2,
        None,
        "pulls each coordinate towards 0 in proportion to its size; the minimum shrinks but "
        "rarely reaches an axis",
    )
)


def regularize(
    surface: Surface,
    kind: str,
    alpha: float = ALPHA.default,
    prox: bool = False,
    params: Mapping[str, object] | None = None,
) -> Surface:
    """``surface`` plus α times the penalty ``kind`` ("l1" or "l2"), as a new `Surface`.

    α is the surface parameter ``reg_alpha`` (default ``alpha``): the engine traces it, so
    moving it never recompiles. The minima are those of this α and of the base's parameters
    ``params`` (default: its defaults), which also become the new surface's defaults.
    ``prox=True`` (L1 only) gives the surface a proximal step (see the module docstring).
    Raises ``KeyError`` for an unknown penalty and ``ValueError`` for a bad α or parameter.
    """
    penalty = PENALTIES.get(kind)
    if any(p.name == ALPHA.name for p in surface.params):
        raise ValueError(f"surface {surface.name!r} is already regularized")
    if prox and penalty.prox is None:
        raise ValueError(f"the proximal step is for L1 only; {penalty.title} has none")
    a = ALPHA.check(alpha, "regularization")
    base_params = surface.resolve_params(params)
    return _regularized(surface, penalty.name, a, bool(prox), tuple(base_params.items()))


@lru_cache(maxsize=256)
def _regularized(
    base: Surface, kind: str, alpha: float, prox: bool, params: tuple[tuple[str, float], ...]
) -> Surface:
    penalty = PENALTIES.get(kind)
    w = _wrapped(base.expr, base.data, kind, prox)
    found = _minima(base, kind, alpha, dict(params)) if base.f_min is not None else None
    minima, local, f_min = found if found else ((), (), None)
    values = dict(params)
    step = " The proximal step soft-thresholds after every step." if prox else ""
    return Surface(
        name=f"{base.name}+{kind}" + ("+prox" if prox else ""),
        title=f"{base.title} + {penalty.symbol}",
        expr=w.expr,
        domain=base.domain,
        start=base.start,
        minima=minima,
        f_min=f_min,
        latex=rf"F = f + {penalty.latex},\qquad " + base.latex,
        log_levels=base.log_levels,
        local_minima=local,
        params=(
            *(replace(p, default=values[p.name]) for p in base.params),
            replace(ALPHA, default=alpha),
        ),
        bounded_below=base.bounded_below,
        about=f"{base.about} Plus {penalty.symbol}, which {penalty.about}.{step}".strip(),
        data=w.data,
        smooth=w.smooth,
        prox=w.prox,
    )


class _Wrapped(NamedTuple):
    expr: Callable[..., jax.Array]
    data: DataTerms | None
    smooth: Callable[..., jax.Array] | None
    prox: Callable[..., jax.Array] | None


@lru_cache(maxsize=128)
def _wrapped(base_expr, base_data: DataTerms | None, kind: str, prox: bool) -> _Wrapped:
    """The regularized functions: one set of objects per (base, penalty, prox), whatever α, so
    the engine's compiled runs (keyed on them) are reused when α moves."""
    penalty = PENALTIES.get(kind)

    def expr(xy, reg_alpha, **params):
        return base_expr(xy, **params) + reg_alpha * penalty.value(xy)

    data = None
    if base_data is not None:
        base_loss = base_data.loss

        def loss(xy, mask, reg_alpha, **params):
            # with the proximal step the batch gradient is that of the smooth part alone
            extra = 0.0 if prox else reg_alpha * penalty.value(xy)
            return base_loss(xy, mask, **params) + extra

        data = DataTerms(base_data.n, loss)
    if not prox:
        return _Wrapped(expr, data, None, None)

    def smooth(xy, reg_alpha, **params):
        return base_expr(xy, **params)

    def step(x, size, reg_alpha, **params):
        return penalty.prox(x, size * reg_alpha)

    return _Wrapped(expr, data, smooth, step)


# --- the minima, for one α ----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _derivatives(base_expr):
    """A jitted (f, ∇f, ∇²f) of the base in float64, its parameters traced: compiled once per
    base function, whatever α and the parameters are."""

    def local(xy, params):
        f = lambda p: base_expr(p, **params)  # noqa: E731
        value, grad = jax.value_and_grad(f)(xy)
        return value, grad, jax.hessian(f)(xy)

    return jax.jit(local)


def _minima(
    base: Surface, kind: str, alpha: float, params: dict[str, float]
) -> tuple[tuple[Point, ...], tuple[Point, ...], float] | None:
    """(global minima, local minima, f_min) of base + α·penalty, or None if none was found."""
    with jax.enable_x64(True):
        fn = _derivatives(base.expr)
        sp = {k: np.float64(v) for k, v in params.items()}

        def derivs(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
            v, g, h = fn(np.asarray(x, np.float64), sp)
            return float(v), np.asarray(g, np.float64), np.asarray(h, np.float64)

        starts = _starts(base)
        found = (
            _search_l1(derivs, alpha, starts) if kind == "l1" else _search_l2(derivs, alpha, starts)
        )
    return _classify(found, base)


def _starts(base: Surface) -> list[np.ndarray]:
    """The base's minima (where a small α leaves them nearby), the origin (where a large α
    pulls them) and the start; duplicates dropped."""
    out: list[np.ndarray] = []
    for p in (*base.minima, *base.local_minima, (0.0, 0.0), base.start):
        x = np.asarray(p, np.float64)
        if np.all(np.isfinite(x)) and not any(np.allclose(x, y) for y in out):
            out.append(x)
    return out[:MAX_STARTS]


def _search_l2(derivs, alpha: float, starts: list[np.ndarray]) -> list[tuple[np.ndarray, float]]:
    def local(x):
        v, g, h = derivs(x)
        return v + alpha * x @ x, g + 2.0 * alpha * x, h + 2.0 * alpha * np.eye(2)

    out = []
    for x0 in starts:
        x = _newton(local, x0)
        v, g, h = local(x)
        scale = max(1.0, abs(v), float(np.abs(derivs(x)[1]).max()))
        if np.isfinite(v) and np.abs(g).max() <= 1e-7 * scale and _psd(h):
            out.append((x, v))
    return out


def _search_l1(derivs, alpha: float, starts: list[np.ndarray]) -> list[tuple[np.ndarray, float]]:
    """From each start, a search in one closed quadrant, where f + α s·x is smooth; where it
    stops on an axis with |∂ᵢf| > α, f still falls across it: on into that quadrant."""
    out = []
    for x0 in starts:
        x = x0.copy()
        g = derivs(x)[1]
        # a zero coordinate goes the way f falls
        s = np.where(x > 0, 1.0, np.where(x < 0, -1.0, np.where(g > 0, -1.0, 1.0)))
        for _ in range(4):  # quadrant hops; each one lowers F
            x = _newton(_on_quadrant(derivs, alpha, s), x, s)
            v, g, h = derivs(x)
            free = x != 0.0
            across = ~free & (np.abs(g) > alpha * (1.0 + 1e-9) + 1e-12)
            if not across.any():
                break
            s = np.where(across, -np.sign(g), s)
        scale = max(1.0, abs(v), float(np.abs(g).max()))
        stationary = np.all(np.abs(g + alpha * s)[free] <= 1e-7 * scale)
        if np.isfinite(v) and stationary and not across.any() and _psd(h[np.ix_(free, free)]):
            out.append((x, v + alpha * float(np.abs(x).sum())))
    return out


def _on_quadrant(derivs, alpha: float, s: np.ndarray):
    """f + α s·x, which is f + α‖x‖₁ on the closed quadrant of signs ``s``: (value, ∇, ∇²)."""

    def local(x):
        v, g, h = derivs(x)
        return v + alpha * s @ x, g + alpha * s, h

    return local


def _newton(local, x0: np.ndarray, signs: np.ndarray | None = None) -> np.ndarray:
    """A local minimum of ``local`` (x -> value, gradient, Hessian) from ``x0``; with
    ``signs``, over the closed quadrant sᵢxᵢ ≥ 0 (projected Newton, Bertsekas 1982).

    Each step is Newton's on the free coordinates (those not held at 0 by a gradient pointing
    out of the quadrant), its Hessian shifted to be positive definite where it is not, with
    an Armijo backtracking search along the projected path: every step lowers the value, a
    coordinate that reaches the boundary is exactly 0, and near a minimum the steps are pure
    Newton (quadratic convergence, to ~1e-12 here)."""

    def project(x):
        return x if signs is None else np.where(signs * x > 0, x, 0.0)

    x = project(np.asarray(x0, np.float64))
    v, g, h = local(x)
    stalled = 0  # Newton steps in a row cut below 1e-6: a kink (Ackley's cone), not a bowl
    for _ in range(MAX_ITER):
        if not np.isfinite(v):
            break
        held = np.zeros(2, bool) if signs is None else (x == 0.0) & (signs * g >= 0)
        free = ~held
        gf = g[free]
        if not free.any() or np.abs(gf).max() <= 1e-13 * max(1.0, abs(v)):
            break
        hf = h[np.ix_(free, free)]
        lo = np.linalg.eigvalsh(0.5 * (hf + hf.T)).min() if np.all(np.isfinite(hf)) else -1.0
        shift = 0.0 if lo > 1e-10 * max(1.0, abs(lo)) else 1e-8 - lo + 1e-3 * np.abs(gf).max()
        d = np.zeros(2)
        try:
            d[free] = -np.linalg.solve(hf + shift * np.eye(len(gf)), gf)
        except np.linalg.LinAlgError:
            d[free] = -gf
        if not np.all(np.isfinite(d)) or g @ d >= 0:
            d = np.where(free, -g, 0.0)
        elif shift == 0.0 and np.abs(d).max() <= 1e-12 * (1.0 + np.abs(x).max()):
            x = project(x + d)  # the Newton step is below rounding: converged
            break
        t, moved = 1.0, False
        for _ in range(60):
            trial = project(x + t * d)
            vt, gt, ht = local(trial)
            armijo = vt <= v + 1e-4 * (g @ (trial - x))
            # near the minimum f changes less than its rounding: a smaller gradient decides
            flat = abs(vt - v) <= 1e-12 * max(1.0, abs(v)) and _free_norm(gt, trial, signs) < (
                _free_norm(g, x, signs)
            )
            if np.isfinite(vt) and (armijo or flat):
                moved = True
                break
            t *= 0.5
        if not moved or np.abs(trial - x).max() <= 1e-15 * (1.0 + np.abs(x).max()):
            break
        stalled = stalled + 1 if t <= 1e-6 else 0
        if stalled >= 3:
            break
        x, v, g, h = trial, vt, gt, ht
    return x


def _free_norm(g: np.ndarray, x: np.ndarray, signs: np.ndarray | None) -> float:
    """The largest gradient component not held at 0 by the quadrant's boundary."""
    held = np.zeros(2, bool) if signs is None else (x == 0.0) & (signs * g >= 0)
    return float(np.abs(g[~held]).max()) if (~held).any() else 0.0


def _psd(h: np.ndarray) -> bool:
    if h.size == 0:
        return True
    if not np.all(np.isfinite(h)):
        return False
    eig = np.linalg.eigvalsh(0.5 * (h + h.T))
    return bool(eig.min() >= -1e-7 * max(1.0, float(np.abs(eig).max())))


def _classify(
    found: list[tuple[np.ndarray, float]], base: Surface
) -> tuple[tuple[Point, ...], tuple[Point, ...], float] | None:
    """Those in the domain, deduplicated: the lowest (and ties) global, the others local.

    As for the base surfaces, the minima are those of the map: McCormick, unbounded below
    along x = y, gains a lower minimum off the map under L2, and that one is not listed."""
    (x0, x1), (y0, y1) = base.domain
    tol = 1e-6 * max(x1 - x0, y1 - y0)
    points: list[tuple[np.ndarray, float]] = []
    for x, v in sorted(found, key=lambda item: item[1]):
        inside = x0 - tol <= x[0] <= x1 + tol and y0 - tol <= x[1] <= y1 + tol
        if inside and not any(np.abs(x - y).max() <= tol for y, _ in points):
            points.append((x, v))
    if not points:
        return None
    f_min = points[0][1]
    tie = 1e-9 * max(1.0, abs(f_min))
    as_point = lambda x: (float(x[0]), float(x[1]))  # noqa: E731
    minima = tuple(as_point(x) for x, v in points if v - f_min <= tie)
    local = tuple(as_point(x) for x, v in points if v - f_min > tie)
    return minima, local, float(f_min)


def is_regularized(surface: Surface) -> bool:
    """Whether ``surface`` came from `regularize` (it has the parameter α)."""
    return any(p.name == ALPHA.name for p in surface.params)


__all__ = [
    "ALPHA",
    "PENALTIES",
    "Penalty",
    "is_regularized",
    "regularize",
    "soft_threshold",
]
