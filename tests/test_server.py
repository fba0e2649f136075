"""The server's plumbing: app.py as `streamlit run`'s st.App, and TCP_NODELAY (ui/nodelay.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ui import nodelay

ROOT = Path(__file__).resolve().parents[1]
LINUX = os.path.isdir("/proc/self/fd")


def _nodelay(s: socket.socket) -> int:
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.mark.skipif(not LINUX, reason="ui/nodelay.py lists /proc/self/fd (Linux)")
def test_nodelay_reaches_the_listener_its_open_connections_and_later_ones():
    with socket.socket() as listener:  # proto 0, as Streamlit binds it
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        r, w = os.pipe()
        unix = socket.socket(socket.AF_UNIX)
        try:
            assert (_nodelay(listener), _nodelay(accepted)) == (0, 0)  # Linux's default
            assert nodelay.on_open_sockets() >= 3  # the listener and both ends (and others)
            assert _nodelay(listener) and _nodelay(accepted) and _nodelay(client)
            later = socket.create_connection(listener.getsockname())
            inherited, _ = listener.accept()
            assert _nodelay(inherited)  # Linux passes the listener's option on
            # what is not a TCP socket is left alone, and every descriptor stays open
            os.write(w, b"x")
            assert os.read(r, 1) == b"x"
            assert unix.fileno() >= 0 and unix.type == socket.SOCK_STREAM
            accepted.sendall(b"still open")
            assert client.recv(16) == b"still open"
            for s in (later, inherited):
                s.close()
        finally:
            for s in (client, accepted, unix):
                s.close()
            os.close(r)
            os.close(w)


def _in_a_fresh_process(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a new Python (given the repository's root as argv[1]); it must succeed."""
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out


_IMPORT_AS_THE_SERVER_DOES = """
import asyncio, importlib.util, json, sys
from pathlib import Path
root = Path(sys.argv[1])
sys.path.insert(0, str(root))
import streamlit as st
from streamlit.web.server.app_discovery import discover_asgi_app
import logging
from ui import nodelay
calls = []
warned = []
logging.getLogger("optiscape").warning = lambda *a: warned.append(a[0] % a[1:])
nodelay.on_open_sockets = lambda: calls.append("set") or 0
spec = importlib.util.spec_from_file_location("app", root / "app.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)  # as uvicorn imports it: __name__ is "app", not "__main__"
async def start():
    async with module._server_start(module.app):
        pass
asyncio.run(start())
print(json.dumps({
    "discovered": discover_asgi_app(root / "app.py").is_asgi_app,
    "is_app": isinstance(module.app, st.App),
    "nodelay": calls,
    "pages_ran": any(m in sys.modules for m in ("jax", "optimizers", "pages.compare")),
    "package_scan": importlib.import_module(
        "streamlit.components.v2.manifest_scanner").scan_component_manifests(),
    "internals_warned": warned,
}))
"""


def test_streamlit_run_finds_the_server_app_and_its_start_up_hook_sets_nodelay():
    """`streamlit run app.py` looks for an ``st.App`` in the file (by reading it) and imports
    the file for it: importing must build the app without running any page, and the app's
    start-up hook must turn Nagle's algorithm off (ui/nodelay.py). Each session then runs the
    same file as its script; AppTest and the browser tests cover that side."""
    out = _in_a_fresh_process(_IMPORT_AS_THE_SERVER_DOES)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {
        "discovered": True,
        "is_app": True,
        "nodelay": ["set"],
        "pages_ran": False,
        "package_scan": [],  # skipped before the runtime is built (ui/streamlit_internals.py)
        "internals_warned": [],  # the start-up check found both workarounds in effect
    }


_SCAN_SKIPPED = """
import importlib.metadata, json, sys
sys.path.insert(0, sys.argv[1])
from streamlit.components.v2 import manifest_scanner
real = manifest_scanner.scan_component_manifests
read = []
importlib.metadata.distributions = lambda *a, **k: read.append(1) or iter(())
from ui import streamlit_internals
skipped = streamlit_internals.skip_package_scan()
from streamlit.components.v2.component_manager import BidiComponentManager
BidiComponentManager().discover_and_register_components(start_file_watching=False)
print(json.dumps({"skipped": skipped, "read": len(read), "replaced": real is not
    manifest_scanner.scan_component_manifests}))
"""


def test_the_package_scan_is_skipped_without_reading_any_package():
    """Streamlit's runtime reads every installed package's metadata for packaged components
    (0.14 s before the server answers); the app has none, and `streamlit_internals.skip_package_scan` makes the
    runtime's discovery find nothing without reading any."""
    out = _in_a_fresh_process(_SCAN_SKIPPED)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "skipped": True,
        "read": 0,
        "replaced": True,
    }


def test_the_start_up_check_names_each_workaround_that_did_not_take(monkeypatch):
    """ui/streamlit_internals.py's check is what a later Streamlit would trip: another minor
    version, the pages flag gone, the scan not replaced; each is one warning line."""
    import streamlit as st
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.pages_manager import PagesManager

    from ui import streamlit_internals

    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", lambda *a, **k: ["x"])
    monkeypatch.setattr(st, "__version__", "1.99.0")
    monkeypatch.delattr(PagesManager, "uses_pages_directory")
    found = streamlit_internals.problems()
    assert len(found) == 3
    assert "Streamlit 1.99.0 is not the 1.67" in found[0]
    assert "uses_pages_directory is gone" in found[1]
    assert "package scan was not skipped" in found[2]
    assert streamlit_internals.skip_package_scan()
    monkeypatch.setattr(st, "__version__", "1.67.0")
    assert streamlit_internals.problems() == [found[1]]
