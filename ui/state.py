"""Compare-page settings ↔ widget keys in session state (the URL codec lives in `scenarios`).

`COMPARE` keeps the page's view across pages and in its URL (ui/page_state.py); `write` is
how that view gets back into the widgets.
"""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from scenarios import CUSTOM, DEFAULT_FORMULA, Settings
from scenarios.settings import in_domain
from surfaces.formula import MAX_LENGTH
from ui.controls import set_value
from ui.page_state import PageState

FORMULA = "formula"  # the text box, as typed (kept even when it does not compile)
DOMAIN = ("domain.x0", "domain.x1", "domain.y0", "domain.y1")
DRAWN = "formula.drawn"  # (formula, domain) last compiled: what the map shows
# (text, domain values) as typed. Streamlit forgets a widget's value in a run that does not
# draw it, so this copy brings the box back as it was after a detour through another surface.
TYPED = "formula.typed"
_DEFAULT_VALUES = tuple(v for axis in Settings().domain for v in axis)


SHOW_KEYS = {
    "rules": "show_rules",
    "critical": "show_critical",
    "steps": "show_steps",
    "present": "present",  # presentation mode: the chart gets the screen
    "arrows": "show_arrows",  # what each step is made of, as arrows on the map
}


def hp_key(optimizer: str, name: str) -> str:
    return f"hp.{optimizer}.{name}"


def sp_key(surface: str, name: str) -> str:
    return f"sp.{surface}.{name}"


def sch_key(schedule: str, name: str) -> str:
    return f"sch.{schedule}.{name}"


def surface_title(name: str) -> str:
    """The surface picker's label for ``name``."""
    return "Custom formula f(x, y)" if name == CUSTOM else surfaces.get(name).title


def write_formula(formula: str, domain: surfaces.Domain) -> None:
    """Fill the formula box and the domain inputs, and mark them as what is drawn."""
    st.session_state[FORMULA] = formula
    for k, v in zip(DOMAIN, (v for axis in domain for v in axis), strict=True):
        st.session_state[k] = float(v)
    st.session_state[DRAWN] = (formula, domain)
    st.session_state[TYPED] = (formula, tuple(float(v) for axis in domain for v in axis))


def drawn_formula() -> tuple[str, surfaces.Domain]:
    """The (formula, domain) the map shows: the last that compiled (defaults at first)."""
    return st.session_state.get(DRAWN, (scenarios.DEFAULT_FORMULA, Settings().domain))


def current_surface() -> surfaces.Surface:
    """The surface the picker shows now (for callbacks that run before the page)."""
    return scenarios.resolve_surface(st.session_state["surface"], *drawn_formula())


def write(s: Settings) -> None:
    """Put every setting into its widget's key (call before the widgets are created).

    The formula box is filled for a custom view, or when it is still empty: a formula typed
    earlier survives loading a preset on a registered surface.
    """
    surface = scenarios.surface_of(s)
    st.session_state["surface"] = s.surface
    if s.surface == CUSTOM or DRAWN not in st.session_state:
        write_formula(s.formula, s.domain)
    for p in surface.params:
        set_value(sp_key(s.surface, p.name), p, s.surface_params.get(p.name, p.default))
    st.session_state["start_x"], st.session_state["start_y"] = (float(v) for v in s.start_point)
    st.session_state["steps"] = int(s.steps)
    st.session_state["opt"] = [r.optimizer for r in s.runs]
    for r in s.runs:
        for p in optimizers.get(r.optimizer).hparams:
            set_value(hp_key(r.optimizer, p.name), p, r.hparams.get(p.name, p.default))
    st.session_state["schedule"] = s.schedule
    for p in optimizers.schedules.get(s.schedule).params:
        set_value(sch_key(s.schedule, p.name), p, s.schedule_params.get(p.name, p.default))
    st.session_state["noise"] = float(s.noise)
    st.session_state["seed"] = int(s.seed)
    st.session_state["stop_grad"] = float(s.stop_grad)
    st.session_state["stop_loss"] = float(s.stop_loss)
    st.session_state["reg"] = s.reg
    st.session_state["prox"] = bool(s.prox)
    for name, k in SHOW_KEYS.items():
        st.session_state[k] = name in s.show


def shown() -> frozenset[str]:
    """The display switches under the chart that are on (their keys are read before they are
    drawn: the view and its link are written first)."""
    return frozenset(n for n, k in SHOW_KEYS.items() if st.session_state.get(k))


