"""gan-viz: the Streamlit entry point. Routes to the pages kept in pages/.

To add a page, add one entry to PAGES: its script, its title, its icon and one sentence for the
home page on what it teaches.
"""

import streamlit as st

from gan_viz.ui import projector
from gan_viz.ui.lessons import page as lessons

st.set_page_config(page_title="gan-viz", page_icon="◐", layout="wide")

# (script in pages/, title in the menu, icon, what it teaches): the playground first.
PAGES = [
    (
        "pages/playground.py",
        "Playground",
        ":material/tune:",
        "train a GAN on a 1-D or 2-D target and watch it learn, live: p_g chasing p_data, D(x) "
        "beside the optimal D*(x), the z → x mapping, and JS, KL and V(G, D) against the "
        "theory's lines (log 2, −log 4, 1/2). Lesson presets: the paper's Fig. 1, saturating vs "
        "non-saturating G loss, a too-strong D, learning rates out of balance, equilibrium, mode "
        "collapse.",
    ),
    (
        "pages/theory_lab.py",
        "Theory lab",
        ":material/functions:",
        "check the theorems with your own eyes: D converging onto D* = p_data/(p_data + p_g) "
        "and V reaching −log 4 + 2·JS; the f-GAN lower bound rising to the true f-divergence; "
        "Dirac-GAN dynamics (simultaneous steps spiral out, R1 converges); maximum likelihood "
        "(mode-covering) against a GAN (mode-seeking).",
    ),
    (
        "pages/mnist.py",
        "MNIST",
        ":material/grid_view:",
        "the same game on 28 × 28 digits, live: a fixed-noise grid turning into digits, a "
        "digit classifier counting which digits G makes (mode collapse shows as a few bright "
        "rows), the Fréchet distance against its real-vs-real floor, D's outputs on real and "
        "generated digits; presets for a healthy run, a collapse and a conditional GAN that "
        "draws the digit you ask for.",
    ),
    (
        "pages/runs.py",
        "Runs",
        ":material/history:",
        "replay any saved run with its timeline, compare two to four runs side by side on one "
        "shared slider (non-saturating vs minimax, collapse vs unrolled), train a run on, and "
        "export it for slides: an offline HTML animation, a GIF, a projector PNG, an archive.",
    ),
]


def home() -> None:
    st.title("gan-viz")
    st.markdown(
        "See how Generative Adversarial Networks learn. gan-viz plays the minimax game of "
        "Goodfellow et al. (2014) step by step and measures every divergence honestly, so what "
        "you see is what the theory says."
    )
    for path, title, icon, teaches in PAGES:
        st.markdown(f"**{title}**: {teaches}")
        st.page_link(path, label=f"Open the {title.lower()}", icon=icon)


pages = [st.Page(home, title="Home", icon=":material/home:", default=True)]
pages += [st.Page(lessons.render, title="Lessons", icon=":material/school:", url_path="lessons")]
pages += [st.Page(path, title=title, icon=icon) for path, title, icon, _ in PAGES]
navigation = st.navigation(pages)
projector.switch()  # one switch for every page, drawn on every run so it keeps its state
navigation.run()
