"""Surface values on a regular grid, for contour maps and GIF backgrounds."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import jax
import numpy as np

from surfaces._surface import Kernel, Surface


@lru_cache(maxsize=64)
def _grid_fn(k: Kernel):
    # One function per surface kernel (surfaces/_surface.py), compiled once per grid size
    # (the map's, the click grid's, `values_at`'s 1 × 1): the surface parameters are
    # arguments, so a regularized surface at another α reuses it.
    def values(xs, ys, params):
        f = jax.vmap(
            jax.vmap(lambda x, y: k.expr(jax.numpy.stack([x, y]), **params), (0, None)),
            (None, 0),
        )
        return f(xs, ys)

    return jax.jit(values)


def grid(
    surface: Surface, params: Mapping[str, object] | None = None, nx: int = 200, ny: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs (nx,), ys (ny,), Z (ny, nx))`` over the surface's domain; Z[i, j] = f(xs[j], ys[i]).

    Non-finite values (a formula undefined somewhere) come back as NaN, for the plot to leave
    blank.
    """
    return grids(surface, params, (nx, ny))[0]


def grids(
    surface: Surface, params: Mapping[str, object] | None, *sizes: tuple[int, int]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`grid` at each ``(nx, ny)`` of ``sizes``, from one call of the compiled function.

    The grids' coordinates are laid end to end and evaluated as one grid, whose diagonal
    blocks are the grids asked for (the cross terms are computed and dropped): one compile for
    the lot instead of one per size. The values are those of separate calls up to float32
    rounding (a point may round differently in its last bit). The Compare page's map (480²)
    and click grid (25²) cost 10 % more points this way and one compile less: ~50 ms of a
    server's first map on an empty compilation cache.
    """
    values = surface.resolve_params(params)
    (x0, x1), (y0, y1) = surface.domain
    axes = [(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)) for nx, ny in sizes]
    dtype = np.dtype(jax.numpy.result_type(float))
    z = np.asarray(
        _grid_fn(surface.kernel)(
            np.concatenate([xs for xs, _ in axes]).astype(dtype),
            np.concatenate([ys for _, ys in axes]).astype(dtype),
            {k: np.asarray(v, dtype) for k, v in values.items()},
        ),
        dtype=np.float64,
    )
    z[~np.isfinite(z)] = np.nan
    out, i, j = [], 0, 0
    for xs, ys in axes:
        out.append((xs, ys, z[j : j + len(ys), i : i + len(xs)]))
        i, j = i + len(xs), j + len(ys)
    return out


def values_at(surface: Surface, points, params: Mapping[str, object] | None = None) -> np.ndarray:
    """f at each of ``points`` ((n, 2) or a sequence of (x, y)), float64; NaN where undefined.

    Each point is a 1 × 1 grid of the maps' function: one compile per surface kernel for every
    call, whatever the points.
    """
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    values = surface.resolve_params(params)
    dtype = np.dtype(jax.numpy.result_type(float))
    sp = {k: np.asarray(v, dtype) for k, v in values.items()}
    fn = _grid_fn(surface.kernel)
    out = np.array(
        [float(fn(np.array([x], dtype), np.array([y], dtype), sp)[0, 0]) for x, y in pts]
    )
    out[~np.isfinite(out)] = np.nan
    return out
