"""Load benchmark: simulated users moving sliders on one ``streamlit run app.py``.

    python bench/load.py                  # 20 users × 60 s (the issue's target)
    python bench/load.py --quick          # CI smoke run: 5 users × 10 s
    python bench/load.py --url URL        # reuse a running server instead of starting one
    python bench/load.py --browsers 2     # plus 2 Chromium pages moving Adam's η, for scale
    python bench/load.py --provoke        # one user sends a bad widget value once: the report
                                          # must count that app exception as an error

Each user speaks Streamlit's own WebSocket protocol, as the browser does, so 20 users cost
the server what 20 browsers would without 20 Chromiums competing with it for the CPU:

* connect to ``/_stcore/stream`` with the subprotocol ``streamlit`` (no Origin header, so no
  XSRF token is needed) and send a ``BackMsg.rerun_script`` with the page's query string;
* read ``ForwardMsg``\\ s until ``script_finished``, keeping every widget's id and value from
  the ``new_element`` deltas (``$$ID-<hash>-<key>``, the key being the page's widget key such
  as ``hp.adam.lr``) and, like the frontend, every cacheable message by its hash, whose hashes
  go back with the next rerun so the server may answer with a ``ref_hash`` instead;
* move a slider: a ``rerun_script`` with the same ``WidgetStates`` the frontend sends (every
  widget's current value, the moved one changed) and the query string the server last set.

A move's response time runs from sending the rerun to its ``script_finished``. A move counts
as an error when the rerun shows an ``exception`` element, finishes with a compile error,
brings no figure (no delta for the chart keyed ``map``, nor a reference to one), brings the
same figure as before although an η moved (a new ε or β₂ may leave every path the same in
float32: those are only counted), takes longer than ``--timeout``, or the connection drops
(the user then reconnects with a new session). Users open ``/?steps=1000&start=x,y``: SGD,
Momentum, RMSProp and Adam × 1,000 steps on Rosenbrock, each user from its own start, so one
user's trajectories are never another's cache hit. A move shifts one slider by 1–3 of its
steps (Adam's log₁₀ η half the time, else another slider of the four optimizers), in a random
walk that may revisit values as a person does; between moves a user pauses ``--think``.

Server memory is the resident set (``VmRSS`` in ``/proc/<pid>/status``) of the server's
process tree, sampled every 0.2 s: at the start (every user's first run done), its peak during
the moves, at the end, and two seconds after every user has left. The 200 MB target is on the
growth from the start to the peak.

Streamlit collects garbage (``gc.collect(2)``) after every script run unless
``runner.postScriptGC`` is false; on this page that was about two thirds of the server's CPU
per move. ``STREAMLIT_RUNNER_POST_SCRIPT_GC=false python bench/load.py`` measures without it
(the server started here inherits the environment); the report names the setting in use.

Shared, noisy cores: read medians and ratios, not single numbers. This is a report: it never
asserts on time and always exits 0 (a server that does not start is reported in one line).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # bench/latency.py, for --browsers
try:
    from tests.browser import CHROMIUM, launch, streamlit_server
except ImportError:  # where tests/ does not import as a namespace package: the module itself
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import CHROMIUM, launch, streamlit_server  # type: ignore[no-redef]

try:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState
except ImportError as e:  # main() says so and exits 0
    websockets = None
    IMPORT_ERROR = str(e)

TARGET_ERRORS = 0
TARGET_GROWTH_MB = 200.0
FIGURE_KEY = "map"  # the Compare page's chart (st.plotly_chart or its live chart component)
ADAM_LR = "hp.adam.lr"
HP_PREFIX = "hp."  # optimizer sliders: hp.<optimizer>.<parameter>
STEPS = 1000
SAMPLE_S = 0.2  # RSS sampling period
SETTLE_S = 2.0  # after every user has left, before the last RSS reading
MAX_FRAME = 64 * 1024 * 1024  # a ForwardMsg may be large (the figure is ~140 kB)
# Rosenbrock's domain is x ∈ [-2, 2], y ∈ [-1, 3]; users start on a low-discrepancy sequence
# inside it, away from the edges.
START_BOX = ((-1.8, 1.8), (-0.8, 2.8))


# ---------------------------------------------------------------------------------------
# Server memory: /proc, the server's process tree
# ---------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    return out


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p not in out:
            out.append(p)
            todo += _children(p)
    return out


def tree_cpu_s(pid: int | None) -> float | None:
    """CPU time (user + system) used so far by ``pid``'s process tree, in seconds."""
    if pid is None:
        return None
    ticks = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def client_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def tree_rss_mb(pid: int) -> float | None:
    """Resident memory (VmRSS) of ``pid`` and all its descendants, in MB; None once gone."""
    total_kb, seen, todo = 0, set(), [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except OSError:
            if p == pid:
                return None
            continue
        todo += _children(p)
    return total_kb / 1024


def pid_listening_on(port: int) -> int | None:
    """The process holding the listening TCP socket on ``port`` (for ``--url``), if visible."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                local, state, inode = cols[1], cols[3], cols[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                    inodes.add(f"socket:[{inode}]")
    if not inodes:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    return None


class MemoryWatch:
    """Samples the server tree's RSS every ``SAMPLE_S`` in a thread; tracks the peak."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.peak: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> float | None:
        return None if self.pid is None else tree_rss_mb(self.pid)

    def start_peak(self) -> float | None:
        """Read the RSS now and restart the peak from it."""
        self.peak = self.now()
        if self.pid is not None and not self._thread.is_alive():
            self._thread.start()
        return self.peak

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            v = self.now()
            if v is not None and (self.peak is None or v > self.peak):
                self.peak = v


# ---------------------------------------------------------------------------------------
# One simulated user: Streamlit's WebSocket protocol
# ---------------------------------------------------------------------------------------


class BenchError(Exception):
    """The bench cannot run at all (no server); the message says why, in one line."""


class ProtocolError(Exception):
    """The server answered in a way the browser would not accept; the message says how."""


class NoSliderError(Exception):
    """The last run drew no optimizer slider (it stopped at an exception): reload the page."""


@dataclass
class Slider:
    key: str
    id: str
    low: float
    high: float
    step: float
    options: tuple[str, ...] = ()  # a select_slider's stops, as the frontend names them


@dataclass
class Rerun:
    """What one rerun brought back."""

    seconds: float  # rerun sent → script_finished
    figure_s: float | None  # rerun sent → the chart's delta (or a reference to a held one)
    figure_hash: str | None
    figure_full: bool  # the figure itself came, not a reference to a held message
    bytes_in: int
    exceptions: list[str]
    status: int  # ForwardMsg.ScriptFinishedStatus


def widget_key(element_id: str) -> str | None:
    """The page's key of a widget from its element id ``$$ID-<hash>-<key>``."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else None


def widget_value(kind: str, el) -> WidgetState | None:
    """The state the frontend reports for a widget it has just drawn from ``el``.

    ``set_value`` means the server set the value (a preset, a link, a callback); otherwise
    the frontend keeps what it had, and a widget it has never seen starts at its default.
    Buttons hold no state between runs and the chart's selection is empty until a click.
    """
    s = WidgetState(id=el.id)
    if kind == "slider" and el.options:  # a select_slider reports its stop by its text
        if el.set_value and el.raw_value:
            s.string_array_value.data.extend(el.raw_value)
        else:
            at = el.value if el.set_value and el.value else el.default
            s.string_array_value.data.extend(el.options[int(i)] for i in at)
    elif kind == "slider":
        s.double_array_value.data.extend(el.value if el.set_value else el.default)
    elif kind == "number_input":
        v = el.value if el.set_value and el.HasField("value") else el.default
        if el.data_type == type(el).FLOAT:
            s.double_value = v
        else:
            s.int_value = int(v)
    elif kind == "selectbox":
        if el.set_value:
            s.string_value = el.raw_value
        elif el.HasField("default"):
            s.string_value = el.options[el.default]
        else:
            return None
    elif kind == "multiselect":
        values = el.raw_values if el.set_value else [el.options[i] for i in el.default]
        s.string_array_value.data.extend(values)
    elif kind == "checkbox":
        s.bool_value = el.value if el.set_value else el.default
    else:
        return None
    return s


class User:
    """One browser tab's worth of protocol: a session, its widgets and its message cache."""

    def __init__(self, url: str, query: dict[str, str], timeout: float) -> None:
        parts = urlsplit(url)
        self.ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.query_string = urlencode(query)
        self.timeout = timeout
        self.ws = None
        self.page_script_hash = ""
        self.max_age = 2  # runs a cached message survives unused; the server's config says
        self.runs = 0
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash → (message, last run used)
        self.widgets: dict[str, WidgetState] = {}  # id → current state
        self.sliders: dict[str, Slider] = {}  # widget key → slider
        self.figure_hash: str | None = None
        self.failed = False  # the last run showed an exception

    async def connect(self) -> None:
        self.ws = await asyncio.wait_for(
            websockets.connect(
                self.ws_url,
                subprotocols=["streamlit"],
                max_size=MAX_FRAME,
                open_timeout=self.timeout,
            ),
            self.timeout,
        )
        self.cache.clear()
        self.widgets.clear()
        self.sliders.clear()
        self.figure_hash = None

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    async def rerun(self, changed: WidgetState | None = None) -> Rerun:
        """Send a rerun (with every widget's state, ``changed`` replacing its own) and read
        until ``script_finished``. Raises TimeoutError, ProtocolError or a ConnectionClosed."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_script_hash
        if changed is not None:
            self.widgets[changed.id] = changed
        cs.widget_states.widgets.extend(self.widgets.values())
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        t0 = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._read_run(t0), self.timeout)

    async def _read_run(self, t0: float) -> Rerun:
        seen: set[str] = set()
        exceptions: list[str] = []
        figure_s = figure_hash = None
        figure_full = False
        bytes_in = 0
        while True:
            data = await self.ws.recv()
            bytes_in += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                held = self.cache.get(fwd.ref_hash)
                if held is None:
                    raise ProtocolError(
                        f"reference to a message the client never held: {fwd.ref_hash}"
                    )
                self.cache[fwd.ref_hash] = (held[0], self.runs)
                fwd, full = held[0], False
                kind = "delta"
            else:
                full = True
                if fwd.metadata.cacheable and fwd.hash:
                    self.cache[fwd.hash] = (fwd, self.runs)
            if kind == "new_session":
                init = fwd.new_session
                self.page_script_hash = init.page_script_hash
                if init.config.max_cached_message_age > 0:
                    self.max_age = init.config.max_cached_message_age
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                etype = element.WhichOneof("type")
                el = getattr(element, etype)
                wid = getattr(el, "id", "")
                if etype == "exception":
                    exceptions.append(f"{el.type}: {el.message}".strip()[:200])
                elif widget_key(wid) == FIGURE_KEY:
                    figure_s = time.monotonic() - t0
                    figure_hash, figure_full = fwd.hash, full
                if wid:
                    self._widget(etype, el)
                    seen.add(wid)
            elif kind == "script_finished":
                # The frontend drops the state of widgets the run did not draw, then ages
                # its message cache by one run.
                self.widgets = {k: v for k, v in self.widgets.items() if k in seen}
                self.sliders = {k: v for k, v in self.sliders.items() if v.id in seen}
                self.runs += 1
                self.cache = {
                    h: (m, used)
                    for h, (m, used) in self.cache.items()
                    if self.runs - used <= self.max_age
                }
                self.failed = bool(exceptions)
                return Rerun(
                    seconds=time.monotonic() - t0,
                    figure_s=figure_s,
                    figure_hash=figure_hash,
                    figure_full=figure_full,
                    bytes_in=bytes_in,
                    exceptions=exceptions,
                    status=fwd.script_finished,
                )

    def _widget(self, etype: str, el) -> None:
        if el.id not in self.widgets or getattr(el, "set_value", False):
            state = widget_value(etype, el)
            if state is not None:
                self.widgets[el.id] = state
        key = widget_key(el.id)
        if etype == "slider" and key:
            self.sliders[key] = Slider(key, el.id, el.min, el.max, el.step, tuple(el.options))

    def move(self, rng: random.Random) -> tuple[str, WidgetState]:
        """A new state for one slider: Adam's η half the time, else any optimizer slider,
        shifted by 1–3 steps within its range (towards the inside at an end)."""
        keys = sorted(k for k in self.sliders if k.startswith(HP_PREFIX))
        if not keys:
            raise NoSliderError
        key = ADAM_LR if ADAM_LR in keys and rng.random() < 0.5 else rng.choice(keys)
        s = self.sliders[key]
        shift = rng.choice((-3, -2, -1, 1, 2, 3))
        if s.options:  # a select_slider (β, ρ): the stop `shift` places away, by its text
            at = s.options.index(self.widgets[s.id].string_array_value.data[0])
            new_at = at + shift if 0 <= at + shift < len(s.options) else at - shift
            state = WidgetState(id=s.id)
            state.string_array_value.data.append(s.options[new_at])
            return key, state
        old = self.widgets[s.id].double_array_value.data[0]
        delta = shift * s.step
        new = old + delta
        if not s.low <= new <= s.high:
            new = old - delta
        state = WidgetState(id=s.id)
        state.double_array_value.data.append(round(new, 10))
        return key, state


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


@dataclass
class Move:
    at: float  # seconds since the moves began
    seconds: float
    figure_s: float | None
    figure_full: bool
    bytes_in: int


@dataclass
class Tally:
    opened: list[float] = field(default_factory=list)  # first run of each session, seconds
    moves: list[Move] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    unchanged: int = 0  # moves of ε or β₂ that left the figure as it was (not an error)

    def error(self, kind: str, example: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.examples.setdefault(kind, example)


def user_query(i: int) -> dict[str, str]:
    """User ``i``'s link: the four default optimizers × ``STEPS`` from its own start."""
    (x0, x1), (y0, y1) = START_BOX
    fx, fy = (0.5 + i * 0.6180339887) % 1.0, (0.5 + i * 0.7548776662) % 1.0
    return {"steps": str(STEPS), "start": f"{x0 + fx * (x1 - x0):.3f},{y0 + fy * (y1 - y0):.3f}"}


def check_run(r: Rerun, tally: Tally, who: str, moved: str | None, before: str | None) -> None:
    """Count what is wrong with a rerun. ``moved`` is the key of the slider moved, if any:
    a new η must redraw the paths; a new ε or β₂ may leave them identical in float32."""
    for e in r.exceptions:
        tally.error("exception in the app", f"{who}: {e}")
    if r.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        tally.error("script compile error", who)
    elif r.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
        tally.error("run cut short by a rerun", who)
    if r.figure_hash is None:
        if not r.exceptions:
            tally.error("no figure in the rerun", who)
    elif moved is not None and r.figure_hash == before:
        if moved.endswith(".lr"):
            tally.error("figure unchanged after a new η", who)
        else:
            tally.unchanged += 1


async def open_session(user: User, tally: Tally, who: str) -> bool:
    try:
        await user.connect()
        r = await user.rerun()
    except Exception as e:
        tally.error("could not open a session", failure(e, who, user.timeout)[1])
        await user.close()
        return False
    tally.opened.append(r.seconds)
    check_run(r, tally, f"{who} (first run)", moved=None, before=None)
    user.figure_hash = r.figure_hash
    return True


async def simulate(
    i: int,
    url: str,
    args,
    tally: Tally,
    opened: asyncio.Event,
    ready: list[int],
    go: asyncio.Event,
    bounds: dict[str, float],
) -> None:
    """User ``i``: open a session, wait for everyone, move sliders until the deadline."""
    who = f"user {i}"
    rng = random.Random(1000 + i)
    user = User(url, user_query(i), args.timeout)
    ok = await open_session(user, tally, who)
    ready.append(i)
    if len(ready) == args.users:
        opened.set()
    await go.wait()
    provoke = args.provoke and i == 0
    try:
        while time.monotonic() < bounds["end"]:
            if not ok:  # reconnect: a new session, as a reloaded tab would
                await asyncio.sleep(1.0)
                ok = await open_session(user, tally, who)
                continue
            try:
                key, state = user.move(rng)
                if provoke and time.monotonic() > bounds["start"] + 1.0:
                    provoke = False
                    key, state = "the optimizer picker (--provoke)", bad_value(user)
                before = user.figure_hash
                r = await user.rerun(state)
            except NoSliderError:
                # A person reloads a page that shows an exception instead of its sliders; that
                # exception was counted with the run that drew it.
                if not user.failed:
                    tally.error("no optimizer slider on the page", who)
                await user.close()
                ok = False
                continue
            except Exception as e:  # the move failed: count it, reload the page
                tally.error(*failure(e, who, args.timeout))
                await user.close()
                ok = False
                continue
            check_run(r, tally, f"{who} moving {key}", moved=key, before=before)
            user.figure_hash = r.figure_hash or user.figure_hash
            tally.moves.append(
                Move(
                    time.monotonic() - bounds["start"],
                    r.seconds,
                    r.figure_s,
                    r.figure_full,
                    r.bytes_in,
                )
            )
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.think)
    finally:
        await user.close()


