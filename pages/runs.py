"""Runs: every stored run (from the playground, `gan-viz train` or an archive) to replay in the
playground's views, compare side by side, train on, and export for slides."""

import streamlit as st

from gan_viz.ui import runs_page, session
from gan_viz.ui.sidebar import PROJECTOR_KEY

session.through_navigation()
st.set_page_config(page_title="gan-viz · Runs", layout="wide")
with st.sidebar:
    st.toggle("Projector mode", value=False, key=PROJECTOR_KEY)
if st.session_state.get(PROJECTOR_KEY):
    st.html("<style>html { font-size: 22px; }</style>")
runs_page.main()
