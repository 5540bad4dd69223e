"""The app: Home and one page per room, routed by st.navigation. `gan-viz app` and the checkout's
`streamlit run app.py` both run `main()`.

The pages themselves are listed in gan_viz.ui.common.pages.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.ui.common import projector
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.common.pages import PAGES, page
from gan_viz.ui.lessons import page as lessons_page


def main() -> None:
    st.set_page_config(page_title="gan-viz", page_icon="◐", layout="wide")
    pages = {url_path: page(url_path) for url_path, _, _, _ in PAGES}

    def home() -> None:
        st.title("gan-viz")
        st.markdown(
            "See how Generative Adversarial Networks learn. gan-viz plays the minimax game of "
            "Goodfellow et al. (2014) step by step and measures every divergence honestly, so "
            "what you see is what the theory says."
        )
        picture, start = st.columns([3, 2], vertical_alignment="center")
        with picture:
            lessons_page.hero()
        with start:
            st.markdown(
                "The generator (green) learns to make the data (dotted) while the "
                "discriminator (blue) learns to tell them apart, until it can only say 1/2."
            )
            st.page_link(
                pages["lessons"],
                label="Start the first lesson",
                icon=":material/school:",
                query_params={"lesson": "minimax", "step": "1"},
            )
        st.divider()
        for url_path, title, icon, teaches in PAGES:
            st.markdown(f"**{title}**: {teaches}")
            st.page_link(pages[url_path], label=f"Open the {title.lower()}", icon=icon)

    home_page = st.Page(home, title="Home", icon=":material/home:", default=True)
    navigation = st.navigation([home_page, *pages.values()])
    projector.switch()  # one switch for every page, drawn on every run so it keeps its state
    presenter_keys({})  # p: the projector, on every page
    navigation.run()


if __name__ == "__main__":  # Streamlit runs this file as the app's script
    main()
