"""Streamlit pieces of the app: the per-session training worker, settings widgets, controls and
the live views. Only this package, `app.py` and `pages/` speak Streamlit."""
