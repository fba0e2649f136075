"""The two small building blocks every registry shares: a tunable `Param` and a `Registry`.

Surfaces, optimizers and schedules each keep one registry of entries; each entry lists its
tunable numbers as `Param`s (default, range, log scale, symbol). Validation lives here, once,
so the engine, the CLI and the pages all reject the same values with the same message.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


@dataclass(frozen=True)
class Param:
    """A tunable number: its name in code, its symbol on screen, and its allowed range.

    ``log`` marks parameters that span decades (η, ε): sliders move in log space.
    ``integer`` marks counts (cycles, steps) that the UI offers as whole numbers.
    ``choices`` names the values 0, 1, … of a categorical parameter (a neuron's activation):
    it is still a number to the engine, traced like any other, so switching never recompiles.
    """

    name: str
    default: float
    low: float
    high: float
    symbol: str
    log: bool = False
    integer: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.choices and (
            not self.integer or (self.low, self.high) != (0, len(self.choices) - 1)
        ):
            raise AssertionError(f"{self.name}: choices need integer=True and range 0 … n − 1")
        if not self.low <= self.default <= self.high:
            raise AssertionError(f"{self.name}: default {self.default} outside its range")
        if self.log and self.low <= 0:
            raise AssertionError(f"{self.name}: a log-scale range must be positive")

    @property
    def tex(self) -> str:
        """The symbol in LaTeX (η → \\eta, β₁ → \\beta_1)."""
        return "".join(_TEX.get(c, c) for c in self.symbol)

    @property
    def range_text(self) -> str:
        if self.choices:
            return "{" + ", ".join(f"{i}={c}" for i, c in enumerate(self.choices)) + "}"
        return f"[{self.low:g}, {self.high:g}]"

    def label(self, value: float) -> str:
        """The name of a choice (``value`` as text for other parameters)."""
        return self.choices[int(value)] if self.choices else f"{value:g}"

    def check(self, value: object, owner: str = "") -> float:
        """Return ``value`` as a float, or raise ``ValueError`` naming this parameter."""
        where = f" of {owner}" if owner else ""
        if self.choices and isinstance(value, str) and value in self.choices:
            return float(self.choices.index(value))  # a choice by name: "relu"
        if isinstance(value, bool) or (
            not isinstance(value, int | float) and not _is_np_real(value)
        ):
            raise ValueError(
                f"parameter {self.name!r}{where} must be a number in {self.range_text}, "
                f"got {value!r}"
            )
        x = float(value)  # type: ignore[arg-type]
        if not math.isfinite(x):
            raise ValueError(
                f"parameter {self.name!r}{where} must be finite, in {self.range_text}; got {x}"
            )
        if not self.low <= x <= self.high:
            raise ValueError(
                f"parameter {self.name!r}{where} must be in {self.range_text}, got {x:g}"
            )
        if self.integer and x != round(x):
            raise ValueError(f"parameter {self.name!r}{where} must be a whole number, got {x:g}")
        return x


_TEX = {
    "η": r"\eta ",
    "β": r"\beta ",
    "ρ": r"\rho ",
    "ε": r"\epsilon ",
    "λ": r"\lambda ",
    "κ": r"\kappa ",
    "θ": r"\theta ",
    "α": r"\alpha ",
    "γ": r"\gamma ",
    "σ": r"\sigma ",
    "₁": "_1",
    "₂": "_2",
    "_": r"\_",
}


def _is_np_real(value: object) -> bool:
    # numpy scalars and 0-d arrays of a real dtype, without importing numpy here
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return kind in ("f", "i", "u") and getattr(value, "ndim", 1) == 0


def resolve(
    params: tuple[Param, ...], given: Mapping[str, object] | None, owner: str
) -> dict[str, float]:
    """Fill defaults and validate: every key must be a known parameter, every value in range."""
    given = dict(given or {})
    known = {p.name: p for p in params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        raise ValueError(f"unknown parameter {unknown[0]!r} for {owner}; its parameters: {names}")
    return {p.name: p.check(given.get(p.name, p.default), owner) for p in params}


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """Name → entry, in registration order. Unknown names raise ``KeyError`` listing the names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        if entry.name in self._entries:
            raise AssertionError(f"{self.kind} {entry.name!r} registered twice")
        self._entries[entry.name] = entry
        return entry

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise KeyError(
                f"unknown {self.kind} {name!r}; choose one of: {', '.join(self._entries)}"
            ) from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries.values())

    def __contains__(self, name: object) -> bool:
        return name in self._entries
