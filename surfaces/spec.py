"""`SurfaceSpec`: a surface named by value — frozen, hashable, validated once.

A run, a cache or a link names its surface by a `SurfaceSpec`, not by a `Surface` object: a
registered name (``"rosenbrock"``), or ``"custom"`` with the typed ``formula`` and its
``domain``, plus an optional penalty (``reg="l1"`` or ``"l2"``, strength ``alpha``, and for
L1 the proximal step ``prox``; surfaces/regularize.py). `SurfaceSpec.build` gives the
`Surface`; equal specs build the same object (a bounded cache).

One string names it too, ``spec.key``: the name, and for a regularized surface
``name+reg@α`` with ``+prox`` for the proximal step (``rosenbrock+l1@0.1+prox``); the formula
and domain of a ``custom`` surface travel beside it. `SurfaceSpec.parse` reads a key back and
`lookup` goes from a key straight to the `Surface`.

(Not to be confused with ``surfaces/_spec.py``, the `Param` and `Registry` building blocks.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from surfaces import _registry
from surfaces._spec import Param, resolve
from surfaces._surface import Domain, Surface
from surfaces.formula import DEFAULT_DOMAIN, _check_domain, from_formula, parse, to_text
from surfaces.regularize import ALPHA, PENALTIES, regularize

CUSTOM = "custom"  # the name of a typed formula (what `from_formula` names its surfaces)


@dataclass(frozen=True)
class SurfaceSpec:
    """A surface by value: ``name`` (registered, or ``"custom"`` with ``formula`` and
    ``domain``) and the penalty ``reg`` ("", "l1", "l2") of strength ``alpha`` (α, the surface
    parameter ``reg_alpha``), with the proximal step when ``prox`` (L1 only).

    Construction validates and normalises, so equal surfaces compare (and hash) equal: a
    registered name keeps no formula or domain, a formula is kept in its normal form and
    a missing domain becomes the default one, and α is the default when there is no penalty.
    Raises ``KeyError`` for an unknown name (listing the names), `surfaces.FormulaError` for a
    formula outside the grammar, ``ValueError`` naming the bad domain, penalty, α or prox.
    """

    name: str
    formula: str = ""
    domain: Domain | None = None
    reg: str = ""
    alpha: float = ALPHA.default
    prox: bool = False

    def __post_init__(self) -> None:
        if self.name == CUSTOM:
            if not isinstance(self.formula, str):
                raise ValueError(f"formula must be text, got {self.formula!r}")
            formula = to_text(parse(self.formula))
            domain = _check_domain(DEFAULT_DOMAIN if self.domain is None else self.domain)
        else:
            _registry.get(self.name)  # KeyError listing the names
            formula, domain = "", None
        if not isinstance(self.reg, str) or self.reg not in ("", *PENALTIES.names()):
            choices = ", ".join(repr(n) for n in ("", *PENALTIES.names()))
            raise ValueError(f"reg must be one of {choices}, got {self.reg!r}")
        alpha = ALPHA.check(self.alpha, "regularization") if self.reg else ALPHA.default
        if not isinstance(self.prox, bool):
            raise ValueError(f"prox must be True or False, got {self.prox!r}")
        if self.prox and (not self.reg or PENALTIES.get(self.reg).prox is None):
            raise ValueError(f"prox (the proximal step) is for reg='l1' only, got reg={self.reg!r}")
        for field, value in (("formula", formula), ("domain", domain), ("alpha", alpha)):
            object.__setattr__(self, field, value)

    @classmethod
    def parse(cls, name: str, formula: str = "", domain: Domain | None = None) -> SurfaceSpec:
        """The spec whose `key` is ``name`` (``rosenbrock``, ``booth+l1@0.5+prox``; without
        ``@α`` the default α); ``formula`` and ``domain`` for a ``custom`` base. Raises
        ``KeyError`` for a name it cannot read, and what the constructor raises."""
        if not isinstance(name, str):
            raise KeyError(f"a surface name must be text, got {name!r}")
        base, *extras = name.split("+")
        if not extras:
            return cls(base, formula, domain)
        kind, _, alpha = extras[0].partition("@")
        if extras[1:] not in ([], ["prox"]):
            raise KeyError(f"unknown surface {name!r}")
        PENALTIES.get(kind)  # KeyError: unknown penalty, with the names
        try:
            a = float(alpha) if alpha else ALPHA.default
        except ValueError:
            raise KeyError(f"unknown surface {name!r}: α must be a number") from None
        return cls(base, formula, domain, kind, a, bool(extras[1:]))

    @property
    def key(self) -> str:
        """The one string naming this surface (the formula and domain of ``custom`` aside):
        ``name``, or ``name+reg@α`` and ``+prox`` (`parse` reads it back exactly: α is written
        with ``repr``)."""
        return regularized_key(self.name, self.reg, self.alpha, self.prox)

    @property
    def surface_name(self) -> str:
        """The name of the `Surface` it builds (``booth+l1+prox``: α is a parameter there)."""
        if not self.reg:
            return self.name
        return f"{self.name}+{self.reg}" + ("+prox" if self.prox else "")

    def base(self) -> Surface:
        """The surface before the penalty: the registered one, or the typed formula's."""
        return _base(self.name, self.formula, self.domain)

    @property
    def params(self) -> tuple[Param, ...]:
        """The built surface's parameters: the base's, then α (default: ``alpha``) if any."""
        base = self.base().params
        return (*base, replace(ALPHA, default=self.alpha)) if self.reg else base

    def resolve_params(self, given: Mapping[str, object] | None = None) -> dict[str, float]:
        """`Surface.resolve_params` of the built surface, without building it (no minima
        search): defaults filled in, each value checked, ``ValueError`` naming a bad one."""
        return resolve(self.params, given, f"surface {self.surface_name!r}")

    def build(self, params: Mapping[str, object] | None = None) -> Surface:
        """The `Surface`. A regularized one has its minima for the base's parameters
        ``params`` (default: its defaults; a ``reg_alpha`` entry is ignored: α is ``alpha``)."""
        if not self.reg:
            return self.base()
        given = {k: v for k, v in (params or {}).items() if k != ALPHA.name}
        return _build(self, tuple(sorted(self.base().resolve_params(given).items())))


