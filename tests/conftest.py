"""Fixtures the browser suites share: one `streamlit run` server and one Chromium per module
(module scope: each browser suite starts with a fresh server, as its first test expects)."""

from __future__ import annotations

import os

import browser  # tests/browser.py
import pytest

# The app turns on JAX's persistent compilation cache (optimizers/compile_cache.py): the suite
# and the servers it starts neither read nor fill the user's cache, so every run compiles
# what it measures (tests/test_compile_cache.py turns it on in its own subprocesses).
os.environ["OPTISCAPE_JAX_CACHE"] = "off"


@pytest.fixture(scope="module")
def server():
    with browser.streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = browser.launch(p)
        yield b
        b.close()
