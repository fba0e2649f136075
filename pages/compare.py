"""Compare: every selected optimizer's path on one contour map, with loss and η_t beside it."""

from __future__ import annotations

import streamlit as st

import optimizers
import scenarios
import surfaces
from plots import lean
from scenarios import LIMITS, view
from ui import cached, controls, export, state

MAP_KEY = "map"


def load_preset(name: str) -> None:
    state.write(scenarios.PRESETS.get(name).settings)
    st.session_state["preset"] = name


def map_clicked() -> None:
    """A click on the map moves the start there (runs before the rerun, so widgets can change)."""
    event = st.session_state.get(MAP_KEY)
    points = (event or {}).get("selection", {}).get("points", [])
    if not points:
        return
    s = surfaces.get(st.session_state["surface"])
    (x0, x1), (y0, y1) = s.domain
    st.session_state["start_x"] = round(min(max(float(points[0]["x"]), x0), x1), 3)
    st.session_state["start_y"] = round(min(max(float(points[0]["y"]), y0), y1), 3)


def first_visit() -> None:
    """The URL is read once per session; whatever it had that was invalid is named."""
    if "loaded" in st.session_state:
        return
    settings, warnings = scenarios.decode(st.query_params.to_dict())
    state.write(settings)
    st.session_state["loaded"] = True
    st.session_state["url_warnings"] = warnings


def sidebar() -> scenarios.Settings:
    sb = st.sidebar
    sb.subheader("Presets")
    for p in scenarios.PRESETS:
        sb.button(
            p.title,
            key=f"preset.{p.name}",
            help=p.question,
            on_click=load_preset,
            args=(p.name,),
            width="stretch",
        )

    sb.subheader("Surface")
    name = sb.selectbox(
        "Surface",
        surfaces.names(),
        key="surface",
        format_func=lambda n: surfaces.get(n).title,
        on_change=state.switch_surface,
    )
    surface = surfaces.get(name)
    surface_params = {
        p.name: controls.param_slider(p, state.sp_key(name, p.name), sb) for p in surface.params
    }
    (x0, x1), (y0, y1) = surface.domain
    left, right = sb.columns(2)
    start = (
        left.number_input(
            "start x",
            min_value=float(x0),
            max_value=float(x1),
            step=0.1,
            format="%.3f",
            key="start_x",
        ),
        right.number_input(
            "start y",
            min_value=float(y0),
            max_value=float(y1),
            step=0.1,
            format="%.3f",
            key="start_y",
        ),
    )
    steps = sb.number_input(
        "Steps T",
        min_value=int(LIMITS.steps.low),
        max_value=int(LIMITS.steps.high),
        step=50,
        key="steps",
    )

    sb.subheader("Optimizers")
    chosen = sb.multiselect(
        "Optimizers",
        optimizers.names(),
        key="opt",
        format_func=lambda n: optimizers.get(n).title,
        max_selections=LIMITS.max_runs,
        label_visibility="collapsed",
    )
    runs = []
    for n in chosen:
        opt = optimizers.get(n)
        with sb.expander(f"{opt.title}", expanded=len(chosen) <= 2):
            hp = {p.name: controls.param_slider(p, state.hp_key(n, p.name)) for p in opt.hparams}
            st.button(
                "Reset to defaults", key=f"reset.{n}", on_click=state.reset_optimizer, args=(n,)
            )
        runs.append(scenarios.Run(n, hp))

    sb.subheader("Learning-rate schedule")
    sched = sb.selectbox(
        "Schedule",
        optimizers.schedules.names(),
        key="schedule",
        format_func=lambda n: optimizers.schedules.get(n).title,
        label_visibility="collapsed",
    )
    schedule = optimizers.schedules.get(sched)
    schedule_params = {
        p.name: controls.param_slider(p, state.sch_key(sched, p.name), sb) for p in schedule.params
    }
    sb.latex(schedule.latex)

    sb.subheader("Gradient noise")
    left, right = sb.columns(2)
    noise = left.number_input(
        "σ",
        min_value=LIMITS.noise.low,
        max_value=LIMITS.noise.high,
        step=0.01,
        format="%.3f",
        key="noise",
    )
    seed = right.number_input(
        "seed", min_value=0, max_value=int(LIMITS.seed.high), step=1, key="seed"
    )
    return scenarios.Settings(
        surface=name,
        surface_params=surface_params,
        start=(float(start[0]), float(start[1])),
        steps=int(steps),
        runs=tuple(runs),
        schedule=sched,
        schedule_params=schedule_params,
        noise=float(noise),
        seed=int(seed),
    )


def _fmt(v: float | int | None, spec: str = ".4g") -> str:
    return "—" if v is None else format(v, spec)


def summary_table(
    surface: surfaces.Surface, trajectories: list[optimizers.Trajectory]
) -> list[dict]:
    rows = []
    for t in trajectories:
        m = optimizers.metrics.summarize(t, surface)
        near = (
            f"first step within {m.tolerance:.2g} of a minimum"
            if m.tolerance
            else "first step near a minimum"
        )
        rows.append(
            {
                "optimizer": optimizers.get(t.optimizer).title,
                "final f": _fmt(m.final_loss),
                "f − f*": _fmt(m.gap),
                "distance to nearest minimum": _fmt(m.distance),
                near: _fmt(m.reached_at, "d"),
                "diverged at step": _fmt(m.diverged_at, "d"),
            }
        )
    return rows


def _tex_number(v: float) -> str:
    text = f"{v:.4g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"


def update_rules(s: scenarios.Settings) -> None:
    for r in s.runs:
        opt = optimizers.get(r.optimizer)
        values = r"\quad ".join(f"{p.tex} = {_tex_number(r.hparams[p.name])}" for p in opt.hparams)
        st.markdown(f"**{opt.title}** — {opt.about}")
        st.latex(opt.latex)
        st.latex(values)


def page() -> None:
    first_visit()
    s = sidebar()
    st.query_params.from_dict(scenarios.encode(s))

    st.title("Compare optimizers")
    for w in st.session_state.pop("url_warnings", []):
        st.warning(f"Link: {w}", icon="⚠️")
    preset = st.session_state.get("preset")
    if preset and scenarios.encode(scenarios.PRESETS.get(preset).settings) == scenarios.encode(s):
        st.info(scenarios.PRESETS.get(preset).question, icon="❓")
    surface = surfaces.get(s.surface)
    st.caption(
        f"{surface.title}: {surface.about}  Click the map to start there; ▶ plays the paths."
    )
    if not s.runs:
        st.info("Choose one or more optimizers in the sidebar.")
        return

    trajectories = cached.runs(s)
    image, uri, click_grid = cached.map_layers(s.surface, cached.key(s.surface_params))
    st.plotly_chart(
        lean.LeanFigure(view.compare_figure(s, trajectories, uri, click_grid)),
        key=MAP_KEY,
        on_select=map_clicked,
        selection_mode="points",
        config={"displayModeBar": False},
        theme=None,
    )
    # A static table and rules drawn only on request: a data grid and eight KaTeX blocks
    # redrawn on every slider move cost the browser about 200 ms (bench/latency.py).
    st.table(summary_table(surface, trajectories))
    if st.toggle("Show the update rules, with the values in use", key="show_rules"):
        update_rules(s)
    export.gif_panel(s, image, trajectories)


page()
