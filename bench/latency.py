"""Browser latency benchmark: Debian's Chromium against `streamlit run app.py`.

    python bench/latency.py                 # full report (20 timed slider moves)
    python bench/latency.py --quick         # CI smoke run: 8 moves, one page load, a time budget
    python bench/latency.py --url URL       # reuse a running server instead of starting one
    python bench/latency.py --monotonic     # ArrowRight only: every move a new value
    python bench/latency.py --profile       # add a CPU profile of the page's moves
    python bench/latency.py --starts 9      # rounds of server starts for the first-plot medians

1. First plot: from starting the server (before ``Popen``) to the Compare figure having its
   Adam path drawn (``adam_path_signature_js()`` returns a path), with the part after the
   health check shown apart, a breakdown from the page's own timeline, and the first plot of
   a second session (a new page in the same browser) on the now warm server. The server starts
   with an empty JAX compilation cache (a fresh machine's first start); the full run then
   restarts it on the cache it filled (1b: what a restarted server gives). One start is one
   noisy sample, so the full run then repeats both (1c, ``--starts``, default 5 rounds) and
   reports their medians, which the summary quotes.
2. Slider latency on ``/?steps=1000`` (SGD, Momentum, RMSProp, Adam × 1,000 steps): Adam's
   log₁₀ η slider is focused and moved with the keyboard, ArrowRight / ArrowLeft alternating.
   Each move is timed in the page, from ``performance.now()`` just before the key press to
   the first animation frame whose Adam path differs (a ``requestAnimationFrame`` poller).
   Alternating moves revisit two values, so after the warm-up the trajectories come from
   ``st.cache_data`` and Streamlit sends the figure as a reference to a message the browser
   already has; ``--monotonic`` measures new values (figure recomputed and re-sent). The same
   measurement on a one-slider Streamlit script gives the bare Streamlit round trip for scale.
   The chart carries each η slider's neighbouring runs (ui/previews.py), so a move is usually
   drawn before any reply: the report counts those moves and also times the key press to the
   rerun's own figure being drawn (the server's round trip, which confirms the preview).
   Where the time goes comes from the page's WebSocket frames (key → rerun request → figure
   message → redraw), Chromium's performance metrics and the server's CPU time. (The page
   reruns only its `st.fragment` on such a move, and its chart, ui/live_chart.py, stays
   mounted: it moves the changed lines in place.)
3. The size of the figure the page sends: the WebSocket message carrying it, the figure in
   the browser, and (full run) the same figure built in-process with the page's building
   blocks and serialized the way the page's live chart sends it (ui/live_chart.py).

Shared, noisy cores: read medians and ratios, not single numbers. This is a report: it never
asserts on time and always exits 0 (a missing Chromium or a failed step is reported).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
try:
    from tests.browser import (
        CHROMIUM,
        adam_path_signature_js,
        launch,
        streamlit_server,
    )
except ImportError:  # where tests/ does not import as a namespace package: the module itself
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import (  # type: ignore[no-redef]
        CHROMIUM,
        adam_path_signature_js,
        launch,
        streamlit_server,
    )

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # main() says so and exits 0

    class PlaywrightError(Exception):  # type: ignore[no-redef]
        pass

    PlaywrightTimeout = PlaywrightError  # type: ignore[misc,assignment]
    sync_playwright = None

HELPERS = sys.modules[streamlit_server.__module__]  # tests/browser.py, for its ROOT (bare app)

TARGET_FIRST_PLOT_S = 3.0
TARGET_MEDIAN_MS = 120.0
TARGET_P95_MS = 200.0
SLIDER_URL = "/?steps=1000"  # four default optimizers × 1,000 steps
WARMUP = 3
PAUSE_S = 0.3
FIGURE_FRAME = 20_000  # bytes: a WebSocket message at least this big carries the figure
VIEWPORT = {"width": 1400, "height": 1000}
# --quick keeps to a time budget on a slow machine: each press loop stops at its deadline
# (seconds from the start of the bench) once it has MIN_MOVES timed moves.
QUICK_DEADLINES_S = {"app": 70.0, "bare": 100.0}
MIN_MOVES = 3

BARE_APP = """\
import streamlit as st

