"""The playground page: watch a 1-D or 2-D GAN learn, live.

Sidebar: lesson presets, then settings grouped Data / Noise / Networks / Objective /
Optimisation / Seed. Main: the controls, then the live views (see .views).
"""

import streamlit as st

from gan_viz.live.capacity import SERVER_SLOTS, ServerFull
from gan_viz.ui.common.errors import notices, shown_as_message
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.playground import controls, session, sidebar, views

WAIT_SECONDS = 3.0  # how often a tab waiting for a training slot looks for a free one
# Paused, ← and → move through the timeline; → at its newest snapshot (or while training, or
# before there is a timeline) takes a Step, as the first of its widgets on the page is pressed.
KEYS = {
    "space": "pg.train",
    "arrowleft": views.BACK_KEY,
    "arrowright": [views.FORWARD_KEY, "pg.step"],
}
KEYS_HELP = "space Train/Pause · ← → previous/next snapshot (→ at the newest: Step)"


def keys_for(shown: frozenset[str] | None) -> tuple[dict, str]:
    """The presenter keys and their help, less those of controls a teacher's link hid (the
    arrows still scrub the timeline)."""
    if shown is None:
        return KEYS, KEYS_HELP
    keys = {"arrowleft": views.BACK_KEY, "arrowright": [views.FORWARD_KEY]}
    help_text = ["← → previous/next snapshot"]
    if "step" in shown:
        keys["arrowright"].append("pg.step")
        help_text[0] += " (→ at the newest: Step)"
    if "train" in shown:
        keys["space"] = "pg.train"
        help_text.insert(0, "space Train/Pause")
    return keys, " · ".join(help_text)


def waiting_room(full: ServerFull) -> None:
    """The server runs as many training processes as it takes: say so, and come in by itself
    as soon as one closes."""
    st.subheader("Playground: watch a GAN learn")
    st.info(str(full).capitalize() + ".", icon=":material/hourglass:")

    @st.fragment(run_every=WAIT_SECONDS)
    def knock() -> None:
        if SERVER_SLOTS.free() > 0:
            st.rerun()

    knock()


def render() -> None:
    st.set_page_config(page_title="gan-viz · Playground", layout="wide")
    try:
        state = session.playground()
    except ServerFull as full:
        waiting_room(full)
        return
    with shown_as_message("continue the saved run"):
        session.take_resume_request(state)

    st.subheader("Playground: watch a GAN learn")
    shown = state.controls
    pending: list[str] = []
    if shown is None or "settings" in shown:
        cfg = sidebar.settings(state)
        if cfg is not None:
            with shown_as_message("apply the new settings"):
                pending = session.apply_settings(state, cfg)
    else:  # a teacher's link hid the settings: the run's own stay
        cfg = state.worker.run.cfg
    controls.control_bar(state, cfg, reset_pending=bool(pending), shown=shown)
    presenter_keys(*keys_for(shown))
    session.write_link(state, views.looked_back(state))
    notices(state.messages, pending, state.notes)
    views.live_views(state)
