"""The Runs page: every stored run (from the playground, `gan-viz train` or an archive) to replay
in the playground's views, compare side by side, train on, and export for slides. The catalogue
is in .listing, one run in .replay, two to four in .compare."""

from __future__ import annotations

import streamlit as st

from gan_viz.errors import ConfigError
from gan_viz.ui.runs import compare, listing, replay


def render() -> None:
    st.set_page_config(page_title="gan-viz · Runs", layout="wide")
    st.subheader("Runs: replay, compare, export")
    try:
        s = listing.store()
    except ConfigError as err:  # a damaged store: what is wrong and the way on, in a line
        st.error(listing.as_shown(str(err)), icon=":material/sd_card_alert:")
        return
    listing.size_line(s)
    runs = listing.filters(s)
    if not runs:
        st.info(
            "No stored runs match. Every run trained in the Playground, by `gan-viz train` or "
            "imported below is kept here."
        )
    else:
        listing.table(runs)
    picked = listing.pick(runs)
    listing.import_upload(s)
    if len(picked) == 1:
        listing.edit(s, picked[0])
        replay.replay(s, picked[0])
    elif len(picked) > 1:
        compare.compare(s, picked)