v = st.slider("v", 0.0, 1.0, 0.5, step=0.01)
st.write(f"value = {v:.2f}")
"""
# The st.write output only: the slider's own value and bounds are markdown too, and change at
# once on the client.
BARE_SIGNATURE_JS = """() => {
  for (const e of document.querySelectorAll('[data-testid="stMarkdownContainer"]'))
    if (e.innerText.startsWith('value =')) return e.innerText;
  return null; }"""


def path_signature_js() -> str:
    """The helper's Adam-path signature, made to see base64 arrays as well.

    A helper that reads ``gd.data[i].x.length`` and ``x[i]`` gets
    ``"undefined:undefined:undefined"`` for every path: Plotly ≥ 6 sends NumPy arrays as
    typed-array specs ``{dtype, bdata}`` and ``gd.data`` keeps them so. Where the helper's
    signature has ``undefined`` in it, the base64 payload is the signature instead.
    """
    return f"""(() => {{ const helper = ({adam_path_signature_js()});
  const enc = a => (a && typeof a === 'object' && 'bdata' in a) ? a.dtype + ':' + a.bdata
                                                                   : String(a && a.length);
  return () => {{ const s = helper();
    if (s === null || s === 'none' || !String(s).includes('undefined')) return s;
    const gd = document.querySelector('.js-plotly-plot');
    const t = gd.data.find(d => d.legendgroup === 'adam' && d.mode === 'lines' && !d.xaxis);
    return 'b64|' + enc(t.x) + '|' + enc(t.y); }}; }})()"""


def probe_js(signature_js: str) -> str:
    """Init script: logs WebSocket frames, key presses, long tasks and the first plot."""
    return f"""(() => {{
  if (window.__opti) return;
  const o = window.__opti = {{ws: [], keydown: null, lat: null, longtasks: [],
                             firstPlot: null, firstSig: null}};
  o.sig = {signature_js};
  const size = d => d == null ? 0 : (d.byteLength ?? d.size ?? d.length ?? 0);
  const Native = window.WebSocket;
  class Logged extends Native {{
    constructor(...args) {{
      super(...args);  // this listener is added before the app's own: it sees arrival time
      this.addEventListener('message', e => o.ws.push({{dir: 'in', t: performance.now(),
                                                        n: size(e.data)}}));
    }}
    send(d) {{ o.ws.push({{dir: 'out', t: performance.now(), n: size(d)}}); return super.send(d); }}
  }}
  window.WebSocket = Logged;
  addEventListener('keydown', () => {{ o.keydown = performance.now(); }}, true);
  try {{
    new PerformanceObserver(l => {{ for (const e of l.getEntries())
      o.longtasks.push([e.startTime, e.duration]); }}).observe({{type: 'longtask', buffered: true}});
  }} catch (e) {{}}
  const safeSig = () => {{ try {{ return o.sig(); }} catch (e) {{ return null; }} }};
  const first = () => {{
    const s = safeSig();
    if (s !== null && s !== undefined && s !== 'none') {{ o.firstPlot = performance.now(); o.firstSig = s; }}
    else requestAnimationFrame(first);
  }};
  requestAnimationFrame(first);
  // figures from the server the live chart has drawn (ui/live_chart/chart.js); null: no chart
  const draws = () => {{ const gd = document.querySelector('.optiscape-live-chart');
                         return gd ? (gd.__draws || 0) : null; }};
  o.arm = () => {{  // start watching for a change and for the server's figure; returns t0
    const lat = o.lat = {{base: safeSig(), changed: null, draws: draws(), confirmed: null}};
    o.keydown = null;
    o.ws = [];
    const tick = () => {{
      if (o.lat !== lat) return;
      const now = performance.now();
      if (lat.changed === null && safeSig() !== lat.base) lat.changed = now;
      if (lat.confirmed === null && lat.draws !== null && draws() > lat.draws) lat.confirmed = now;
      if (lat.changed === null || (lat.draws !== null && lat.confirmed === null)) requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
    return performance.now();
  }};
}})();"""


FIRST_PLOT_REPORT_JS = f"""() => {{
  const o = window.__opti;
  const res = performance.getEntriesByType('resource').filter(r => r.name.includes('plotly'));
  const fig = o.ws.filter(m => m.dir === 'in' && m.n >= {FIGURE_FRAME});
  const lt = o.longtasks.filter(([s]) => s < o.firstPlot);
  const gd = document.querySelector('.js-plotly-plot');
  // plotly.js keeps a decoded `_inputArray` beside every base64 array: leave out `_` keys
  const plain = (k, v) => k.startsWith('_') ? undefined : v;
  return {{
    firstPlot: o.firstPlot,
    figureAt: fig.length ? fig[0].t : null,
    figureBytes: fig.length ? fig[0].n : null,
    plotlyJsEnd: res.length ? res[0].responseEnd : null,
    plotlyJsBytes: res.length ? (res[0].decodedBodySize || res[0].encodedBodySize) : null,
    longTotal: lt.reduce((a, [, d]) => a + d, 0),
    longMax: lt.reduce((a, [, d]) => Math.max(a, d), 0),
    dataRawChars: gd && gd.data ? JSON.stringify(gd.data).length : null,
    dataChars: gd && gd.data ? JSON.stringify(gd.data, plain).length : null,
    layoutChars: gd && gd.layout ? JSON.stringify(gd.layout, plain).length : null,
    frames: gd && gd._transitionData ? (gd._transitionData._frames || []).length : null,
    traces: gd && gd.data ? gd.data.length : null,
    // the live chart's own marks (ui/live_chart/*.js): plotly, rehearsal, rehearsed, figure,
    // draw, drawn (the first of each)
    marks: Object.fromEntries(performance.getEntriesByType('mark')
      .filter(m => m.name.startsWith('optiscape:')).reverse()
      .map(m => [m.name.slice('optiscape:'.length), m.startTime])),
  }};
}}"""


class BenchError(Exception):
    """A step that could not be completed; the message names the step."""


@dataclass
class Tracker:
    """Which step is running, so a failure can say where it happened."""

    step: str = "start"

    def at(self, step: str) -> None:
        self.step = step


@dataclass
class Press:
    key: str
    latency_ms: float  # t0 (just before the key press) → first frame with the new path
    press_ms: float | None  # t0 → keydown seen by the page (the driver's share)
    send_ms: float | None  # keydown → rerun request sent on the WebSocket
    reply_ms: float | None  # rerun request → first message back
    figure_ms: float | None  # rerun request → message that carries the figure
    draw_ms: float | None  # figure message → first frame with the new path
    bytes_in: int = 0
    figure_bytes: int | None = None
    confirmed_ms: float | None = None  # t0 → the server's figure for the move drawn

    @property
    def previewed(self) -> bool:
        """Redrawn before the server's figure arrived: from a slider preview."""
        return self.confirmed_ms is not None and self.latency_ms < self.confirmed_ms - 1e-6


@dataclass
class PressRun:
    presses: list[Press] = field(default_factory=list)
    server_cpu_s: float | None = None
    browser_metrics: dict[str, float] = field(default_factory=dict)
    profile: dict | None = None  # a CDP CPU profile of the timed moves (--profile)


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0–100) of a non-empty list."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def verdict(value: float, target: float) -> str:
    return "PASS" if value < target else "MISS"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "—"
    if n >= 1e6:
        return f"{n / 1e6:.2f} MB"
    if n >= 1e3:
        return f"{n / 1e3:.1f} kB"
    return f"{int(n)} B"


def fmt_ms(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f} ms"


def med(values: list[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return statistics.median(xs) if xs else None


def short(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def describe_error(e: BaseException) -> str:
    """One line for a known failure; the type and the last frame for a bug somewhere."""
    if isinstance(e, (BenchError, PlaywrightError)):
        return short(e)
    if isinstance(e, RuntimeError) and "streamlit did not start" in str(e):
        return str(e).strip()  # with the server's log
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" ({Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})" if tb else ""
    return f"{type(e).__name__}: {short(e)}{where}"


def streamlit_cpu_seconds(port: int) -> float | None:
    """CPU time (user + system) of our child ``streamlit run`` on ``port``; None if unknown."""
    try:
        children: list[str] = []
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            children += (task / "children").read_text().split()
        tick = os.sysconf("SC_CLK_TCK")
        for pid in children:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "streamlit" in cmd and f"--server.port={port}" in cmd:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(stat[11]) + int(stat[12])) / tick
    except (OSError, ValueError):
        return None
    return None


def browser_metrics(cdp) -> dict[str, float]:
    if cdp is None:
        return {}
    try:
        return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    except Exception:  # metrics are a bonus; never fail the bench on them
        return {}


@contextlib.contextmanager
def bare_server() -> Iterator[str]:
    """``streamlit_server()`` from tests/browser.py, pointed at a one-slider script."""
    with (
        tempfile.TemporaryDirectory(prefix="optiscape-bare-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        (Path(tmp) / "app.py").write_text(BARE_APP)
        saved = HELPERS.ROOT
        HELPERS.ROOT = Path(tmp)  # the helper runs ROOT / "app.py" in ROOT, same flags
        try:
            url = stack.enter_context(streamlit_server())  # started (and healthy) on entry
        finally:
            HELPERS.ROOT = saved
        yield url


def port_of(url: str) -> int | None:
    try:
        return int(url.rsplit(":", 1)[1].split("/")[0])
    except (IndexError, ValueError):
        return None


def new_page(context, tracker: Tracker):
    tracker.at("open a new page")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def wait_first_plot(page, url: str, timeout_s: float, tracker: Tracker, what: str) -> float:
    """Open ``url``; seconds until the Adam path is in the figure (from the goto call)."""
    tracker.at(f"{what}: open {url}")
    t = time.monotonic()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    tracker.at(f"{what}: wait for the plot with the Adam path (up to {timeout_s:.0f} s)")
    try:
        page.wait_for_function(
            "() => window.__opti && window.__opti.firstPlot !== null",
            timeout=timeout_s * 1000,
        )
    except PlaywrightTimeout as e:
        raise BenchError(
            f"{what}: no plot with an Adam path within {timeout_s:.0f} s at {url}"
        ) from e
    return time.monotonic() - t


def describe_first_plot(page) -> dict:
    return page.evaluate(FIRST_PLOT_REPORT_JS)


def print_first_plot_breakdown(r: dict) -> None:
    def s(v: float | None) -> str:
        return "—" if v is None else f"{v / 1000:.2f} s"

    print(
        f"    in the page (from navigation start): figure message received {s(r['figureAt'])}"
        f" ({fmt_bytes(r['figureBytes'])}), plotly.js loaded {s(r['plotlyJsEnd'])}"
        f" ({fmt_bytes(r['plotlyJsBytes'])}), plot drawn {s(r['firstPlot'])}"
    )
    m = r.get("marks") or {}
    rehearsal = (
        f"rehearsal draw {s(m['rehearsal'])} to {s(m.get('rehearsed'))}"
        if "rehearsal" in m
        else "rehearsal draw skipped (the figure came first)"
    )
    print(
        f"    plotly.js evaluated {s(m.get('plotly'))}, {rehearsal}, chart given the figure"
        f" {s(m.get('figure'))}, drawn {s(m.get('drawn'))}"
    )
    print(
        f"    main thread busy in long tasks before the plot: {s(r['longTotal'])}"
        f" (longest {s(r['longMax'])})"
    )


# ---------------------------------------------------------------------------------------
# Key presses
# ---------------------------------------------------------------------------------------


# The sliders timed: (what, page, the widget's key as Streamlit's class names it). η sits in
# each optimizer's row beside the chart; β₁ and ε under Adam's ⋯; κ, a surface parameter, in
# the sidebar. ε = 0.1 so that a twentieth of a decade moves Adam's path visibly.
SLIDERS = (
    ("Adam η", SLIDER_URL, "hp-adam-lr"),
    ("Adam β₁", SLIDER_URL, "hp-adam-beta1"),
    ("Adam ε", SLIDER_URL + "&adam.eps=0.1", "hp-adam-eps"),
    ("valley κ (surface)", "/?surface=valley&steps=1000", "sp-valley-kappa"),
)


def open_slider(page, tracker: Tracker, key: str):
    """The slider whose widget key Streamlit names ``st-key-<key>``, focused; an optimizer's
    other sliders are under its ⋯ (a popover beside its η), opened first."""
    slider = page.locator(f".st-key-{key} input[type=range]").first
    if key.startswith("hp-") and not key.endswith("-lr"):
        name = key.split("-")[1]
        tracker.at(f"open {name}'s ⋯ beside the chart")
        row = page.locator(f".st-key-hp-{name}-lr").locator(
            "xpath=ancestor::div[@data-testid='stHorizontalBlock'][1]"
        )
        row.locator("[data-testid=stPopoverButton]").first.click()
    tracker.at(f"wait for the slider {key}")
    slider.wait_for(state="attached", timeout=30_000)
    return slider


def slider_state(slider) -> str:
    try:
        label = slider.get_attribute("aria-label") or "?"
        value = slider.get_attribute("aria-valuenow") or slider.input_value()
        return f"{label} = {value}"
    except PlaywrightError:
        return "slider state unknown"


def wait_quiet(page, quiet_ms: int = 200, timeout_ms: int = 15_000) -> None:
    """Until no WebSocket message has arrived for ``quiet_ms`` (the rerun has finished)."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"""() => {{ const w = window.__opti.ws; const last = w.length ? w[w.length - 1].t : 0;
                   return performance.now() - last > {quiet_ms}; }}""",
            timeout=timeout_ms,
        )


def press_and_time(
    page,
    slider,
    moves: int,
    tracker: Tracker,
    what: str,
    timeout_s: float,
    server_port: int | None,
    monotonic: bool = False,
    profile: bool = False,
    deadline: float | None = None,
) -> PressRun:
    """``WARMUP`` untimed then ``moves`` timed key presses, ArrowRight/ArrowLeft alternating
    (ArrowRight only with ``monotonic``: every move a value not seen before)."""
    run = PressRun()
    cdp = None
    with contextlib.suppress(Exception):
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
    wait_quiet(page)
    cpu0 = m0 = None
    misses = 0
    for i in range(WARMUP + moves):
        if deadline is not None and len(run.presses) >= MIN_MOVES and time.monotonic() > deadline:
            print(f"    (--quick time budget: stopped after {len(run.presses)} timed moves)")
            break
        if i == WARMUP:
            cpu0 = streamlit_cpu_seconds(server_port) if server_port else None
            m0 = browser_metrics(cdp)
            if profile and cdp is not None:
                try:
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 500})
                    cdp.send("Profiler.start")
                except PlaywrightError:
                    profile = False
        key = "ArrowRight" if monotonic or i % 2 == 0 else "ArrowLeft"
        label = f"warm-up {i + 1}" if i < WARMUP else f"move {i - WARMUP + 1}/{moves}"
        tracker.at(f"{what}: {label} ({key})")
        if not slider.evaluate("e => e === document.activeElement"):
            slider.focus()
        t0 = page.evaluate("() => window.__opti.arm()")
        page.keyboard.press(key)
        try:
            page.wait_for_function(
                "() => window.__opti.lat.changed !== null", timeout=timeout_s * 1000
            )
        except PlaywrightTimeout:
            misses += 1
            print(
                f"    {label} ({key}): no redraw within {timeout_s:.0f} s ({slider_state(slider)})"
            )
            if misses >= 3:
                raise BenchError(f"{what}: three key presses without a redraw") from None
            wait_quiet(page)
            continue
        wait_quiet(page)
        r = page.evaluate(
            "() => { const o = window.__opti; return {changed: o.lat.changed, "
            "confirmed: o.lat.confirmed, keydown: o.keydown, ws: o.ws}; }"
        )
        if i >= WARMUP:
            run.presses.append(phases(key, t0, r))
        time.sleep(PAUSE_S)
    if cpu0 is not None:
        cpu1 = streamlit_cpu_seconds(server_port) if server_port else None
        run.server_cpu_s = None if cpu1 is None else cpu1 - cpu0
    if m0:
        m1 = browser_metrics(cdp)
        run.browser_metrics = {k: m1[k] - m0[k] for k in m0 if k in m1}
    if profile and cdp is not None:
        with contextlib.suppress(PlaywrightError):
            run.profile = cdp.send("Profiler.stop")["profile"]
    return run


def print_profile(profile: dict, moves: int, top: int = 8) -> None:
    """The page's JavaScript per move: top functions by self time, and by total time those
    with readable names (Plotly's property names survive minification)."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    self_us: dict[int, float] = {}
    for sample, dt in zip(profile["samples"][1:], profile["timeDeltas"][1:], strict=True):
        self_us[sample] = self_us.get(sample, 0.0) + dt

    def name(nid: int) -> str:
        cf = nodes[nid]["callFrame"]
        where = cf["url"].rsplit("/", 1)[-1].split(".")[0]
        return (cf["functionName"] or "(anonymous)") + (f" [{where}]" if where else "")

    by_self: dict[str, float] = {}
    total: dict[str, float] = {}
    for nid, us in self_us.items():
        by_self[name(nid)] = by_self.get(name(nid), 0.0) + us
        seen: set[str] = set()
        x: int | None = nid
        while x is not None:
            n = name(x)
            fn = nodes[x]["callFrame"]["functionName"]
            if n not in seen and ("." in fn or len(fn) >= 8):
                total[n] = total.get(n, 0.0) + us
                seen.add(n)
            x = parent.get(x)

    def show(d: dict[str, float]) -> str:
        items = sorted(d.items(), key=lambda kv: -kv[1])[:top]
        return ", ".join(f"{k} {v / 1000 / moves:.0f}" for k, v in items)

    print(f"    CPU profile of the page, ms per move. Self time: {show(by_self)}")
    print(f"    Total time, named functions: {show(total)}")


def phases(key: str, t0: float, r: dict) -> Press:
    changed, keydown, ws = r["changed"], r["keydown"], r["ws"]
    start = keydown if keydown is not None else t0
    sent = next((m["t"] for m in ws if m["dir"] == "out" and m["t"] >= start), None)
    incoming = [m for m in ws if m["dir"] == "in" and (sent is None or m["t"] >= sent)]
    before = [m for m in incoming if m["t"] <= changed]
    reply = incoming[0]["t"] if incoming else None
    figure = max(before, key=lambda m: m["n"], default=None)
    if figure is not None and figure["n"] < FIGURE_FRAME:
        figure = before[-1]  # no figure-sized message: the last one before the redraw
    return Press(
        key=key,
        latency_ms=changed - t0,
        press_ms=None if keydown is None else keydown - t0,
        send_ms=None if sent is None or keydown is None else sent - keydown,
        reply_ms=None if sent is None or reply is None else reply - sent,
        figure_ms=None if sent is None or figure is None else figure["t"] - sent,
        draw_ms=None if figure is None else changed - figure["t"],
        bytes_in=sum(m["n"] for m in incoming),
        figure_bytes=None if figure is None else figure["n"],
        confirmed_ms=None if r.get("confirmed") is None else r["confirmed"] - t0,
    )


def report_presses(run: PressRun, title: str, targets: bool, figure_word: str) -> dict:
    lat = [p.latency_ms for p in run.presses]
    if not lat:
        print(f"  {title}: no timed move completed")
        return {}
    p50, p95 = statistics.median(lat), percentile(lat, 95)
    print(f"  {title}: {len(lat)} moves")
    print("    latencies (ms): " + " ".join(f"{v:.0f}" for v in lat))
    if targets:
        print(
            f"    median {p50:6.0f} ms   target < {TARGET_MEDIAN_MS:.0f} ms   "
            f"{verdict(p50, TARGET_MEDIAN_MS)}"
        )
        print(
            f"    p95    {p95:6.0f} ms   target < {TARGET_P95_MS:.0f} ms   "
            f"{verdict(p95, TARGET_P95_MS)}"
        )
    else:
        print(
            f"    median {p50:6.0f} ms   p95 {p95:6.0f} ms   (min {min(lat):.0f}, max {max(lat):.0f})"
        )
    ps = run.presses
    n = len(ps)
    previewed = [p.latency_ms for p in ps if p.previewed]
    if previewed:
        print(
            f"    {len(previewed)} of {n} moves were drawn from the slider previews sent after the "
            f"chart (ui/previews.py), before any reply: median {statistics.median(previewed):.0f} ms"
        )
    confirmed = [p.confirmed_ms for p in ps if p.confirmed_ms is not None]
    if confirmed:
        print(
            "    key press → the rerun's own figure drawn (the server's round trip): median "
            f"{statistics.median(confirmed):.0f} ms, p95 {percentile(confirmed, 95):.0f} ms"
        )
    ps = [p for p in ps if not p.previewed]
    if ps:
        print(
            "    where the median goes" + (" (moves without a preview)" if previewed else "") + ": "
            f"driver → keydown {fmt_ms(med([p.press_ms for p in ps]))}, "
            f"keydown → rerun request sent {fmt_ms(med([p.send_ms for p in ps]))}, "
            f"request → first reply {fmt_ms(med([p.reply_ms for p in ps]))}, "
            f"request → {figure_word} {fmt_ms(med([p.figure_ms for p in ps]))}, "
            f"{figure_word} → drawn {fmt_ms(med([p.draw_ms for p in ps]))}"
        )
    ps = run.presses
    per = []
    if run.server_cpu_s is not None:
        per.append(f"server CPU {run.server_cpu_s / n * 1000:.0f} ms")
    m = run.browser_metrics
    if "TaskDuration" in m:
        per.append(
            f"page main thread {m['TaskDuration'] / n * 1000:.0f} ms "
            f"(script {m.get('ScriptDuration', 0) / n * 1000:.0f}, "
            f"layout+style {(m.get('LayoutDuration', 0) + m.get('RecalcStyleDuration', 0)) / n * 1000:.0f})"
        )
    per.append(f"received {fmt_bytes(statistics.mean(p.bytes_in for p in ps))}")
    print("    per move: " + ", ".join(per))
    if figure_word == "figure message" and not previewed:
        sent = sum(1 for p in ps if (p.figure_bytes or 0) >= FIGURE_FRAME)
        print(
            f"    the figure itself came over the WebSocket in {sent} of {n} moves (otherwise "
            "Streamlit sent a reference to a message the browser already holds)"
        )
    if run.profile:
        print_profile(run.profile, n)
    out = {"median": p50, "p95": p95, "previewed": len(previewed), "moves": n}
    if confirmed:
        out["confirmed"] = (statistics.median(confirmed), percentile(confirmed, 95))
    return out


# ---------------------------------------------------------------------------------------
# 3. The figure, built in-process
# ---------------------------------------------------------------------------------------


def figure_in_process(url_query: dict[str, str]) -> None:
    """Build the slider page's figure with the page's building blocks; serialize it as the
    live chart does (``ui.live_chart.encode`` of ``ui.live_chart.payload``); print sizes and times."""
    t = time.monotonic()

    import plotly.io as pio
    from streamlit import logger as streamlit_logger

    streamlit_logger.set_log_level("error")  # outside `streamlit run`: no runtime warnings

    import scenarios
    from plots import lean
    from scenarios import view
    from ui import cached, live_chart

    imported = time.monotonic() - t

    s, _ = scenarios.decode(url_query)

    def build() -> dict:  # what the page does, through the same functions
        _, uri, click_grid = cached.view_layers(s)
        return view.compare_figure(s, cached.runs(s), uri, click_grid)

    t = time.monotonic()
    build()  # first call: compile and fill the caches
    cold = time.monotonic() - t

    def serialize(fig: dict) -> bytes:  # what the live chart sends
        return live_chart.encode(live_chart.payload(fig, "map"))

    times_build, times_json = [], []
    for _ in range(5):
        t = time.monotonic()
        fig = build()
        t1 = time.monotonic()
        spec = serialize(fig)
        times_build.append(t1 - t)
        times_json.append(time.monotonic() - t1)
    parts = {k: len(pio.to_json(lean.LeanFigure({k: v}), validate=False)) for k, v in fig.items()}
    image = len(fig["layout"]["images"][0]["source"])
    grid = len(pio.to_json(lean.LeanFigure({"data": fig["data"][:1]}), validate=False))
    print(f"  in-process, the page's building blocks for {SLIDER_URL} (imports {imported:.1f} s):")
    print(
        f"    spec JSON {fmt_bytes(len(spec))}: data {fmt_bytes(parts['data'])}, "
        f"layout {fmt_bytes(parts['layout'])} (map image URI {fmt_bytes(image)}), "
        f"frames {fmt_bytes(parts['frames'])} ({len(fig['frames'])} frames); "
        f"{len(fig['data'])} traces, the click grid alone {fmt_bytes(grid)}"
    )
    print(
        f"    server side per rerun (cached trajectories): build {statistics.median(times_build) * 1000:.0f} ms, "
        f"to JSON {statistics.median(times_json) * 1000:.0f} ms (first build with compile {cold:.1f} s)"
    )


# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=20, help="timed key presses (default 20)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke run: 8 moves on a time budget, one page load, no in-process figure",
    )
    ap.add_argument("--url", help="reuse a running Optiscape server (e.g. http://127.0.0.1:8501)")
    ap.add_argument(
        "--monotonic",
        action="store_true",
        help="ArrowRight only: every move a new η (no cache hits), instead of alternating",
    )
    ap.add_argument(
        "--profile", action="store_true", help="CPU-profile the page during the timed moves"
    )
    ap.add_argument(
        "--starts",
        type=int,
        default=None,
        help="rounds of server starts for the first-plot medians (default 5; 0 with --quick)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds allowed for a first plot (default 120)",
    )
    args = ap.parse_args(argv)
    moves = 8 if args.quick else max(1, args.moves)
    args.starts = max(0, args.starts if args.starts is not None else (0 if args.quick else 5))
    t_bench = time.monotonic()
    args.deadline = {k: (t_bench + v if args.quick else None) for k, v in QUICK_DEADLINES_S.items()}

    print("Optiscape browser latency benchmark")
    print(
        f"  python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    if sync_playwright is None:
        print("  NOTE: playwright is not installed (pip install playwright); nothing measured.")
        return 0
    if not Path(CHROMIUM).exists():
        print(
            f"  NOTE: Chromium is missing at {CHROMIUM} (Debian's `chromium` package; .ci/run "
            "installs it). Nothing measured; a browser is never downloaded."
        )
        return 0

    tracker = Tracker()
    results: dict[str, object] = {}
    try:
        with sync_playwright() as pw:
            tracker.at("launch Chromium")
            t = time.monotonic()
            try:
                pw_browser = launch(pw)
            except PlaywrightError as e:
                print(
                    f"  NOTE: could not launch Chromium at {CHROMIUM}: {short(e)}. Nothing measured."
                )
                return 0
            print(
                f"  Chromium {pw_browser.version} at {CHROMIUM} (launch {time.monotonic() - t:.1f} s), "
                f"{moves} timed moves after {WARMUP} warm-up, {PAUSE_S * 1000:.0f} ms pause"
            )
            try:
                run_app(pw_browser, args, moves, tracker, results)
                run_bare(pw_browser, moves, tracker, results, args.deadline["bare"])
            finally:
                with contextlib.suppress(PlaywrightError):
                    pw_browser.close()
    except Exception as e:  # the Playwright driver itself, or a bug: report, exit 0
        print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")

    print(f"\n3. Size of the figure the page sends ({SLIDER_URL})")
    r = results.get("figure")
    if r:
        print(f"  on the wire: the WebSocket message that carries it {fmt_bytes(r['figureBytes'])}")
        print(
            f"  in the browser: JSON.stringify(gd.data) {fmt_bytes(r['dataChars'])} + "
            f"JSON.stringify(gd.layout) {fmt_bytes(r['layoutChars'])} = "
            f"{fmt_bytes((r['dataChars'] or 0) + (r['layoutChars'] or 0))}, {r['traces']} traces, "
            f"{r['frames']} animation frames besides; with plotly.js's decoded `_inputArray` "
            f"copies gd.data stringifies to {fmt_bytes(r['dataRawChars'])}"
        )
    if args.quick:
        print("  (--quick: the in-process build is skipped)")
    else:
        tracker.at("build the figure in-process")
        try:
            figure_in_process({"steps": SLIDER_URL.split("=")[1]})
        except Exception as e:  # a report: say what failed and go on
            print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")

    summary(results)
    print(f"\n(bench took {time.monotonic() - t_bench:.0f} s)")
    return 0


@contextlib.contextmanager
def app_server(args, tracker: Tracker) -> Iterator[tuple[str, float | None, float]]:
    """Yields (url, seconds to the health check or None when reused, start time)."""
    if args.url:
        tracker.at(f"reuse the server at {args.url}")
        yield args.url.rstrip("/"), None, time.monotonic()
        return
    tracker.at("start `streamlit run app.py` and wait for its health check")
    t_start = time.monotonic()  # before Popen: streamlit_server() starts it on entry
    with streamlit_server(timeout=max(60.0, args.timeout)) as url:
        yield url, time.monotonic() - t_start, t_start


@contextlib.contextmanager
def compile_cache_at(path: str) -> Iterator[None]:
    """The servers started inside keep JAX's compilation cache in ``path``
    (optimizers/compile_cache.py reads $OPTISCAPE_JAX_CACHE)."""
    old = os.environ.get("OPTISCAPE_JAX_CACHE")
    os.environ["OPTISCAPE_JAX_CACHE"] = path
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OPTISCAPE_JAX_CACHE", None)
        else:
            os.environ["OPTISCAPE_JAX_CACHE"] = old


def run_app(pw_browser, args, moves: int, tracker: Tracker, results: dict) -> None:
    print("\n1. First plot of the Compare page")
    # A fresh compilation cache: the first start is a fresh machine's; the full run then
    # restarts the server on the cache it filled.
    with tempfile.TemporaryDirectory() as cache, compile_cache_at(cache):
        if not args.url:
            print("  (JAX compilation cache: empty, as on a fresh machine)")
        run_sessions(pw_browser, args, moves, tracker, results)
        if not args.quick and not args.url:
            restart_first_plot(pw_browser, args, tracker, results)
    if args.starts and not args.url:
        repeated_starts(pw_browser, args, tracker, results)


def restart_first_plot(pw_browser, args, tracker: Tracker, results: dict) -> None:
    print("\n1b. First plot after a server restart (JAX compilation cache filled by section 1)")
    try:
        total, breakdown = start_to_first_plot(pw_browser, args, tracker, "restarted server")
        print(
            f"  server start → first plot               {total:6.2f} s   "
            f"target < {TARGET_FIRST_PLOT_S:.0f} s   {verdict(total, TARGET_FIRST_PLOT_S)}"
        )
        results["restart"] = total
        print_first_plot_breakdown(breakdown)
    except Exception as e:  # a report: say which step failed and go on
        print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")


def start_to_first_plot(pw_browser, args, tracker: Tracker, what: str) -> tuple[float, dict]:
    """Start a server and open the Compare page in a new browser (empty HTTP cache): seconds
    from the start to the first plot, and the page's own timeline of it."""
    with app_server(args, tracker) as (url, _, t_start):
        context = pw_browser.new_context(viewport=VIEWPORT)
        context.add_init_script(probe_js(path_signature_js()))
        try:
            page = new_page(context, tracker)
            wait_first_plot(page, url + "/", args.timeout, tracker, what)
            total = time.monotonic() - t_start
            return total, describe_first_plot(page)
        finally:
            with contextlib.suppress(PlaywrightError):
                context.close()


def repeated_starts(pw_browser, args, tracker: Tracker, results: dict) -> None:
    """``args.starts`` rounds of: a start on an empty compilation cache, then a restart on the
    cache it filled; the medians (one start is one noisy sample)."""
    n = args.starts
    print(f"\n1c. Server start → first plot, {n} rounds of an empty-cache start and a restart")
    cold: list[float] = []
    warm: list[float] = []
    try:
        for i in range(n):
            with tempfile.TemporaryDirectory() as cache, compile_cache_at(cache):
                cold.append(start_to_first_plot(pw_browser, args, tracker, f"round {i + 1}")[0])
                warm.append(start_to_first_plot(pw_browser, args, tracker, f"round {i + 1}")[0])
    except Exception as e:  # a report: say which step failed, keep what was measured
        print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")
    for label, key, xs in (
        ("empty compilation cache", "first plot median", cold),
        ("after a restart        ", "restart median", warm),
    ):
        if not xs:
            continue
        m = statistics.median(xs)
        results[key] = m
        results["starts"] = len(xs)
        print(
            f"  {label}  median {m:5.2f} s   target < {TARGET_FIRST_PLOT_S:.0f} s   "
            f"{verdict(m, TARGET_FIRST_PLOT_S)}   ({' '.join(f'{x:.2f}' for x in xs)})"
        )


def run_sessions(pw_browser, args, moves: int, tracker: Tracker, results: dict) -> None:
    try:
        with app_server(args, tracker) as (url, health_s, t_start):
            context = pw_browser.new_context(viewport=VIEWPORT)
            context.add_init_script(probe_js(path_signature_js()))
            try:
                page = first_plots(context, url, health_s, t_start, args, tracker, results)
                how = "ArrowRight only" if args.monotonic else "ArrowRight/ArrowLeft alternating"
                print(f"\n2. Slider latency: Adam's log₁₀ η on {SLIDER_URL}, {how}")
                slider_latency(context, page, url, moves, args, tracker, results)
            finally:
                with contextlib.suppress(PlaywrightError):
                    context.close()
    except Exception as e:  # a report: say which step failed, stop the servers, go on
        print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")


def first_plots(context, url, health_s, t_start, args, tracker: Tracker, results: dict):
    """The first plot, and (full run) a second session's. With ``--quick`` the first page is
    the slider page, returned for section 2 to use (two page loads fewer)."""
    page = new_page(context, tracker)
    first_url = url + (SLIDER_URL if args.quick else "/")
    after = wait_first_plot(page, first_url, args.timeout, tracker, "first session")
    if args.quick:
        print(f"  (--quick: the first plot is the one of {SLIDER_URL}; no second session)")
    total = time.monotonic() - t_start
    if health_s is not None:
        print(f"  server start → health check answered   {health_s:6.2f} s")
        print(f"  health check → first plot               {after:6.2f} s")
        print(
            f"  server start → first plot               {total:6.2f} s   "
            f"target < {TARGET_FIRST_PLOT_S:.0f} s   {verdict(total, TARGET_FIRST_PLOT_S)}"
        )
        results["first plot"] = total
    else:
        print(f"  first plot on the given server (may be warm)   {after:6.2f} s")
        results["first plot"] = after
    first = describe_first_plot(page)
    print_first_plot_breakdown(first)
    helper = page.evaluate(adam_path_signature_js())
    if "undefined" in str(helper):
        print(
            f"  NOTE: tests/browser.py adam_path_signature_js() gives {helper!r} for every path: "
            "gd.data holds base64 typed arrays {dtype, bdata}; this bench compares the base64."
        )
    if args.quick:
        return page
    page.close()

    page = new_page(context, tracker)
    second = wait_first_plot(page, url + "/", args.timeout, tracker, "second session")
    print(
        f"  second session (new page, warm server)  {second:6.2f} s   "
        f"target < {TARGET_FIRST_PLOT_S:.0f} s   {verdict(second, TARGET_FIRST_PLOT_S)}"
    )
    print_first_plot_breakdown(describe_first_plot(page))
    results["second session"] = second
    page.close()
    return None


def slider_latency(context, page, url, moves: int, args, tracker, results: dict) -> None:
    """Section 2: key presses on each of `SLIDERS`, each on a page of its own (the first on
    ``page`` if given, already showing the slider page). ``results["slider"]`` is η's."""
    results["sliders"] = {}
    for i, (what, where, key) in enumerate(SLIDERS):
        if i or page is None:
            page = new_page(context, tracker)
            opened = wait_first_plot(page, url + where, args.timeout, tracker, "slider page")
            print(f"  {where}: first plot in {opened:.2f} s (new session on the warm server)")
        if i == 0:
            results["figure"] = describe_first_plot(page)
        slider = open_slider(page, tracker, key)
        print(f"  {what}: {slider_state(slider)}")
        run = press_and_time(
            page,
            slider,
            moves,
            tracker,
            what,
            15.0,
            port_of(url),
            monotonic=args.monotonic,
            profile=args.profile and i == 0,
            deadline=None if args.deadline["app"] is None else args.deadline["app"] + 25 * i,
        )
        report = report_presses(
            run, f"{what}: key press → redrawn plot", targets=True, figure_word="figure message"
        )
        results["sliders"][what] = report
        if i == 0:
            results["slider"] = report
        print(f"  after the moves: {slider_state(slider)}")
        page.close()


def run_bare(
    pw_browser, moves: int, tracker: Tracker, results: dict, deadline: float | None
) -> None:
    print("\n  For scale, the same key press on a one-slider Streamlit script:")
    try:
        tracker.at("start the bare Streamlit script")
        with bare_server() as url:
            context = pw_browser.new_context(viewport=VIEWPORT)
            context.add_init_script(probe_js(BARE_SIGNATURE_JS))
            try:
                page = new_page(context, tracker)
                wait_first_plot(page, url + "/", 60.0, tracker, "bare script")
                tracker.at("bare script: find its slider")
                slider = page.get_by_role("slider").first
                slider.wait_for(state="attached", timeout=30_000)
                run = press_and_time(
                    page,
                    slider,
                    moves,
                    tracker,
                    "bare slider",
                    15.0,
                    port_of(url),
                    deadline=deadline,
                )
                results["bare"] = report_presses(
                    run, "bare Streamlit round trip", targets=False, figure_word="last message"
                )
            finally:
                with contextlib.suppress(PlaywrightError):
                    context.close()
    except Exception as e:  # a report: say which step failed, stop the servers, go on
        print(f"  FAILED at step '{tracker.step}': {describe_error(e)}")


def summary(results: dict) -> None:
    print("\nSummary")
    if "first plot median" in results:
        print(
            f"  first plot, median of {results['starts']} starts: "
            f"{results['first plot median']:.2f} s on an empty compilation cache, "
            f"{results.get('restart median', float('nan')):.2f} s after a restart "
            f"(target < {TARGET_FIRST_PLOT_S:.0f} s)"
            + (
                f"; a second session on a running server {results['second session']:.2f} s"
                if "second session" in results
                else ""
            )
        )
    elif "first plot" in results:
        print(
            f"  first plot {results['first plot']:.2f} s (target < {TARGET_FIRST_PLOT_S:.0f} s)",
            end="",
        )
        if "second session" in results:
            print(f", second session {results['second session']:.2f} s", end="")
        if "restart" in results:
            print(f", after a restart (compilation cache warm) {results['restart']:.2f} s", end="")
        print()
    for what, r in (results.get("sliders") or {}).items():
        if r and r.get("median") is not None:
            print(
                f"  {what}: median {r['median']:.0f} ms ({verdict(r['median'], TARGET_MEDIAN_MS)}), "
                f"p95 {r['p95']:.0f} ms ({verdict(r['p95'], TARGET_P95_MS)})"
            )
    slider, bare = results.get("slider") or {}, results.get("bare") or {}
    if slider:
        line = f"  slider: median {slider['median']:.0f} ms, p95 {slider['p95']:.0f} ms"
        if bare:
            line += (
                f"; bare Streamlit round trip median {bare['median']:.0f} ms "
                f"(the page costs {slider['median'] / bare['median']:.1f}× a bare round trip)"
            )
        print(line)
        if slider.get("confirmed"):
            print(
                f"    {slider['previewed']} of {slider['moves']} moves drawn from a slider preview; "
                "the rerun's own figure followed at median {:.0f} ms, p95 {:.0f} ms".format(
                    *slider["confirmed"]
                )
            )
    if results.get("figure"):
        print(f"  figure message {fmt_bytes(results['figure']['figureBytes'])}")


if __name__ == "__main__":
    sys.exit(main())
