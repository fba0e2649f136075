"""The pages beyond Compare in a real browser: Debian's Chromium, Playwright, `streamlit run`.

Each page loads from its own URL path and draws its figure from finite data; one widget per
page changes what is drawn; "Use the best in Compare" lands on Compare with those settings.
The first visit to the fresh server is a deep link, which must still go through app.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

import browser  # tests/browser.py (pytest puts tests/ on sys.path)
import pytest

pytestmark = pytest.mark.browser

sync_api = browser.require_chromium()  # skips the module where there is none (not in CI)

# Every number Plotly decoded (x, y, z of every trace) is finite, or null where a gap is meant
# (strings are category labels: the rows of the Tune page's "diverged" strip).
FINITE_JS = """(n) => { const gds = document.querySelectorAll('.js-plotly-plot');
  if (gds.length < n) return false;
  const ok = v => v === null || v === undefined || typeof v === 'string' || Number.isFinite(v)
    || Array.isArray(v) && v.every(ok)
    || ArrayBuffer.isView(v) && Array.from(v).every(ok);
  return Array.from(gds).every(gd => gd._fullData && gd._fullData.length > 0
    && gd._fullData.every(d => ['x', 'y', 'z'].every(k => !d[k] || ok(Array.from(d[k])))));
}"""
CURVES_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return [];
  return gd._fullData.filter(d => d.mode === 'lines').map(d => d.name); }"""
Y_TITLE_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  return gd && gd._fullLayout ? gd._fullLayout.yaxis.title.text : null; }"""
HEATMAP_SHAPE_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  const h = gd._fullData.find(d => d.type === 'heatmap');
  return h ? [h.z.length, h.z[0].length] : null; }"""


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1500, "height": 1400})
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    yield pg
    context.close()


NAV_JS = """() => Array.from(document.querySelectorAll('[data-testid="stSidebarNav"] a'))
  .map(a => a.innerText.trim())"""


def test_a_deep_link_to_a_fresh_server_goes_through_app_py(server, page):
    """Streamlit runs a page file by itself when a server's first visitor lands on it and the
    app has a pages/ folder; ui/streamlit_internals.py reruns it through app.py's navigation. (First in
    this module: the module's server has had no visitor yet.)"""
    page.goto(server + "/schedules")
    page.wait_for_function(f"({FINITE_JS})(1)")
    page.wait_for_function(f"({NAV_JS})().length >= 6")
    nav = page.evaluate(NAV_JS)
    assert [n.split("\n")[-1] for n in nav] == [
        "Compare",
        "Tune",
        "Basins",
        "Schedules",
        "Data",
        "3-D",
    ]
    assert page.get_by_text("Learning-rate schedules").is_visible()


def test_data_and_3d_pages_draw_finite_figures_and_follow_a_widget(server, page):
    page.goto(server + "/data")
    page.wait_for_function(f"({FINITE_JS})(1)")
    assert page.get_by_text("Batch, mini-batch and stochastic gradients").is_visible()
    page.get_by_text("Standardize the feature").click()
    page.get_by_text("Linear regression, standardized feature:").wait_for()
    page.wait_for_function(f"({FINITE_JS})(1)")

    page.goto(server + "/surface3d?surface=himmelblau&opt=adam,sgd")
    page.wait_for_function(f"({FINITE_JS})(1)")
    lines = page.evaluate(
        """() => document.querySelector('.js-plotly-plot')._fullData
          .filter(d => d.type === 'scatter3d' && d.mode === 'lines').map(d => d.name)"""
    )
    assert lines == ["Adam", "SGD"]


def test_tune_page_loads_from_its_path_and_draws_finite_curves(server, page):
    page.goto(server + "/tune")
    page.wait_for_function(f"({CURVES_JS})().length === 4")
    assert page.evaluate(CURVES_JS) == ["SGD", "Momentum", "RMSProp", "Adam"]
    page.wait_for_function(f"({FINITE_JS})(2)")  # the curves and the η × β heatmap
    assert page.get_by_text("Tune the learning rate").is_visible()

    # one interaction: score by steps to the tolerance
    page.get_by_text("steps to reach f − f* ≤ tol").click()
    page.wait_for_function(f"({Y_TITLE_JS})() === 'steps to f − f* ≤ 0.001'")
    page.wait_for_function(f"({FINITE_JS})(2)")


def test_use_the_best_lands_on_compare_with_the_best_settings(server, page):
    page.goto(server + "/tune")
    page.wait_for_function(f"({CURVES_JS})().length === 4")
    page.get_by_role("button", name="Use the best in Compare").click()
    page.wait_for_function("location.search.includes('opt=')")
    page.get_by_text("Compare optimizers").wait_for()
    query = parse_qs(urlparse(page.url).query)
    assert query["opt"] == ["sgd,momentum,rmsprop,adam"]
    assert query["steps"] == ["1000"]
    # the Compare page's own η slider for Adam shows the tuned value, not the default 0.01
    assert float(query["adam.lr"][0]) != 0.01


def test_basins_page_loads_from_its_path_and_follows_the_grid_slider(server, page):
    page.goto(server + "/basins")
    page.wait_for_function(f"({HEATMAP_SHAPE_JS})() !== null")
    assert page.evaluate(HEATMAP_SHAPE_JS) == [100, 100]
    page.wait_for_function(f"({FINITE_JS})(1)")
    legend = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot .legend .traces'))"
        ".map(t => t.textContent)"
    )
    assert sum("minimum (" in t for t in legend) == 4  # Himmelblau's four basins

    slider = page.locator(".st-key-basins-n input").first  # Streamlit tags a widget with its key
    slider.wait_for(state="attached")
    slider.focus()
    page.keyboard.press("ArrowRight")  # 100 → 110 starts per side
    page.wait_for_function(f"JSON.stringify(({HEATMAP_SHAPE_JS})()) === '[110,110]'")
    page.wait_for_function(f"({FINITE_JS})(1)")


PAYLOADS = {
    "steps": "![p](http://127.0.0.1:9/x.png)",
    "noise": "[Session expired - click to log in](http://127.0.0.1:9/)",
    "seed": ":red[alarm] :material/warning: $x^2$ <b>bold</b> ``tick`",
}


def test_a_links_markdown_and_html_are_shown_as_text(server, page):
    """The "Link:" warnings quote what a link asked for: an image, a link, colour, icon, LaTeX
    and HTML in it come out as the characters typed, nothing rendered and nothing fetched."""
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if ":9/" in r.url else None)
    query = "&".join(f"{k}={quote(v)}" for k, v in PAYLOADS.items())
    page.goto(f"{server}/?{query}")
    alerts = page.locator("[data-testid=stAlert]")
    alerts.nth(len(PAYLOADS) - 1).wait_for()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stAlert]')].some(a => a.innerText.includes('seed='))"
    )
    # Streamlit itself writes the icon syntax :material/…: as :material_…: inside a code span
    text = " ".join(alerts.all_inner_texts()).replace(":material_", ":material/")
    for v in PAYLOADS.values():
        assert v in text
    inside = "el => el.querySelectorAll('img, a, b, .katex, [data-testid=stIconMaterial]').length"
    assert sum(alerts.nth(i).evaluate(inside) for i in range(alerts.count())) == 0
    assert fetched == []
