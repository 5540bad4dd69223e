"""Streamlit pieces of the app, one package per page (and common/ for what they share). Only
this package and the checkout's `app.py` speak Streamlit; the training itself runs in
gan_viz.live."""
