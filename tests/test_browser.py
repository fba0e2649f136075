"""A real browser against `streamlit run`: Debian's Chromium driven by Playwright on 127.0.0.1.

The page loads, four paths are drawn, a slider move redraws them, a click on the map moves the
start, the GIF download yields a valid GIF; at each of four window sizes the map, its player and
every optimizer's η are on the first screen, and the chart follows a window change; the player
keeps every line of every panel.
"""

from __future__ import annotations

import io
from pathlib import Path

import browser  # tests/browser.py (pytest puts tests/ on sys.path)
import pytest

from plots import compare

pytestmark = pytest.mark.browser

sync_api = browser.require_chromium()  # skips the module where there is none (not in CI)

DEFAULT = ("sgd", "momentum", "rmsprop", "adam")
PATHS_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return [];
  return gd._fullData.filter(d => d.mode === 'lines' && d.xaxis === 'x').map(d => d.legendgroup); }"""
START_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  const t = gd._fullData.find(d => d.name === 'start'); return [t.x[0], t.y[0]]; }"""


@pytest.fixture
def page(server, chromium):
    context = chromium.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    pg.goto(server + "/?steps=300")
    pg.wait_for_function(f"({PATHS_JS})().length === {len(DEFAULT)}")
    yield pg
    context.close()


def test_page_loads_with_four_paths(page):
    assert sorted(page.evaluate(PATHS_JS)) == sorted(DEFAULT)
    assert page.get_by_text("Compare optimizers").is_visible()
    # nothing non-finite in what was drawn
    assert page.evaluate(
        """() => document.querySelector('.js-plotly-plot')._fullData.every(
             d => !d.y || Array.from(d.y).every(v => Number.isFinite(v)))"""
    )


def test_a_class_sees_no_deploy_button(page):
    """.streamlit/config.toml's toolbarMode = "viewer": no Deploy button on the projector (the
    viewer's menu stays)."""
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert page.get_by_text("Deploy", exact=True).count() == 0
    assert page.locator('[data-testid="stMainMenu"]').count() == 1


def test_the_rehearsal_draw_leaves_nothing_behind(page):
    """While the server computes the first figure, the page draws a small one off-screen to warm
    plotly.js up (ui/live_chart/load_plotly.js), unless the chart came first: once it has
    finished, the chart is the only Plotly plot on the page."""
    page.wait_for_function(
        """() => !performance.getEntriesByName('optiscape:rehearsal').length
                 || performance.getEntriesByName('optiscape:rehearsed').length"""
    )
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot').length") == 1
    assert page.evaluate("document.querySelectorAll('[aria-hidden=true] .main-svg').length") == 0


def test_a_slider_move_redraws_the_path(page):
    slider = page.locator(".st-key-hp-adam-lr input").first  # Streamlit tags a widget with its key
    slider.wait_for(state="attached")
    before = page.evaluate(browser.adam_path_signature_js())
    # the chart is updated in place (ui/live_chart.py), not mounted anew: a mark stays on it
    page.evaluate("document.querySelector('.js-plotly-plot').__mark = 'first'")
    slider.focus()
    for _ in range(4):  # log₁₀ η by +0.2: η × 1.58
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"({browser.adam_path_signature_js()})() !== {before!r}")
    page.wait_for_function("location.search.includes('adam.lr=0.01585')")  # 10^(−2 + 0.2)
    assert page.evaluate("document.querySelector('.js-plotly-plot').__mark") == "first"


def test_a_key_press_is_drawn_from_the_preview_then_confirmed_by_the_rerun(page):
    """ui/previews.py: the path moves before the server's figure for the move is drawn, and the
    rerun's figure then draws the same path (up to float rounding)."""
    slider = page.locator(".st-key-hp-adam-lr input").first
    slider.wait_for(state="attached")
    page.wait_for_function("document.querySelector('.js-plotly-plot').__previews.length === 4")
    adam = "d => d.legendgroup === 'adam' && d.mode === 'lines' && d.xaxis === 'x'"
    page.evaluate(
        f"""() => {{ const gd = document.querySelector('.js-plotly-plot');
          const sig = () => JSON.stringify(Array.from(gd._fullData.find({adam}).x));
          const w = window.__watch = {{draws: gd.__draws, base: sig(), atChange: null}};
          const tick = () => {{ if (sig() !== w.base) {{ w.atChange = gd.__draws;
                                  w.previewed = Array.from(gd._fullData.find({adam}).x); }}
                                else requestAnimationFrame(tick); }};
          requestAnimationFrame(tick); }}"""
    )
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__watch.atChange !== null")
    assert page.evaluate("window.__watch.atChange === window.__watch.draws")  # no figure yet
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot').__draws > window.__watch.draws"
    )
    previewed, confirmed = page.evaluate(
        f"""() => [window.__watch.previewed,
                  Array.from(document.querySelector('.js-plotly-plot')._fullData.find({adam}).x)]"""
    )
    assert len(previewed) == len(confirmed)
    assert max(abs(a - b) for a, b in zip(previewed, confirmed, strict=True)) < 1e-4
    page.wait_for_function("location.search.includes('adam.lr=0.01122')")  # 10^(−2 + 0.05)


