"""What the theory lab's panels share: the live loop, state per panel, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from gan_viz.errors import ConfigError
from gan_viz.ui.common import projector as projector_switch

FRAME_SECONDS = 0.4  # a live panel advances and redraws this often


def projector() -> bool:
    return projector_switch.on()


def running(key: str) -> bool:
    return bool(st.session_state.get(f"{key}.running", False))


def set_running(key: str, on: bool) -> None:
    st.session_state[f"{key}.running"] = on


def run_controls(key: str, step_label: str) -> bool:
    """Run / Pause, Reset and a Step button for a live panel; True when Step was pressed.

    They sit outside the panel's fragment, so the fragment's timer starts and stops with the
    full rerun that a press causes.
    """
    c1, c2, c3, _ = st.columns([1, 1, 2, 3])
    is_on = running(key)
    if c1.button("Pause" if is_on else "Run", key=f"{key}.run_button", type="primary"):
        set_running(key, not is_on)
        st.rerun()
    if c2.button("Reset", key=f"{key}.reset_button"):
        st.session_state.pop(f"{key}.object", None)
        set_running(key, False)
        st.rerun()
    return c3.button(step_label, key=f"{key}.step")


def session_object(key: str, signature: Any, build: Callable[[], Any]) -> Any:
    """The panel's step-wise object, rebuilt (and paused) when its settings change.

    Raises ConfigError from `build` for the caller to show; nothing else is lost.
    """
    held = st.session_state.get(f"{key}.object")
    if held is not None and held[0] == signature:
        return held[1]
    obj = build()
    st.session_state[f"{key}.object"] = (signature, obj)
    if held is not None:
        set_running(key, False)
    return obj


def show_error(err: ConfigError) -> None:
    """A bad setting: one line naming it, what was given and what is allowed."""
    st.error(f"{err.setting}: got {err.given!r}. Allowed: {err.allowed}.", icon="⚠️")


def live(key: str, body: Callable[[bool], None]) -> None:
    """Run body(advance) in a fragment that reruns every FRAME_SECONDS while the panel runs.

    body gets advance=True on a timed rerun (take a few steps, then draw) and False on a full
    page run (draw only), so moving a widget elsewhere does not train anything.
    """
    every = FRAME_SECONDS if running(key) else None

    @st.fragment(run_every=every)
    def _frame() -> None:
        tick = st.session_state.get(f"{key}.tick", 0)
        st.session_state[f"{key}.tick"] = tick + 1
        body(running(key) and tick > 0)

    st.session_state[f"{key}.tick"] = 0
    _frame()
