"""The playground page: watch a 1-D or 2-D GAN learn, live.

Sidebar: lesson presets, then settings grouped Data / Noise / Networks / Objective /
Optimisation / Seed. Main: the controls, then the live views (see .views).
"""

import streamlit as st

from gan_viz.live.capacity import SERVER_SLOTS, ServerFull
from gan_viz.ui.common.errors import notices, shown_as_message
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.playground import controls, session, sidebar, views

KEY_HELP = {"space": "space Train/Pause", "arrowright": "→ Step"}
WAIT_SECONDS = 3.0  # how often a tab waiting for a training slot looks for a free one


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
    keys = {"space": "pg.train", "arrowright": "pg.step"}
    keys = {k: w for k, w in keys.items() if shown is None or w.split(".")[1] in shown}
    if keys:
        presenter_keys(keys, " · ".join(KEY_HELP[k] for k in keys))
    session.write_link(state)
    notices(state.messages, pending, state.notes)
    views.live_views(state)
