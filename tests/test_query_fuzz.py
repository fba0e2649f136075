"""1,000 random and malformed links through the real app (`AppTest`): the page always renders,
and whatever the link had that was ignored is named in a warning.

Each case is a fresh `AppTest`, so each is a new session whose first run reads the URL
(`first_visit`), exactly as a browser opening the link. The cases come from a seeded generator:
random keys and values, known keys with values that are invalid by construction, huge numbers,
NaN and infinities, unicode, repeated keys, empty and very long values, formula and domain
garbage, and valid links with a few of their values corrupted.

Two checks per case. Against `scenarios.decode` (the codec under test, so only for *how many*
warnings): the page shows one "Link:" warning per value the decoder dropped, and none for a
valid link. Independently of the decoder: every value the generator made invalid is named in
some warning (``steps=`` or ``'steps'``, the optimizer's name, …).

Speed: a fresh AppTest scans every installed package's metadata for Streamlit components
(about 250 ms, two thirds of a run) and finds the same answer every time; the cases share that
one scan (``_bidi_component_manager``). Session state, query parameters and the script run are
new for every case. The trajectories behind the links come from a few base links (a handful of
optimizer × surface × step-bucket compilations); the random part is in the values, which are
traced and never recompile.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from urllib import parse

import pytest
from streamlit.testing.v1 import AppTest

import optimizers
from scenarios import CUSTOM, LIMITS, Settings, decode, encode
from scenarios.settings import Run

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CASES = 1000
SEED = 20261123

# --- the generator --------------------------------------------------------------------------------

SAFE = string.ascii_lowercase + string.digits + "_"
UNICODE = (
    "é漢字😀ΩЖ\u200b\u202e\u0301١２"  # accents, CJK, emoji, zero-width, RTL, combining, digits
)
GARBAGE_NUMBERS = [
    "abc",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "",
    "   ",
    "1,5",
    "0x1A",
    "1e",
    "--1",
    "1..2",
    "１e400",
    "😀",
    "None",
    "[]",
]
OUT_OF_RANGE = {
    "steps": ["0", "9", "-4", "12.5", "20001", "99999", "1e9", "1e308"],
    "noise": ["-0.001", "10.5", "1e308", "-1e-300"],
    "seed": ["-1", "2147483648", "1.5", "1e20"],
    "adam.lr": ["0", "-0.01", "1e9", "1e-300"],
    "adam.beta1": ["1.5", "-0.1", "2"],
    "momentum.beta": ["1.01", "-1"],
    "rmsprop.rho": ["1.5", "-0.5"],
    "sgd.lr": ["0", "1e6", "-1"],
    "valley.kappa": ["0", "1e9", "-5"],
    "reg.alpha": ["0", "-1", "10.5", "1e9", "1e-300"],
}
BAD_WORDS = {
    "surface": ["nowhere", "ROSENBROCK", "custom2", "__import__('os')", "", "😀", "rosen brock"],
    "schedule": ["zigzag", "", "Cosine", "cosine;drop"],
    "start": ["x,y", "1", "1,2,3", "nan,0", "inf,inf", "1e9,1e9", "", ",", "1;2", "0,😀"],
    "reg": ["l3", "L1", "lasso", "l1;l2", "😀"],
    "reg.prox": ["maybe", "2", "yes", "😀"],
}
BAD_FORMULAS = [
    "x**2 + * y",
    "2x",
    "import os",
    "sin(",
    "x^^2",
    "é",
    "",
    "__import__('os').system('ls')",
    "y**1e9",
    "lambda: 0",
    "x;y",
    "(" * 60 + "x" + ")" * 60,
    "exp(x, y)",
    "x.y",
    "1e",
    "x @ y",
    "sqrt",
]
BAD_DOMAINS = [
    "1,0,-1,1",
    "a,b,c,d",
    "1,2,3",
    "",
    "nan,1,2,3",
    "-1e7,1e7,0,1",
    "0,0,0,0",
    "1,2,3,4,5",
]
VALID_FORMULAS = ["x**2 + 10*y**2 + sin(3*x)", "sqrt(x) + y**2", "x^2 + y^2"]


def _adam(**hp: float) -> Run:
    return Run("adam", {**optimizers.get("adam").defaults, **hp})


# A few valid base links: the structures (surface, optimizers, step bucket, noise) the cases
# compile; values inside them vary per case.
BASES = [
    Settings(),
    Settings(
        surface="valley",
        surface_params={"kappa": 40.0, "theta": -15.0},
        start=(1.5, -2.0),
        steps=321,
        runs=(Run.default("nesterov"), _adam(lr=0.05)),
        schedule="cosine",
        schedule_params={"alpha": 0.1},
        noise=0.05,
        seed=7,
    ),
    Settings(surface=CUSTOM),
    Settings(
        surface=CUSTOM,
        formula="sqrt(x) + y**2",  # undefined (NaN) for x < 0
        domain=((-1.0, 2.0), (-1.0, 1.0)),
        start=(0.5, 0.5),
        runs=(Run.default("sgd"), _adam()),
    ),
    Settings(steps=int(LIMITS.steps.high), runs=(Run.default("sgd"), _adam(lr=0.05))),
    Settings(
        surface="himmelblau",
        surface_params={"reg_alpha": 0.5},
        steps=200,
        runs=(Run.default("sgd"), _adam()),
        reg="l1",
        prox=True,
    ),
]


def _text(rng: random.Random, alphabet: str, low: int, high: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _named_key(key: str) -> tuple[str, ...]:
    """How a warning names a dropped key or value: ``key=…``, ``'key'`` (too long, unused)."""
    return (f"{key}=", f"'{key}'")


def _base(rng: random.Random) -> dict[str, str | list[str]]:
    q: dict[str, str | list[str]] = dict(encode(rng.choice(BASES)))
    if "adam.lr" in q and rng.random() < 0.5:  # a valid value anywhere in η's range
        q["adam.lr"] = f"{10 ** rng.uniform(-6, 1):.4g}"
    return q


def _corrupt(rng: random.Random, q: dict, named: list[tuple[str, ...]]) -> None:
    """One value or key made invalid by construction; what must be named goes to ``named``."""
    kind = rng.choice(
        ["number", "range", "word", "opt", "formula", "domain", "long", "key", "repeat"]
    )
    if kind == "number":
        key = rng.choice(["steps", "noise", "seed", "adam.lr", "sgd.lr", "momentum.beta"])
        q[key] = rng.choice(GARBAGE_NUMBERS)
        _choose(q, key)
    elif kind == "range":
        key = rng.choice(sorted(OUT_OF_RANGE))
        q[key] = rng.choice(OUT_OF_RANGE[key])
        if key == "valley.kappa":
            _surface(q, named, "valley")
        if key == "reg.alpha":
            _regularize(q, named)
        _choose(q, key)
    elif kind == "word":
        key = rng.choice(sorted(BAD_WORDS))
        q[key] = rng.choice(BAD_WORDS[key])
    elif kind == "opt":
        key = rng.choice(["nope", "__import__", "ADAM", "adam;sgd", "😀"])
        q["opt"] = f"{q.get('opt', 'sgd')},{key}"
        named.append((repr(key), "'opt'"))  # 'opt' itself when a later one makes it too long
        return
    elif kind == "formula":
        key, q["formula"] = "formula", rng.choice(BAD_FORMULAS)
        _surface(q, named, CUSTOM)
    elif kind == "domain":
        key, q["domain"] = "domain", rng.choice(BAD_DOMAINS)
        _surface(q, named, CUSTOM)
    elif kind == "long":
        key = rng.choice(["steps", "adam.lr", "start", "formula", "opt"])
        if key == "formula":
            _surface(q, named, CUSTOM)
        q[key] = "x" * rng.randint(501, 3000) if key == "formula" else "1" * rng.randint(201, 3000)
    elif kind == "key":  # "zz_" starts no setting's name
        key = "zz_" + _text(rng, SAFE, 0, 12) + rng.choice(["", ".lr", ".zz", "_", "9"])
        q[key] = _text(rng, SAFE + UNICODE, 0, 20)
    else:  # repeated key: the last value counts (as Streamlit reads it)
        key = rng.choice(["steps", "noise", "seed"])
        q[key] = [str(Settings().steps), rng.choice(GARBAGE_NUMBERS[:8])]
    # Later corruptions may change the surface or the optimizers, which turns a bad value into
    # an unused key: either way the warning names it.
    named.append(_named_key(key))


def _surface(q: dict, named: list[tuple[str, ...]], name: str) -> None:
    """Switch the link's surface, unless an earlier corruption made it invalid on purpose."""
    if _named_key("surface") not in named:
        q["surface"] = name


