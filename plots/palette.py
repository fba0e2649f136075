"""Colours: one stable colour per optimizer, and the contour map's ramp.

The ramp is dark where the loss is low, so a valley reads as deep, and muted, so the
saturated path colours stand out from it.
"""

from __future__ import annotations

import numpy as np

# Registry order → colour: an optimizer keeps its colour whatever else is selected. The
# colours were searched for (not picked by eye) so that every pair a lesson puts on one plot
# (the groups in tests/test_palette.py) stays apart under normal vision and simulated deutan
# and protan vision, and every colour stands off the map's darkest and lightest anchors and
# white; tests/test_palette.py holds the thresholds and checks them.
PATH_COLORS: dict[str, str] = {
    "sgd": "#19b9ff",
    "momentum": "#a10b5d",
    "nesterov": "#45d38b",
    "adagrad": "#b51492",
    "rmsprop": "#0ddd17",
    "adadelta": "#d7637a",
    "adam": "#853e02",
    "adamw": "#fa9fd8",
    "nadam": "#960b8b",
    "amsgrad": "#b47b45",
    "adamax": "#ffb200",
    "radam": "#b95f82",
    "adabelief": "#d122ff",
    "lion": "#da7310",
    "newton": "#7dd444",
    "momentum_ema": "#ba32d5",
    "adagrad_eps_in": "#deabff",
    "rmsprop_eps_in": "#0a6503",
    "adam_no_bias": "#d1863b",
}
# A convention variant (``variant_of`` in optimizers/conventions.py) is dashed and thinner,
# so where it runs on top of its default form the solid line still shows between the dashes.
PATH_DASH: dict[str, str] = {
    "momentum_ema": "dash",
    "adagrad_eps_in": "dash",
    "rmsprop_eps_in": "dash",
    "adam_no_bias": "dash",
}
PATH_WIDTH = 3.0
VARIANT_WIDTH = 2.0
# One colour per schedule, for pages that run one optimizer under several schedules: all
# nine stay apart pairwise, under the same checks.
SCHEDULE_COLORS: dict[str, str] = {
    "constant": "#09b1fe",
    "step": "#ff9cb5",
    "exponential": "#a51423",
    "inverse_time": "#ba699c",
    "cosine": "#cf5800",
    "warmup_cosine": "#afcd26",
    "warmup_constant": "#239c6d",
    "one_cycle": "#8f385e",
    "cosine_restarts": "#7a08ca",
}
# For a name without a colour of its own, by position: six of the schedule colours, which
# are pairwise distinct.
_FALLBACK = tuple(SCHEDULE_COLORS.values())[:6]

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


def path_style(name: str, index: int = 0) -> dict[str, str | float]:
    """A Plotly ``line`` for optimizer ``name``: its colour, dash and width."""
    dash = PATH_DASH.get(name, "solid")
    width = PATH_WIDTH if dash == "solid" else VARIANT_WIDTH
    return {"color": path_color(name, index), "dash": dash, "width": width}


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