def regularized_key(
    name: str, reg: str = "", alpha: float = ALPHA.default, prox: bool = False
) -> str:
    """``name``, or with a penalty ``name+reg@α`` (``+prox`` with the proximal step): the
    `SurfaceSpec.key` format, for callers that hold the parts rather than a spec."""
    if not reg:
        return name
    return f"{name}+{reg}@{float(alpha)!r}" + ("+prox" if prox else "")


@lru_cache(maxsize=64)
def _base(name: str, formula: str, domain: Domain | None) -> Surface:
    return from_formula(formula, domain=domain) if name == CUSTOM else _registry.get(name)


@lru_cache(maxsize=256)
def _build(spec: SurfaceSpec, params: tuple[tuple[str, float], ...]) -> Surface:
    return regularize(spec.base(), spec.reg, spec.alpha, prox=spec.prox, params=dict(params))


def lookup(
    name: str,
    formula: str = "",
    domain: Domain | None = None,
    params: Mapping[str, object] | None = None,
) -> Surface:
    """The `Surface` for a plain or regularized name (a `SurfaceSpec.key`), ``formula`` and
    ``domain`` for a ``custom`` base, its minima for the base's parameters ``params``. A
    regularized name without ``@α`` takes α from ``params["reg_alpha"]`` (else the default)."""
    spec = SurfaceSpec.parse(name, formula, domain)
    if spec.reg and "@" not in name and params and ALPHA.name in params:
        spec = replace(spec, alpha=params[ALPHA.name])
    return spec.build(params)
