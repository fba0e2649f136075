"""Critical points: verdicts and eigen-decompositions against hand-derived Hessians."""

from __future__ import annotations

import math

import numpy as np
import pytest

import surfaces
from surfaces import critical


def _himmelblau_grad(p):
    x, y = p
    return np.array(
        [
            4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
            2 * (x * x + y - 11) + 4 * y * (x + y * y - 7),
        ]
    )


def _himmelblau_hess(p):
    x, y = p
    return np.array(
        [[12 * x * x + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 12 * y * y + 4 * x - 26]]
    )


def _newton(grad, hess, p, iters=50):
    """Polish a critical point in float64 with the hand-written derivatives."""
    p = np.array(p, dtype=np.float64)
    for _ in range(iters):
        p = p - np.linalg.solve(hess(p), grad(p))
    return p


# Himmelblau's nine critical points (the literature's rounded values, polished by Newton):
# four minima, one maximum, four saddles.
HIMMELBLAU = [
    ((3.0, 2.0), "minimum"),
    ((-2.805118, 3.131312), "minimum"),
    ((-3.779310, -3.283186), "minimum"),
    ((3.584428, -1.848126), "minimum"),
    ((-0.270845, -0.923039), "maximum"),
    ((0.086677, 2.884254), "saddle"),
    ((3.385154, 0.073852), "saddle"),
    ((-0.127961, -1.953715), "saddle"),
    ((-3.073026, -0.081353), "saddle"),
]


@pytest.mark.parametrize(("guess", "verdict"), HIMMELBLAU)
def test_himmelblau_critical_points(guess, verdict):
    p = _newton(_himmelblau_grad, _himmelblau_hess, guess)
    assert np.allclose(p, guess, atol=1e-5)  # Newton stayed at the literature's point
    a = critical.analyze(surfaces.get("himmelblau"), tuple(p))
    assert a.verdict == verdict
    ref = np.linalg.eigvalsh(_himmelblau_hess(p))
    np.testing.assert_allclose(a.eigenvalues, ref, rtol=1e-4, atol=1e-3)
    assert a.grad_norm < critical.GTOL


def test_saddle_at_the_origin_with_its_directions():
    a = critical.analyze(surfaces.get("saddle"), (0.0, 0.0))
    assert a.verdict == "saddle"
    assert a.eigenvalues == pytest.approx((-2.0, 2.0))
    # f falls fastest along y (λ = −2) and rises along x (λ = 2)
    assert a.eigenvectors[0] == pytest.approx((0.0, 1.0), abs=1e-6)
    assert a.eigenvectors[1] == pytest.approx((1.0, 0.0), abs=1e-6)


@pytest.mark.parametrize(
    ("point", "verdict", "eigs"),
    [
        ((0.0, 0.0), "saddle", (-1.0, 1.0)),
        ((1.0, 0.0), "minimum", (1.0, 2.0)),
        ((-1.0, 0.0), "minimum", (1.0, 2.0)),
    ],
)
def test_bounded_saddle(point, verdict, eigs):
    # f = x⁴/4 − x²/2 + y²/2: f_xx = 3x² − 1, f_yy = 1, f_xy = 0
    a = critical.analyze(surfaces.get("bounded_saddle"), point)
    assert a.verdict == verdict
    assert a.eigenvalues == pytest.approx(eigs, abs=1e-6)


def test_monkey_saddle_centre_is_degenerate():
    a = critical.analyze(surfaces.get("monkey_saddle"), (0.0, 0.0))
    assert a.verdict == "degenerate"
    assert a.eigenvalues == pytest.approx((0.0, 0.0), abs=1e-9)


def test_rosenbrock_minimum_is_ill_conditioned_but_a_minimum():
    a = critical.analyze(surfaces.get("rosenbrock"), (1.0, 1.0))
    ref = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))
    assert a.verdict == "minimum"
    np.testing.assert_allclose(a.eigenvalues, ref, rtol=1e-4)


@pytest.mark.parametrize(("kappa", "theta"), [(10.0, 0.0), (100.0, 30.0), (4.0, -60.0)])
def test_valley_parameters_are_used(kappa, theta):
    a = critical.analyze(surfaces.get("valley"), (0.0, 0.0), {"kappa": kappa, "theta": theta})
    assert a.verdict == "minimum"
    assert a.eigenvalues == pytest.approx((1.0, kappa), rel=1e-5)
    t = math.radians(theta)
    along = np.array([math.cos(t), math.sin(t)])  # the valley floor: curvature 1
    assert abs(np.dot(a.eigenvectors[0], along)) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("point", "curvature"),
    [((-1.5, 2.0), "curves up in every direction"), ((0.0, 1.0), "saddle-shaped")],
)
def test_points_off_the_critical_set(point, curvature):
    x, y = point
    a = critical.analyze(surfaces.get("rosenbrock"), point)
    g = (-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x))
    h = np.array([[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]])
    assert a.verdict == "not critical"
    assert a.gradient == pytest.approx(g, rel=1e-5)
    assert a.grad_norm == pytest.approx(math.hypot(*g), rel=1e-5)
    np.testing.assert_allclose(a.eigenvalues, np.linalg.eigvalsh(h), rtol=1e-4)
    assert a.curvature == curvature  # (−1.5, 2): det H > 0, trace > 0; (0, 1): f_xx = −398


@pytest.mark.parametrize("name", surfaces.names())
def test_every_known_minimum_is_not_a_saddle_or_maximum(name):
    s = surfaces.get(name)
    for m in s.minima + s.local_minima:
        a = critical.analyze(s, m, gtol=1e-2)
        # Non-smooth minima (Ackley's cone tip) have no Hessian: they must still not be
        # called a saddle or a maximum.
        assert a.verdict in ("minimum", "degenerate"), (name, m, a)


def test_formula_surfaces_work_too():
    s = surfaces.from_formula("x**2 + 3*y**2 - x*y")
    a = critical.analyze(s, (0.0, 0.0))
    assert a.verdict == "minimum"
    np.testing.assert_allclose(
        a.eigenvalues, np.linalg.eigvalsh([[2.0, -1.0], [-1.0, 6.0]]), rtol=1e-5
    )


def test_rejects_a_non_finite_point():
    with pytest.raises(ValueError, match="finite"):
        critical.analyze(surfaces.get("saddle"), (float("nan"), 0.0))