def _regularize(q: dict, named: list[tuple[str, ...]]) -> None:
    """Turn L1 on, unless an earlier corruption made ``reg`` invalid on purpose."""
    if _named_key("reg") not in named:
        q["reg"] = "l1"


def _choose(q: dict, key: str) -> None:
    """Make ``key`` a setting of the view: its optimizer chosen (at most 8: decode's limit)."""
    entity = key.split(".")[0]
    chosen = str(q.get("opt", "")).split(",")
    if "." in key and entity in optimizers.names() and entity not in chosen:
        q["opt"] = ",".join([entity, *chosen][: LIMITS.max_runs])


def _random_query(rng: random.Random) -> dict[str, str | list[str]]:
    """Keys and values drawn from everything a URL can carry."""
    q: dict[str, str | list[str]] = {}
    pool = ["surface", "start", "steps", "opt", "schedule", "noise", "seed", "formula", "domain"]
    pool += ["reg", "reg.alpha", "reg.prox"]
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.5:
            key = rng.choice([*pool, "adam.lr", "sgd.lr", "valley.kappa", "cosine.alpha"])
        else:
            key = _text(rng, SAFE + UNICODE + ".=&?#%+ ", 1, rng.choice([5, 30, 80]))
        value = rng.choice(
            [
                _text(rng, SAFE + UNICODE + ",.-+eE ", 0, rng.choice([3, 20, 300])),
                rng.choice(GARBAGE_NUMBERS),
                str(rng.uniform(-1e6, 1e6)),
                f"{rng.uniform(-5, 5):.3g},{rng.uniform(-5, 5):.3g}",
                rng.choice(BAD_FORMULAS + VALID_FORMULAS),
            ]
        )
        q[key] = [value, _text(rng, SAFE, 0, 4)] if rng.random() < 0.1 else value
    return q


