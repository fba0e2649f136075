"""Analytic 2-D loss surfaces: pure ``jax.numpy`` functions and what a page needs to draw them.

>>> import surfaces
>>> s = surfaces.get("rosenbrock")
>>> surfaces.names()[:3]
('rosenbrock', 'beale', 'himmelblau')
"""

from surfaces import classic, data, neuron, teaching  # noqa: F401  (registers the surfaces)
from surfaces._grid import grid, grids, values_at
from surfaces._registry import REGISTRY, get, names, register
from surfaces._spec import Param, Registry, resolve
from surfaces._surface import DataTerms, Domain, Kernel, Point, Surface
from surfaces.formula import FormulaError, from_formula
from surfaces.regularize import ALPHA as REG_ALPHA
from surfaces.regularize import PENALTIES, regularize
from surfaces.spec import CUSTOM, SurfaceSpec, lookup

__all__ = [
    "CUSTOM",
    "PENALTIES",
    "REGISTRY",
    "REG_ALPHA",
    "DataTerms",
    "Domain",
    "FormulaError",
    "Kernel",
    "Param",
    "Point",
    "Registry",
    "Surface",
    "SurfaceSpec",
    "from_formula",
    "get",
    "grid",
    "grids",
    "lookup",
    "names",
    "register",
    "regularize",
    "resolve",
    "values_at",
]