def failure(e: Exception, who: str, timeout: float) -> tuple[str, str]:
    """(kind, example) for a move that raised ``e``."""
    if isinstance(e, TimeoutError):
        return "timeout", f"{who}: no script_finished within {timeout:.0f} s"
    if isinstance(e, ProtocolError):
        return "protocol", f"{who}: {e}"
    if isinstance(e, websockets.ConnectionClosed):
        return "disconnected", f"{who}: {describe(e)}"
    return "client", f"{who}: {describe(e)}"


def bad_value(user: User) -> WidgetState:
    """A value no browser would send: more optimizers than the page allows at once."""
    for wid, state in user.widgets.items():
        if state.WhichOneof("value") == "string_array_value" and wid.endswith("-opt"):
            bad = WidgetState(id=wid)
            bad.string_array_value.data.extend(["SGD"] * 20)
            return bad
    raise ProtocolError("--provoke: the optimizer picker was not found")


async def run_users(url: str, args, tally: Tally, watch: MemoryWatch, report: dict) -> None:
    opened, go = asyncio.Event(), asyncio.Event()
    ready: list[int] = []
    bounds: dict[str, float] = {}
    t = time.monotonic()
    pages_ready, pages_go = threading.Event(), threading.Event()
    if args.browsers:
        report["browser_thread"] = start_browsers(url, args, bounds, report, pages_ready, pages_go)
    tasks = [
        asyncio.create_task(simulate(i, url, args, tally, opened, ready, go, bounds))
        for i in range(args.users)
    ]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(opened.wait(), args.timeout * 3)
    report["warmup_s"] = time.monotonic() - t
    if args.browsers:  # Chromium's start and its page loads are not part of the moves
        await asyncio.to_thread(pages_ready.wait, args.timeout * 4)
    report["rss_start"] = watch.start_peak()
    cpu0, client0 = tree_cpu_s(watch.pid), client_cpu_s()
    bounds["start"] = time.monotonic()
    bounds["end"] = bounds["start"] + args.duration
    pages_go.set()
    go.set()
    await asyncio.gather(*tasks)
    report["moves_s"] = time.monotonic() - bounds["start"]
    cpu1 = tree_cpu_s(watch.pid)
    report["server_cpu_s"] = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    report["client_cpu_s"] = client_cpu_s() - client0
    report["rss_end"] = watch.now()
    report["rss_peak"] = watch.peak


