"""A many-seeds step's view: each setting's seeds as small multiples, a click on one opens that
very run (same settings and seed) in the Playground.

Before the reveal the grids stay hidden (the picture is the answer); after it, one grid per
setting (the step's run, then its compare setting), each panel titled with the modes its seed's
G captures, and one line under them counting how the seeds ended (gan_viz.lessons.seeds).

The click is Streamlit's own selection event (st.plotly_chart on_select="rerun"): the rerun
reads the clicked point's seed (every trace of a panel carries it) and st.switch_page goes to
the Playground with the run's query parameters (gan_viz.links.config_params), as the step's
"Train it live" link does. The panels' seeds are also listed as plain links under each grid, for
a keyboard, a screen reader, or a middle click into a new tab.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.runs import RunSpec
from gan_viz.lessons.seeds import SeedsReplay, summary
from gan_viz.links import config_params
from gan_viz.plots.seeds import panel_seed, seeds_figure


def run_params(spec: RunSpec, seed: int) -> dict[str, str]:
    """The Playground's query parameters for one seed of a setting: that very run."""
    return config_params(spec.with_seed(seed).config(), spec.preset)


def _open(spec: RunSpec, seed: int) -> None:
    from gan_viz.ui.common.pages import page

    st.switch_page(page("playground"), query_params=run_params(spec, seed))


def _links(spec: RunSpec, seeds: list[int]) -> None:
    from gan_viz.ui.common.pages import page

    playground = page("playground")
    with st.expander(f"Open one of these runs in the Playground ({len(seeds)} links)"):
        seed_links(spec, seeds, playground)


def seed_links(spec: RunSpec, seeds: list[int], playground) -> None:
    """One Playground link per seed of a setting, in a row of columns."""
    columns = st.columns(min(8, len(seeds)))
    for i, seed in enumerate(seeds):
        with columns[i % len(columns)]:
            st.page_link(playground, label=f"seed {seed}", query_params=run_params(spec, seed))


def show(
    lesson: Lesson,
    index: int,
    step: Step,
    replay: SeedsReplay,
    slot: dict,
    projector: bool,
) -> None:
    n = len(replay.seeds)
    names = " and ".join(replay.labels)
    if not slot["revealed"]:
        st.caption(f"{n} seeds of {names}, one small picture each: answer to see how they end.")
        return
    for s, spec in enumerate(step.run.settings):
        fig = seeds_figure(
            replay.arrays["real"].astype(float),
            replay.arrays["fake"][s].astype(float),
            [int(m) for m in replay.modes(s)],
            replay.seeds,
            replay.n_modes,
            projector=projector,
            title=f"{replay.labels[s]}: {n} seeds, {int(replay.iterations[-1]):,} iterations each",
        )
        event = st.plotly_chart(
            fig,
            key=f"seeds-{lesson.id}-{index}-{s}-{projector}",
            on_select="rerun",
            selection_mode="points",
            config={"displayModeBar": False},
        )
        points = (event or {}).get("selection", {}).get("points", [])
        seeds = [seed for seed in (panel_seed(p) for p in points) if seed is not None]
        if seeds:
            _open(spec, seeds[0])
        _links(spec, replay.seeds)
    st.markdown(f"**{n} seeds each.** {summary(replay)}")
