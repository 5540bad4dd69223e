"""The MNIST page: the same game on 28 x 28 digits, live, with mode collapse measured by a
classifier.

Sidebar: lesson presets, then Data / Model / Objective / Optimisation / Evaluation and seed.
Main: the controls, then the live views (a fragment that redraws while a background thread
trains; see gan_viz.live.image_thread).
"""

import streamlit as st

from gan_viz.ui.common.errors import notices, shown_as_message
from gan_viz.ui.mnist import session, views


def render() -> None:
    st.set_page_config(page_title="gan-viz · MNIST", layout="wide")
    st.subheader("MNIST: the same game on digits")
    with shown_as_message("start the MNIST run"):
        state = session.mnist_page()
    if session.STATE not in st.session_state:
        st.stop()  # the first run could not be built: the line above says why
    cfg = session.settings(state)
    pending: list[str] = []
    with shown_as_message("apply the new settings"):
        pending = session.apply_settings(state, cfg)
    views.control_bar(state, cfg, reset_pending=bool(pending))
    notices(state.messages, pending)
    views.live_views(state)
