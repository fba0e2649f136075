"""The GIF export panel: controls, and a download that renders on click."""

from __future__ import annotations

import numpy as np
import streamlit as st

import optimizers
import scenarios
from scenarios import export

SIZES = {
    "480 × 360": (480, 360),
    "640 × 480": (640, 480),
    "800 × 600": (800, 600),
    "1024 × 768": (1024, 768),
}


def gif_panel(s: scenarios.Settings, image: np.ndarray, runs: list[optimizers.Trajectory]) -> None:
    with st.expander("Export an animated GIF", expanded=False):
        a, b, c = st.columns(3)
        frames = a.number_input(
            "frames", min_value=10, max_value=1000, value=200, step=10, key="gif_frames"
        )
        fps = b.number_input(
            "frames per second", min_value=1, max_value=50, value=20, step=1, key="gif_fps"
        )
        size = c.selectbox("size", list(SIZES), index=1, key="gif_size")

        def render() -> bytes:
            return export.gif_bytes(
                s, frames=int(frames), fps=int(fps), size=SIZES[size], runs=runs, image=image
            )

        st.download_button(
            "Make and download the GIF",
            data=render,
            file_name=f"optiscape-{s.surface}.gif",
            mime="image/gif",
            on_click="ignore",
            key="gif_download",
            icon="🎞️",
        )
        st.caption("The same animation from a terminal: `optiscape gif`, see the README.")
