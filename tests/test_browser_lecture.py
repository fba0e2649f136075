"""A lecture in a real browser (Debian's Chromium, Playwright, `streamlit run` on 127.0.0.1):
the view a teacher set survives every other page, Back and Forward, and every page is a link.

1. A non-default Compare link; every other page by the navigation and back; then Back to the
   Tune page and Forward again: each time, Compare draws exactly the paths it drew before (the
   SVG path data of every line on the page).
2. On every page, one setting changed with the keyboard as a person would; that page's URL,
   opened in a fresh browser context, shows the same setting and the same figure.
"""

from __future__ import annotations

import browser  # tests/browser.py (pytest puts tests/ on sys.path)
import pytest

pytestmark = pytest.mark.browser

sync_api = browser.require_chromium()  # skips the module where there is none (not in CI)

LINK = (
    "/?surface=valley&valley.kappa=30&steps=200&opt=momentum,adam"
    "&momentum.lr=0.02&momentum.beta=0.8&adam.lr=0.05&show=rules"
)
# A page's heading: its title, or on Compare (no title: the map must fit a projector) the bold
# start of its caption.
TITLE_JS = """() => { const h = document.querySelector('h1')
  || document.querySelector('[data-testid="stCaptionContainer"] strong');
  return h ? h.innerText : null; }"""
# Every drawn line of the Compare chart, as SVG path data: what a person sees, exactly.
LINES_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  return Array.from(gd.querySelectorAll('.scatterlayer .trace path.js-line'))
    .map(p => p.getAttribute('d')).join('|'); }"""
# Each figure's traces, their sizes and the sum of their finite values (any Plotly figure).
FIGURE_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  (gd._fullData || []).map(d => {
    let n = 0, sum = 0;
    for (const k of ['x', 'y', 'z']) {
      const flat = (v) => { if (v == null) return;
        if (typeof v === 'number') { if (Number.isFinite(v)) { n += 1; sum += v; } }
        else if (Array.isArray(v) || ArrayBuffer.isView(v)) { for (const e of v) flat(e); } };
      flat(d[k]);
    }
    return `${d.type}:${d.name}:${n}:${sum.toPrecision(8)}`; }).join(';')).join('||')"""
TITLES = {
    "Compare": "Compare optimizers",
    "Tune": "Tune the learning rate",
    "Basins": "Basins of attraction",
    "Schedules": "Learning-rate schedules",
    "Data": "Batch, mini-batch and stochastic gradients",
    "3-D": "The surface in 3-D",
}


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 720})
    yield ctx
    ctx.close()


def _settled(page, title: str) -> None:
    """The page titled ``title`` has drawn every figure and its script has finished."""
    page.wait_for_function(f"({TITLE_JS})() === {title!r}")
    page.wait_for_function(
        """() => document.querySelectorAll('.js-plotly-plot').length > 0
             && !document.querySelector('[data-testid="stStatusWidget"]')"""
    )
    page.wait_for_timeout(800)  # the chart's last redraw after the rerun


def _stable_figure(page) -> str:
    """The figures once they stop changing (a rerun's figure may still be on its way)."""
    last = page.evaluate(FIGURE_JS)
    for _ in range(60):
        page.wait_for_timeout(1500)
        now = page.evaluate(FIGURE_JS)
        if now == last:
            return now
        last = now
    return last


def _compare_lines(page) -> str:
    _settled(page, TITLES["Compare"])
    page.wait_for_function(f"({LINES_JS})() && ({LINES_JS})().length > 0")
    return page.evaluate(LINES_JS)


def _nav(page, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
    _settled(page, TITLES[name])


def test_a_lecture_comes_back_to_the_same_compare_view(server, context):
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(server + LINK)
    before = _compare_lines(page)
    assert before.count("|") >= 3  # two paths on the map, their loss curves
    for name in ("Tune", "Basins", "Schedules", "Data", "3-D"):
        _nav(page, name)
        _nav(page, "Compare")
        assert _compare_lines(page) == before, f"after a visit to {name}"
        assert "valley.kappa=30" in page.url and "momentum.beta=0.8" in page.url
    # Back, as far as the 3-D page, then Forward to Compare
    for _ in range(6):
        page.go_back()
        page.wait_for_timeout(1500)
        if page.evaluate(TITLE_JS) == TITLES["3-D"]:
            break
    _settled(page, TITLES["3-D"])
    assert "surface=valley" in page.url  # the 3-D page showed the Compare view it came from
    for _ in range(6):
        page.go_forward()
        page.wait_for_timeout(1500)
        if page.evaluate(TITLE_JS) == TITLES["Compare"]:
            break
    assert _compare_lines(page) == before, "after Back and Forward"


# (navigation entry, the widget's key as Streamlit tags it, the keys to press, what the URL
# must then say)
CHANGES = [
    ("Compare", "st-key-hp-momentum-lr", "ArrowLeft", "momentum.lr=0.0008913"),  # 10^(−3.05)
    ("Tune", "st-key-tune-lr_range", "ArrowRight", "lr=-4.9%2C0.5"),
    ("Basins", "st-key-basins-n", "ArrowLeft", "n=90"),
    ("Schedules", "st-key-schedules-hp-momentum-lr", "ArrowRight", "momentum.lr=0.001122"),
    ("Data", "st-key-data-batch", "ArrowRight", "batch=16"),
    ("3-D", "st-key-surface3d-grid", "ArrowRight", "grid=100"),
]


@pytest.mark.parametrize(("name", "widget", "key", "expect"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_changed_page_is_a_link_that_opens_the_same_view(
    server, chromium, context, name, widget, key, expect
):
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(server + "/?steps=200&opt=sgd,momentum")
    _settled(page, TITLES["Compare"])
    if name != "Compare":
        _nav(page, name)
    handle = page.locator(f".{widget} input[type=range]").first
    handle.focus()
    page.keyboard.press(key)
    page.wait_for_function(f"location.search.includes({expect!r})")
    _settled(page, TITLES[name])
    figure, url = _stable_figure(page), page.url

    fresh = chromium.new_context(viewport={"width": 1280, "height": 720})
    try:
        other = fresh.new_page()
        other.set_default_timeout(180_000)
        other.goto(url)
        _settled(other, TITLES[name])
        assert expect in other.url
        mine = other.locator(f".{widget} input[type=range]").first
        assert mine.input_value() == handle.input_value()
        assert _stable_figure(other) == figure
    finally:
        fresh.close()
