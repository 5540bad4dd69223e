"""The playground's sidebar: the preset picker, and the settings in groups
Data / Noise / Networks / Objective / Optimisation / Seed. Returns the settings as a RunConfig.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.presets import PRESETS
from gan_viz.ui.common.errors import shown_as_message
from gan_viz.ui.common.help import tip
from gan_viz.ui.common.training_settings import objective_widgets, optim_widgets
from gan_viz.ui.common.widgets import index_of
from gan_viz.ui.playground import session
from gan_viz.ui.playground import settings as toy_settings
from gan_viz.ui.playground.session import Playground
from gan_viz.validation import validate

PRESET_KEY = "pg.preset"
SAVED_KEY = "pg.saved"
SAVED_SHOWN = 50  # saved runs offered in the picker (the Runs page lists every one)
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


def _on_preset(state: Playground, key: str) -> None:
    if st.session_state[key] is not None:
        session.load_preset(state, st.session_state[key])


def _on_dimension(state: Playground) -> None:
    dim = int(st.session_state[f"{state.prefix}.dim"][0])
    state.show(toy_settings.for_dimension(state.form, dim))


def preset_picker(state: Playground, cfg: RunConfig | None) -> None:
    names = preset_order()
    # A saved run that goes on here is no lesson: a new picker, showing none (see resume).
    key = PRESET_KEY if state.saved_opened == 0 else f"{PRESET_KEY}.{state.saved_opened}"
    st.selectbox(
        "Lesson preset",
        names,
        index=None if state.preset is None else index_of(names, state.preset),
        key=key,
        format_func=preset_label,
        on_change=_on_preset,
        args=(state, key),
        placeholder="none: a saved run goes on",
        help="Named teaching scenarios: each sets every knob at once and starts a fresh run.",
    )
    if state.preset is None:
        return
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
            continue_saved(state)
    return cfg


def _saved_runs() -> list:
    """Toy runs of the run store that can go on (they saved weights), newest first."""
    from gan_viz.store import RunStore, default_store_path

    path = default_store_path()
    if not path.exists():  # nothing saved yet: opening the page creates no store
        return []
    runs = [r for r in RunStore(path).runs(kind="toy") if r.weights_step is not None]
    return runs[:SAVED_SHOWN]


def continue_saved(state: Playground) -> None:
    """Pick a saved toy run and go on training it here, live, with its past on the timeline."""
    with st.expander("Continue a saved run", icon=":material/history:"):
        try:
            runs = _saved_runs()
        except Exception as err:  # an unreadable store must not take the sidebar down
            st.caption(f"The run store cannot be read: {type(err).__name__}: {err}")
            return
        if not runs:
            st.caption(
                "No saved run yet. Every run trained here or with `gan-viz train` is saved "
                "as it goes, and can go on from here later."
            )
            return
        info = {r.id: r for r in runs}
        run_id = st.selectbox(
            "Saved run",
            list(info),
            key=SAVED_KEY,
            format_func=lambda i: (
                f"{i} · {info[i].label} · iteration {info[i].weights_step:,} · {info[i].status}"
            ),
            help="Toy runs of the run store with saved weights, newest first (the Runs page "
            "lists them all). The run goes on from its last checkpoint.",
        )
        fork = st.toggle(
            "As a new run",
            key=f"{SAVED_KEY}.fork",
            help="On: the saved run stays as it is and a copy of it goes on. Off: the saved "
            "run itself goes on (rows after its last checkpoint are trained again).",
        )
        if st.button(
            "Continue here",
            icon=":material/play_arrow:",
            key=f"{SAVED_KEY}.go",
            help="Replaces this tab's run (it stays saved) with the saved run, paused at its "
            "last checkpoint, its past on the timeline; press Train to go on.",
        ):
            with shown_as_message("continue the saved run"):
                session.resume(state, run_id, fork)
                st.rerun()
