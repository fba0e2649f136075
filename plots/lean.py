"""A Plotly figure that hands its dict over as is, with NumPy arrays as typed arrays.

Streamlit's ``st.plotly_chart`` rebuilds a plain dict into a validated ``go.Figure``: with
animation frames that costs 0.25–0.6 s per redraw on this machine, longer than everything
else in a slider move together. A ``go.Figure`` is taken as already valid, so this subclass
returns the dict the builders made (the tests validate those dicts with Plotly instead).

On the way, NumPy arrays become Plotly's base64 typed arrays (``{"dtype", "bdata"}``):
float32 for coordinates, int32 for step numbers — a third of the JSON of decimal lists, and
no parsing of numbers in the browser.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import plotly.graph_objects as go

_TYPED = {"f": ("f4", np.dtype("<f4")), "i": ("i4", np.dtype("<i4")), "u": ("i4", np.dtype("<i4"))}


def typed(value: Any) -> Any:
    """A 1-D numeric NumPy array as a Plotly typed array; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.dtype.kind in _TYPED and value.ndim == 1:
        name, dtype = _TYPED[value.dtype.kind]
        data = np.ascontiguousarray(value, dtype=dtype).tobytes()
        return {"dtype": name, "bdata": base64.b64encode(data).decode("ascii")}
    return value.tolist() if isinstance(value, np.ndarray) else value


def lean(figure: dict) -> dict:
    """``figure`` with the NumPy arrays of its traces as typed arrays (JSON-ready)."""
    # The builders put arrays only at the top level of traces; layout and frames hold plain
    # numbers, so they are passed through without a walk.
    data = [{k: typed(v) for k, v in trace.items()} for trace in figure.get("data", [])]
    return {**figure, "data": data}


class LeanFigure(go.Figure):
    def __init__(self, figure: dict) -> None:
        super().__init__()
        self._lean = lean(figure)

    def to_dict(self) -> dict:
        return self._lean

    def to_plotly_json(self) -> dict:
        return self._lean
