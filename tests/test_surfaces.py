"""The surface registry: every entry's minima, values and metadata, checked two ways.

First against the entry itself (the gradient vanishes at its minima, the Hessian is positive
definite there, ``f(min) ≈ f_min``, nothing on a fine grid of the domain lies below
``f_min``), then against an independent source: values typed by hand from the literature
(Jamil & Yang 2013; Surjanovic & Bingham's Virtual Library of Simulation Experiments) and a
few closed forms worked out on paper. All derivatives come from ``jax.grad`` and
``jax.hessian`` in float64.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import surfaces

# The names the project's issue promises; the registry may hold more.
ISSUE_NAMES = (
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "matyas",
    "three_hump_camel",
    "six_hump_camel",
    "rastrigin",
    "ackley",
    "goldstein_price",
    "styblinski_tang",
    "mccormick",
    "saddle",
    "monkey_saddle",
    "bounded_saddle",
    "valley",
)

ALL = surfaces.names()
# Surfaces with a known minimum (a neuron's loss is bounded below, but its minimum is not
# known in closed form: tests/test_neuron.py checks it separately).
BOUNDED = tuple(n for n in ALL if surfaces.get(n).f_min is not None)
UNBOUNDED = tuple(n for n in ALL if not surfaces.get(n).bounded_below)
GRID = 400


def _x64(fn, *args):
    """``fn(*args)`` as NumPy float64, computed with JAX in double precision."""
    with jax.enable_x64(True):
        return jax.tree.map(np.asarray, fn(*(jnp.asarray(a, jnp.float64) for a in args)))


class _Compiled(NamedTuple):
    derivs: Callable  # xy (2,) -> (f, ∇f, ∇²f)
    values: Callable  # xy (n, 2) -> f (n,)


@functools.cache
def _compiled(name: str) -> _Compiled:
    # Eager JAX dispatches op by op: jit once per surface (traced in float64 by _x64).
    fn = surfaces.get(name).fn

    def derivs(xy):
        return fn(xy), jax.grad(fn)(xy), jax.hessian(fn)(xy)

    return _Compiled(jax.jit(derivs), jax.jit(jax.vmap(fn)))


def _f(s: surfaces.Surface, p) -> float:
    return float(_x64(_compiled(s.name).derivs, p)[0])


def _grad(s: surfaces.Surface, p) -> np.ndarray:
    return _x64(_compiled(s.name).derivs, p)[1]


def _hess(s: surfaces.Surface, p) -> np.ndarray:
    return _x64(_compiled(s.name).derivs, p)[2]


def _values(s: surfaces.Surface, points) -> np.ndarray:
    return _x64(_compiled(s.name).values, points)


def _newton(s: surfaces.Surface, p, iterations: int = 40) -> np.ndarray:
    """Newton's method from ``p`` in float64: polishes a minimum to full precision."""
    x = np.array(p, dtype=np.float64)
    for _ in range(iterations):
        _, g, h = _x64(_compiled(s.name).derivs, x)
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(h, g)
            except np.linalg.LinAlgError:
                return np.full(2, np.nan)
        if not np.all(np.isfinite(step)):
            return np.full(2, np.nan)
        x = x - step
        if np.linalg.norm(step) < 1e-15 * (1.0 + np.linalg.norm(x)):
            break
    return x


