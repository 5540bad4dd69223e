"""The playground: watch a 1-D or 2-D GAN learn, live.

Sidebar: projector switch, lesson presets, settings grouped Data / Noise / Networks /
Objective / Optimisation / Seed. Main: the controls, then the live views (a fragment that
redraws several times a second while a background thread trains).
"""

import streamlit as st

from gan_viz.ui import controls, live, session, sidebar
from gan_viz.ui.errors import notices, shown_as_message

session.through_navigation()
st.set_page_config(page_title="gan-viz · Playground", layout="wide")
state = session.playground()
with shown_as_message("continue the saved run"):
    session.take_resume_request(state)

st.subheader("Playground: watch a GAN learn")
cfg = sidebar.settings(state)
pending: list[str] = []
if cfg is not None:
    with shown_as_message("apply the new settings"):
        pending = session.apply_settings(state, cfg)
controls.control_bar(state, cfg, reset_pending=bool(pending))
notices(state.messages, pending, state.notes)
live.live_views(state)
