"""Reading a page's link: one `Reader` that every view's ``decode`` uses.

A link is untrusted text. Each value is taken at most once, checked the way its setting is
checked everywhere else (a `surfaces.Param`'s range, a registry's names), and a value that
fails falls back to the setting's default with a warning that names the key and says why; the
rest of the link still applies. Keys the view did not take are named too. Streamlit's own
``embed`` keys are not the view's business and are passed over in silence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

from surfaces import Param

MAX_VALUE_LENGTH = 200  # longer values are refused before any parsing (a formula: 500)
MAX_KEY_LENGTH = 60
STREAMLIT_KEYS = ("embed", "embed_options")
FLAG_WORDS = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}


def fmt(v: float) -> str:
    """A number as a link writes it: six significant digits, enough for every slider."""
    return f"{v:.6g}"


def _last(value: str | Iterable[str]) -> str:
    if isinstance(value, str):
        return value
    items = list(value)
    return items[-1] if items else ""


def number(text: str) -> float:
    """A finite number from text ("1e-3"); ``ValueError`` otherwise ("abc", "nan", "inf")."""
    v = float(text)
    if not math.isfinite(v):
        raise ValueError("not a finite number")
    return v


def reason(e: ValueError, p: Param) -> str:
    """Why a value of ``p`` was refused, in the words of the parameter's range."""
    msg = str(e)
    if msg.startswith("could not convert") or "finite" in msg:
        return f"expected a number in {p.range_text}"
    return f"must be in {p.range_text}" + (", a whole number" if p.integer else "")


