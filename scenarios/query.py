"""Settings ↔ URL query string. Every setting is in the URL; a bad one is dropped, with a reason.

Keys are plain words for the view (``surface``, ``start``, ``steps``, ``opt``, ``schedule``,
``noise``, ``seed``, and ``stop.grad`` / ``stop.loss`` when a stopping rule is on) and
``<entity>.<parameter>`` for the parameters of the chosen surface,
schedule and optimizers: ``valley.kappa=100``, ``cosine.alpha=0.1``, ``adam.lr=0.01``.
A typed surface adds ``surface=custom&formula=x**2+%2B+y**2&domain=-3,3,-2,2``
(x min, x max, y min, y max); ``formula`` and ``domain`` belong to ``custom`` only.
Regularization, on any surface, adds ``reg=l1&reg.alpha=0.1&reg.prox=1``: the penalty
(``l1`` or ``l2``), its α, and ``reg.prox=1`` for L1's proximal step (``0`` or absent: the
subgradient); ``reg.alpha`` and ``reg.prox`` belong to a ``reg`` only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import optimizers
import surfaces
from scenarios.settings import (
    CUSTOM,
    DEFAULT_FORMULA,
    LIMITS,
    Run,
    Settings,
    in_domain,
    resolve_surface,
)
from surfaces.formula import DEFAULT_DOMAIN
from surfaces.formula import MAX_LENGTH as MAX_FORMULA_LENGTH
from surfaces.regularize import ALPHA, PENALTIES

REG_KEYS = ("reg.alpha", "reg.prox")  # the regularization's own keys, used with reg= only
PROX_WORDS = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}

MAX_VALUE_LENGTH = 200  # longer values are refused before any parsing (a formula: 500)
MAX_KEY_LENGTH = 60


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def encode(s: Settings) -> dict[str, str]:
    q = {
        "surface": s.surface,
        "start": ",".join(_fmt(v) for v in s.start_point),
        "steps": str(s.steps),
        "opt": ",".join(r.optimizer for r in s.runs),
        "schedule": s.schedule,
        "noise": _fmt(s.noise),
        "seed": str(s.seed),
    }
    if s.surface == CUSTOM:
        q["formula"] = s.formula
        q["domain"] = ",".join(_fmt(v) for axis in s.domain for v in axis)
    if s.stop_grad:  # stopping rules only when on: links without them stay as they were
        q["stop.grad"] = _fmt(s.stop_grad)
    if s.stop_loss:
        q["stop.loss"] = _fmt(s.stop_loss)
    if s.reg:  # only when on, like the stopping rules
        q["reg"] = s.reg
        q["reg.alpha"] = _fmt(s.alpha)
        if s.prox:
            q["reg.prox"] = "1"
    q.update({f"{s.surface}.{k}": _fmt(v) for k, v in s.surface_params.items() if k != ALPHA.name})
    q.update({f"{s.schedule}.{k}": _fmt(v) for k, v in s.schedule_params.items()})
    for r in s.runs:
        q.update({f"{r.optimizer}.{k}": _fmt(v) for k, v in r.hparams.items()})
    return q


def _last(value: str | Iterable[str]) -> str:
    if isinstance(value, str):
        return value
    items = list(value)
    return items[-1] if items else ""


def _number(text: str) -> float:
    v = float(text)  # accepts "1e-3", refuses "abc"; "nan"/"inf" are caught by range checks
    if not math.isfinite(v):
        raise ValueError("not a finite number")
    return v


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[Settings, list[str]]:
    """Settings from a query string, and one warning per value that was ignored."""
    warnings: list[str] = []
    q: dict[str, str] = {}
    for key, value in query.items():
        text = _last(value)
        limit = MAX_FORMULA_LENGTH if key == "formula" else MAX_VALUE_LENGTH
        if len(key) > MAX_KEY_LENGTH or len(text) > limit:
            warnings.append(f"ignored {key[:40]!r}: too long (at most {limit} characters)")
        else:
            q[str(key)] = text.strip()
    used: set[str] = set()

    def take(key: str) -> str | None:
        used.add(key)
        return q.get(key)

    def params(entity: str, specs: tuple[surfaces.Param, ...]) -> dict[str, float]:
        out = {}
        for p in specs:
            text = take(f"{entity}.{p.name}")
            if text is None:
                out[p.name] = p.default
                continue
            try:
                out[p.name] = p.check(_number(text), entity)
            except ValueError as e:
                warnings.append(f"ignored {entity}.{p.name}={text!r}: {_reason(e, p)}")
                out[p.name] = p.default
        return out

    default = Settings()
    name = take("surface")
    if name is not None and name not in surfaces.REGISTRY and name != CUSTOM:
        warnings.append(f"ignored surface={name!r}: unknown surface")
        name = None
    formula, domain = default.formula, default.domain
    if name == CUSTOM:
        domain = _domain(take("domain"), warnings)
        formula = _formula(take("formula"), domain, warnings)
    surface = resolve_surface(name or default.surface, formula, domain)
    surface_params = params(surface.name, surface.params)
    reg, prox = _regularization(take, surface_params, warnings)

    start = None
    text = take("start")
    if text is not None:
        try:
            x, y = (_number(v) for v in text.split(","))
            if not in_domain(surface, (x, y)):
                (x0, x1), (y0, y1) = surface.domain
                raise ValueError(
                    f"outside the domain of {surface.name}, [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"
                )
            start = (x, y)
        except ValueError as e:
            why = "expected two numbers x,y" if "unpack" in str(e) or "float" in str(e) else str(e)
            warnings.append(f"ignored start={text!r}: {why}")

    steps = int(_scalar(take("steps"), LIMITS.steps, "steps", warnings))
    noise = _scalar(take("noise"), LIMITS.noise, "noise", warnings)
    seed = int(_scalar(take("seed"), LIMITS.seed, "seed", warnings))
    stop_grad = _scalar(take("stop.grad"), LIMITS.stop_grad, "stop.grad", warnings)
    stop_loss = _scalar(take("stop.loss"), LIMITS.stop_loss, "stop.loss", warnings)

    schedule_name = take("schedule")
    if schedule_name is not None and schedule_name not in optimizers.schedules.REGISTRY:
        warnings.append(f"ignored schedule={schedule_name!r}: unknown schedule")
        schedule_name = None
    schedule = optimizers.schedules.get(schedule_name or default.schedule)
    schedule_params = params(schedule.name, schedule.params)

    runs = default.runs
    text = take("opt")
    if text is not None:
        names: list[str] = []
        for n in (n.strip() for n in text.split(",") if n.strip()):
            if n not in optimizers.REGISTRY:
                warnings.append(f"ignored optimizer {n!r}: unknown optimizer")
            elif n in names:
                warnings.append(f"ignored optimizer {n!r}: listed twice")
            elif len(names) >= LIMITS.max_runs:
                warnings.append(f"ignored optimizer {n!r}: at most {LIMITS.max_runs} at once")
            else:
                names.append(n)
        runs = tuple(Run(n, {}) for n in names)
    runs = tuple(
        Run(r.optimizer, params(r.optimizer, optimizers.get(r.optimizer).hparams)) for r in runs
    )

    for key in q:
        if key in ("formula", "domain") and key not in used:
            warnings.append(f"ignored {key!r}: it goes with surface={CUSTOM} only")
        elif key in REG_KEYS and key not in used:
            warnings.append(f"ignored {key!r}: it goes with reg={'|'.join(PENALTIES.names())} only")
        elif key not in used:
            warnings.append(f"ignored {key!r}: not a setting of this view")
    settings = Settings(
        surface=surface.name,
        surface_params=surface_params,
        start=start,
        steps=steps,
        runs=runs,
        schedule=schedule.name,
        schedule_params=schedule_params,
        noise=noise,
        seed=seed,
        formula=formula,
        domain=domain,
        stop_grad=stop_grad,
        stop_loss=stop_loss,
        reg=reg,
        prox=prox,
    )
    return settings, warnings


def _regularization(
    take, surface_params: dict[str, float], warnings: list[str]
) -> tuple[str, bool]:
    """(reg, prox) from ``reg``, ``reg.alpha`` and ``reg.prox``; α goes into ``surface_params``.
    A bad penalty drops all three; a bad α falls back to its default; a bad or unavailable
    ``reg.prox`` to the subgradient step."""
    reg = take("reg")
    if reg is None or reg in ("", "none"):
        return "", False
    if reg not in PENALTIES:
        warnings.append(
            f"ignored reg={reg!r}: unknown penalty; choose one of {', '.join(PENALTIES.names())}"
        )
        return "", False
    surface_params[ALPHA.name] = _scalar(take("reg.alpha"), ALPHA, "reg.alpha", warnings)
    text = take("reg.prox")
    if text is None:
        return reg, False
    if text.lower() not in PROX_WORDS:
        warnings.append(f"ignored reg.prox={text!r}: expected 1 (on) or 0 (off)")
        return reg, False
    prox = PROX_WORDS[text.lower()]
    if prox and PENALTIES.get(reg).prox is None:
        warnings.append(f"ignored reg.prox={text!r}: the proximal step goes with reg=l1 only")
        return reg, False
    return reg, prox


def _domain(text: str | None, warnings: list[str]) -> surfaces.Domain:
    """``x0,x1,y0,y1`` as a domain, checked as `surfaces.from_formula` checks it."""
    if text is None:
        return DEFAULT_DOMAIN
    try:
        x0, x1, y0, y1 = (_number(v) for v in text.split(","))
    except ValueError:
        warnings.append(f"ignored domain={text!r}: expected four numbers x0,x1,y0,y1")
        return DEFAULT_DOMAIN
    try:
        return resolve_surface(CUSTOM, DEFAULT_FORMULA, ((x0, x1), (y0, y1))).domain
    except ValueError as e:  # x0 >= x1, too wide
        warnings.append(f"ignored domain={text!r}: {e}")
        return DEFAULT_DOMAIN


def _formula(text: str | None, domain: surfaces.Domain, warnings: list[str]) -> str:
    """The formula if it compiles; else the default one and a warning with the position."""
    if text is None:
        return DEFAULT_FORMULA
    try:
        resolve_surface(CUSTOM, text, domain)
    except surfaces.FormulaError as e:
        shown = text if len(text) <= 60 else text[:57] + "..."
        warnings.append(f"ignored formula={shown!r}: {e}")
        return DEFAULT_FORMULA
    return text


def _scalar(text: str | None, p: surfaces.Param, key: str, warnings: list[str]) -> float:
    if text is None:
        return p.default
    try:
        return p.check(_number(text))
    except ValueError as e:
        warnings.append(f"ignored {key}={text!r}: {_reason(e, p)}")
        return p.default


def _reason(e: ValueError, p: surfaces.Param) -> str:
    msg = str(e)
    if msg.startswith("could not convert") or "finite" in msg:
        return f"expected a number in {p.range_text}"
    return f"must be in {p.range_text}" + (", a whole number" if p.integer else "")
