"""The path and schedule colours stay apart for colour-blind viewers and stand off the map.

Colour science from the formulas, so the checks need no extra package:
- sRGB → CIELAB (D65): IEC 61966-2-1 transfer curve, the sRGB → XYZ matrix and the CIE
  L*a*b* formulas as given by Bruce Lindbloom (brucelindbloom.com).
- ΔE: CIE76 (Euclidean in L*a*b*) and CIEDE2000 as written out by G. Sharma, W. Wu and
  E. N. Dalal, "The CIEDE2000 color-difference formula: implementation notes, supplementary
  test data, and mathematical observations", Color Res. Appl. 30(1), 2005.
- Colour-vision deficiency: G. M. Machado, M. M. Oliveira and L. A. F. Fernandes, "A
  physiologically-based model for simulation of color vision deficiency", IEEE TVCG 15(6),
  2009 — the severity-1.0 protanopia and deuteranopia matrices of its Table 1, applied to
  linear RGB.

Thresholds (CIEDE2000): ΔE00 ≈ 1–2 is a just-noticeable difference between two large
patches side by side; paths are 2–3 px lines that cross the map, so a pair a lesson compares
must differ by an order of magnitude more. The palettes were searched to maximise the
smallest ΔE00 over every compared pair and all three visions; the thresholds sit just under
what the search reached (≈ 20 for the paths, ≈ 17.7 for the nine schedules, all pairwise),
so a hand edit that makes two compared lines alike fails here.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import optimizers
from optimizers import schedules
from plots import palette

# Machado et al. 2009, Table 1, severity 1.0 (rows act on linear R, G, B).
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
VISIONS = {"normal": np.eye(3), "deutan": DEUTERANOPIA, "protan": PROTANOPIA}

# linear sRGB → XYZ, D65 (Lindbloom)
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
D65 = SRGB_TO_XYZ @ np.ones(3)

# Which optimizers a lesson or a default view puts on one plot: every pair inside a group
# must stay apart. A new optimizer that is compared with others belongs in a group here.
COMPARED = (
    ("sgd", "momentum", "nesterov"),
    ("momentum", "nesterov", "momentum_ema"),
    ("sgd", "adagrad", "rmsprop", "adadelta", "adam"),
    ("adam", "adamw", "nadam", "amsgrad", "adamax", "radam", "adabelief"),
    ("adam", "adamw", "lion"),
    ("sgd", "momentum", "adam", "newton"),
    ("sgd", "momentum", "rmsprop", "adam"),
)
PAIR_DE00 = 19.5
PAIR_DE76 = 20.0  # and the rule of thumb, stated in the older CIE76
SCHEDULE_DE00 = 17.0
SCHEDULE_DE76 = 19.5
# against the map's darkest and lightest anchors and white: ΔE00 ≥ 25 keeps a line as
# distinct from its background as the palette's pairs are from each other
BACKGROUND_DE00 = 25.0
DARK_THEME = "#0e1117"


def to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def to_srgb(lin: np.ndarray) -> np.ndarray:
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def rgb01(color: str) -> np.ndarray:
    return np.array(palette.hex_to_rgb(color)) / 255.0


def simulate(rgb: np.ndarray, vision: str) -> np.ndarray:
    """sRGB in [0, 1] as seen with ``vision``, back in sRGB (clipped to the gamut)."""
    return to_srgb(np.clip(VISIONS[vision] @ to_linear(rgb), 0.0, 1.0))


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ to_linear(np.asarray(rgb, dtype=np.float64)) / D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def de76(lab1: np.ndarray, lab2: np.ndarray) -> float:
    return float(np.linalg.norm(lab1 - lab2))


def de00(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000, kL = kC = kH = 1, in the notation of Sharma et al. 2005."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    terms = (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    return float(np.sqrt(terms))


def seen(color: str, vision: str) -> np.ndarray:
    return lab(simulate(rgb01(color), vision))


def worst(c1: str, c2: str, metric=de00) -> float:
    """The smallest difference between two colours over the three visions."""
    return min(metric(seen(c1, v), seen(c2, v)) for v in VISIONS)


# --- the colour science against published values


@pytest.mark.parametrize(
    ("rgb", "expected"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
        ((0, 255, 0), (87.7347, -86.1827, 83.1793)),
        ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
    ],
)
def test_srgb_to_lab_matches_the_reference_values(rgb, expected):
    assert lab(np.array(rgb) / 255.0) == pytest.approx(expected, abs=2e-3)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # pairs 1, 7, 17, 19 and 25 of Sharma et al.'s Table 1
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_sharma_et_al(lab1, lab2, expected):
    assert de00(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert de00(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_matches_colorspacious():
    cs = pytest.importorskip("colorspacious")
    for color in (*palette.PATH_COLORS.values(), *palette.SCHEDULE_COLORS.values()):
        rgb = rgb01(color)
        for vision, cvd in (("deutan", "deuteranomaly"), ("protan", "protanomaly")):
            theirs = cs.cspace_convert(
                rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1"
            )
            assert simulate(rgb, vision) == pytest.approx(np.clip(theirs, 0, 1), abs=1e-3)


# --- the palettes


def _compared_pairs() -> list[tuple[str, str]]:
    pairs = {tuple(sorted(p)) for group in COMPARED for p in itertools.combinations(group, 2)}
    for o in optimizers.names():
        if variant_of := optimizers.get(o).variant_of:
            pairs.add(tuple(sorted((o, variant_of))))
    return sorted(pairs)


def test_every_optimizer_has_a_style_and_every_variant_is_dashed():
    assert set(palette.PATH_COLORS) == set(optimizers.names())
    for o in optimizers.names():
        style = palette.path_style(o)
        assert style["color"] == palette.path_color(o)
        assert style["dash"] == ("dash" if optimizers.get(o).variant_of else "solid")
    assert palette.path_style("no_such_optimizer", 2)["color"] == palette._FALLBACK[2]


@pytest.mark.parametrize("pair", _compared_pairs(), ids="-".join)
def test_compared_optimizers_stay_apart_for_every_vision(pair):
    a, b = (palette.path_color(o) for o in pair)
    assert worst(a, b) >= PAIR_DE00
    assert worst(a, b, de76) >= PAIR_DE76


def test_the_schedules_stay_apart_for_every_vision():
    colours = [palette.schedule_color(n) for n in schedules.names()]
    assert len(colours) == len(palette.SCHEDULE_COLORS)
    for a, b in itertools.combinations(colours, 2):
        assert worst(a, b) >= SCHEDULE_DE00, (a, b)
        assert worst(a, b, de76) >= SCHEDULE_DE76, (a, b)


def test_the_fallback_colours_stay_apart_for_every_vision():
    for a, b in itertools.combinations(palette._FALLBACK, 2):
        assert worst(a, b) >= SCHEDULE_DE00, (a, b)


@pytest.mark.parametrize(
    "background",
    [
        "#{:02x}{:02x}{:02x}".format(*palette._RAMP[0].astype(int)),
        "#{:02x}{:02x}{:02x}".format(*palette._RAMP[-1].astype(int)),
        "#ffffff",
        DARK_THEME,
    ],
)
def test_every_colour_stands_off_the_backgrounds(background):
    bg = lab(rgb01(background))
    for color in (*palette.PATH_COLORS.values(), *palette.SCHEDULE_COLORS.values()):
        assert de00(lab(rgb01(color)), bg) >= BACKGROUND_DE00, color
