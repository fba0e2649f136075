"""The GIF and MP4 export panel: controls, two downloads that render on click, and the
``optiscape gif`` command that makes the same file from a terminal."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

import optimizers
import scenarios
from plots import gif
from scenarios import export

MIN_FRAMES = 10  # fewer makes a slide show, not an animation (the renderer accepts 2)

# Every size lies inside the renderer's limits (plots.gif.WIDTH and HEIGHT).
SIZES = {
    "480 × 360": (480, 360),
    "640 × 480": (640, 480),
    "800 × 600": (800, 600),
    "1024 × 768": (1024, 768),
    "1280 × 720 (HD)": (1280, 720),
    "1920 × 1080 (Full HD)": (1920, 1080),
}


def gif_panel(s: scenarios.Settings, image: np.ndarray, runs: list[optimizers.Trajectory]) -> None:
    with st.expander("Export an animated GIF or MP4", expanded=False):
        a, b, c = st.columns(3)
        frames = a.number_input(
            "frames",
            min_value=MIN_FRAMES,
            max_value=gif.FRAMES[1],
            value=200,
            step=10,
            key="gif_frames",
            help=f"{MIN_FRAMES} to {gif.FRAMES[1]:,}; a run of fewer steps gets one frame per step",
        )
        fps = b.number_input(
            "frames per second",
            min_value=gif.FPS[0],
            max_value=gif.FPS[1],
            value=20,
            step=1,
            key="gif_fps",
            help=f"{gif.FPS[0]} to {gif.FPS[1]}",
        )
        size = c.selectbox(
            "size",
            list(SIZES),
            index=1,
            key="gif_size",
            help=f"pixels; the renderer takes {gif.WIDTH[0]}–{gif.WIDTH[1]} × "
            f"{gif.HEIGHT[0]}–{gif.HEIGHT[1]} (optiscape gif --size)",
        )

        options = {"frames": int(frames), "fps": int(fps), "size": SIZES[size]}

        def render(fmt: str) -> Callable[[], bytes]:
            return lambda: export.FORMATS[fmt](s, runs=runs, image=image, **options)

        left, right = st.columns(2)
        left.download_button(
            "Make and download the GIF",
            data=render("gif"),
            file_name=f"optiscape-{s.surface}.gif",
            mime="image/gif",
            on_click="ignore",
            key="gif_download",
            icon="🎞️",
        )
        right.download_button(
            "Make and download the MP4",
            data=render("mp4"),
            file_name=f"optiscape-{s.surface}.mp4",
            mime="video/mp4",
            on_click="ignore",
            key="mp4_download",
            icon="🎬",
            help="H.264, the same frames as the GIF, for slides and video players",
        )
        st.caption("The same GIF from a terminal (end --out with .mp4 for the MP4):")
        st.code(export.gif_command(s, **options), language="bash", wrap_lines=True)