def _cases() -> list[tuple[str, dict, list[tuple[str, ...]]]]:
    rng = random.Random(SEED)
    cases = []
    for i in range(CASES):
        roll = rng.random()
        named: list[tuple[str, ...]] = []
        if roll < 0.1:
            kind, q = "valid", _base(rng)
        elif roll < 0.7:
            kind, q = "corrupted", _base(rng)
            for _ in range(rng.choice([1, 1, 2, 3])):
                _corrupt(rng, q, named)
        else:
            kind, q = "random", _random_query(rng)
        cases.append((f"{i:04d}-{kind}", q, named))
    return cases


def _as_received(query: dict) -> dict[str, str]:
    """The query as the page reads it: URL-encoded, parsed as Streamlit parses it (blank values
    kept, the last of a repeated key), without Streamlit's own ``embed`` keys."""
    parsed = parse.parse_qs(parse.urlencode(query, doseq=True), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items() if k.lower() not in ("embed", "embed_options")}


# --- the test -------------------------------------------------------------------------------------

_SHARED: dict[str, object] = {}  # the component scan, filled by the first case (one entry)


def _run(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if "manager" in _SHARED and hasattr(at, "_bidi_component_manager"):
        at._bidi_component_manager = _SHARED["manager"]
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if "manager" not in _SHARED:
        _SHARED["manager"] = getattr(at, "_bidi_component_manager", None)
    return at


def _charts(at: AppTest) -> int:
    live = [c for c in at.get("bidi_component") if c.proto.component_name == "optiscape.live_chart"]
    return len(at.get("plotly_chart")) + len(live)  # not the plotly.js preloader


@pytest.mark.parametrize(("case", "query", "named"), _cases(), ids=[c[0] for c in _cases()])
def test_a_link_always_renders_and_names_what_it_ignored(case, query, named):
    at = _run(query)
    assert not at.exception, [e.value for e in at.exception]
    # the page's heading is its first caption (no title: the map must fit a projector)
    assert at.caption[0].value.startswith("**Compare optimizers** on ")
    settings, expected = decode(_as_received(query))
    if settings.runs:
        assert _charts(at) == 1
    else:
        assert _charts(at) == 0
        assert any("Choose one or more optimizers" in i.value for i in at.info)
    shown = [w.value for w in at.warning if w.value.startswith("Link: ")]
    assert len(shown) == len(expected), (shown, expected)
    if case.endswith("valid"):
        assert shown == []
    for names in named:
        assert any(n in w for w in shown for n in names), (names, shown)
