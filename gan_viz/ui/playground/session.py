"""One browser session's playground: its training worker, its uploaded points, its preset.

Everything here lives in `st.session_state`, so two tabs hold two runs that never meet (the
networks draw their weights from their own torch.Generator, see gan_viz.nets). The worker is
told how to find out whether the session's browser tab is still connected, so a closed tab stops
its training within seconds (and within HEARTBEAT_TIMEOUT even without that probe).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from streamlit.logger import get_logger

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.links import Opened, config_params, controls_param, open_link, read_controls
from gan_viz.live.process import live_config
from gan_viz.live.worker import TrainingWorker
from gan_viz.presets import PRESETS
from gan_viz.snapshot import Snapshot
from gan_viz.targets import parse_points
from gan_viz.toy import RESET_SECTIONS
from gan_viz.ui.playground import settings as toy_settings

STATE = "pg.state"
RESUME_REQUEST = "pg.resume_request"  # set by the Runs page before it switches to this one
DEFAULT_PRESET = "fig1"
_ids = itertools.count(1)
get_logger("gan_viz.live.worker")  # the worker's lines go to Streamlit's console, as its own do


@dataclass
class Playground:
    worker: TrainingWorker
    form: RunConfig  # what the settings widgets start from (see gan_viz.ui.common.widgets)
    form_number: int = 0  # grows when the widgets must show `form` afresh (preset, dimension)
    preset: str | None = DEFAULT_PRESET  # None: a saved run goes on (no lesson)
    saved_opened: int = 0  # saved runs continued here (the preset picker is new after each)
    run_number: int = 0  # grows on every reset: views take it into uirevision and re-fit
    points: np.ndarray | None = None  # the last valid uploaded points
    points_name: str = ""
    upload_seen: str | None = None  # file id of the upload last parsed
    upload_error: str | None = None  # one line, shown until a good file comes
    messages: list[str] = field(default_factory=list)  # one-line warnings for the next run
    notes: list[str] = field(default_factory=list)  # one-line news for the next run
    link: dict | None = None  # the query parameters this page last wrote (gan_viz.links)
    controls: frozenset[str] | None = None  # what a teacher's link leaves shown (None: all)

    @property
    def prefix(self) -> str:
        """Key prefix of the settings widgets now shown."""
        return f"pg.{self.form_number}"

    def show(self, cfg: RunConfig) -> None:
        """Make the settings widgets show cfg (new widgets, new keys)."""
        self.form = cfg
        self.form_number += 1


def _session_probe() -> Callable[[], bool] | None:
    """A callable saying whether this session's browser tab is still connected, when the
    Streamlit runtime can tell (a real server; not AppTest)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # a Streamlit without these internals: the heartbeat still works
        return None
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    runtime, session_id = Runtime.instance(), ctx.session_id
    if not runtime.is_active_session(session_id):
        return None
    return lambda: runtime.is_active_session(session_id)


def playground() -> Playground:
    """This session's playground, created on first use with the default lesson."""
    if STATE not in st.session_state:
        opened = open_link(st.query_params.to_dict(), DEFAULT_PRESET)
        if opened is None:
            opened = Opened(PRESETS[DEFAULT_PRESET].config, DEFAULT_PRESET, 0)
        with st.spinner("Starting this tab's training process…"):
            worker = new_worker(live_config(opened.config))
        state = Playground(worker, opened.config, preset=opened.preset)
        _arrive(state, opened)
        _take_controls(state, st.query_params.to_dict())
        st.session_state[STATE] = state
    state = st.session_state[STATE]
    wanted = st.query_params.to_dict()
    if state.link is not None and wanted != state.link:  # a link followed within this tab
        opened = open_link(wanted, DEFAULT_PRESET)
        if opened is not None:
            reset(state, opened.config)
            state.preset = opened.preset
            state.show(opened.config)
            _arrive(state, opened)
        _take_controls(state, wanted)
    stored = state.worker.run.status.stored_run
    if state.worker.put_away and stored is not None:  # idle a while: take its run up again
        with st.spinner("Taking this run up again…"):
            resume(state, stored)
    return state


def _take_controls(state: Playground, params: dict) -> None:
    """The controls a teacher's link leaves shown (`&controls=train,step`), kept in the tab."""
    state.controls, notice = read_controls(params.get("controls"))
    if notice:
        state.messages.append(notice)


