"""The app's pages: each a package of gan_viz.ui with a `render()` in its `page` module. To add
a page, add one entry to PAGES: its URL path (the package's name), its title, its icon and one
sentence for the home page on what it teaches. `page(url_path)` is the st.Page that
st.navigation, st.page_link and st.switch_page all recognise as that page.
"""

from __future__ import annotations

import importlib

import streamlit as st

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


PACKAGES = {"theory_lab": "theory"}  # URL paths that differ from their package's name


def page(url_path: str) -> st.Page:
    """The page at this URL path (Streamlit matches pages by their source and URL path)."""
    title, icon = next((t, i) for u, t, i, _ in PAGES if u == url_path)
    package = PACKAGES.get(url_path, url_path)
    render = importlib.import_module(f"gan_viz.ui.{package}.page").render
    return st.Page(render, title=title, icon=icon, url_path=url_path)
