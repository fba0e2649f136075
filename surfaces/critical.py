"""What kind of point is this? The gradient, the Hessian's eigen-decomposition and a verdict.

At a point p of a surface f, with g = ∇f(p) and H = ∇²f(p) (from ``jax.hessian``, never by
hand), H = Q diag(λ₁, λ₂) Qᵀ with λ₁ ≤ λ₂:

* ‖g‖ > ``gtol``: not a critical point; the eigenvalues still describe the local curvature.
* λ₁ > τ: a minimum (f curves up in every direction).
* λ₂ < −τ: a maximum.
* λ₁ < −τ and λ₂ > τ: a saddle; f falls fastest along the eigenvector of λ₁.
* otherwise (some |λ| ≤ τ): degenerate; the second derivative cannot decide (the monkey
  saddle's flat centre, where H = 0).

τ = ``rtol`` · max(1, |λ|max): float32 Hessians carry about seven digits, so an eigenvalue a
millionth of the largest one is indistinguishable from zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from surfaces._surface import Kernel, Point, Surface

GTOL = 1e-3  # ‖∇f‖ at or below this counts as a critical point (the end of a converged path)
RTOL = 1e-4

VERDICTS = ("minimum", "maximum", "saddle", "degenerate", "not critical")


@dataclass(frozen=True)
class PointAnalysis:
    """The local picture at ``point``: eigenvalues ascending, eigenvectors as unit rows."""

    point: Point
    value: float
    gradient: Point
    grad_norm: float
    eigenvalues: tuple[float, float]  # λ₁ ≤ λ₂
    eigenvectors: tuple[Point, Point]  # unit vector of λ₁, unit vector of λ₂
    verdict: str  # one of VERDICTS

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.value, self.grad_norm, *self.eigenvalues))

    @property
    def curvature(self) -> str:
        """The shape of f near the point, whether or not the point is critical."""
        lo, hi = self.eigenvalues
        tau = RTOL * max(1.0, abs(lo), abs(hi))
        if lo > tau:
            return "curves up in every direction"
        if hi < -tau:
            return "curves down in every direction"
        if lo < -tau and hi > tau:
            return "saddle-shaped"
        return "flat in one direction"


@lru_cache(maxsize=64)
def _local(k: Kernel):
    """A jitted (value, gradient, Hessian) of a surface's kernel with its parameters traced."""

    def local(xy, params):
        f = lambda p: k.expr(p, **params)  # noqa: E731
        value, grad = jax.value_and_grad(f)(xy)
        return value, grad, jax.hessian(f)(xy)

    return jax.jit(local)


def analyze(
    surface: Surface,
    point: Point,
    params: Mapping[str, object] | None = None,
    *,
    gtol: float = GTOL,
    rtol: float = RTOL,
) -> PointAnalysis:
    """The gradient, Hessian eigen-decomposition and verdict of ``surface`` at ``point``."""
    x, y = (float(v) for v in point)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"point must be two finite numbers, got ({x}, {y})")
    sp = surface.resolve_params(params)
    value, grad, hess = _local(surface.kernel)(
        jnp.array([x, y]), {k: jnp.asarray(v, jnp.float32) for k, v in sp.items()}
    )
    g = np.asarray(grad, np.float64)
    h = np.asarray(hess, np.float64)
    gnorm = float(np.hypot(*g))
    if not (np.isfinite(h).all() and np.isfinite(gnorm)):
        nan = float("nan")
        return PointAnalysis(
            (x, y),
            float(value),
            (nan, nan),
            nan,
            (nan, nan),
            ((nan, nan), (nan, nan)),
            "degenerate",
        )
    lam, vec = np.linalg.eigh((h + h.T) / 2.0)  # ascending; columns are eigenvectors
    vecs = tuple(_canonical(vec[:, i]) for i in range(2))
    return PointAnalysis(
        point=(x, y),
        value=float(value),
        gradient=(float(g[0]), float(g[1])),
        grad_norm=gnorm,
        eigenvalues=(float(lam[0]), float(lam[1])),
        eigenvectors=vecs,  # type: ignore[arg-type]
        verdict=_verdict(gnorm, lam, gtol, rtol),
    )


def _verdict(gnorm: float, lam: np.ndarray, gtol: float, rtol: float) -> str:
    if gnorm > gtol:
        return "not critical"
    lo, hi = float(lam[0]), float(lam[1])
    tau = rtol * max(1.0, abs(lo), abs(hi))
    if lo > tau:
        return "minimum"
    if hi < -tau:
        return "maximum"
    if lo < -tau and hi > tau:
        return "saddle"
    return "degenerate"


def _canonical(v: np.ndarray) -> Point:
    """A unit vector with a fixed sign (first non-zero component positive), for stable arrows."""
    v = v / np.linalg.norm(v)
    if v[0] < -1e-12 or (abs(v[0]) <= 1e-12 and v[1] < 0):
        v = -v
    return float(v[0]), float(v[1])