def _arrive(state: Playground, opened: Opened) -> None:
    """Say what a link could not use, and train to its iteration."""
    if opened.notice:
        state.messages.append(opened.notice)
    if opened.iteration:
        with st.spinner(f"Training to the link's iteration {opened.iteration:,}…"):
            state.worker.train_to(opened.iteration)


def write_link(state: Playground, looked_back: Snapshot | None = None) -> None:
    """The address bar says what this tab shows: its settings and seed, and when paused the
    iteration (that of the snapshot the timeline `looked_back` at, if any), so copying it gives
    another browser the same game (gan_viz.links). A target too big for a link goes by its
    stored run, once the run is saved (its first move)."""
    worker, run = state.worker, state.worker.run
    iteration = None if worker.training else run.step_count
    if iteration is not None and looked_back is not None:
        iteration = looked_back.step
    params = config_params(run.cfg, state.preset, iteration, run.status.stored_run)
    params.update(controls_param(state.controls))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    state.link = params


def new_worker(cfg: RunConfig) -> TrainingWorker:
    return TrainingWorker(cfg, _session_probe(), name=str(next(_ids)))


def reset(state: Playground, cfg: RunConfig) -> None:
    """A new run with these settings (ConfigError if they are bad: the old run stays). A worker
    whose process has ended (its tab was gone a while) is replaced."""
    if state.worker.alive:
        state.worker.reset(live_config(cfg))
    else:
        state.worker = new_worker(live_config(cfg))
    state.run_number += 1


def resume(state: Playground, run_id: int, fork: bool = False) -> None:
    """Stored run `run_id` goes on here, paused at its last checkpoint with its past on the
    timeline; the widgets show its settings. ConfigError (or WorkerError) when it cannot: the
    current run stays."""
    if not state.worker.alive:
        state.worker = new_worker(state.worker.run.cfg)
    state.worker.resume(run_id, fork)
    state.run_number += 1
    state.preset, state.saved_opened = None, state.saved_opened + 1
    state.show(state.worker.run.cfg)
    run = state.worker.run
    into = f" as run {run.status.stored_run}" if fork else ""
    moved = (
        f" It was saved on {run.saved_on}, which this machine lacks, and trains here on "
        f"{run.device}."
        if run.saved_on
        else ""
    )
    state.notes.append(f"Run {run_id} goes on{into} from iteration {run.step_count:,}.{moved}")


def take_resume_request(state: Playground) -> None:
    """A run another page (Runs) asked to continue here: RESUME_REQUEST = (run id, fork)."""
    request = st.session_state.pop(RESUME_REQUEST, None)
    if request is not None:
        resume(state, *request)


def load_preset(state: Playground, name: str) -> None:
    """Every knob as the preset sets it, and a fresh run; the page draws the widgets after."""
    cfg = PRESETS[name].config
    state.preset = name
    reset(state, cfg)
    state.show(cfg)


def take_upload(state: Playground, file_id: str, name: str, data: bytes, dim: int) -> None:
    """Parse an uploaded CSV once (per dimension asked for); on a bad file keep the previous
    points and say why in one line."""
    if file_id == state.upload_seen:
        return
    state.upload_seen = file_id
    try:
        points = parse_points(data)
        if points.shape[1] != dim:
            cols = points.shape[1]
            raise ConfigError(
                "points file",
                f"{cols} column{'s' if cols > 1 else ''}",
                f"{dim} columns for a {dim}-D target (or switch Dimension to {cols}-D)",
            )
    except ConfigError as err:
        state.upload_error = f"{name}: {err}. The previous target is kept."
        return
    state.points, state.points_name, state.upload_error = points, name, None


def apply_settings(state: Playground, cfg: RunConfig) -> list[str]:
    """Apply what can change mid-run (objective, optimisation) from the next iteration on;
    return the sections that only a reset can apply (target, noise, nets, seed)."""
    worker = state.worker
    current = worker.run.cfg
    wanted = live_config(cfg).replace(device=current.device)
    changed = toy_settings.section_changes(current, wanted)
    live = [s for s in changed if s not in RESET_SECTIONS]
    if live and worker.alive:
        worker.update(current.replace(**{s: getattr(wanted, s) for s in live}))
    return [s for s in changed if s in RESET_SECTIONS]
