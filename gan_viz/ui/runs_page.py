"""The Runs page: what the store holds, and what can be done with it (see gan_viz.ui.runs_list
for the catalogue, runs_replay for one run, runs_compare for two to four)."""

from __future__ import annotations

import streamlit as st

from gan_viz.ui import runs_compare, runs_list, runs_replay


def main() -> None:
    st.subheader("Runs: replay, compare, export")
    s = runs_list.store()
    runs_list.size_line(s)
    runs = runs_list.filters(s)
    if not runs:
        st.info(
            "No stored runs match. Every run trained in the Playground, by `gan-viz train` or "
            "imported below is kept here."
        )
    else:
        runs_list.table(runs)
    picked = runs_list.pick(runs)
    runs_list.import_upload(s)
    if len(picked) == 1:
        runs_list.edit(s, picked[0])
        runs_replay.replay(s, picked[0])
    elif len(picked) > 1:
        runs_compare.compare(s, picked)
