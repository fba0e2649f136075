"""Custom surfaces from a formula a student types: ``x**2 + 10*y**2 + sin(3*x)``.

The text is never handed to Python (no ``eval``, ``exec``, ``compile`` or ``ast``): a small
tokenizer and a recursive-descent parser turn it into a tree over a fixed grammar, and the
``jax.numpy`` function is built from the tree as nested closures. Precedence follows Python,
from loosest to tightest::

    sum      := product (('+' | '-') product)*        left-associative
    product  := unary (('*' | '/') unary)*            left-associative
    unary    := ('-' | '+') unary | power             so -x**2 is -(x**2)
    power    := atom [('**' | '^') unary]             right-associative: 2**3**2 = 2**9
    atom     := number | x | y | pi | e | name '(' sum [',' sum] ')' | '(' sum ')'

``^`` is accepted as a synonym of ``**`` (what students type; there is no XOR here), and
implicit multiplication (``2x``, ``x y``) is refused with a hint to write ``*``. Hostile or
oversized input is refused before it costs anything: see the limits below.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from surfaces._surface import Domain, Point, Surface

MAX_LENGTH = 500  # characters
MAX_TOKENS = 300
MAX_DEPTH = 50  # nested parentheses, calls, signs and exponents together
MAX_EXPONENT = 100.0  # |value| of an exponent that does not depend on x or y
MAX_WIDTH = 1e6  # of each side of the domain
DEFAULT_DOMAIN: Domain = ((-3.0, 3.0), (-3.0, 3.0))

VARIABLES = ("x", "y")
CONSTANTS = {"pi": (math.pi, r"\pi"), "e": (math.e, "e")}


class _Fn:
    """A callable name: its ``jax.numpy`` and NumPy forms, arity and LaTeX."""

    def __init__(self, jnp_fn: Callable, np_fn: Callable, arity: int, tex: str) -> None:
        self.jnp, self.np, self.arity, self.tex = jnp_fn, np_fn, arity, tex


FUNCTIONS: dict[str, _Fn] = {
    "sin": _Fn(jnp.sin, np.sin, 1, r"\sin"),
    "cos": _Fn(jnp.cos, np.cos, 1, r"\cos"),
    "tan": _Fn(jnp.tan, np.tan, 1, r"\tan"),
    "exp": _Fn(jnp.exp, np.exp, 1, r"\exp"),
    "log": _Fn(jnp.log, np.log, 1, r"\ln"),
    "log10": _Fn(jnp.log10, np.log10, 1, r"\log_{10}"),
    "sqrt": _Fn(jnp.sqrt, np.sqrt, 1, ""),
    "abs": _Fn(jnp.abs, np.abs, 1, ""),
    "tanh": _Fn(jnp.tanh, np.tanh, 1, r"\tanh"),
    "sinh": _Fn(jnp.sinh, np.sinh, 1, r"\sinh"),
    "cosh": _Fn(jnp.cosh, np.cosh, 1, r"\cosh"),
    "arctan": _Fn(jnp.arctan, np.arctan, 1, r"\arctan"),
    "arcsin": _Fn(jnp.arcsin, np.arcsin, 1, r"\arcsin"),
    "arccos": _Fn(jnp.arccos, np.arccos, 1, r"\arccos"),
    "minimum": _Fn(jnp.minimum, np.minimum, 2, r"\min"),
    "maximum": _Fn(jnp.maximum, np.maximum, 2, r"\max"),
}
ALIASES = {"atan": "arctan", "asin": "arcsin", "acos": "arccos", "min": "minimum", "max": "maximum"}


class FormulaError(ValueError):
    """A formula that cannot be compiled; ``position`` is the 0-based index of the culprit."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(f"at position {position}: {message}")
        self.position = position
        self.message = message


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", an operator ("+", "-", "*", "/", "**", "(", ")", ","), or "end"
    text: str
    pos: int


