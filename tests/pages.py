"""AppTests of single pages: each page is a `render()` in gan_viz.ui.<package>.page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def page_test(package: str, timeout: float) -> AppTest:
    """An AppTest running one page on its own, as st.navigation runs it inside the app."""
    script = f"from gan_viz.ui.{package}.page import render\n\nrender()\n"
    return AppTest.from_string(script, default_timeout=timeout)
