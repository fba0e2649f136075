"""The GIF export panel: controls, and a download that renders on click."""

from __future__ import annotations

import numpy as np
import streamlit as st

import scenarios
import surfaces
from plots import compare, gif

SIZES = {
    "480 × 360": (480, 360),
    "640 × 480": (640, 480),
    "800 × 600": (800, 600),
    "1024 × 768": (1024, 768),
}


def gif_panel(
    s: scenarios.Settings,
    surface: surfaces.Surface,
    image: np.ndarray,
    series: list[compare.Series],
) -> None:
    with st.expander("Export an animated GIF", expanded=False):
        a, b, c = st.columns(3)
        frames = a.number_input(
            "frames", min_value=10, max_value=1000, value=200, step=10, key="gif_frames"
        )
        fps = b.number_input(
            "frames per second", min_value=1, max_value=50, value=20, step=1, key="gif_fps"
        )
        size = c.selectbox("size", list(SIZES), index=1, key="gif_size")
        paths = [
            gif.GifPath(
                label=x.label,
                color=x.color,
                xy=x.xy,
                loss=x.loss
                if surface.f_min is None
                else np.maximum(x.loss - surface.f_min, compare.TINY),
                diverged_at=x.diverged_at,
            )
            for x in series
        ]

        def render() -> bytes:
            return gif.render_gif(
                image,
                surface.domain,
                paths,
                minima=surface.minima + surface.local_minima,
                start=s.start_point,
                frames=int(frames),
                fps=int(fps),
                size=SIZES[size],
                loss_log=surface.f_min is not None,
                title=surface.title,
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
