"""Stored image runs (MNIST) on the Runs page: replay one with its timeline, compare several.

An image run's snapshots are ImageSnapshots (the fixed-noise grid, class counts, D's outputs),
so it is drawn with the MNIST page's builders (gan_viz.plots.images), not the toy views.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.plots import images as plots
from gan_viz.plots.compare import IMAGE_COMPARED, compare_figure
from gan_viz.store import RunInfo, RunStore
from gan_viz.ui.common import projector
from gan_viz.ui.common.errors import shown_as_message

P = "runs.image"


def replay(s: RunStore, info: RunInfo, index: list, i: int) -> None:
    """The grid, class histogram and D's outputs at the timeline's evaluation; every curve."""
    run = s.open(info.id)
    snap = run.snapshot(index[i][0])
    big = projector.on()
    left, right = (st.container(), st.container()) if big else st.columns([1.1, 1])
    with left, shown_as_message("draw the grid"):
        st.plotly_chart(
            plots.grid_figure(snap, projector=big), key=f"{P}.grid", width="stretch", theme=None
        )
        st.plotly_chart(
            plots.class_histogram(snap, projector=big), key=f"{P}.hist", width="stretch"
        )
    with right, shown_as_message("draw the curves"):
        columns = run.columns()
        st.plotly_chart(
            plots.class_share_over_time(columns, projector=big), key=f"{P}.share", width="stretch"
        )
        st.plotly_chart(plots.d_outputs(snap, projector=big), key=f"{P}.d", width="stretch")
        st.plotly_chart(
            plots.image_metric_curves(columns, projector=big), key=f"{P}.curves", width="stretch"
        )


def compare(s: RunStore, infos: list[RunInfo], now: int) -> None:
    """Image runs side by side at the shared slider's step: curves overlaid, then each grid."""
    big = projector.on()
    runs = [s.open(i.id) for i in infos]
    with shown_as_message("draw the curves"):
        fig = compare_figure(
            [(f"#{i.id} {i.label}", r.columns()) for i, r in zip(infos, runs, strict=True)],
            now=now,
            projector=big,
            compared=IMAGE_COMPARED,
        )
        st.plotly_chart(fig, key=f"{P}.compare.curves", width="stretch", theme=None)
    per_row = 2 if len(runs) == 4 or big else len(runs)
    cols = []
    for _ in range(0, len(runs), per_row):
        cols += st.columns(per_row)
    for k, (col, run) in enumerate(zip(cols, runs, strict=False)):
        with col, shown_as_message("draw the grid"):
            if not run.snapshot_index():
                st.info(f"#{run.id} has no evaluations.")
                continue
            snap = run.snapshot_at(now)
            st.markdown(f"**#{run.id}** {run.info.label}")
            st.plotly_chart(
                plots.grid_figure(snap, projector=big),
                key=f"{P}.compare.grid{k}",
                width="stretch",
                theme=None,
            )
