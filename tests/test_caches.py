"""Every cache has a size limit: the source is read with `ast`, so an unbounded cache cannot land.

A long-running Streamlit server serves every class for weeks; a cache without a bound grows with
every slider position anyone ever tried. Flagged:

- ``functools.cache`` and ``lru_cache(maxsize=None)`` (``lru_cache`` alone is bounded: 128);
- ``st.cache_data`` / ``st.cache_resource`` without ``max_entries`` (or with ``None``), and
  Streamlit's legacy ``st.cache`` / ``st.experimental_memo`` / ``st.experimental_singleton``;
- a module-level dict, list or set that a function writes into (``CACHE[k] = v``,
  ``SEEN.append(x)``): a hand-made cache with no eviction.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("surfaces", "optimizers", "plots", "scenarios", "ui", "pages", "cli.py", "app.py")
STREAMLIT_CACHES = {"cache_data", "cache_resource"}
STREAMLIT_LEGACY = {"cache", "experimental_memo", "experimental_singleton"}
CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "deque", "Counter"}
MUTATORS = {"append", "extend", "add", "update", "setdefault", "insert", "appendleft"}


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


def _dotted(node: ast.AST) -> str:
    """``st.cache_data`` → "st.cache_data"; "" for anything that is not a plain name chain."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → qualified name for imports of functools and streamlit."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                names[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module in ("functools", "streamlit"):
            for a in node.names:
                names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def _qualified(node: ast.AST, aliases: dict[str, str]) -> str:
    head, _, rest = _dotted(node).partition(".")
    if not head:
        return ""
    full = aliases.get(head, head)
    return f"{full}.{rest}" if rest else full


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _cache_problem(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """Why the decorator or call ``node`` is an unbounded cache, or None."""
    call = node if isinstance(node, ast.Call) else None
    name = _qualified(call.func if call else node, aliases)
    if name == "functools.cache":
        return "functools.cache has no size limit: use lru_cache(maxsize=N)"
    if name == "functools.lru_cache" and call is not None:
        size = _keyword(call, "maxsize") or (call.args[0] if call.args else None)
        if _is_none(size):
            return "lru_cache(maxsize=None) has no size limit"
    module, _, attr = name.rpartition(".")
    if module == "streamlit" and attr in STREAMLIT_LEGACY:
        return f"st.{attr} is Streamlit's legacy cache: use st.cache_data(max_entries=N)"
    if module == "streamlit" and attr in STREAMLIT_CACHES:
        entries = _keyword(call, "max_entries") if call else None
        if entries is None or _is_none(entries):
            return f"st.{attr} without max_entries has no size limit"
    return None


def _module_containers(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        literal = isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp)
        made = isinstance(value, ast.Call) and _dotted(value.func).split(".")[-1] in CONTAINERS
        if literal or made:
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _grows(fn: ast.AST, containers: set[str]) -> list[tuple[int, str]]:
    """Writes into a module-level container inside a function body."""
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id in containers:
                out.append((node.lineno, node.value.id))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            named = isinstance(owner, ast.Name) and owner.id in containers
            if named and node.func.attr in MUTATORS:
                out.append((node.lineno, owner.id))
    return out


def problems(source: str, filename: str = "<source>") -> list[str]:
    """Every unbounded cache in ``source``, as "file:line: why"."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for d in node.decorator_list:
                if why := _cache_problem(d, aliases):
                    found.append(f"{filename}:{d.lineno}: {why}")
        elif isinstance(node, ast.Call) and (why := _cache_problem(node, aliases)):
            # cache_data(fn) / lru_cache(maxsize=None)(fn) used as calls; decorators with
            # arguments are Calls too, and are reported once through their function
            line = f"{filename}:{node.lineno}: {why}"
            if line not in found:
                found.append(line)
    containers = _module_containers(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for lineno, name in _grows(node, containers):
                line = f"{filename}:{lineno}: module-level {name} grows inside {node.name}()"
                if line not in found:
                    found.append(line)
    return found


# --- the checker itself: it must catch each kind, and pass bounded ones -------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import functools\n@functools.cache\ndef f(x): return x",
        "from functools import cache\n@cache\ndef f(x): return x",
        "from functools import cache as memo\n@memo\ndef f(x): return x",
        "from functools import lru_cache\n@lru_cache(maxsize=None)\ndef f(x): return x",
        "from functools import lru_cache\n@lru_cache(None)\ndef f(x): return x",
        "import functools\ng = functools.lru_cache(maxsize=None)(len)",
        "import streamlit as st\n@st.cache_data\ndef f(x): return x",
        "import streamlit as st\n@st.cache_data(show_spinner=False)\ndef f(x): return x",
        "import streamlit as st\n@st.cache_resource(max_entries=None)\ndef f(x): return x",
        "import streamlit\n@streamlit.cache_resource\ndef f(x): return x",
        "from streamlit import cache_data\n@cache_data(ttl=60)\ndef f(x): return x",
        "import streamlit as st\n@st.cache\ndef f(x): return x",
        "import streamlit as st\ng = st.cache_data(len)",
        "SEEN = {}\ndef f(k, v):\n    SEEN[k] = v",
        "LOG: list[int] = []\ndef f(x):\n    LOG.append(x)",
        "import collections\nHITS = collections.defaultdict(int)\ndef f(k):\n    HITS[k] += 1",
        "KEYS = set()\nclass A:\n    def f(self, k):\n        KEYS.add(k)",
    ],
)
def test_the_checker_catches_an_unbounded_cache(source):
    assert problems(textwrap.dedent(source)), source


@pytest.mark.parametrize(
    "source",
    [
        "from functools import lru_cache\n@lru_cache\ndef f(x): return x",
        "from functools import lru_cache\n@lru_cache(maxsize=64)\ndef f(x): return x",
        "import functools\n@functools.lru_cache(16)\ndef f(x): return x",
        "import streamlit as st\n@st.cache_data(max_entries=32, show_spinner=False)\ndef f(x): ...",
        "import streamlit as st\nN = 8\n@st.cache_resource(max_entries=N)\ndef f(x): return x",
        "TABLE = {'a': 1}\ndef f(k):\n    return TABLE[k]",  # read, never written
        "def f(k):\n    seen = {}\n    seen[k] = 1\n    return seen",  # local, dies with the call
        "NAMES = []\nfor n in 'ab':\n    NAMES.append(n)",  # filled once, at import
        "import functools\nfrom functools import partial\ng = partial(len)",
    ],
)
def test_the_checker_passes_a_bounded_cache(source):
    assert problems(textwrap.dedent(source)) == [], source


# --- the project ---------------------------------------------------------------------------------


def test_the_checker_sees_the_projects_caches():
    """Guard against a checker that reads nothing: the known caches are found and bounded."""
    seen = 0
    for path in _files():
        tree = ast.parse(path.read_text(), str(path))
        aliases = _aliases(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    name = _qualified(d.func if isinstance(d, ast.Call) else d, aliases)
                    seen += name.endswith(("lru_cache", "cache_data", "cache_resource"))
    assert seen >= 8


def test_no_unbounded_cache_in_the_project():
    found = []
    for path in _files():
        found += problems(path.read_text(), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)
