"""Skip Streamlit's scan of every installed package for packaged components, at server start.

Streamlit 1.67 builds its runtime by reading the metadata of every installed distribution
(``streamlit.components.v2.manifest_scanner.scan_component_manifests``), looking for packages
that declare components in their pyproject.toml. Optiscape declares its components in its own
code (ui/live_chart.py) and uses no packaged one, so the scan finds nothing, and it takes
0.14 s of a single core here (143 packages) before the server answers: 0.14 s of every first
plot. `skip` replaces it with an empty scan; app.py calls it when the server imports it, before
the runtime is built. A Streamlit without the scanner is left as it is.
"""

from __future__ import annotations

import importlib


def _none(*_args: object, **_kwargs: object) -> list:
    return []


def skip() -> bool:
    """Make Streamlit's package scan find nothing without reading anything; True if it did."""
    try:
        scanner = importlib.import_module("streamlit.components.v2.manifest_scanner")
    except ImportError:
        return False
    if not hasattr(scanner, "scan_component_manifests"):
        return False
    scanner.scan_component_manifests = _none
    return True