@functools.cache
def _grid(name: str, n: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An n × n grid over the domain: x, y and f in float64, computed once per surface."""
    (x0, x1), (y0, y1) = surfaces.get(name).domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n), indexing="xy")
    values = _values(surfaces.get(name), np.stack([xs.ravel(), ys.ravel()], axis=1))
    return xs, ys, values.reshape(n, n)


def _all_minima(s: surfaces.Surface) -> list[tuple[str, tuple[float, float]]]:
    return [("global", m) for m in s.minima] + [("local", m) for m in s.local_minima]


def _minimum_cases():
    return [
        pytest.param(name, kind, m, id=f"{name}-{kind}{i}")
        for name in ALL
        for i, (kind, m) in enumerate(_all_minima(surfaces.get(name)))
    ]


def _inside(domain, p) -> bool:
    (x0, x1), (y0, y1) = domain
    return x0 <= p[0] <= x1 and y0 <= p[1] <= y1


def _scale(f_min: float) -> float:
    return 1.0 + abs(f_min)


# --- the registry ----------------------------------------------------------------------------


def test_registry_holds_the_issue_names():
    missing = sorted(set(ISSUE_NAMES) - set(ALL))
    assert not missing, f"surfaces missing from the registry: {missing}"


def test_names_are_unique_and_get_returns_the_entry():
    assert len(set(ALL)) == len(ALL)
    for name in ALL:
        s = surfaces.get(name)
        assert isinstance(s, surfaces.Surface)
        assert s.name == name
        assert name in surfaces.REGISTRY


@pytest.mark.parametrize("bad", ["nope", "", "Rosenbrock", None, 3])
def test_unknown_name_raises_key_error_listing_the_names(bad):
    with pytest.raises(KeyError) as info:
        surfaces.get(bad)
    message = str(info.value)
    for name in ALL:
        assert name in message, f"{name!r} not listed in {message!r}"


# --- metadata every page relies on -----------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_metadata(name):
    s = surfaces.get(name)
    assert isinstance(s.latex, str) and s.latex.strip()
    assert isinstance(s.title, str) and s.title.strip()
    (x0, x1), (y0, y1) = s.domain
    assert all(math.isfinite(v) for v in (x0, x1, y0, y1))
    assert x0 < x1 and y0 < y1
    assert len(s.start) == 2 and all(math.isfinite(v) for v in s.start)
    assert _inside(s.domain, s.start), f"start {s.start} outside the domain {s.domain}"


@pytest.mark.parametrize("name", ALL)
def test_fn_returns_a_finite_scalar(name):
    s = surfaces.get(name)
    for dtype in (jnp.float32, jnp.float64):
        with jax.enable_x64(True):
            out = jax.eval_shape(s.fn, jax.ShapeDtypeStruct((2,), dtype))
        assert out.shape == () and out.dtype == dtype
    value = _x64(_compiled(name).derivs, s.start)[0]
    assert value.shape == () and np.isfinite(value)


@pytest.mark.parametrize("name", ALL)
def test_fn_is_finite_over_the_domain(name):
    _, _, values = _grid(name)
    assert np.all(np.isfinite(values))


def test_fn_binds_the_default_surface_parameters():
    s = surfaces.get("valley")
    defaults = {p.name: p.default for p in s.params}
    with jax.enable_x64(True):
        xy = jnp.asarray(s.start, jnp.float64)
        assert float(s.fn(xy)) == float(s.expr(xy, **defaults)) == float(s.bind()(xy))


# --- minima: consistent with the entry --------------------------------------------------------


@pytest.mark.parametrize("name", BOUNDED)
def test_bounded_surfaces_have_minima_and_f_min(name):
    s = surfaces.get(name)
    assert s.minima, "a surface bounded below lists its global minima"
    assert s.f_min is not None and math.isfinite(s.f_min)


@pytest.mark.parametrize(("name", "kind", "m"), _minimum_cases())
def test_minimum_is_finite_and_inside_the_domain(name, kind, m):
    s = surfaces.get(name)
    assert len(m) == 2 and all(math.isfinite(v) for v in m)
    assert _inside(s.domain, m), f"{kind} minimum {m} outside the domain {s.domain}"


@pytest.mark.parametrize(("name", "kind", "m"), _minimum_cases())
def test_gradient_vanishes_at_minimum(name, kind, m):
    s = surfaces.get(name)
    g = _grad(s, m)
    h = _hess(s, m)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(h))
    # The minima are typed to ~10 digits: the Newton step to the true stationary point (the
    # distance to it) must be that small, and the gradient itself tiny next to the curvature.
    newton_step = np.linalg.solve(h, g)
    assert np.linalg.norm(newton_step) < 1e-8, f"{m} is {np.linalg.norm(newton_step):.2e} off"
    assert np.linalg.norm(g) < 1e-7 * (1.0 + np.abs(h).max())


@pytest.mark.parametrize(("name", "kind", "m"), _minimum_cases())
def test_hessian_is_positive_definite_at_minimum(name, kind, m):
    s = surfaces.get(name)
    h = _hess(s, m)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-10)
    eig = np.linalg.eigvalsh(h)
    assert eig.min() > 1e-6 * max(1.0, eig.max()), f"Hessian eigenvalues {eig}: not a minimum"


@pytest.mark.parametrize(("name", "kind", "m"), _minimum_cases())
def test_value_at_minimum(name, kind, m):
    s = surfaces.get(name)
    value = _f(s, m)
    tol = 1e-10 * _scale(s.f_min)
    if kind == "global":
        assert value == pytest.approx(s.f_min, abs=tol)
    else:  # a local minimum that is not a global one lies strictly above f_min
        assert value > s.f_min + 1e-6 * _scale(s.f_min)


@pytest.mark.parametrize(("name", "kind", "m"), _minimum_cases())
def test_polished_minimum_stays_put(name, kind, m):
    # Newton's method from the listed point converges to a point within 1e-8 of it
    s = surfaces.get(name)
    x = _newton(s, m)
    assert np.all(np.isfinite(x))
    np.testing.assert_allclose(x, m, atol=1e-8)
    assert np.linalg.norm(_grad(s, x)) < 1e-9 * (1.0 + np.abs(_hess(s, x)).max())


@pytest.mark.parametrize("name", BOUNDED)
def test_no_grid_point_lies_below_f_min(name):
    s = surfaces.get(name)
    _, _, values = _grid(name)
    assert np.all(np.isfinite(values))
    lowest = float(values.min())
    assert lowest >= s.f_min - 1e-9 * _scale(s.f_min), (
        f"a grid point has f = {lowest!r} < f_min = {s.f_min!r}: f_min is not the global minimum"
    )


@functools.cache
def _minima_found_on_the_grid(name: str) -> tuple[tuple[float, float], ...]:
    """Every minimum inside the domain that Newton's method reaches from a discrete local
    minimum of the grid (a point no higher than its 8 neighbours), without repeats."""
    s = surfaces.get(name)
    xs, ys, values = _grid(name)
    padded = np.pad(values, 1, constant_values=np.inf)
    neighbours = np.stack(
        [
            padded[1 + di : 1 + di + values.shape[0], 1 + dj : 1 + dj + values.shape[1]]
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            if (di, dj) != (0, 0)
        ]
    )
    candidates = values <= neighbours.min(axis=0)
    found: list[np.ndarray] = []
    for p in np.stack([xs[candidates], ys[candidates]], axis=1):
        q = _newton(s, p)
        if not (np.all(np.isfinite(q)) and _inside(s.domain, q)):
            continue
        if np.linalg.eigvalsh(_hess(s, q)).min() <= 0.0:  # a saddle, not a minimum
            continue
        if all(np.linalg.norm(q - other) > 1e-6 for other in found):
            found.append(q)
    return tuple((float(x), float(y)) for x, y in found)


@pytest.mark.parametrize("name", BOUNDED)
def test_every_global_minimum_on_the_domain_is_listed(name):
    # Whatever the polish reaches with value f_min must be one of the listed minima.
    s = surfaces.get(name)
    found = _minima_found_on_the_grid(name)
    assert found, "no minimum found on the grid"
    minima = np.array(s.minima)
    for p in found:
        if _f(s, p) <= s.f_min + 1e-9 * _scale(s.f_min):
            distance = np.linalg.norm(minima - np.array(p), axis=1).min()
            assert distance < 1e-6, f"a global minimum at {p} is not listed in minima"


# Surfaces whose local minima form a lattice (dozens in the domain): listing them all is not
# the point of these surfaces, and their `about` says so.
LATTICE_OF_MINIMA = ("rastrigin", "ackley")


@pytest.mark.parametrize("name", [n for n in BOUNDED if n not in LATTICE_OF_MINIMA])
def test_every_local_minimum_on_the_domain_is_listed(name):
    # Surface's contract: local_minima are "the others that a path can settle in".
    s = surfaces.get(name)
    listed = np.array(s.minima + s.local_minima)
    missing = [
        (round(x, 6), round(y, 6), round(_f(s, (x, y)), 6))
        for x, y in _minima_found_on_the_grid(name)
        if np.linalg.norm(listed - np.array((x, y)), axis=1).min() > 1e-6
    ]
    assert not missing, f"{name}: minima (x, y, f) inside the domain but not listed: {missing}"


@pytest.mark.parametrize("name", LATTICE_OF_MINIMA)
def test_lattice_surfaces_do_have_many_local_minima(name):
    assert len(_minima_found_on_the_grid(name)) > 50


# --- unbounded surfaces ---------------------------------------------------------------------


@pytest.mark.parametrize("name", UNBOUNDED)
def test_unbounded_surfaces_have_no_minima(name):
    s = surfaces.get(name)
    assert s.minima == ()
    assert s.f_min is None


@pytest.mark.parametrize("name", UNBOUNDED)
def test_unbounded_surfaces_really_go_to_minus_infinity(name):
    # Some ray from the origin along which f decreases without bound.
    s = surfaces.get(name)
    radii = np.array([1e1, 1e2, 1e3, 1e4, 1e5])
    angles = np.deg2rad(np.arange(0.0, 360.0, 7.5))
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    points = (radii[None, :, None] * directions[:, None, :]).reshape(-1, 2)
    values = _values(s, points).reshape(len(angles), len(radii))
    found = [
        a for a, v in zip(angles, values, strict=True) if np.all(np.diff(v) < 0) and v[-1] < -1e9
    ]
    assert found, f"{name}: f stays bounded below along every ray tried"


@pytest.mark.parametrize("name", ("saddle", "monkey_saddle"))
def test_issue_saddles_are_unbounded(name):
    assert name in UNBOUNDED


@pytest.mark.parametrize("name", ("bounded_saddle", "valley", "rosenbrock"))
def test_bounded_surfaces_say_so(name):
    assert name in BOUNDED


# --- against the literature -------------------------------------------------------------------

# name -> (points where the literature puts the global minima, f*, tolerance on the points)
LITERATURE_MINIMA: dict[str, tuple[tuple[tuple[float, float], ...], float, float]] = {
    "rosenbrock": (((1.0, 1.0),), 0.0, 0.0),
    "beale": (((3.0, 0.5),), 0.0, 0.0),
    "himmelblau": (
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        0.0,
        1e-6,
    ),
    "booth": (((1.0, 3.0),), 0.0, 0.0),
    "matyas": (((0.0, 0.0),), 0.0, 0.0),
    "three_hump_camel": (((0.0, 0.0),), 0.0, 0.0),
    "six_hump_camel": (
        ((0.0898, -0.7126), (-0.0898, 0.7126)),
        -1.0316284534898774,
        1e-4,
    ),
    "rastrigin": (((0.0, 0.0),), 0.0, 0.0),
    "ackley": (((0.0, 0.0),), 0.0, 0.0),
    "goldstein_price": (((0.0, -1.0),), 3.0, 0.0),
    "styblinski_tang": (((-2.903534, -2.903534),), -78.33233140754282, 1e-6),
    "mccormick": (((-0.54719, -1.54719),), -1.9132229549810367, 1e-5),
    "bounded_saddle": (((1.0, 0.0), (-1.0, 0.0)), -0.25, 0.0),
    "valley": (((0.0, 0.0),), 0.0, 0.0),
}


def test_literature_table_covers_every_bounded_issue_surface():
    bounded_issue = {n for n in ISSUE_NAMES if n in BOUNDED}
    assert bounded_issue <= set(LITERATURE_MINIMA)


@pytest.mark.parametrize("name", sorted(LITERATURE_MINIMA))
def test_f_min_matches_the_literature(name):
    _, f_star, _ = LITERATURE_MINIMA[name]
    assert surfaces.get(name).f_min == pytest.approx(f_star, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", sorted(LITERATURE_MINIMA))
def test_minima_match_the_literature(name):
    points, _, tol = LITERATURE_MINIMA[name]
    listed = np.array(surfaces.get(name).minima)
    assert len(listed) == len(points)
    for p in points:  # the same set, up to the literature's precision
        assert np.abs(listed - np.array(p)).max(axis=1).min() <= tol + 1e-12, p


@pytest.mark.parametrize("name", sorted(LITERATURE_MINIMA))
def test_value_at_the_literature_minimum(name):
    # f evaluated where the literature puts the minimum gives the literature's f*: checks the
    # formula of f, not only the registry's numbers.
    points, f_star, tol = LITERATURE_MINIMA[name]
    s = surfaces.get(name)
    for p in points:
        curvature = np.abs(_hess(s, p)).max()
        allowed = 1e-12 * (1.0 + abs(f_star)) + curvature * (tol * 2) ** 2
        assert _f(s, p) == pytest.approx(f_star, abs=allowed)


def test_exact_values_from_the_literature():
    # the headline values the issue quotes
    assert _f(surfaces.get("himmelblau"), (3.0, 2.0)) == 0.0
    assert _f(surfaces.get("goldstein_price"), (0.0, -1.0)) == pytest.approx(3.0, abs=1e-12)
    assert surfaces.get("six_hump_camel").f_min == pytest.approx(-1.0316284534898774, rel=1e-12)
    assert surfaces.get("styblinski_tang").f_min == pytest.approx(-78.33233140754282, rel=1e-12)
    assert surfaces.get("mccormick").f_min == pytest.approx(-1.9132229549810367, rel=1e-12)


def test_closed_forms_worked_by_hand():
    # McCormick: ∂f = 0 gives cos(x + y) = −1/2 and x − y = 1, so x + y = −2π/3 and
    # f* = −√3/2 − π/3.
    mc = surfaces.get("mccormick")
    x_star = (0.5 - math.pi / 3.0, -0.5 - math.pi / 3.0)
    np.testing.assert_allclose(mc.minima[0], x_star, atol=1e-12)
    assert mc.f_min == pytest.approx(-math.sqrt(3.0) / 2.0 - math.pi / 3.0, rel=1e-13)
    # Styblinski–Tang: each coordinate solves 4u³ − 32u + 5 = 0 (its most negative root)
    roots = np.roots([4.0, 0.0, -32.0, 5.0])
    u = float(np.min(roots.real))
    st = surfaces.get("styblinski_tang")
    np.testing.assert_allclose(st.minima[0], (u, u), atol=1e-12)
    assert st.f_min == pytest.approx(u**4 - 16.0 * u**2 + 5.0 * u, rel=1e-13)
    # bounded saddle: ¼x⁴ − ½x² is −¼ at x = ±1
    assert surfaces.get("bounded_saddle").f_min == -0.25


# Values at ordinary points, computed by hand from the textbook formulas.
HAND_VALUES = [
    ("rosenbrock", (0.0, 0.0), 1.0),
    ("rosenbrock", (-1.0, 1.0), 4.0),
    ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
    ("beale", (1.0, 1.0), 1.5**2 + 2.25**2 + 2.625**2),
    ("himmelblau", (0.0, 0.0), 170.0),
    ("booth", (0.0, 0.0), 74.0),
    ("matyas", (1.0, 1.0), 0.04),
    ("three_hump_camel", (1.0, 0.0), 2.0 - 1.05 + 1.0 / 6.0),
    ("six_hump_camel", (1.0, 1.0), 4.0 - 2.1 + 1.0 / 3.0 + 1.0),
    ("rastrigin", (0.5, 0.5), 40.5),
    ("rastrigin", (1.0, 0.0), 1.0),
    ("ackley", (0.0, 0.0), 0.0),
    ("ackley", (1.0, 1.0), 20.0 * (1.0 - math.exp(-0.2))),
    ("goldstein_price", (0.0, 0.0), 600.0),
    ("goldstein_price", (-0.6, -0.4), 30.0),
    ("goldstein_price", (1.8, 0.2), 84.0),
    ("goldstein_price", (1.2, 0.8), 840.0),
    ("styblinski_tang", (1.0, 1.0), -10.0),
    ("mccormick", (0.0, 0.0), 1.0),
    ("saddle", (1.0, 2.0), -3.0),
    ("monkey_saddle", (1.0, 1.0), -2.0),
    ("bounded_saddle", (0.0, 0.0), 0.0),
    ("bounded_saddle", (0.0, 2.0), 2.0),
]


@pytest.mark.parametrize(("name", "p", "expected"), HAND_VALUES, ids=lambda v: str(v))
def test_values_computed_by_hand(name, p, expected):
    assert _f(surfaces.get(name), p) == pytest.approx(expected, rel=1e-9, abs=1e-9)


# --- the valley: a quadratic of chosen conditioning -------------------------------------------


@pytest.mark.parametrize("kappa", [1.0, 2.5, 10.0, 123.0, 1000.0])
@pytest.mark.parametrize("theta", [-90.0, -45.0, -10.0, 0.0, 30.0, 60.0, 90.0])
def test_valley_hessian_has_eigenvalues_one_and_kappa(kappa, theta):
    t = math.radians(theta)
    points = [(0.0, 0.0), (1.3, -0.7), (math.cos(t), math.sin(t)), (-math.sin(t), math.cos(t))]
    for p in points[:2]:  # a quadratic: the same Hessian everywhere
        h = _x64(_valley_hessian, p, kappa, theta)
        eig, vec = np.linalg.eigh(h)
        np.testing.assert_allclose(eig, [1.0, kappa], rtol=1e-12, atol=1e-12)
        if kappa > 1.0:  # the eigenvector of 1 is the valley floor, at θ degrees
            floor = np.array([math.cos(t), math.sin(t)])
            assert abs(vec[:, 0] @ floor) == pytest.approx(1.0, abs=1e-12)
    # the bound function: 0 at the origin, ½ along the floor at distance 1, κ/2 across it
    f = surfaces.get("valley").bind({"kappa": kappa, "theta": theta})
    with jax.enable_x64(True):
        values = [float(f(jnp.asarray(p, jnp.float64))) for p in points]
    assert values[0] == 0.0
    assert values[2] == pytest.approx(0.5, rel=1e-12)
    assert values[3] == pytest.approx(kappa / 2, rel=1e-12)


@jax.jit
def _valley_hessian(xy, kappa, theta):
    return jax.hessian(surfaces.get("valley").expr)(xy, kappa=kappa, theta=theta)


def test_valley_defaults():
    s = surfaces.get("valley")
    assert {p.name for p in s.params} == {"kappa", "theta"}
    defaults = s.resolve_params()
    eig = np.linalg.eigvalsh(_hess(s, (0.0, 0.0)))
    np.testing.assert_allclose(eig, [1.0, defaults["kappa"]], rtol=1e-12)


@pytest.mark.parametrize("kappa", [0.0, 0.5, 0.999, 1000.5, 1e6, -3.0, math.nan, math.inf])
def test_valley_rejects_out_of_range_kappa(kappa):
    s = surfaces.get("valley")
    with pytest.raises(ValueError, match="kappa"):
        s.bind({"kappa": kappa})
    with pytest.raises(ValueError, match="kappa"):
        s.resolve_params({"kappa": kappa})


@pytest.mark.parametrize("theta", [-90.5, 91.0, 360.0, math.nan])
def test_valley_rejects_out_of_range_theta(theta):
    with pytest.raises(ValueError, match="theta"):
        surfaces.get("valley").bind({"theta": theta})


@pytest.mark.parametrize("bad", ["10", True, None, [10.0]])
def test_valley_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match="kappa"):
        surfaces.get("valley").bind({"kappa": bad})


def test_unknown_surface_parameter_is_rejected():
    with pytest.raises(ValueError, match="gamma"):
        surfaces.get("valley").bind({"gamma": 1.0})
    with pytest.raises(ValueError, match="kappa"):
        surfaces.get("rosenbrock").bind({"kappa": 10.0})


def test_valley_range_is_in_the_message():
    with pytest.raises(ValueError) as info:
        surfaces.get("valley").bind({"kappa": 0.5})
    assert "[1, 1000]" in str(info.value)


def test_grids_are_the_grids_of_each_size_from_one_compile():
    """`surfaces.grids` evaluates several grid sizes in one call (the Compare page's map and
    click grid): each block holds f at its own grid's points, and NaN where f is undefined."""
    import compiles  # tests/compiles.py

    s = surfaces.from_formula("log(x) + y**2", domain=((-1.0, 3.0), (-2.0, 2.0)))
    with compiles.count_compiles() as events:
        (xa, ya, za), (xb, yb, zb) = surfaces.grids(s, None, (40, 30), (7, 5))
    assert len(events) == 1
    assert (za.shape, zb.shape) == ((30, 40), (5, 7))
    for xs, ys, z, (nx, ny) in ((xa, ya, za, (40, 30)), (xb, yb, zb, (7, 5))):
        assert np.array_equal(xs, np.linspace(-1.0, 3.0, nx))
        assert np.array_equal(ys, np.linspace(-2.0, 2.0, ny))
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = np.log(xs)[None, :] + ys[:, None] ** 2  # the closed form, not the engine
        expected[~np.isfinite(expected)] = np.nan
        assert np.array_equal(np.isnan(z), np.isnan(expected))  # undefined where x <= 0
        assert np.allclose(z, expected, rtol=1e-5, atol=1e-5, equal_nan=True)
