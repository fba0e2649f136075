"""Widgets for registry parameters: one slider per `Param`, labelled with its symbol.

Log-scale parameters (η, ε) slide over log₁₀ of the value, a twentieth of a decade per key
press, and show the value itself; the stored setting is the value, rounded to four significant
digits so a URL reproduces it. Decay rates (β, ρ: up to 0.999…) move over a list of values each
of which changes the path (0.9, 0.92, … 0.99, 0.995, 0.999). `typed_box` gives any slider a box
for a typed value.
Widget keys are filled in session state before a widget is created and widgets never get a
``value=`` argument, so presets, links and clicks can set them without Streamlit warnings.
"""

from __future__ import annotations

import math
import re

import streamlit as st

import optimizers
import surfaces
from scenarios import LIMITS
from surfaces import Param

SIG = 4  # significant digits kept from a log slider
LOG_STEP = 0.05  # a log slider's step, in log₁₀ of the value: η × 1.12 per key press
# A decay rate's stops: a tenth at a time, then finer towards 1, where 1/(1 − β), the number of
# past gradients it averages, grows fastest.
DECAY_STOPS = (
    *(k / 10 for k in range(9)),
    0.85,
    0.9,
    0.92,
    0.94,
    0.95,
    0.96,
    0.97,
    0.98,
    0.99,
    0.993,
    0.995,
    0.997,
    0.998,
    0.999,
    0.9995,
    0.9999,
    0.99995,
    0.99999,
)


def round_sig(v: float, digits: int = SIG) -> float:
    return float(f"{v:.{digits}g}")


def to_widget(p: Param, value: float) -> float | int:
    if p.log:
        return round(math.log10(value), 4)
    return int(value) if p.integer else float(value)


def from_widget(p: Param, w: float) -> float:
    return round_sig(10.0**w) if p.log else float(w)


def set_value(key: str, p: Param, value: float) -> None:
    st.session_state[key] = to_widget(p, value)


def ensure(key: str, p: Param, value: float | None = None) -> None:
    if key not in st.session_state:
        set_value(key, p, p.default if value is None else value)


def is_decay(p: Param) -> bool:
    """β, β₁, β₂, ρ: a rate in [0, 1) whose interesting values crowd towards 1."""
    return 0.99 < p.high < 1.0 and not p.log and not p.choices


def decay_stops(p: Param, value: float | None = None) -> list[float]:
    """The values a decay-rate slider stops at, inside ``p``'s range, with ``value`` (a link's
    0.937) among them so that it shows as it is."""
    stops = {v for v in DECAY_STOPS if p.low - 1e-12 <= v <= p.high + 1e-12} | {p.high}
    if value is not None:
        stops.add(float(value))
    return sorted(stops)


def _step(p: Param) -> float:
    if p.integer:
        return 1
    return float(f"{(p.high - p.low) / 200:.1g}")


def slider_range(p: Param) -> tuple[float, float]:
    """The ends of ``p``'s slider, in the slider's units (log₁₀ of the value for a log one)."""
    if p.log:
        return round(math.log10(p.low), 4), round(math.log10(p.high), 4)
    return p.low, p.high


def slider_step(p: Param) -> float:
    """The step of ``p``'s slider, in the slider's units (log₁₀ of the value for a log one)."""
    return LOG_STEP if p.log else _step(p)


def positions_near(p: Param, w: float, radius: int) -> list[float]:
    """The slider positions up to ``radius`` key presses either side of the position ``w`` (not
    ``w`` itself), inside the slider's range, as the browser reports them: on the slider's grid
    of steps from its low end (a position off the grid, from a link, snaps to it)."""
    lo, hi = slider_range(p)
    step = slider_step(p)
    at = round((w - lo) / step)
    out = []
    for k in range(-radius, radius + 1):
        v = round(lo + (at + k) * step, 6)
        if abs(v - w) > 1e-9 and lo - 1e-9 <= v <= hi + 1e-9:
            out.append(v)
    return out


def param_slider(p: Param, key: str, container=st, label: str | None = None) -> float:
    """A slider for ``p`` (its symbol as the label, or ``label``, which a log slider follows
    with the value); returns the parameter's value."""
    ensure(key, p)
    help_text = f"{p.help} ({p.name}), range {p.range_text}" + (", log scale" if p.log else "")
    if p.log:
        low, high = slider_range(p)
        value = from_widget(p, st.session_state[key])
        # the label carries the value (a keyed slider stays the same widget when it changes)
        w = container.slider(
            f"{label or p.symbol} = {value:.4g}",
            min_value=low,
            max_value=high,
            step=LOG_STEP,
            key=key,
            help=help_text,
            format="10^%.2f",
        )
        return from_widget(p, w)
    if is_decay(p):
        return float(
            container.select_slider(
                label or p.symbol,
                options=decay_stops(p, st.session_state[key]),
                format_func=lambda v: f"{v:g}",
                key=key,
                help=help_text + "; the box under ⋯ takes any value",
            )
        )
    if p.choices:  # a categorical parameter: its names, the engine still gets the number
        return float(
            container.select_slider(
                f"{p.symbol}  {p.help}",
                options=list(range(len(p.choices))),
                format_func=lambda i: p.choices[i].replace("_", " "),
                key=key,
                help=help_text,
            )
        )
    if p.integer:
        return float(
            container.slider(p.symbol, int(p.low), int(p.high), step=1, key=key, help=help_text)
        )
    return float(
        container.slider(
            p.symbol,
            float(p.low),
            float(p.high),
            step=_step(p),
            key=key,
            help=help_text,
            format="%.5g",
        )
    )


