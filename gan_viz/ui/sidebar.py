"""The playground's sidebar: projector switch, the preset picker, and the settings in groups
Data / Noise / Networks / Objective / Optimisation / Seed. Returns the settings as a RunConfig.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_viz.config import ConfigError, RunConfig, validate
from gan_viz.presets import PRESETS
from gan_viz.ui import session, toy_settings
from gan_viz.ui.help import tip
from gan_viz.ui.session import Playground
from gan_viz.ui.training_settings import objective_widgets, optim_widgets
from gan_viz.ui.widgets import index_of

PRESET_KEY = "pg.preset"
PROJECTOR_KEY = "pg.view.projector"
UPLOAD_KEY = "pg.upload"


def preset_order() -> list[str]:
    """Every preset, grouped (lessons first, then each further group as it first appears)."""
    groups: dict[str, list[str]] = {}
    for name, preset in PRESETS.items():
        groups.setdefault(preset.group, []).append(name)
    ordered = groups.pop("lesson", [])
    for names in groups.values():
        ordered += names
    return ordered


def preset_label(name: str) -> str:
    preset = PRESETS[name]
    return f"{preset.group.capitalize()} · {preset.title}"


def _on_preset(state: Playground) -> None:
    session.load_preset(state, st.session_state[PRESET_KEY])


def _on_dimension(state: Playground) -> None:
    dim = int(st.session_state[f"{state.prefix}.dim"][0])
    state.show(toy_settings.for_dimension(state.form, dim))


def preset_picker(state: Playground, cfg: RunConfig | None) -> None:
    names = preset_order()
    st.selectbox(
        "Lesson preset",
        names,
        index=index_of(names, state.preset),
        key=PRESET_KEY,
        format_func=preset_label,
        on_change=_on_preset,
        args=(state,),
        help="Named teaching scenarios: each sets every knob at once and starts a fresh run.",
    )
    preset = PRESETS[state.preset]
    same = cfg is not None and _same_lesson(cfg, preset.config)
    note = "" if same else " *(settings changed since)*"
    st.caption(f"{preset.caption} About {preset.steps:,} iterations.{note}")


def _same_lesson(a: RunConfig, b: RunConfig) -> bool:
    """Same settings apart from how the run is recorded and where it runs."""
    keep = dict(cadence=b.cadence, device=b.device)
    return toy_settings.fingerprint(a.replace(**keep)) == toy_settings.fingerprint(b)


def _upload(state: Playground, dim: int) -> np.ndarray | None:
    file = st.file_uploader(
        "Your points (CSV)", type=["csv", "txt"], key=UPLOAD_KEY, help=tip("upload")
    )
    if file is not None:
        session.take_upload(state, f"{file.file_id}:{dim}", file.name, file.getvalue(), dim)
    if state.upload_error:
        st.error(state.upload_error, icon=":material/warning:")
    if state.points is not None and state.points.shape[1] == dim:
        st.caption(f"Using {state.points_name}: {len(state.points):,} points, {dim}-D.")
    elif not state.upload_error:
        st.info("Upload a CSV of your own points; until then the run keeps its target.")
    return state.points


def settings(state: Playground) -> RunConfig | None:
    """Draw the sidebar; the settings it shows as a validated RunConfig, or None (with the
    reason shown) when they are not valid."""
    form, prefix = state.form, state.prefix
    running = state.worker.run.cfg
    with st.sidebar:
        st.toggle("Projector mode", value=False, key=PROJECTOR_KEY, help=tip("projector"))
        picker = st.container()
        with st.expander("Data", expanded=True):
            dim, target = toy_settings.data_widgets(
                prefix,
                form.target,
                upload=lambda dim: _upload(state, dim),
                on_dim_change=lambda: _on_dimension(state),
            )
        with st.expander("Noise"):
            noise = toy_settings.noise_widgets(prefix, form.noise)
        with st.expander("Networks"):
            nets = toy_settings.nets_widgets(prefix, form.nets)
        with st.expander("Objective"):
            objective = objective_widgets(prefix, form.objective)
        with st.expander("Optimisation", expanded=True):
            optim = optim_widgets(prefix, form.optim)
        with st.expander("Seed"):
            seed = toy_settings.seed_widget(prefix, form.seed)
        cfg: RunConfig | None = None
        try:
            cfg = validate(
                running.replace(
                    target=target if target is not None else running.target,
                    noise=noise,
                    nets=nets,
                    objective=objective,
                    optim=optim,
                    seed=seed,
                )
            )
        except ConfigError as err:
            st.error(str(err), icon=":material/warning:")
        else:
            state.form = cfg  # widgets hidden now come back showing what runs
        with picker:
            preset_picker(state, cfg)
    return cfg
