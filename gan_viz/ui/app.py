"""The app: Home and one page per room, routed by st.navigation. `gan-viz app` and the checkout's
`streamlit run app.py` both run `main()`.

Each page is a package of gan_viz.ui with a `render()` in its `page` module. To add a page, add
one entry to PAGES: its URL path (the package's name), its title, its icon and one sentence for
the home page on what it teaches.
"""

from __future__ import annotations

import importlib

import streamlit as st

from gan_viz.ui.common import projector
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.lessons import page as lessons_page

# (URL path, title in the menu, icon, what it teaches): the lessons first.
PAGES = [
    (
        "lessons",
        "Lessons",
        ":material/school:",
        "a guided class through the GAN paper and mode collapse: each step asks you to predict "
        "what the run will do, then replays it the moment it opens, no training needed, and a "
        "link carries the step to a class.",
    ),
    (
        "playground",
        "Playground",
        ":material/tune:",
        "train a GAN on a 1-D or 2-D target and watch it learn, live: p_g chasing p_data, D(x) "
        "beside the optimal D*(x), the z → x mapping, and JS, KL and V(G, D) against the "
        "theory's lines (log 2, −log 4, 1/2). Lesson presets: the paper's Fig. 1, saturating vs "
        "non-saturating G loss, a too-strong D, learning rates out of balance, equilibrium, mode "
        "collapse.",
    ),
    (
        "theory_lab",
        "Theory lab",
        ":material/functions:",
        "check the theorems with your own eyes: D converging onto D* = p_data/(p_data + p_g) "
        "and V reaching −log 4 + 2·JS; the f-GAN lower bound rising to the true f-divergence; "
        "Dirac-GAN dynamics (simultaneous steps spiral out, R1 converges); maximum likelihood "
        "(mode-covering) against a GAN (mode-seeking).",
    ),
    (
        "mnist",
        "MNIST",
        ":material/grid_view:",
        "the same game on 28 × 28 digits, live: a fixed-noise grid turning into digits, a "
        "digit classifier counting which digits G makes (mode collapse shows as a few bright "
        "rows), the Fréchet distance against its real-vs-real floor, D's outputs on real and "
        "generated digits; presets for a healthy run, a collapse and a conditional GAN that "
        "draws the digit you ask for.",
    ),
    (
        "runs",
        "Runs",
        ":material/history:",
        "replay any saved run with its timeline, compare two to four runs side by side on one "
        "shared slider (non-saturating vs minimax, collapse vs unrolled), train a run on, and "
        "export it for slides: an offline HTML animation, a GIF, a projector PNG, an archive.",
    ),
]


def _page(url_path: str, title: str, icon: str) -> st.Page:
    package = "theory" if url_path == "theory_lab" else url_path
    render = importlib.import_module(f"gan_viz.ui.{package}.page").render
    return st.Page(render, title=title, icon=icon, url_path=url_path)


def main() -> None:
    st.set_page_config(page_title="gan-viz", page_icon="◐", layout="wide")
    pages = {url_path: _page(url_path, title, icon) for url_path, title, icon, _ in PAGES}

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