def test_a_surface_parameter_pressed_again_is_drawn_from_its_preview(server, chromium):
    """κ of the valley, once moved, is previewed (ui/previews.py): its next key press changes the
    map image and the paths before the server's figure for that press is drawn."""
    context = chromium.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(server + "/?surface=valley&steps=300")
    page.wait_for_function(f"({PATHS_JS})().length === {len(DEFAULT)}")
    page.wait_for_function("document.querySelector('.js-plotly-plot').__previews.length === 4")
    slider = page.locator(".st-key-sp-valley-kappa input[type=range]").first
    slider.focus()
    page.keyboard.press("ArrowRight")  # the first press: a rerun, which brings κ's preview
    page.wait_for_function("location.search.includes('kappa=11.22')")
    page.wait_for_function(
        """() => (document.querySelector('.js-plotly-plot').__previews || [])
                 .some(p => p.slider === 'st-key-sp-valley-kappa')"""
    )
    page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot');
          const image = () => gd.layout.images[0].source;
          const w = window.__watch = {draws: gd.__draws, base: image(), atChange: null};
          const tick = () => { if (image() !== w.base) w.atChange = gd.__draws;
                               else requestAnimationFrame(tick); };
          requestAnimationFrame(tick); }"""
    )
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__watch.atChange !== null")
    assert page.evaluate("window.__watch.atChange === window.__watch.draws")  # no figure yet
    page.wait_for_function("location.search.includes('kappa=12.59')")  # 10^(1 + 2 × 0.05)
    context.close()


def test_a_click_on_the_map_moves_the_start(page):
    target = (0.5, 0.0)
    x, y = page.evaluate(
        """([x, y]) => { const gd = document.querySelector('.js-plotly-plot');
             const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
             return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)]; }""",
        list(target),
    )
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function(f"({START_JS})()[0] > 0")
    sx, sy = page.evaluate(START_JS)
    # the click lands on the nearest point of the click grid
    spacing = 4.0 / (compare.CLICK_GRID - 1)  # Rosenbrock's map is 4 × 4
    assert abs(sx - target[0]) <= spacing / 2 and abs(sy - target[1]) <= spacing / 2
    assert (
        page.locator('[data-testid="stSidebar"] input[aria-label="start x"]').input_value()
        == f"{sx:.3f}"
    )


def test_the_gif_download_is_a_valid_gif(page):
    from PIL import Image

    page.locator("summary", has_text="Export an animated GIF").click()
    button = page.get_by_role("button", name="Make and download the GIF")
    with page.expect_download() as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    img = Image.open(io.BytesIO(data))
    assert img.size == (640, 480)
    assert img.n_frames == 200


VIEWPORTS = [(1024, 768), (1280, 720), (1500, 1000), (1920, 1080)]
FOUR = "/?surface=rosenbrock&opt=sgd,momentum,nesterov,adam&steps=300"
BOXES_JS = """() => {
  const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
  const gd = document.querySelector('.optiscape-live-chart');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
  return {
    chart: box(gd), column: box(gd.parentElement),
    map: {left: r.left + xa._offset, top: r.top + ya._offset,
          right: r.left + xa._offset + xa._length, bottom: r.top + ya._offset + ya._length},
    play: box(document.querySelector('.optiscape-player button[data-act=play]')),
    player: box(document.querySelector('.optiscape-player')),
    etas: ['sgd', 'momentum', 'nesterov', 'adam'].map(
      (n) => box(document.querySelector(`.st-key-hp-${n}-lr [data-testid=stSlider]`))),
    controls: box(document.querySelector('.st-key-hp-sgd-lr')
      .closest('[data-testid=stColumn]').parentElement
      .querySelectorAll(':scope > [data-testid=stColumn]')[1]),
    table: box(document.querySelector('[data-testid=stTable]')),
    view: {width: innerWidth, height: innerHeight} }; }"""


def _inside(b, view) -> bool:
    return (
        b["left"] >= 0
        and b["top"] >= 0
        and b["right"] <= view["width"]
        and b["bottom"] <= view["height"]
    )


def _overlap(a, b) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def _four(chromium, server, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    pg.goto(server + FOUR)
    pg.wait_for_function(f"({PATHS_JS})().length === 4")
    pg.wait_for_function(
        "document.querySelectorAll('.st-key-hp-adam-lr [data-testid=stSlider]').length === 1"
    )
    pg.locator("[data-testid=stTable]").first.wait_for()
    pg.wait_for_timeout(500)  # the chart's fit to the window (a ResizeObserver)
    return context, pg


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_the_map_its_player_and_every_eta_fit_the_first_screen(server, chromium, width, height):
    context, pg = _four(chromium, server, width, height)
    try:
        b = pg.evaluate(BOXES_JS)
        view = b["view"]
        for name in ("map", "play"):
            assert _inside(b[name], view), (name, b[name], view)
        for eta in b["etas"]:
            assert eta is not None and _inside(eta, view), (eta, view)
        # chart, controls and table apart
        assert not _overlap(b["chart"], b["controls"]), (b["chart"], b["controls"])
        assert not _overlap(b["player"], b["controls"])
        assert b["table"]["top"] >= b["player"]["bottom"] - 1
        # the map is square in screen pixels (Rosenbrock's domain is 4 × 4)
        mw, mh = b["map"]["right"] - b["map"]["left"], b["map"]["bottom"] - b["map"]["top"]
        assert abs(mw - mh) <= 0.02 * mw
        # a window change: the chart follows its column, without a rerun
        draws = pg.evaluate("document.querySelector('.optiscape-live-chart').__draws")
        other = VIEWPORTS[(VIEWPORTS.index((width, height)) + 2) % len(VIEWPORTS)]
        pg.set_viewport_size({"width": other[0], "height": other[1]})
        pg.wait_for_timeout(800)
        after = pg.evaluate(BOXES_JS)
        assert (
            abs(after["chart"]["width"] - after["column"]["width"])
            <= 0.02 * after["column"]["width"]
        )
        assert not _overlap(after["chart"], after["controls"])
        assert pg.evaluate("document.querySelector('.optiscape-live-chart').__draws") == draws
    finally:
        context.close()


LINES_JS = """() => { const gd = document.querySelector('.optiscape-live-chart');
  const n = (s) => gd.querySelectorAll(`.subplot.${s} .scatterlayer .trace path.js-line`).length;
  return {map: n('xy'), loss: n('x2y2'), rate: n('x3y3')}; }"""
AT_JS = """() => { const gd = document.querySelector('.optiscape-live-chart');
  return gd.data.filter((t) => t.xaxis === 'x2' && t.mode === 'markers').map((t) => t.x[0]); }"""


def test_the_player_keeps_every_line_and_steps_one_at_a_time(server, chromium):
    context, pg = _four(chromium, server, 1280, 720)
    try:
        lines = pg.evaluate(LINES_JS)
        assert lines == {"map": 4, "loss": 4, "rate": 4}
        pg.get_by_role("button", name="play or pause (Space)").click()
        pg.wait_for_timeout(2000)
        assert pg.evaluate(LINES_JS) == lines  # the η_t panel went blank here once
        pg.locator(".optiscape-scrub").fill("3")
        assert pg.evaluate(AT_JS) == [3, 3, 3, 3]  # every one of the first fifty steps
        pg.get_by_role("button", name="one frame forward (→)").click()
        assert pg.evaluate(AT_JS) == [4, 4, 4, 4]
        assert pg.locator(".optiscape-step").inner_text() == "step 4 / 300"
        pg.keyboard.press(" ")  # the chart has focus: Space plays
        pg.wait_for_function(f"({AT_JS})()[0] > 4")
        pg.keyboard.press(" ")  # and pauses
        at = pg.evaluate(AT_JS)[0]
        pg.keyboard.press("ArrowLeft")
        assert pg.evaluate(AT_JS)[0] < at
        assert pg.evaluate(LINES_JS) == lines
        # the marker on the map is the path's point at that step
        pg.locator(".optiscape-scrub").fill("4")
        xy = pg.evaluate("""() => { const gd = document.querySelector('.optiscape-live-chart');
          const path = gd._fullData.find((t) => t.legendgroup === 'momentum' && t.mode === 'lines' && t.xaxis === 'x');
          const m = gd._fullData.find((t) => t.legendgroup === 'momentum' && t.mode === 'markers' && t.xaxis === 'x' && t.hoverinfo === 'skip');
          const i = Array.from(path.customdata).indexOf(4);
          return [m.x[0], m.y[0], path.x[i], path.y[i]]; }""")
        assert abs(xy[0] - xy[2]) < 1e-5 and abs(xy[1] - xy[3]) < 1e-5
    finally:
        context.close()
