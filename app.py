"""Optiscape: the web front door. Page config and navigation only; each page is in pages/."""

import streamlit as st

st.set_page_config(page_title="Optiscape", page_icon="🧭", layout="wide")
st.navigation(
    [
        st.Page("pages/compare.py", title="Compare", icon="🗺️", default=True),
    ]
).run()