_NUMBER_LOOSE = re.compile(r"[0-9.]+(?:[eE][+-]?[0-9]*)?")
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = " \t\r\n"
_KNOWN = frozenset((*VARIABLES, *CONSTANTS, *FUNCTIONS, *ALIASES))


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _SPACE:
            i += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise FormulaError(i, f"too long: at most {MAX_TOKENS} numbers, names and operators")
        if c.isdigit() or (c == "." and text[i + 1 : i + 2].isdigit()):
            m = _NUMBER_LOOSE.match(text, i)
            assert m is not None
            lit = m.group()
            if not _NUMBER.fullmatch(lit):
                hint = " (an exponent needs digits, e.g. 1e3)" if lit[-1] in "eE+-" else ""
                raise FormulaError(i, f"malformed number {lit!r}{hint}")
            end = m.end()
            if end < n and (text[end].isalnum() or text[end] == "_"):
                word = _NAME.match(text, end)
                after = word.group() if word else text[end]
                raise FormulaError(
                    end,
                    f"a number cannot be followed by {after!r}: implicit multiplication is "
                    f"not allowed, write {lit}*{after}",
                )
            tokens.append(_Token("num", lit, i))
            i = end
        elif c.isalpha() or c == "_":
            m = _NAME.match(text, i)
            assert m is not None
            if m.group() not in _KNOWN:
                raise FormulaError(i, _unknown(m.group()))
            tokens.append(_Token("name", m.group(), i))
            i = m.end()
        elif text.startswith("**", i):
            tokens.append(_Token("**", "**", i))
            i += 2
        elif c == "^":
            tokens.append(_Token("**", "^", i))
            i += 1
        elif c in "+-*/(),":
            tokens.append(_Token(c, c, i))
            i += 1
        else:
            raise FormulaError(i, f"unexpected character {c!r}")
    tokens.append(_Token("end", "", n))
    return tokens


