"""A Plotly figure that hands its dict over as is.

Streamlit's ``st.plotly_chart`` rebuilds a plain dict into a validated ``go.Figure``: with
animation frames that costs 0.25–0.6 s per redraw on this machine, longer than everything
else in a slider move together. A ``go.Figure`` is taken as already valid, so this subclass
returns the dict the builders made (the tests validate those dicts with Plotly instead).
"""

from __future__ import annotations

import plotly.graph_objects as go


class LeanFigure(go.Figure):
    def __init__(self, figure: dict) -> None:
        super().__init__()
        self._lean = figure

    def to_dict(self) -> dict:
        return self._lean

    def to_plotly_json(self) -> dict:
        return self._lean
