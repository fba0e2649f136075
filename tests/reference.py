"""Independent references for the optimizer tests: plain NumPy float64, no JAX, no project code.

Two tables, written by hand from the literature and from DESIGN.md ("Update rules"):

* ``SURFACES``: a few of the registry's surfaces with their value, gradient and Hessian
  differentiated by hand (the project itself never does this: it uses ``jax.grad``), so a
  reference path shares nothing with the engine but the formula of ``f``.
* ``CLOSED_FORM``: the update rules of the table, one short loop each, in the symbols of the
  table. Each takes the gradient function, the start, and η_t for every step (so a schedule
  can be checked too) and returns the path, ``(steps + 1, 2)`` with row 0 the start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

Vec = np.ndarray  # (2,) float64
Grad = Callable[[Vec], Vec]


class RefSurface(NamedTuple):
    f: Callable[[Vec], float]
    grad: Grad
    hess: Callable[[Vec], np.ndarray]  # (2, 2)


# --- surfaces, differentiated by hand --------------------------------------------------------


def _rosenbrock(p: Vec) -> float:
    x, y = p
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _rosenbrock_grad(p: Vec) -> Vec:
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)])


def _rosenbrock_hess(p: Vec) -> np.ndarray:
    x, y = p
    return np.array([[2.0 - 400.0 * y + 1200.0 * x**2, -400.0 * x], [-400.0 * x, 200.0]])


def _booth(p: Vec) -> float:
    x, y = p
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


def _booth_grad(p: Vec) -> Vec:
    x, y = p
    return np.array([10.0 * x + 8.0 * y - 34.0, 8.0 * x + 10.0 * y - 38.0])


def _booth_hess(p: Vec) -> np.ndarray:
    return np.array([[10.0, 8.0], [8.0, 10.0]])


def _matyas(p: Vec) -> float:
    x, y = p
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def _matyas_grad(p: Vec) -> Vec:
    x, y = p
    return np.array([0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x])


def _matyas_hess(p: Vec) -> np.ndarray:
    return np.array([[0.52, -0.48], [-0.48, 0.52]])


def _himmelblau(p: Vec) -> float:
    x, y = p
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def _himmelblau_grad(p: Vec) -> Vec:
    x, y = p
    a, b = x**2 + y - 11.0, x + y**2 - 7.0
    return np.array([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b])


def _himmelblau_hess(p: Vec) -> np.ndarray:
    x, y = p
    xy = 4.0 * (x + y)
    return np.array([[12.0 * x**2 + 4.0 * y - 42.0, xy], [xy, 12.0 * y**2 + 4.0 * x - 26.0]])


_BEALE_C = (1.5, 2.25, 2.625)  # r_i = c_i − x + x yⁱ, i = 1, 2, 3


def _beale(p: Vec) -> float:
    x, y = p
    return sum((c - x + x * y**i) ** 2 for i, c in enumerate(_BEALE_C, start=1))


def _beale_grad(p: Vec) -> Vec:
    x, y = p
    g = np.zeros(2)
    for i, c in enumerate(_BEALE_C, start=1):
        r = c - x + x * y**i
        g += 2.0 * r * np.array([y**i - 1.0, i * x * y ** (i - 1)])  # 2 r ∇r
    return g


def _beale_hess(p: Vec) -> np.ndarray:
    x, y = p
    h = np.zeros((2, 2))
    for i, c in enumerate(_BEALE_C, start=1):
        r = c - x + x * y**i
        dr = np.array([y**i - 1.0, i * x * y ** (i - 1)])
        d2r_xy = i * y ** (i - 1)
        d2r_yy = i * (i - 1) * x * y ** (i - 2) if i >= 2 else 0.0
        h += 2.0 * (np.outer(dr, dr) + r * np.array([[0.0, d2r_xy], [d2r_xy, d2r_yy]]))
    return h


def _valley_axes(theta: float) -> np.ndarray:
    # rows: the unit vectors of u and v; f = ½(u² + κ v²) with (u, v) = R (x, y)
    t = math.radians(theta)
    return np.array([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]])


def valley(kappa: float, theta: float) -> RefSurface:
    """The project's ``valley`` surface: Hessian Rᵀ diag(1, κ) R, constant."""
    r = _valley_axes(theta)
    h = r.T @ np.diag([1.0, kappa]) @ r
    return RefSurface(
        f=lambda p: 0.5 * float(p @ h @ p),
        grad=lambda p: h @ p,
        hess=lambda p: h,
    )


SURFACES: dict[str, RefSurface] = {
    "rosenbrock": RefSurface(_rosenbrock, _rosenbrock_grad, _rosenbrock_hess),
    "booth": RefSurface(_booth, _booth_grad, _booth_hess),
    "matyas": RefSurface(_matyas, _matyas_grad, _matyas_hess),
    "himmelblau": RefSurface(_himmelblau, _himmelblau_grad, _himmelblau_hess),
    "beale": RefSurface(_beale, _beale_grad, _beale_hess),
}


