"""MNIST: the same game on 28 x 28 digits, live, with mode collapse measured by a classifier.

Sidebar: lesson presets, then Data / Model / Objective / Optimisation / Evaluation and seed.
Main: the controls, then the live views (a fragment that redraws every second while a
background thread trains; see gan_viz.ui.mnist_trainer).
"""

import streamlit as st

from gan_viz.ui import mnist_session, mnist_views, session
from gan_viz.ui.errors import notices, shown_as_message

session.through_navigation()
st.set_page_config(page_title="gan-viz · MNIST", layout="wide")
st.subheader("MNIST: the same game on digits")
with shown_as_message("start the MNIST run"):
    state = mnist_session.mnist_page()
if mnist_session.STATE not in st.session_state:
    st.stop()  # the first run could not be built: the line above says why
cfg = mnist_session.settings(state)
pending: list[str] = []
with shown_as_message("apply the new settings"):
    pending = mnist_session.apply_settings(state, cfg)
mnist_views.control_bar(state, cfg, reset_pending=bool(pending))
notices(state.messages, pending)
mnist_views.live_views(state)
