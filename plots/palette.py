"""Colours: one stable colour per optimizer, and the contour map's ramp.

The ramp is dark where the loss is low, so a valley reads as deep, and muted, so the
saturated path colours stay the brightest things on the map.
"""

from __future__ import annotations

import numpy as np

# Registry order → colour: an optimizer keeps its colour whatever else is selected.
PATH_COLORS: dict[str, str] = {
    "sgd": "#ff4d4d",
    "momentum": "#ffb000",
    "nesterov": "#ff7f0e",
    "adagrad": "#b6f23a",
    "rmsprop": "#20e3d2",
    "adadelta": "#9ad0ff",
    "adam": "#ff5cf0",
    "adamw": "#c77dff",
    "nadam": "#fff35c",
    "amsgrad": "#7cff8a",
    "adamax": "#ffa3a3",
    "radam": "#49b6ff",
    "adabelief": "#ffd6a5",
    "lion": "#ffffff",
    "newton": "#e0e0e0",
    "momentum_ema": "#ffe08a",
    "adagrad_eps_in": "#4cc24c",
    "rmsprop_eps_in": "#0fa3b1",
    "adam_no_bias": "#b388ff",
}
# One colour per schedule, for pages that run one optimizer under several schedules.
SCHEDULE_COLORS: dict[str, str] = {
    "constant": "#ff4d4d",
    "step": "#ffb000",
    "exponential": "#b6f23a",
    "inverse_time": "#9ad0ff",
    "cosine": "#20e3d2",
    "warmup_cosine": "#ff5cf0",
    "warmup_constant": "#c77dff",
    "one_cycle": "#fff35c",
    "cosine_restarts": "#49b6ff",
}
_FALLBACK = ("#ff4d4d", "#ffb000", "#20e3d2", "#ff5cf0", "#b6f23a", "#49b6ff")

# Low → high loss. Anchors of a muted blue-grey to sand ramp.
_RAMP = np.array(
    [
        [24, 32, 52],
        [38, 58, 88],
        [62, 90, 118],
        [98, 124, 140],
        [140, 156, 158],
        [184, 186, 172],
        [220, 212, 188],
        [240, 234, 214],
    ],
    dtype=np.float64,
)


def path_color(name: str, index: int = 0) -> str:
    return PATH_COLORS.get(name, _FALLBACK[index % len(_FALLBACK)])


def schedule_color(name: str, index: int = 0) -> str:
    return SCHEDULE_COLORS.get(name, _FALLBACK[index % len(_FALLBACK)])


def ramp(n: int) -> np.ndarray:
    """``n`` colours along the ramp, uint8 (n, 3)."""
    at = np.linspace(0.0, len(_RAMP) - 1.0, n)
    lo = np.floor(at).astype(int)
    hi = np.minimum(lo + 1, len(_RAMP) - 1)
    frac = (at - lo)[:, None]
    return np.round(_RAMP[lo] * (1 - frac) + _RAMP[hi] * frac).astype(np.uint8)


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
