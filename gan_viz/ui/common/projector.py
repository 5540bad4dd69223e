"""One projector switch for the whole app: larger type and thicker lines on every page.

app.py draws the switch in the sidebar on every run, so it keeps its state from page to page
(a teacher switches it on once); pages and figure builders read `on()`.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.ui.common.help import tip

KEY = "projector"


def switch() -> bool:
    """The sidebar toggle; when on, enlarges the whole page's type (Streamlit sizes in rem)."""
    on_now = st.sidebar.toggle("Projector mode", value=False, key=KEY, help=tip("projector"))
    if on_now:  # and less of a projector's few rows spent on the page's top margin
        st.html(
            "<style>html { font-size: 22px; }"
            " [data-testid=stMainBlockContainer] { padding-top: 1.5rem; }</style>"
        )
    return on_now


def on() -> bool:
    return bool(st.session_state.get(KEY, False))