# ---------------------------------------------------------------------------------------
# Optional: real Chromium pages at the same time, for scale
# ---------------------------------------------------------------------------------------


def start_browsers(
    url: str,
    args,
    bounds: dict[str, float],
    report: dict,
    ready: threading.Event,
    go: threading.Event,
) -> threading.Thread:
    """A thread driving ``--browsers`` pages in Debian's Chromium: each opens its own link
    (``ready`` once all show their plot); from ``go`` the pages take turns moving Adam's
    log₁₀ η with the keyboard, each move timed from the key press to the first frame with a
    new Adam path (bench/latency.py's probe)."""
    result = report["browsers"] = {"latencies": [], "at": [], "errors": {}, "note": None}

    def run() -> None:
        try:
            try:
                import latency
                from playwright.sync_api import sync_playwright
            except ImportError as e:
                result["note"] = f"playwright is not available ({e})"
                return
            if not Path(CHROMIUM).exists():
                result["note"] = f"Chromium is missing at {CHROMIUM}"
                return
            with sync_playwright() as pw:
                browser = launch(pw)
                try:
                    pages = open_pages(browser, latency, url, args)
                    ready.set()
                    go.wait()
                    drive_pages(pages, latency, args, bounds, result)
                finally:
                    with contextlib.suppress(Exception):
                        browser.close()
        except Exception as e:  # a report: say what failed
            result["note"] = f"failed: {describe(e)}"
        finally:
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def open_pages(browser, latency, url: str, args) -> list:
    """(page, Adam's η slider) for each browser user, each on its own link."""
    pages = []
    for j in range(args.browsers):
        context = browser.new_context(viewport=latency.VIEWPORT)
        context.add_init_script(latency.probe_js(latency.path_signature_js()))
        page = context.new_page()
        query = urlencode(user_query(args.users + j))
        latency.wait_first_plot(
            page, f"{url}/?{query}", args.timeout * 4, latency.Tracker(), f"page {j}"
        )
        pages.append((page, latency.open_adam_slider(page, latency.Tracker())))
    return pages


