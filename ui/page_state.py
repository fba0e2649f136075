"""Each page's view, kept in session state outside the widget keys and written to its URL.

Streamlit drops a widget's key at the end of any run that does not draw the widget, so a page's
sliders forget their values as soon as another page is shown. A page therefore keeps its whole
view, one Streamlit-free settings value (`scenarios`), under a key of its own that no widget
owns, and hands it back to its widgets when it is shown again:

* first visit in this session: the view comes from the link (``decode``, with its warnings);
* a link that differs from what this page last wrote (opened, pasted, or the browser's Back or
  Forward, which rerun the page with that entry's query string): the link's view;
* back on this page from another one, with a bare address (the navigation): the stored view;
* a rerun of the page that is already shown: its widgets hold the view; nothing is written.

Each run ends with `finish`: the view read from the widgets is stored, and written into the
URL when it changed (Streamlit pushes a history entry for it, or replaces the entry during a
Back or Forward), so the address bar always reproduces the page as shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

import streamlit as st

S = TypeVar("S")
SHOWN = "page.shown"  # the page whose widgets the last run drew


class PageState(Generic[S]):
    """A page's view in session state: ``decode``/``encode`` are its link codec (the view
    model's), ``write`` fills the page's widget keys from a view before the widgets are drawn."""

    def __init__(
        self,
        page: str,
        decode: Callable[[Mapping[str, str]], tuple[S, list[str]]],
        encode: Callable[[S], dict[str, str]],
        write: Callable[[S], None],
    ) -> None:
        self.page = page
        self.decode, self.encode, self.write = decode, encode, write
        self.view_key, self.url_key = f"view.{page}", f"view.{page}.url"

    def begin(self) -> list[str]:
        """Before the page's widgets: bring its view back. Returns the link's warnings."""
        ss = st.session_state
        query = _query()
        returning = ss.get(SHOWN) != self.page
        ss[SHOWN] = self.page
        stored = ss.get(self.view_key)
        if stored is None or (query and query != ss.get(self.url_key)):
            view, warnings = self.decode(query)
            # A bare first visit leaves alone what the session set before it (a test's or a
            # callback's widget values); a link always wins.
            kept = {k: ss[k] for k in ss} if stored is None and not query else {}
            self.write(view)
            for k, v in kept.items():
                if ss[k] != v:  # only what write() replaced
                    ss[k] = v
            ss[self.view_key], ss[self.url_key] = view, self.encode(view)
            return warnings
        if returning:
            self.write(stored)
        return []

    @property
    def stored(self) -> S | None:
        """The view this page showed last (None before its first visit)."""
        return st.session_state.get(self.view_key)

    def finish(self, view: S) -> None:
        """After reading the widgets: keep ``view`` and put it in the address bar."""
        ss = st.session_state
        q = self.encode(view)
        ss[self.view_key], ss[self.url_key] = view, q
        if _query() != q:
            st.query_params.from_dict(q)


def _query() -> dict[str, str]:
    return {k: v for k, v in st.query_params.to_dict().items()}


def stored(page: str):
    """Another page's stored view (None when that page has not been shown in this session)."""
    return st.session_state.get(f"view.{page}")
