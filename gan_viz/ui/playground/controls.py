"""The controls, always visible above the views: Train / Pause, Step D, Step G, Step, Reset,
and the speed (iterations of Algorithm 1 per drawn frame).

Buttons act through callbacks, before the page is drawn again, so the page that follows already
shows their effect. A callback cannot draw, so what it has to say goes into `state.messages`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError, WorkerError
from gan_viz.ui.common import projector
from gan_viz.ui.common.help import tip
from gan_viz.ui.playground import session
from gan_viz.ui.playground.session import Playground

SPEEDS = [1, 5, 20, 100, 500, "max"]
P = "pg"
SPEED_KEY = f"{P}.speed"


def _train_or_pause(state: Playground) -> None:
    worker = state.worker
    with reported(state):
        if worker.training:
            worker.pause()
        elif not worker.start():
            state.messages.append("This run has diverged and cannot go on: press Reset.")


def _move(state: Playground, move: str) -> None:
    """One move of the game; the process pauses training first (a class follows one step at a
    time)."""
    with reported(state):
        {"d": state.worker.step_d, "g": state.worker.step_g, "it": state.worker.step}[move]()


def _reset(state: Playground, cfg: RunConfig | None) -> None:
    if cfg is None:
        state.messages.append("Reset needs valid settings: fix the one marked in the sidebar.")
        return
    with reported(state):
        session.reset(state, cfg)


@contextlib.contextmanager
def reported(state: Playground) -> Iterator[None]:
    """A callback cannot draw: what goes wrong becomes a one-line message for the page."""
    try:
        yield
    except (ConfigError, WorkerError) as err:
        state.messages.append(str(err))


def control_bar(
    state: Playground,
    cfg: RunConfig | None,
    reset_pending: bool = False,
    shown: frozenset[str] | None = None,
) -> None:
    """The buttons and the speed; `shown` (from a teacher's link) leaves only those named."""
    worker = state.worker
    training = worker.training
    big = projector.on()  # big type: the speed gets a row
    buttons = [
        name for name in ("train", "d", "g", "step", "reset") if shown is None or name in shown
    ]
    with_speed = shown is None or "speed" in shown
    widths = [1.3 if n == "train" else 1 for n in buttons]
    if with_speed and not big:
        widths.append(4)
    elif len(widths) < 5:
        widths.append(5 - len(widths))  # a few buttons keep their width
    cols = st.columns(widths, vertical_alignment="bottom") if widths else []
    place = dict(zip(buttons, cols))
    speed_place = (cols[len(buttons)] if not big else st.container()) if with_speed else None
    if "train" in place:
        place["train"].button(
            "Pause" if training else "Train",
            icon=":material/pause:" if training else ":material/play_arrow:",
            key=f"{P}.train",
            type="primary",
            on_click=_train_or_pause,
            args=(state,),
            disabled=worker.run.diverged is not None and not training,
            help="Train in the background (the page stays live) / pause after this iteration.",
            width="stretch",
        )
    if "d" in place:
        place["d"].button(
            "Step D",
            key=f"{P}.step_d",
            on_click=_move,
            args=(state, "d"),
            help="One gradient step of D with G fixed: the inner loop of Algorithm 1 "
            "(Goodfellow et al. 2014). Pauses training first.",
            width="stretch",
        )
    if "g" in place:
        place["g"].button(
            "Step G",
            key=f"{P}.step_g",
            on_click=_move,
            args=(state, "g"),
            help="One gradient step of G with D fixed. Pauses training first.",
            width="stretch",
        )
    if "step" in place:
        place["step"].button(
            "Step",
            key=f"{P}.step",
            on_click=_move,
            args=(state, "it"),
            help="One iteration of Algorithm 1: k D steps, then the G steps.",
            width="stretch",
        )
    if "reset" in place:
        place["reset"].button(
            "Reset",
            icon=":material/restart_alt:",
            key=f"{P}.reset",
            type="primary" if reset_pending else "secondary",
            on_click=_reset,
            args=(state, cfg),
            help="A fresh run with the settings in the sidebar (new weights from the seed).",
            width="stretch",
        )
    if speed_place is None:
        return
    speed = speed_place.radio(
        "Speed: iterations per frame",
        SPEEDS,
        index=len(SPEEDS) - 1,
        horizontal=True,
        key=SPEED_KEY,
        help=tip("speed"),
    )
    with reported(state):
        worker.set_speed(None if speed == "max" else int(speed))