class Reader:
    """Takes a page's settings out of its query string, collecting one warning per value that
    was ignored. ``limits`` gives keys a longer length limit than `MAX_VALUE_LENGTH`."""

    def __init__(
        self, query: Mapping[str, str | Iterable[str]], limits: Mapping[str, int] | None = None
    ) -> None:
        self.warnings: list[str] = []
        self.q: dict[str, str] = {}
        self.used: set[str] = set()
        for key, value in query.items():
            if str(key).lower() in STREAMLIT_KEYS:
                continue
            text = _last(value)
            limit = (limits or {}).get(key, MAX_VALUE_LENGTH)
            if len(key) > MAX_KEY_LENGTH or len(text) > limit:
                self.warn(f"ignored {key[:40]!r}: too long (at most {limit} characters)")
            else:
                self.q[str(key)] = text.strip()

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def take(self, key: str) -> str | None:
        """The value of ``key`` (None when the link does not have it), marked as used."""
        self.used.add(key)
        return self.q.get(key)

    def has(self, key: str) -> bool:
        return key in self.q

    def scalar(self, key: str, p: Param, default: float | None = None) -> float:
        """A number checked against ``p`` (its default, or ``default``, when absent or bad)."""
        fallback = p.default if default is None else default
        text = self.take(key)
        if text is None:
            return fallback
        try:
            return p.check(number(text))
        except ValueError as e:
            self.warn(f"ignored {key}={text!r}: {reason(e, p)}")
            return fallback

    def params(
        self,
        entity: str,
        specs: Sequence[Param],
        defaults: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """``entity.<name>`` for each parameter of ``specs``, checked as `scalar` checks."""
        out = {}
        for p in specs:
            fallback = (defaults or {}).get(p.name, p.default)
            text = self.take(f"{entity}.{p.name}")
            if text is None:
                out[p.name] = fallback
                continue
            try:
                out[p.name] = p.check(number(text), entity)
            except ValueError as e:
                self.warn(f"ignored {entity}.{p.name}={text!r}: {reason(e, p)}")
                out[p.name] = fallback
        return out

    def choice(
        self,
        key: str,
        options: Sequence[str],
        default: str,
        what: str = "value",
        is_known: Callable[[str], bool] | None = None,
    ) -> str:
        """One of ``options`` (or any name ``is_known`` accepts), else ``default``."""
        text = self.take(key)
        if text is None:
            return default
        if text in options or (is_known is not None and is_known(text)):
            return text
        shown = ", ".join(options) if len(options) <= 12 else f"{len(options)} names"
        self.warn(f"ignored {key}={text!r}: unknown {what}; choose one of {shown}")
        return default

    def names(
        self,
        key: str,
        options: Sequence[str],
        default: Sequence[str],
        what: str,
        limit: int,
    ) -> tuple[str, ...]:
        """A comma-separated list of ``options``. Unknown, repeated and surplus names are each
        named and dropped; a list with no usable name keeps ``default`` (``?opt=bogus`` still
        shows the default optimizers). An empty value is an empty list."""
        text = self.take(key)
        if text is None:
            return tuple(default)
        picked: list[str] = []
        given = [n.strip() for n in text.split(",") if n.strip()]
        for n in given:
            if n not in options:
                self.warn(f"ignored {what} {n!r}: unknown {what}")
            elif n in picked:
                self.warn(f"ignored {what} {n!r}: listed twice")
            elif len(picked) >= limit:
                self.warn(f"ignored {what} {n!r}: at most {limit} at once")
            else:
                picked.append(n)
        if given and not picked:
            return tuple(default)
        return tuple(picked)

    def flag(self, key: str, default: bool) -> bool:
        text = self.take(key)
        if text is None:
            return default
        if text.lower() not in FLAG_WORDS:
            self.warn(f"ignored {key}={text!r}: expected 1 (on) or 0 (off)")
            return default
        return FLAG_WORDS[text.lower()]

    def numbers(self, key: str, count: int, what: str) -> tuple[float, ...] | None:
        """``count`` comma-separated finite numbers, or None (with a warning when present)."""
        text = self.take(key)
        if text is None:
            return None
        try:
            values = tuple(number(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != count:
            self.warn(f"ignored {key}={text!r}: expected {what}")
            return None
        return values

    def finish(self, explain: Callable[[str], str | None] | None = None) -> list[str]:
        """The warnings, with one more for every key no setting took (``explain`` may say why a
        key does not belong, e.g. a formula without ``surface=custom``)."""
        for key in self.q:
            if key not in self.used:
                why = (explain(key) if explain else None) or "not a setting of this view"
                self.warn(f"ignored {key!r}: {why}")
        return self.warnings


# ------------------------------------------------------ the pieces several pages' links share


def read_surface(
    read: Reader, default: str, names: Sequence[str] | None = None
) -> tuple[str, dict[str, float]]:
    """``surface=<name>`` (a registered surface, or one of ``names``) and its parameters
    ``<name>.<param>``."""
    import surfaces

    name = read.choice("surface", tuple(names or surfaces.names()), default, "surface")
    return name, read.params(name, surfaces.get(name).params)


def read_optimizer(
    read: Reader,
    key: str,
    default: str,
    names: Sequence[str] | None = None,
    defaults: Mapping[str, float] | None = None,
) -> tuple[str, dict[str, float]]:
    """``<key>=<optimizer>`` and its hyperparameters ``<optimizer>.<param>`` (``defaults``
    for the default optimizer's, where the page's own differ from the registry's)."""
    import optimizers

    name = read.choice(key, tuple(names or optimizers.names()), default, "optimizer")
    own = defaults if name == default else None
    return name, read.params(name, optimizers.get(name).hparams, own)


def params_query(entity: str, params: Mapping[str, float]) -> dict[str, str]:
    """``<entity>.<param>`` for each parameter: how every page writes a registry's numbers."""
    return {f"{entity}.{k}": fmt(v) for k, v in params.items()}


def read_point(read: Reader, key: str, domain) -> tuple[float, float] | None:
    """``key=x,y`` inside ``domain`` (None when absent or refused, with a warning)."""
    text = read.q.get(key)
    values = read.numbers(key, 2, "two numbers x,y")
    if values is None:
        return None
    (x0, x1), (y0, y1) = domain
    if not (x0 <= values[0] <= x1 and y0 <= values[1] <= y1):
        read.warn(
            f"ignored {key}={text!r}: outside the domain, [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"
        )
        return None
    return values[0], values[1]
