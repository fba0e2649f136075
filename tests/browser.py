"""Helpers for real-browser checks: `streamlit run` on 127.0.0.1 and Debian's Chromium.

Used by tests/test_browser.py and the browser benchmarks in bench/. Chromium is never
downloaded: it is Debian's package at /usr/bin/chromium (installed by .ci/run).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Waits for the Compare figure to have drawn its paths (the map's click grid, minimum and
# start markers come first; each optimizer adds four traces plus two animated markers).
PLOT = ".js-plotly-plot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 60.0) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free loopback port; yield its URL; stop it."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # The server's output goes to a file: a pipe nobody reads would fill and block it.
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"streamlit did not start:\n{log.read()[-3000:]}")
                time.sleep(0.02)  # finer polling: the bench times the server start to the plot
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def launch(playwright):
    """Debian's Chromium, headless, with nothing that reaches the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def adam_path_signature_js() -> str:
    """JS returning a string that changes whenever the drawn Adam path changes."""
    # _fullData: Plotly's decoded traces (gd.data may still hold base64 typed-array specs)
    return """() => { const gd = document.querySelector('.js-plotly-plot');
      if (!gd || !gd._fullData) return null;
      const t = gd._fullData.find(d => d.legendgroup === 'adam' && d.mode === 'lines' && d.xaxis === 'x');
      if (!t) return 'none';
      return String(t.x.length) + ':' + String(t.x[t.x.length - 1]) + ':' + String(t.y[t.y.length - 1]); }"""


def require_chromium():
    """Playwright's sync API, for a browser suite's module level. Without Debian's Chromium the
    suite is skipped, except in CI (``$CI`` set), where that is an error: .ci/run installs it."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(
            f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
            allow_module_level=True,
        )
    return pytest.importorskip("playwright.sync_api")
