"""The checkout's entry: `streamlit run app.py` runs the same app as `gan-viz app` (which also
sets the server's options; see gan_viz/cli/app.py)."""

from gan_viz.ui.app import main

main()