COMPARE = PageState("compare", scenarios.decode, scenarios.encode, write)


def switch_form(current: str, other: str) -> None:
    """on_change of a convention switch: the run of ``current`` becomes a run of ``other`` (its
    default form or a variant), in the same place, with the same hyperparameter values."""
    chosen = list(st.session_state.get("opt", []))
    if current not in chosen or other in chosen:
        return
    chosen[chosen.index(current)] = other
    for p in optimizers.get(other).hparams:
        source = hp_key(current, p.name)
        if source in st.session_state:
            st.session_state[hp_key(other, p.name)] = st.session_state[source]
    st.session_state["opt"] = chosen


def reset_optimizer(name: str) -> None:
    for p in optimizers.get(name).hparams:
        set_value(hp_key(name, p.name), p, p.default)


def switch_surface() -> None:
    """on_change of the surface picker: the new surface's own start and parameters."""
    s = current_surface()
    st.session_state["start_x"], st.session_state["start_y"] = s.start
    for p in s.params:
        set_value(sp_key(s.name, p.name), p, p.default)


def custom_surface(container=st) -> surfaces.Surface:
    """The formula box and its domain; returns the surface to draw.

    A formula that does not compile shows an error under the box (its position marked) and
    the map keeps the last formula that did: a typo in front of a class should not blank the
    picture, and the text typed stays in the box to be fixed. A bad domain likewise keeps the
    last good one. A start outside a new domain moves to that domain's default start.
    """
    if FORMULA not in st.session_state:  # back from another surface: as it was typed
        text, values = st.session_state.get(TYPED) or (DEFAULT_FORMULA, _DEFAULT_VALUES)
        st.session_state[FORMULA] = text
        for k, v in zip(DOMAIN, values, strict=True):
            st.session_state[k] = v
    text = container.text_input(
        "f(x, y) =",
        key=FORMULA,
        max_chars=MAX_LENGTH,
        help="x, y, numbers, pi, e, + - * / ** (or ^), parentheses and sin, cos, tan, exp, "
        "log, log10, sqrt, abs, tanh, sinh, cosh, arctan, arcsin, arccos, minimum, maximum",
    )
    formula_error = container.empty()  # under the box, filled once the text is checked
    inputs = []
    for row in (("x min", "x max"), ("y min", "y max")):
        for column, label in zip(container.columns(2), row, strict=True):
            inputs.append((column, label))
    typed = [
        column.number_input(label, step=0.5, format="%g", key=k)
        for (column, label), k in zip(inputs, DOMAIN, strict=True)
    ]
    st.session_state[TYPED] = (text, tuple(float(v) for v in typed))
    formula, domain = drawn_formula()
    try:
        domain = scenarios.resolve_surface(
            CUSTOM, DEFAULT_FORMULA, ((typed[0], typed[1]), (typed[2], typed[3]))
        ).domain
    except ValueError as e:
        container.error(f"Domain not changed: {e}. Still drawing {_domain_text(domain)}.")
    try:
        scenarios.resolve_surface(CUSTOM, text, domain)
        formula = text
    except surfaces.FormulaError as e:
        formula_error.error(_formula_error(text, e, formula))
    st.session_state[DRAWN] = (formula, domain)
    surface = scenarios.resolve_surface(CUSTOM, formula, domain)
    start = (st.session_state.get("start_x", 0.0), st.session_state.get("start_y", 0.0))
    if not in_domain(surface, start):
        st.session_state["start_x"], st.session_state["start_y"] = surface.start
    return surface


def _formula_error(text: str, e: surfaces.FormulaError, drawn: str, width: int = 18) -> str:
    """The error, then the stretch of the formula around the culprit with a caret under it
    (the sidebar is narrow: a long formula is cut around the position, with … marks)."""
    line = "".join(c if c.isprintable() else " " for c in text)
    first = max(0, min(e.position - width * 2 // 3, len(line) - width))
    left = "…" if first > 0 else ""
    right = "…" if first + width < len(line) else ""
    excerpt = left + line[first : first + width] + right
    caret = " " * (len(left) + e.position - first) + "^"
    return (
        f"**Formula error {e}**\n\n```\n{excerpt}\n{caret}\n```\n"
        f"Still drawing the last formula that worked: `{drawn}`."
    )


def _domain_text(domain: surfaces.Domain) -> str:
    (x0, x1), (y0, y1) = domain
    return f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"
