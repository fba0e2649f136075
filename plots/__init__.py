"""Figures and animations: NumPy in, Plotly figure dicts or GIF bytes out. No math, no UI."""
