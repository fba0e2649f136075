"""Every page runs through app.py's navigation, even on a deep link to a fresh server.

Streamlit keeps a compatibility mode for apps with a ``pages/`` directory: until some script
has called ``st.navigation``, a visit to ``/tune`` runs ``pages/tune.py`` by itself, without
app.py (no page config, a navigation menu of file names). On a freshly started server the
first visitor who follows a shared link to any page but the home page would get that. A page
that finds itself run that way switches the mode off and reruns, which goes through app.py and
lands on the same page. (The flag is Streamlit's own; app.py's ``st.navigation`` clears it
too, on the first visit to the home page.)
"""

from __future__ import annotations

import streamlit as st
from streamlit import runtime
from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager


def through_navigation() -> None:
    """Call first in every page file. (Only under a server: ``AppTest`` resets the flag before
    every run and drives its pages itself.)"""
    if PagesManager.uses_pages_directory and _served():
        PagesManager.uses_pages_directory = False
        st.rerun()


def _served() -> bool:
    """A real server (AppTest runs on a stand-in Runtime and resets the flag every run)."""
    return runtime.exists() and type(runtime.get_instance()) is Runtime
