"""Compare two to four stored runs: their metric curves overlaid, and their views side by side,
all scrubbed by one shared slider over iterations (e.g. non-saturating vs minimax G loss,
mode collapse vs unrolled steps).

Each view shows its run's last snapshot at or before the slider's iteration; a run shorter
than the slider shows its last one (its title says which iteration that is).
"""

from __future__ import annotations

import streamlit as st

from gan_viz.plots.compare import compare_figure
from gan_viz.store import RunInfo, RunStore
from gan_viz.ui.common.errors import shown_as_message
from gan_viz.ui.runs.replay import projector, view

P = "runs"


def shared_steps(index_lists: list[list]) -> list[int]:
    """Every iteration any run has a snapshot at: the shared slider's stops."""
    return sorted({step for index in index_lists for _, step, _, _ in index})


def compare(s: RunStore, infos: list[RunInfo]) -> None:
    runs = [s.open(i.id) for i in infos]
    indexes = [r.snapshot_index() for r in runs]
    steps = shared_steps(indexes)
    st.markdown("Comparing " + ", ".join(f"**#{i.id} {i.label}** ({i.step:,} it.)" for i in infos))
    if not steps:
        st.info("None of these runs has a snapshot to show.")
        return
    now = steps[-1]
    if len(steps) > 1:
        now = st.select_slider(
            "Shared timeline (iteration)",
            options=steps,
            value=steps[-1],
            format_func=lambda step: f"iteration {step:,}",
            key=f"{P}.shared.{len(steps)}." + ".".join(str(i.id) for i in infos),
        )
    kinds = {i.kind for i in infos}
    if len(kinds) > 1:
        st.info(
            "These runs are of different kinds (" + ", ".join(sorted(kinds)) + "): pick runs "
            "of one kind to compare them, toy runs with toy runs, image runs with image runs."
        )
        return
    if kinds == {"image"}:
        from gan_viz.ui.runs import images as runs_images

        runs_images.compare(s, infos, now)
        return
    with shown_as_message("draw the curves"):
        fig = compare_figure(
            [(f"#{i.id} {i.label}", r.columns()) for i, r in zip(infos, runs, strict=True)],
            now=now,
            projector=projector(),
        )
        st.plotly_chart(fig, key=f"{P}.compare.curves", width="stretch", theme=None)
    per_row = 2 if len(runs) == 4 or projector() else len(runs)
    cols = []
    for _ in range(0, len(runs), per_row):
        cols += st.columns(per_row)
    for k, (col, run, index) in enumerate(zip(cols, runs, indexes, strict=False)):
        with col, shown_as_message("draw the view"):
            if not index:
                st.info(f"#{run.id} has no snapshots.")
                continue
            view(run, run.snapshot_at(now), f"{P}.compare.view{k}", height=460)