def typed_box(p: Param, key: str, container=st) -> float:
    """A number box beside the slider ``key`` for ``p``: it shows the slider's value and a
    typed value moves the slider (inside ``p``'s range)."""
    box = key + ".typed"
    st.session_state[box] = from_widget(p, st.session_state[key])

    def typed() -> None:
        v = min(max(float(st.session_state[box]), p.low), p.high)
        set_value(key, p, round_sig(v, 6) if not p.log else v)

    v = float(st.session_state[box])
    if p.integer or p.choices:
        step, fmt = 1.0, "%g"
    elif p.log:
        step, fmt = 10.0 ** (math.floor(math.log10(v)) - 1) if v > 0 else p.low, "%.4g"
    else:
        step, fmt = (0.001 if is_decay(p) else _step(p)), "%.6g"
    container.number_input(
        f"{p.symbol}: type a value",
        min_value=float(p.low),
        max_value=float(p.high),
        step=step,
        format=fmt,
        key=box,
        on_change=typed,
        help=f"{p.help}: type a value in {p.range_text}",
    )
    return from_widget(p, st.session_state[key])


def narrow_latex(tex: str, container=st) -> None:
    """LaTeX for a narrow column (the sidebar): a long formula set smaller so that it fits
    instead of being cut off at the column's edge."""
    size = "" if len(tex) <= 45 else r"\small " if len(tex) <= 100 else r"\scriptsize "
    container.latex(size + tex)


def surface_picker(prefix: str, container=st, on_change=None):
    """A registered surface and its parameters' sliders, under keys that start with ``prefix``
    (``{prefix}surface``, ``{prefix}sp.<surface>.<param>``): (Surface, its parameters)."""
    name = container.selectbox(
        "Surface",
        surfaces.names(),
        key=prefix + "surface",
        format_func=lambda n: surfaces.get(n).title,
        on_change=on_change,
    )
    surface = surfaces.get(name)
    params = {
        p.name: param_slider(p, f"{prefix}sp.{name}.{p.name}", container) for p in surface.params
    }
    return surface, params


def optimizer_picker(prefix: str, key: str, container=st, names=None) -> tuple[str, dict]:
    """One optimizer (from ``names``, default all) and its hyperparameters' sliders, under the
    keys ``{prefix}{key}`` and ``{prefix}hp.<optimizer>.<param>``: (its name, its values)."""
    name = container.selectbox(
        "Optimizer",
        list(names) if names is not None else optimizers.names(),
        key=prefix + key,
        format_func=lambda n: optimizers.get(n).title,
        label_visibility="collapsed",
    )
    hp = {
        p.name: param_slider(p, f"{prefix}hp.{name}.{p.name}", container)
        for p in optimizers.get(name).hparams
    }
    return name, hp


def steps_input(key: str, container=st, *, high: int | None = None, step: int = 100, **kwargs):
    """The pages' "Steps T" box: from the app's lowest step count to ``high`` (default: the
    app's limit)."""
    return container.number_input(
        "Steps T",
        min_value=int(LIMITS.steps.low),
        max_value=int(LIMITS.steps.high) if high is None else high,
        step=step,
        key=key,
        **kwargs,
    )


def start_inputs(domain, prefix: str = "", container=st) -> tuple[float, float]:
    """Two number inputs side by side, ``<prefix>start_x`` and ``<prefix>start_y``, held
    inside the surface's domain."""
    (x0, x1), (y0, y1) = domain
    left, right = container.columns(2)
    x = left.number_input(
        "start x", float(x0), float(x1), step=0.1, format="%.3f", key=prefix + "start_x"
    )
    y = right.number_input(
        "start y", float(y0), float(y1), step=0.1, format="%.3f", key=prefix + "start_y"
    )
    return float(x), float(y)


def preset_buttons(presets, prefix: str, on_click, *args: object, container=st) -> None:
    """One full-width button per preset, its question as the tooltip; a click calls
    ``on_click(preset.name, *args)`` before the rerun."""
    container.subheader("Presets")
    for p in presets:
        container.button(
            p.title,
            key=f"{prefix}preset.{p.name}",
            help=p.question,
            on_click=on_click,
            args=(p.name, *args),
            width="stretch",
        )


def code_span(text: str) -> str:
    """``text`` as a Markdown code span: shown as typed, nothing in it interpreted (no links,
    images, colours, icons or LaTeX). The fence is longer than any run of backticks inside."""
    text = " ".join(text.split())  # a newline would end the warning's paragraph
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    return f"{fence} {text} {fence}"


def link_warnings(warnings: list[str]) -> None:
    """What a link asked for that the page could not take, one warning each. The warning quotes
    the link, which anyone may have written: it is shown as text (a code span), never Markdown."""
    for w in warnings:
        st.warning("Link: " + code_span(w), icon="⚠️")
