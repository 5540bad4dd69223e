"""Runs: every stored run (from the playground, `gan-viz train` or an archive) to replay in the
playground's views, compare side by side, train on, and export for slides. The projector
switch is app.py's, in the sidebar of every page."""

import streamlit as st

from gan_viz.ui import runs_page, session

session.through_navigation()
st.set_page_config(page_title="gan-viz · Runs", layout="wide")
runs_page.main()