def surface(name: str, params: Mapping[str, float] | None = None) -> RefSurface:
    """The hand-differentiated surface; ``valley`` takes κ and θ (degrees) as the registry's."""
    if name == "valley":
        p = {"kappa": 10.0, "theta": 30.0, **(params or {})}
        return valley(p["kappa"], p["theta"])
    assert not params, f"{name} has no parameters"
    return SURFACES[name]


# --- the update rules of DESIGN.md, straight from the table ----------------------------------


def _run(step, grad: Grad, x0, lrs) -> np.ndarray:
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    for t, lr in enumerate(lrs, start=1):  # t counts from 1
        x = x - lr * step(grad(x), t)
        path.append(x.copy())
    return np.array(path)


def sgd(grad: Grad, x0, lrs, hp) -> np.ndarray:
    return _run(lambda g, t: g, grad, x0, lrs)


def momentum(grad: Grad, x0, lrs, hp) -> np.ndarray:
    v = np.zeros(2)

    def step(g, t):
        nonlocal v
        v = hp["beta"] * v + g
        return v

    return _run(step, grad, x0, lrs)


def nesterov(grad: Grad, x0, lrs, hp) -> np.ndarray:
    v = np.zeros(2)

    def step(g, t):
        nonlocal v
        v = hp["beta"] * v + g
        return g + hp["beta"] * v

    return _run(step, grad, x0, lrs)


def adagrad(grad: Grad, x0, lrs, hp) -> np.ndarray:
    s = np.zeros(2)

    def step(g, t):
        nonlocal s
        s = s + g**2
        return g / (np.sqrt(s) + hp["eps"])

    return _run(step, grad, x0, lrs)


def rmsprop(grad: Grad, x0, lrs, hp) -> np.ndarray:
    s = np.zeros(2)

    def step(g, t):
        nonlocal s
        s = hp["rho"] * s + (1.0 - hp["rho"]) * g**2
        return g / (np.sqrt(s) + hp["eps"])

    return _run(step, grad, x0, lrs)


def adadelta(grad: Grad, x0, lrs, hp) -> np.ndarray:
    rho, eps = hp["rho"], hp["eps"]
    s, u = np.zeros(2), np.zeros(2)

    def step(g, t):
        nonlocal s, u
        s = rho * s + (1.0 - rho) * g**2
        delta = np.sqrt(u + eps) / np.sqrt(s + eps) * g
        u = rho * u + (1.0 - rho) * delta**2
        return delta

    return _run(step, grad, x0, lrs)


def adam(grad: Grad, x0, lrs, hp) -> np.ndarray:
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    m, v = np.zeros(2), np.zeros(2)

    def step(g, t):
        nonlocal m, v
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g**2
        return (m / (1.0 - b1**t)) / (np.sqrt(v / (1.0 - b2**t)) + eps)

    return _run(step, grad, x0, lrs)


def momentum_ema(grad: Grad, x0, lrs, hp) -> np.ndarray:
    v = np.zeros(2)

    def step(g, t):
        nonlocal v
        v = hp["beta"] * v + (1.0 - hp["beta"]) * g
        return v

    return _run(step, grad, x0, lrs)


def adagrad_eps_in(grad: Grad, x0, lrs, hp) -> np.ndarray:
    s = np.zeros(2)

    def step(g, t):
        nonlocal s
        s = s + g**2
        return g / np.sqrt(s + hp["eps"])

    return _run(step, grad, x0, lrs)


def rmsprop_eps_in(grad: Grad, x0, lrs, hp) -> np.ndarray:
    s = np.zeros(2)

    def step(g, t):
        nonlocal s
        s = hp["rho"] * s + (1.0 - hp["rho"]) * g**2
        return g / np.sqrt(s + hp["eps"])

    return _run(step, grad, x0, lrs)


def adam_no_bias(grad: Grad, x0, lrs, hp) -> np.ndarray:
    b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
    m, v = np.zeros(2), np.zeros(2)

    def step(g, t):
        nonlocal m, v
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g**2
        return m / (np.sqrt(v) + eps)

    return _run(step, grad, x0, lrs)


CLOSED_FORM = {
    "sgd": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adadelta": adadelta,
    "adam": adam,
    "momentum_ema": momentum_ema,
    "adagrad_eps_in": adagrad_eps_in,
    "rmsprop_eps_in": rmsprop_eps_in,
    "adam_no_bias": adam_no_bias,
}


def newton(s: RefSurface, x0, lrs, damping: float) -> np.ndarray:
    """Damped Newton: x ← x − η_t (∇²f + λI)⁻¹ ∇f, with the hand-written Hessian."""
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    for lr in lrs:
        x = x - lr * np.linalg.solve(s.hess(x) + damping * np.eye(2), s.grad(x))
        path.append(x.copy())
    return np.array(path)
