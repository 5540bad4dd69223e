"""A table step's view: every setting's seeds summed up in one row, as VEEGAN's and PacGAN's
tables do (modes captured, high-quality samples, reverse KL, JS: mean ± std over the seeds).

The cells are the sweep's own (gan_viz.sweep.summarise and table_rows, what `gan-viz sweep`
prints), fed from the recording's last frame, so a lesson's table and a benchmark's read alike.
Before the reveal only the settings are listed (the numbers are the answer); after it, the
whole table, and every run of it can be opened in the Playground.
"""

from __future__ import annotations

import math

import streamlit as st

from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.seeds import SeedsReplay
from gan_viz.measure import MODE_SAMPLES
from gan_viz.sweep import TABLE_HEADER, RunResult, summarise, table_rows
from gan_viz.ui.lessons.seeds_view import seed_links

COLUMNS = TABLE_HEADER[:-1]  # no training time: a recording's runs were timed nowhere


def results(replay: SeedsReplay, frame: int = -1) -> list[RunResult]:
    """Every setting's seeds at `frame` as the sweep's results, setting by setting."""
    steps = int(replay.iterations[frame])
    out = []
    for s, label in enumerate(replay.labels):
        cells = {k: replay.column(k, s, frame) for k in ("modes", "hq", "mode_kl", "js")}
        for i, seed in enumerate(replay.seeds):
            out.append(
                RunResult(
                    label,
                    seed,
                    steps,
                    float(cells["modes"][i]),
                    replay.modes_of(s),
                    float(cells["hq"][i]),
                    float(cells["mode_kl"][i]),
                    float(cells["js"][i]),
                    math.nan,
                )
            )
    return out


def rows(replay: SeedsReplay) -> list[dict[str, str]]:
    """The table at the run's end, one dict (column -> cell) per setting."""
    return [dict(zip(COLUMNS, row)) for row in table_rows(summarise(results(replay)))]


def show(
    lesson: Lesson,
    index: int,
    step: Step,
    replay: SeedsReplay,
    slot: dict,
    projector: bool,
) -> None:
    seeds = replay.seeds
    span = f"seeds {seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    if not slot["revealed"]:
        hidden = [
            {COLUMNS[0]: label, **{c: "?" for c in COLUMNS[1:-1]}, COLUMNS[-1]: str(len(seeds))}
            for label in replay.labels
        ]
        st.table(hidden)
        st.caption("The numbers come with the reveal: answer first.")
        return
    st.table(rows(replay))
    st.caption(
        f"Mean ± std over {span} (ddof 1), each G scored at iteration "
        f"{int(replay.iterations[-1]):,} on {MODE_SAMPLES:,} of its samples. High quality: within "
        "3 std of the nearest mode; a mode is captured when one high-quality sample is nearest "
        "to it; reverse KL: the high-quality samples' mode histogram against an even one."
    )
    from gan_viz.ui.common.pages import page

    with st.expander("Open any of these runs in the Playground"):
        for spec, label in zip(step.run.settings, replay.labels):
            st.markdown(f"**{label}**")
            seed_links(spec, seeds, page("playground"))