def drive_pages(pages: list, latency, args, bounds: dict[str, float], result: dict) -> None:
    rng = random.Random(7)
    errors = result["errors"]
    while time.monotonic() < bounds["end"]:
        for page, slider in pages:
            if time.monotonic() >= bounds["end"]:
                break
            if not slider.evaluate("e => e === document.activeElement"):
                slider.focus()
            t0 = page.evaluate("() => window.__opti.arm()")
            page.keyboard.press(rng.choice(("ArrowRight", "ArrowLeft")))
            try:
                page.wait_for_function(
                    "() => window.__opti.lat.changed !== null", timeout=args.timeout * 1000
                )
            except latency.PlaywrightTimeout:
                errors["no redraw"] = errors.get("no redraw", 0) + 1
                continue
            changed = page.evaluate("() => window.__opti.lat.changed")
            result["latencies"].append(changed - t0)
            result["at"].append(time.monotonic() - bounds["start"])
            time.sleep(rng.uniform(0.5, 1.5) * args.think)
    for page, _ in pages:
        n = page.locator('[data-testid="stException"]').count()
        if n:
            errors["exception on the page"] = errors.get("exception on the page", 0) + n


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0–100) of a non-empty list."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 95) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms"
    )


def mb(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f} MB"


def load_text(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{x:.2f}" for x in load)


def describe(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def print_report(args, tally: Tally, report: dict) -> None:
    moves = tally.moves
    n_err = sum(tally.errors.values())
    secs = report.get("moves_s") or args.duration
    print(
        f"\n1. Opening the sessions (every user's first run, all at once; {report['warmup_s']:.1f} s)"
    )
    print(f"  first run of a session: {ms(tally.opened)} ({len(tally.opened)} sessions)")

    print(f"\n2. Moves ({secs:.0f} s)")
    print(
        f"  users {args.users}, moves {len(moves)} ({len(moves) / secs:.1f} moves/s), errors {n_err}"
    )
    print(f"  response, rerun sent → script_finished: {ms([m.seconds for m in moves])}")
    fig = [m.figure_s for m in moves if m.figure_s is not None]
    print(f"  rerun sent → figure received:            {ms(fig)}")
    if moves:
        full = sum(m.figure_full for m in moves)
        print(
            f"  the figure came in full in {full} of {len(moves)} moves (otherwise as a reference "
            "to a message the client holds: a value seen in the last two runs)"
        )
        print(
            f"  received per move: median {statistics.median(m.bytes_in for m in moves) / 1e3:.0f} kB"
        )
        halves = [
            [m.seconds for m in moves if (m.at < secs / 2) == first] for first in (True, False)
        ]
        if all(halves):
            print(
                f"  median response, first half {statistics.median(halves[0]) * 1000:.0f} ms, "
                f"second half {statistics.median(halves[1]) * 1000:.0f} ms"
            )
    if tally.unchanged:
        print(
            f"  {tally.unchanged} moves of an ε or β slider left the figure as it was "
            "(paths identical in float32; not counted as errors)"
        )
    for kind, count in sorted(tally.errors.items()):
        print(f"  error: {kind} × {count}, e.g. {tally.examples[kind]}")
    cpu = report.get("server_cpu_s")
    if cpu is not None and moves:
        print(
            f"  server CPU {cpu:.1f} s in {secs:.0f} s ({cpu / secs * 100:.0f}% of one core), "
            f"{cpu / len(moves) * 1000:.0f} ms per move; this client "
            f"{report['client_cpu_s'] / secs * 100:.0f}% of one core"
        )

    b = report.get("browsers")
    if b is not None:
        print(f"\n3. Chromium pages at the same time ({args.browsers}), Adam's log₁₀ η by keyboard")
        if b["note"]:
            print(f"  NOTE: {b['note']}")
        lat = [v / 1000 for v in b["latencies"]]
        print(f"  key press → redrawn path: {ms(lat)} ({len(lat)} moves)")
        if lat:
            t0, t1 = min(b["at"]), max(b["at"])
            same = [m for m in moves if t0 <= m.at <= t1]
            print("  protocol users over the same window:")
            print(f"    rerun → script_finished: {ms([m.seconds for m in same])}")
            print(f"    rerun → figure received: {ms([m.figure_s for m in same if m.figure_s])}")
            print("  (the pages' time includes drawing the new paths in Chromium)")
        for kind, count in sorted(b["errors"].items()):
            print(f"  error: {kind} × {count}")

    start, peak, end, after = (
        report.get(k) for k in ("rss_start", "rss_peak", "rss_end", "rss_after")
    )
    print("\nServer memory (VmRSS of the server's process tree)")
    if start is None:
        print(f"  NOTE: {report.get('rss_note', 'the server process was not found')}")
    else:
        print(
            f"  start {mb(start)} (sessions open), peak {mb(peak)}, end {mb(end)}, "
            f"{SETTLE_S:.0f} s after the users left {mb(after)}"
        )
        print(
            f"  growth: start → peak {mb(peak - start)}, start → end {mb(end - start) if end else '—'}"
        )
    print(
        f"  load average: start {load_text(report['load_start'])}, end {load_text(os.getloadavg())}"
    )

    print("\nSummary")
    browsers_err = sum((b or {}).get("errors", {}).values()) if b else 0
    total_err = n_err + browsers_err
    print(
        f"  errors {total_err} (target {TARGET_ERRORS})   "
        f"{'PASS' if total_err <= TARGET_ERRORS and moves else 'MISS'}"
    )
    if start is not None and peak is not None:
        growth = peak - start
        print(
            f"  memory growth {growth:.0f} MB (target < {TARGET_GROWTH_MB:.0f} MB)   "
            f"{'PASS' if growth < TARGET_GROWTH_MB else 'MISS'}"
        )
    else:
        print("  memory growth not measured   MISS")
    if moves:
        r = [m.seconds for m in moves]
        print(
            f"  {args.users} users: {len(moves) / secs:.1f} moves/s, response median "
            f"{statistics.median(r) * 1000:.0f} ms, p95 {percentile(r, 95) * 1000:.0f} ms"
        )


def gc_setting() -> str:
    """``runner.postScriptGC`` for the server started here: environment, config file, default."""
    env = os.environ.get("STREAMLIT_RUNNER_POST_SCRIPT_GC")
    if env is not None:
        return f"{env} (STREAMLIT_RUNNER_POST_SCRIPT_GC)"
    path = ROOT / ".streamlit" / "config.toml"
    with contextlib.suppress(OSError, ValueError):
        import tomllib

        value = tomllib.loads(path.read_text()).get("runner", {}).get("postScriptGC")
        if value is not None:
            return f"{str(value).lower()} (.streamlit/config.toml)"
    return "true (Streamlit's default)"


@contextlib.contextmanager
def server(args) -> Iterator[tuple[str, int | None, str]]:
    """Yields (url, server pid or None, how it was found)."""
    if args.url:
        url = args.url.rstrip("/")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
                r.read()
        except (OSError, ValueError) as e:
            raise BenchError(f"no Streamlit server answers at {url}/_stcore/health ({e})") from e
        port = urlsplit(url).port or 80
        pid = pid_listening_on(port)
        yield (
            url,
            pid,
            f"reused {url}" + (f" (pid {pid})" if pid else " (its process is not visible)"),
        )
        return
    t = time.monotonic()
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(streamlit_server(timeout=120.0))
        except RuntimeError as e:  # streamlit_server(): "streamlit did not start" and its log
            log = [line for line in str(e).splitlines()[1:] if line.strip()][-5:]
            raise BenchError(
                "`streamlit run app.py` did not start; the end of its log:\n      "
                + "\n      ".join(log)
            ) from e
        pid = pid_listening_on(urlsplit(url).port)
        yield url, pid, f"started {url} (pid {pid}) in {time.monotonic() - t:.1f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20, help="simulated users (default 20)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of moves (default 60)")
    ap.add_argument("--quick", action="store_true", help="CI smoke run: 5 users × 10 s")
    ap.add_argument("--url", help="reuse a running Optiscape server (e.g. http://127.0.0.1:8501)")
    ap.add_argument(
        "--think",
        type=float,
        default=0.5,
        help="mean pause between a user's moves, s (default 0.5)",
    )
    ap.add_argument(
        "--timeout", type=float, default=30.0, help="seconds a rerun may take (default 30)"
    )
    ap.add_argument(
        "--browsers",
        type=int,
        default=0,
        help="Chromium pages moving sliders meanwhile (default 0)",
    )
    ap.add_argument(
        "--provoke",
        action="store_true",
        help="user 0 sends one bad widget value: checks that app exceptions are counted",
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.users, args.duration = 5, 10.0
    args.users, args.browsers = max(1, args.users), max(0, args.browsers)

    print(
        f"Optiscape load benchmark: {args.users} users × {args.duration:.0f} s of slider moves"
        + (f", {args.browsers} Chromium pages" if args.browsers else "")
    )
    load_start = os.getloadavg()
    print(
        f"  python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load_text(load_start)}"
    )
    if websockets is None:
        print(f"  NOTE: cannot speak Streamlit's protocol here ({IMPORT_ERROR}); nothing measured.")
        return 0
    print(
        f"  each user: /?steps={STEPS}&start=x,y (SGD, Momentum, RMSProp, Adam on Rosenbrock, "
        f"its own start), one slider by 1–3 steps per move, {args.think:.2f} s mean pause"
    )
    report: dict = {"load_start": load_start}
    tally = Tally()
    try:
        with server(args) as (url, pid, how):
            print(f"  server: {how}")
            if not args.url:
                print(f"  runner.postScriptGC (a full gc.collect after every run): {gc_setting()}")
            watch = MemoryWatch(pid)
            if pid is None:
                report["rss_note"] = "the server's process was not found: memory not measured"
            try:
                asyncio.run(run_users(url, args, tally, watch, report))
                thread = report.get("browser_thread")
                if thread is not None:
                    thread.join(args.timeout + 30)
                time.sleep(SETTLE_S)
                report["rss_after"] = watch.now()
            finally:
                watch.stop()
    except BenchError as e:
        print(f"  FAILED: {e}")
        return 0
    except Exception as e:  # a report: say what failed, exit 0
        print(f"  FAILED: {describe(e)}")
        return 0
    print_report(args, tally, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
