"""The two places Optiscape reaches into Streamlit's internals, and the check that they work.

Both rely on names that are not Streamlit's public API, so they live here only, the version
they were written against is pinned in pyproject.toml (``streamlit>=1.67,<1.68``), and
`check` runs at the server's start-up and logs what did not take effect (the app then still
works, only as Streamlit would run it untouched):

* **Every page through app.py's navigation** (`through_navigation`). Streamlit keeps a
  compatibility mode for apps with a ``pages/`` directory: until some script has called
  ``st.navigation``, a visit to ``/tune`` runs ``pages/tune.py`` by itself, without app.py (no
  page config, a navigation menu of file names). On a freshly started server the first visitor
  who follows a shared link to any page but the home page would get that. A page that finds
  itself run that way switches the mode off (``PagesManager.uses_pages_directory``) and
  reruns, which goes through app.py and lands on the same page. (app.py's ``st.navigation``
  clears the flag too, on the first visit to the home page.)
* **No package scan** (`skip_package_scan`). Streamlit 1.67 builds its runtime by reading the
  metadata of every installed distribution
  (``streamlit.components.v2.manifest_scanner.scan_component_manifests``), looking for
  packages that declare components. Optiscape declares its components in its own code
  (ui/live_chart.py) and uses no packaged one, so the scan finds nothing, and it takes 0.14 s
  of a single core here (143 packages) before the server answers. app.py replaces it with an
  empty scan when the server imports it, before the runtime is built.
"""

from __future__ import annotations

import importlib
import logging

import streamlit as st
from streamlit import runtime

try:
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # a Streamlit without it: problems() says so
    PagesManager = None

TESTED = (1, 67)  # the minor version both workarounds were written and tested against
SCANNER = "streamlit.components.v2.manifest_scanner"
log = logging.getLogger("optiscape")


# ------------------------------------------------------------------- through the navigation


def _pages_manager():
    return PagesManager if hasattr(PagesManager, "uses_pages_directory") else None


def _served() -> bool:
    """A real server (AppTest runs on a stand-in Runtime and resets the flag every run)."""
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


def through_navigation() -> None:
    """Call first in every page file. (Only under a server: ``AppTest`` resets the flag before
    every run and drives its pages itself.)"""
    pm = _pages_manager()
    if pm is not None and pm.uses_pages_directory and _served():
        pm.uses_pages_directory = False
        st.rerun()


# ---------------------------------------------------------------------------- the package scan


def _none(*_args: object, **_kwargs: object) -> list:
    return []


def skip_package_scan() -> bool:
    """Make Streamlit's package scan find nothing without reading anything; True if it did."""
    try:
        scanner = importlib.import_module(SCANNER)
    except ImportError:
        return False
    if not hasattr(scanner, "scan_component_manifests"):
        return False
    scanner.scan_component_manifests = _none
    return True


# ----------------------------------------------------------------------------- the check


def version() -> tuple[int, int]:
    major, minor = st.__version__.split(".")[:2]
    return int(major), int(minor)


def problems() -> list[str]:
    """What does not hold on the Streamlit installed, one line each (empty: both work)."""
    out = []
    if version() != TESTED:
        out.append(
            f"Streamlit {st.__version__} is not the {TESTED[0]}.{TESTED[1]} these workarounds "
            "were tested against"
        )
    if _pages_manager() is None:
        out.append(
            "PagesManager.uses_pages_directory is gone: a shared link to a page other than "
            "Compare may open that page without app.py's navigation on a fresh server"
        )
    try:
        scanner = importlib.import_module(SCANNER)
        skipped = getattr(scanner, "scan_component_manifests", None) is _none
    except ImportError:
        skipped = False
    if not skipped:
        out.append(
            "Streamlit's package scan was not skipped: each server start reads every package"
        )
    return out


def check() -> bool:
    """Log each problem as a warning at the server's start-up; True if there were none."""
    found = problems()
    for p in found:
        log.warning("optiscape: %s (ui/streamlit_internals.py)", p)
    return not found
