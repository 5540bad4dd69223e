"""Lessons: guided steps through the GAN papers, each replaying a run recorded beforehand.

format.py reads a lesson (TOML, shipped beside this file) and runs.py each step's run,
recording.py trains and stores a step's run compactly and loads it back for the replay (stored.py
reads the file), claims.py checks the lesson's claims on the recordings. No Streamlit here: the
page is gan_viz.ui.lessons.
"""
