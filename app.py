"""gan-viz: the Streamlit entry point. Routes to the pages kept in pages/."""

import streamlit as st

st.set_page_config(page_title="gan-viz", page_icon="◐", layout="wide")


def home() -> None:
    st.title("gan-viz")
    st.markdown(
        "See how Generative Adversarial Networks learn. The engine plays the minimax game of "
        "Goodfellow et al. (2014) step by step and measures every divergence honestly.\n\n"
        "The playground page arrives with the next issue; today the engine runs from the "
        "command line: `gan-viz train --target ring8 --steps 5000 --out runs/ring`."
    )


st.navigation(
    [st.Page(home, title="Home", default=True), st.Page("pages/theory_lab.py", title="Theory lab")]
).run()
