"""Streamlit helpers shared by the pages: widgets for registry parameters, cached engine calls."""
