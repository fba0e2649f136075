"""Fixtures the browser suites share: one `streamlit run` server and one Chromium per module
(module scope: each browser suite starts with a fresh server, as its first test expects)."""

from __future__ import annotations

import browser  # tests/browser.py
import pytest


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
