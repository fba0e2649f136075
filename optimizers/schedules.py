"""Learning-rate schedules: η_t = η · m(t), one registry, NumPy in and out.

Each schedule is a multiplier ``m(t)`` for t = 0, 1, …, T − 1 (t = 0 is the first step),
computed once per run as an array and fed to the engine's ``lax.scan`` next to the
hyperparameters: the plotted schedule is exactly the one the optimizer used, and moving a
schedule slider never recompiles anything.

The formulas are optax's (``optax.cosine_decay_schedule``, ``warmup_cosine_decay_schedule``,
``cosine_onecycle_schedule``, ``sgdr_schedule``, …) with ``init_value = 1``, and the tests
check them against optax value by value. They are written out here rather than called
because optax needs its step counts as concrete Python ints — each new warm-up length would
compile afresh — and its first eager evaluation costs about a second.
Lengths are given as fractions of the run, so a schedule keeps its shape when the number of
steps changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from surfaces import Param, Registry, resolve

Multiplier = Callable[..., np.ndarray]  # m(t, T, **params) -> array like t


class Schedule(NamedTuple):
    name: str
    title: str
    params: tuple[Param, ...]
    multiplier: Multiplier
    latex: str
    about: str = ""

    def resolve_params(self, given: Mapping[str, object] | None = None) -> dict[str, float]:
        return resolve(self.params, given, f"schedule {self.name!r}")

    def values(
        self, lr: float, steps: int, params: Mapping[str, object] | None = None
    ) -> np.ndarray:
        """η_t for t = 0 … steps − 1, float64."""
        return lr * _multipliers(self, steps, tuple(sorted(self.resolve_params(params).items())))


@lru_cache(maxsize=128)
def _multipliers(
    schedule: Schedule, steps: int, params: tuple[tuple[str, float], ...]
) -> np.ndarray:
    # Cached: a slider move on η or β recomputes nothing here. Read-only, as it is shared.
    t = np.arange(steps, dtype=np.float64)
    m = np.array(np.broadcast_to(schedule.multiplier(t, steps, **dict(params)), t.shape))
    m.flags.writeable = False
    return m


REGISTRY: Registry[Schedule] = Registry("schedule")
get = REGISTRY.get
names = REGISTRY.names


def _steps(fraction: float, total: int) -> int:
    return round(fraction * total)


def _cosine(t: np.ndarray, span: float, alpha: float) -> np.ndarray:
    # optax.cosine_decay_schedule: α + (1 − α)·½(1 + cos(π · min(t, T) / T))
    frac = np.minimum(t, span) / max(span, 1.0)
    return alpha + (1.0 - alpha) * 0.5 * (1.0 + np.cos(np.pi * frac))


def _warmup(t: np.ndarray, w: int) -> np.ndarray:
    # optax.linear_schedule from 0 to 1 over w steps (1 at once when w = 0)
    return np.ones_like(t) if w <= 0 else np.clip(t / w, 0.0, 1.0)


def _constant(t, T):
    return np.ones_like(t)


def _step_decay(t, T, gamma, every):
    return gamma ** np.floor(t / max(_steps(every, T), 1))


def _exponential(t, T, gamma):
    return gamma**t


def _inverse_time(t, T, k):
    return 1.0 / (1.0 + k * t)


def _cosine_decay(t, T, alpha):
    return _cosine(t, T, alpha)


def _warmup_cosine(t, T, warmup, alpha):
    w = _steps(warmup, T)
    # optax.warmup_cosine_decay_schedule: linear 0 → 1 for w steps, then cosine over T − w
    return np.where(t < w, _warmup(t, w), _cosine(t - w, T - w, alpha))


def _warmup_constant(t, T, warmup):
    return _warmup(t, _steps(warmup, T))


def _one_cycle(t, T, pct_start, div_factor, final_div_factor):
    # optax.cosine_onecycle_schedule: cosine up from 1/div to 1, then down to 1/(div·final_div)
    up = int(pct_start * T)  # optax truncates here (and rounds nowhere else)
    start, end = 1.0 / div_factor, 1.0 / (div_factor * final_div_factor)

    def anneal(a, b, frac):
        return b + (a - b) / 2.0 * (np.cos(np.pi * np.clip(frac, 0.0, 1.0)) + 1.0)

    rising = anneal(start, 1.0, t / max(up, 1))
    falling = anneal(1.0, end, (t - up) / max(T - up, 1))
    return np.where(t < up, rising, falling)


def _cosine_restarts(t, T, cycles, alpha):
    # optax.sgdr_schedule with equal periods: the cosine restarts from 1 every T / cycles steps
    period = max(int(np.ceil(T / cycles)), 1)
    return _cosine(np.mod(t, period), period, alpha)


_ALPHA = Param("alpha", 0.0, 0.0, 1.0, "α", help="final value, as a fraction of η")
_WARMUP = Param("warmup", 0.1, 0.0, 0.9, "w", help="warm-up length, as a fraction of the run")

for _schedule in (
    Schedule("constant", "Constant", (), _constant, r"\eta_t = \eta", "The same η at every step."),
    Schedule(
        "step",
        "Step decay",
        (
            Param("gamma", 0.5, 0.01, 1.0, "γ", help="factor applied at each drop"),
            Param(
                "every", 0.25, 0.01, 1.0, "k", help="steps between drops, as a fraction of the run"
            ),
        ),
        _step_decay,
        r"\eta_t = \eta\,\gamma^{\lfloor t / k \rfloor}",
        "η drops by a factor γ every k steps (optax.exponential_decay with staircase=True).",
    ),
    Schedule(
        "exponential",
        "Exponential decay",
        (Param("gamma", 0.995, 0.9, 1.0, "γ", help="factor applied every step"),),
        _exponential,
        r"\eta_t = \eta\,\gamma^{t}",
        "η shrinks by a factor γ every step (optax.exponential_decay).",
    ),
    Schedule(
        "inverse_time",
        "Inverse time (1/t)",
        (Param("k", 0.01, 0.0, 10.0, "k", help="decay rate"),),
        _inverse_time,
        r"\eta_t = \frac{\eta}{1 + k\,t}",
        "The Robbins–Monro decay: Σ η_t diverges while Σ η_t² converges.",
    ),
    Schedule(
        "cosine",
        "Cosine",
        (_ALPHA,),
        _cosine_decay,
        r"\eta_t = \eta\left(\alpha + (1 - \alpha)\,\tfrac{1}{2}\left(1 + \cos\tfrac{\pi t}{T}\right)\right)",
        "A half cosine from η down to αη over the run (optax.cosine_decay_schedule).",
    ),
    Schedule(
        "warmup_cosine",
        "Warm-up, then cosine",
        (_WARMUP, _ALPHA),
        _warmup_cosine,
        r"\eta_t = \begin{cases} \eta\, t / (wT) & t < wT \\"
        r" \eta\left(\alpha + (1 - \alpha)\,\tfrac{1}{2}\left(1 + \cos\tfrac{\pi (t - wT)}{(1 - w)T}\right)\right)"
        r" & \text{otherwise} \end{cases}",
        "A linear ramp from 0 to η, then a cosine decay (optax.warmup_cosine_decay_schedule).",
    ),
    Schedule(
        "warmup_constant",
        "Warm-up, then constant",
        (_WARMUP,),
        _warmup_constant,
        r"\eta_t = \eta \min\!\left(1, \frac{t}{wT}\right)",
        "A linear ramp from 0 to η, then η (optax.warmup_constant_schedule).",
    ),
    Schedule(
        "one_cycle",
        "One-cycle",
        (
            Param("pct_start", 0.3, 0.05, 0.95, "p", help="fraction of the run spent rising"),
            Param("div_factor", 25.0, 1.0, 1e4, "d", log=True, help="η / starting value"),
            Param("final_div_factor", 1e4, 1.0, 1e6, "d_f", log=True, help="start / final value"),
        ),
        _one_cycle,
        r"\eta_t:\ \tfrac{\eta}{d} \nearrow \eta\ \text{(cosine, first } pT\text{ steps)}"
        r" \searrow \tfrac{\eta}{d\,d_f}",
        "Up from η/d to η, then far below (optax.cosine_onecycle_schedule).",
    ),
    Schedule(
        "cosine_restarts",
        "Cosine with restarts",
        (
            Param("cycles", 4.0, 1.0, 50.0, "n", integer=True, help="number of cosine cycles"),
            _ALPHA,
        ),
        _cosine_restarts,
        r"\eta_t = \eta\left(\alpha + (1 - \alpha)\,\tfrac{1}{2}\left(1 + \cos\tfrac{\pi (t \bmod P)}{P}\right)\right),"
        r"\ P = \lceil T / n \rceil",
        "SGDR: a cosine decay that restarts from η n times (optax.sgdr_schedule).",
    ),
):
    REGISTRY.register(_schedule)