# --- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One node of the formula's tree.

    ``op`` is "num" (``text`` the literal), "var", "const", "neg", one of ``+ - * / **``, or
    "call" (``text`` the function's name); ``value`` is the node's float value when it does
    not depend on x or y (None when it does).
    """

    op: str
    text: str = ""
    args: tuple[Node, ...] = ()
    value: float | None = None


def _folded(op: str, text: str, args: tuple[Node, ...]) -> Node:
    """A node, its value computed (in float64) when all its arguments are constants."""
    if any(a.value is None for a in args):
        return Node(op, text, args)
    v = [np.float64(a.value) for a in args]
    with np.errstate(all="ignore"):  # 1/0 is inf, sqrt(-1) NaN: as in jnp
        if op == "neg":
            r = -v[0]
        elif op == "call":
            r = FUNCTIONS[text].np(*v)
        else:
            r = _NP_BINARY[op](v[0], v[1])
    return Node(op, text, args, float(r))


_NP_BINARY: dict[str, Callable] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "**": np.power,
}


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, what: str) -> _Token:
        if self.tok.kind != kind:
            raise FormulaError(self.tok.pos, f"expected {what} but found {_show(self.tok)}")
        return self.take()

    def formula(self) -> Node:
        node = self.sum()
        if self.tok.kind != "end":
            hint = "; to multiply, write '*'" if self.tok.kind in ("num", "name", "(") else ""
            raise FormulaError(
                self.tok.pos,
                f"expected an operator or the end of the formula but found {_show(self.tok)}{hint}",
            )
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.tok.kind in ("+", "-"):
            op = self.take().kind
            node = _folded(op, "", (node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind in ("*", "/"):
            op = self.take().kind
            node = _folded(op, "", (node, self.unary()))
        return node

    def unary(self) -> Node:
        # Every operand passes here, so this is where nesting is counted.
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise FormulaError(self.tok.pos, f"nested too deeply (at most {MAX_DEPTH} levels)")
        if self.tok.kind in ("+", "-"):
            sign = self.take().kind
            operand = self.unary()
            node = operand if sign == "+" else _folded("neg", "", (operand,))
        else:
            node = self.power()
        self.depth -= 1
        return node

    def power(self) -> Node:
        base = self.atom()
        if self.tok.kind != "**":
            return base
        self.take()
        where = self.tok.pos
        exponent = self.unary()
        if exponent.value is not None and not abs(exponent.value) <= MAX_EXPONENT:
            raise FormulaError(
                where, f"exponent too large (a constant exponent must be within ±{MAX_EXPONENT:g})"
            )
        return _folded("**", "", (base, exponent))

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            value = float(t.text)
            if not math.isfinite(value):
                raise FormulaError(t.pos, f"number {t.text!r} is too large")
            return Node("num", t.text, (), value)
        if t.kind == "(":
            self.take()
            node = self.sum()
            self.expect(")", "')'")
            return node
        if t.kind == "name":
            return self.name()
        raise FormulaError(t.pos, f"expected a number, a name or '(' but found {_show(t)}")

    def name(self) -> Node:
        t = self.take()
        name = ALIASES.get(t.text, t.text)
        if name in VARIABLES:
            return Node("var", name)
        if name in CONSTANTS:
            return Node("const", name, (), CONSTANTS[name][0])
        fn = FUNCTIONS[name]  # the tokenizer let only known names through
        if self.tok.kind != "(":
            raise FormulaError(
                self.tok.pos, f"{t.text!r} is a function: write {t.text}(...) with its argument"
            )
        self.take()
        args: list[Node] = []
        if self.tok.kind != ")":
            args.append(self.sum())
            while self.tok.kind == ",":
                self.take()
                args.append(self.sum())
        self.expect(")", "',' or ')'")
        if len(args) != fn.arity:
            want = "1 argument" if fn.arity == 1 else f"{fn.arity} arguments"
            raise FormulaError(t.pos, f"{t.text} takes {want}, got {len(args)}")
        return _folded("call", name, tuple(args))


def _unknown(name: str) -> str:
    return f"unknown name {name!r}; use x, y, pi, e or a function: {', '.join(FUNCTIONS)}"


def _show(t: _Token) -> str:
    return "the end of the formula" if t.kind == "end" else repr(t.text)


def parse(text: str, max_length: int = MAX_LENGTH) -> Node:
    """The tree of ``text``, or `FormulaError` naming the first problem and its position."""
    if not isinstance(text, str):
        raise FormulaError(0, f"a formula must be text, got {type(text).__name__}")
    if len(text) > max_length:
        raise FormulaError(MAX_LENGTH, f"too long: at most {MAX_LENGTH} characters")
    for i, c in enumerate(text):
        if not c.isascii():
            name = unicodedata.name(c, "")
            raise FormulaError(
                i,
                f"character {c!r} (U+{ord(c):04X}{' ' + name if name else ''}) is not allowed: "
                "use plain ASCII letters, digits and + - * / ^ ( ) , .",
            )
    if not text.strip():
        raise FormulaError(
            0, "the formula is empty: type an expression in x and y, e.g. x**2 + y**2"
        )
    return _Parser(_tokenize(text)).formula()


# --- rendering: normalized text and LaTeX --------------------------------------------------------

_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}  # atoms: 5


def _level(node: Node) -> int:
    return _LEVEL.get(node.op, 5)


def to_text(node: Node) -> str:
    """Canonical text with the fewest parentheses: ``^`` → ``**``, aliases → full names."""
    op = node.op
    if op in ("num", "var", "const"):
        return node.text
    if op == "call":
        return f"{node.text}({', '.join(to_text(a) for a in node.args)})"
    if op == "neg":
        (a,) = node.args
        return "-" + _paren(a, _level(a) < 3)
    a, b = node.args
    if op == "**":
        return _paren(a, _level(a) < 5) + "**" + _paren(b, _level(b) < 3)
    lvl = _LEVEL[op]
    left, right = _paren(a, _level(a) < lvl), _paren(b, _level(b) <= lvl)
    return f"{left} {op} {right}" if lvl == 1 else f"{left}{op}{right}"


def _paren(node: Node, needed: bool) -> str:
    return f"({to_text(node)})" if needed else to_text(node)


def to_latex(node: Node) -> str:
    """A readable LaTeX rendering: ``x^{2}``, ``\\sin``, ``\\frac{a}{b}``, ``\\sqrt{…}``."""
    op = node.op
    if op == "num":
        mantissa, _, exp = node.text.lower().partition("e")
        return mantissa if not exp else rf"{mantissa} \cdot 10^{{{int(exp)}}}"
    if op == "var":
        return node.text
    if op == "const":
        return CONSTANTS[node.text][1]
    if op == "call":
        inner = [to_latex(a) for a in node.args]
        if node.text == "sqrt":
            return rf"\sqrt{{{inner[0]}}}"
        if node.text == "abs":
            return rf"\left|{inner[0]}\right|"
        return rf"{FUNCTIONS[node.text].tex}\left({', '.join(inner)}\right)"
    if op == "neg":
        (a,) = node.args
        return "-" + _tex_paren(a, _level(a) < 2)
    a, b = node.args
    if op == "/":
        return rf"\frac{{{to_latex(a)}}}{{{to_latex(b)}}}"
    if op == "**":
        base = _tex_paren(a, _level(a) < 5 or (a.op == "num" and "e" in a.text.lower()))
        return f"{base}^{{{to_latex(b)}}}"
    lvl = _LEVEL[op]
    left = _tex_paren(a, _level(a) < lvl)
    right = _tex_paren(b, _level(b) < lvl or (op != "+" and _level(b) == lvl) or b.op == "neg")
    if op == "*":
        juxtapose = a.op == "num" and b.op != "num" and not right.startswith(("-", r"\left("))
        return f"{left} {right}" if juxtapose else rf"{left} \cdot {right}"
    return f"{left} {op} {right}"


def _tex_paren(node: Node, needed: bool) -> str:
    return rf"\left({to_latex(node)}\right)" if needed else to_latex(node)


# --- compiling the tree into jax.numpy closures --------------------------------------------------

_BINARY: dict[str, Callable] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def _build(node: Node) -> Callable[[jax.Array], jax.Array]:
    op = node.op
    if node.value is not None:
        value = node.value  # a constant subtree, folded: a Python float (weakly typed in jnp)
        return lambda xy: value
    if op == "var":
        index = VARIABLES.index(node.text)
        return lambda xy: xy[index]
    if op == "neg":
        inner = _build(node.args[0])
        return lambda xy: -inner(xy)
    if op == "call":
        fn = FUNCTIONS[node.text].jnp
        parts = [_build(a) for a in node.args]
        if len(parts) == 1:
            (p,) = parts
            return lambda xy: fn(p(xy))
        p, q = parts
        return lambda xy: fn(p(xy), q(xy))
    a, b = node.args
    if op == "**" and b.value is not None and float(b.value).is_integer():
        # An integer constant exponent: lax.integer_pow, exact for negative bases and cheap.
        base, k = _build(a), int(b.value)
        return lambda xy: base(xy) ** k
    left, right, f = _build(a), _build(b), _BINARY[op]
    return lambda xy: f(left(xy), right(xy))


@lru_cache(maxsize=128)
def _compiled(normal: str) -> tuple[Callable[[jax.Array], jax.Array], str]:
    """The function and LaTeX of a normalized formula: one object per text, so jit caches hit."""
    tree = parse(normal, max_length=len(normal))  # normalizing may add spaces
    body = _build(tree)

    def f(xy: jax.Array) -> jax.Array:
        xy = jnp.asarray(xy)
        return jnp.asarray(body(xy), jnp.result_type(xy, float))

    return f, "f(x, y) = " + to_latex(tree)


# --- the Surface -------------------------------------------------------------------------------


def _check_domain(domain: object) -> Domain:
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((xmin, xmax), (ymin, ymax)), got {domain!r}") from None
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)):
        raise ValueError(f"domain must be finite, got (({x0}, {x1}), ({y0}, {y1}))")
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"domain must have xmin < xmax and ymin < ymax, got {domain!r}")
    if x1 - x0 > MAX_WIDTH or y1 - y0 > MAX_WIDTH:
        raise ValueError(f"domain sides must be at most {MAX_WIDTH:g} wide, got {domain!r}")
    return (x0, x1), (y0, y1)


def _check_start(start: object, domain: Domain) -> Point:
    (x0, x1), (y0, y1) = domain
    if start is None:  # 80% of the way from the centre to the top-left corner
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        return cx + 0.8 * (x0 - cx), cy + 0.8 * (y1 - cy)
    try:
        x, y = (float(v) for v in start)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(f"start must be two numbers (x, y), got {start!r}") from None
    if not (x0 <= x <= x1 and y0 <= y <= y1):  # NaN fails too
        raise ValueError(
            f"start ({x:g}, {y:g}) must lie inside the domain [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"
        )
    return x, y


def from_formula(
    text: str, domain: Sequence[Sequence[float]] | None = None, start: Sequence[float] | None = None
) -> Surface:
    """A `Surface` named "custom" for ``f(x, y) = text``.

    Raises `FormulaError` (a ``ValueError`` with ``position``) for text outside the grammar
    or its limits, and ``ValueError`` for a bad ``domain`` or a ``start`` outside it. Nothing
    is known about its minima, so ``bounded_below=False``. A formula undefined in parts of the
    domain (``sqrt(x)``) still compiles: it is NaN there. The same text, domain and start give
    equal Surfaces whose function is the same object, so the engine compiles them once.
    """
    normal = to_text(parse(text))
    fn, latex = _compiled(normal)
    dom = _check_domain(DEFAULT_DOMAIN if domain is None else domain)
    return Surface(
        name="custom",
        title=normal,
        expr=fn,
        domain=dom,
        start=_check_start(start, dom),
        minima=(),
        f_min=None,
        bounded_below=False,
        latex=latex,
        log_levels=False,
        about="A formula typed by hand.",
    )
