"""Settings ↔ URL query string. Every setting is in the URL; a bad one is dropped, with a reason.

Keys are plain words for the view (``surface``, ``start``, ``steps``, ``opt``, ``schedule``,
``noise``, ``seed``, and ``stop.grad`` / ``stop.loss`` when a stopping rule is on) and
``<entity>.<parameter>`` for the parameters of the chosen surface,
schedule and optimizers: ``valley.kappa=100``, ``cosine.alpha=0.1``, ``adam.lr=0.01``.
A typed surface adds ``surface=custom&formula=x**2+%2B+y**2&domain=-3,3,-2,2``
(x min, x max, y min, y max); ``formula`` and ``domain`` belong to ``custom`` only.
Regularization, on any surface, adds ``reg=l1&reg.alpha=0.1&reg.prox=1``: the penalty
(``l1`` or ``l2``), its α, and ``reg.prox=1`` for L1's proximal step (``0`` or absent: the
subgradient); ``reg.alpha`` and ``reg.prox`` belong to a ``reg`` only. The display switches
under the chart are ``show=rules,critical,steps`` (any of them), ``present`` is presentation
mode and ``arrows`` draws what each step is made of. Decoding goes through
`scenarios.link.Reader`, as every page's does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import optimizers
import surfaces
from scenarios.link import Reader, fmt, number
from scenarios.settings import (
    CUSTOM,
    DEFAULT_FORMULA,
    DEFAULT_OPTIMIZERS,
    LIMITS,
    Run,
    Settings,
    in_domain,
    resolve_surface,
)
from surfaces.formula import DEFAULT_DOMAIN
from surfaces.formula import MAX_LENGTH as FORMULA_LIMIT
from surfaces.regularize import ALPHA, PENALTIES

REG_KEYS = ("reg.alpha", "reg.prox")  # the regularization's own keys, used with reg= only
SHOW = ("rules", "critical", "steps", "present", "arrows")  # the display switches, in link order
MAX_FORMULA_LENGTH = FORMULA_LIMIT


def encode(s: Settings) -> dict[str, str]:
    q = {
        "surface": s.surface,
        "start": ",".join(fmt(v) for v in s.start_point),
        "steps": str(s.steps),
        "opt": ",".join(r.optimizer for r in s.runs),
        "schedule": s.schedule,
        "noise": fmt(s.noise),
        "seed": str(s.seed),
    }
    if s.surface == CUSTOM:
        q["formula"] = s.formula
        q["domain"] = ",".join(fmt(v) for axis in s.domain for v in axis)
    if s.stop_grad:  # stopping rules only when on: links without them stay as they were
        q["stop.grad"] = fmt(s.stop_grad)
    if s.stop_loss:
        q["stop.loss"] = fmt(s.stop_loss)
    if s.reg:  # only when on, like the stopping rules
        q["reg"] = s.reg
        q["reg.alpha"] = fmt(s.alpha)
        if s.prox:
            q["reg.prox"] = "1"
    if s.show:
        q["show"] = ",".join(k for k in SHOW if k in s.show)
    q.update({f"{s.surface}.{k}": fmt(v) for k, v in s.surface_params.items() if k != ALPHA.name})
    q.update({f"{s.schedule}.{k}": fmt(v) for k, v in s.schedule_params.items()})
    for r in s.runs:
        q.update({f"{r.optimizer}.{k}": fmt(v) for k, v in r.hparams.items()})
    return q


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[Settings, list[str]]:
    """Settings from a query string, and one warning per value that was ignored."""
    read = Reader(query, {"formula": MAX_FORMULA_LENGTH})
    default = Settings()
    name = read.choice("surface", (*surfaces.names(), CUSTOM), default.surface, "surface")
    formula, domain = default.formula, default.domain
    if name == CUSTOM:
        domain = _domain(read)
        formula = _formula(read, domain)
    surface = resolve_surface(name, formula, domain)
    surface_params = read.params(surface.name, surface.params)
    reg, prox = _regularization(read, surface_params)
    start = read_start(read, surface)
    steps = int(read.scalar("steps", LIMITS.steps))
    noise = read.scalar("noise", LIMITS.noise)
    seed = int(read.scalar("seed", LIMITS.seed))
    stop_grad = read.scalar("stop.grad", LIMITS.stop_grad)
    stop_loss = read.scalar("stop.loss", LIMITS.stop_loss)
    schedule = optimizers.schedules.get(
        read.choice("schedule", optimizers.schedules.names(), default.schedule, "schedule")
    )
    schedule_params = read.params(schedule.name, schedule.params)
    names = read.names("opt", optimizers.names(), DEFAULT_OPTIMIZERS, "optimizer", LIMITS.max_runs)
    runs = tuple(Run(n, read.params(n, optimizers.get(n).hparams)) for n in names)
    show = frozenset(read.names("show", SHOW, (), "display switch", len(SHOW)))

    def explain(key: str) -> str | None:
        if key in ("formula", "domain"):
            return f"it goes with surface={CUSTOM} only"
        if key in REG_KEYS:
            return f"it goes with reg={'|'.join(PENALTIES.names())} only"
        return None

    warnings = read.finish(explain)
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
        show=show,
    )
    return settings, warnings


def read_start(read: Reader, surface: surfaces.Surface) -> tuple[float, float] | None:
    """``start=x,y`` inside the surface's domain (None: the surface's own start)."""
    text = read.take("start")
    if text is None:
        return None
    try:
        x, y = (number(v) for v in text.split(","))
    except ValueError:
        read.warn(f"ignored start={text!r}: expected two numbers x,y")
        return None
    if not in_domain(surface, (x, y)):
        (x0, x1), (y0, y1) = surface.domain
        read.warn(
            f"ignored start={text!r}: outside the domain of {surface.name}, "
            f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"
        )
        return None
    return x, y


def _regularization(read: Reader, surface_params: dict[str, float]) -> tuple[str, bool]:
    """(reg, prox) from ``reg``, ``reg.alpha`` and ``reg.prox``; α goes into ``surface_params``.
    A bad penalty drops all three; a bad α falls back to its default; a bad or unavailable
    ``reg.prox`` to the subgradient step."""
    if read.q.get("reg") in ("", "none"):
        read.take("reg")
        return "", False
    reg = read.choice("reg", PENALTIES.names(), "", "penalty")
    if not reg:
        return "", False
    surface_params[ALPHA.name] = read.scalar("reg.alpha", ALPHA)
    text = read.q.get("reg.prox")
    prox = read.flag("reg.prox", False)
    if prox and PENALTIES.get(reg).prox is None:
        read.warn(f"ignored reg.prox={text!r}: the proximal step goes with reg=l1 only")
        return reg, False
    return reg, prox


def _domain(read: Reader) -> surfaces.Domain:
    """``x0,x1,y0,y1`` as a domain, checked as `surfaces.from_formula` checks it."""
    values = read.numbers("domain", 4, "four numbers x0,x1,y0,y1")
    if values is None:
        return DEFAULT_DOMAIN
    x0, x1, y0, y1 = values
    try:
        return resolve_surface(CUSTOM, DEFAULT_FORMULA, ((x0, x1), (y0, y1))).domain
    except ValueError as e:  # x0 >= x1, too wide
        read.warn(f"ignored domain={read.q['domain']!r}: {e}")
        return DEFAULT_DOMAIN


def _formula(read: Reader, domain: surfaces.Domain) -> str:
    """The formula if it compiles; else the default one and a warning with the position."""
    text = read.take("formula")
    if text is None:
        return DEFAULT_FORMULA
    try:
        resolve_surface(CUSTOM, text, domain)
    except surfaces.FormulaError as e:
        shown = text if len(text) <= 60 else text[:57] + "..."
        read.warn(f"ignored formula={shown!r}: {e}")
        return DEFAULT_FORMULA
    return text
