"""Theory lab: check each theorem of the GAN paper and of f-GAN with your own eyes.

One tab per claim; each runs its experiment live and puts the measured curve beside the
formula. The experiments live in gan_viz.theory, their figures in gan_viz.plots.theory, the
panels here; `gan-viz theory` runs the same experiments headless.
"""

import streamlit as st

from gan_viz.ui.theory import dirac_panel, fgan_panel, mle_panel, optimal_d_panel


def render() -> None:
    st.title("Theory lab")
    st.markdown(
        "Each tab takes one claim from the theory (Goodfellow et al. 2014; Nowozin, Cseke, "
        "Tomioka 2016; Mescheder, Geiger, Nowozin 2018), runs the experiment in front of you and "
        "sets the measured curve beside the formula. Press **Run** in a section to watch it live; "
        "`gan-viz theory` runs all four headless and prints the numbers."
    )
    tabs = st.tabs(["1 · Optimal D", "2 · f-GAN", "3 · Dirac-GAN", "4 · MLE vs GAN"])
    for tab, panel in zip(tabs, (optimal_d_panel, fgan_panel, dirac_panel, mle_panel)):
        with tab:
            panel.render()
