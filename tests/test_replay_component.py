"""The lesson replay's component: the plotly.js bundle it draws with, and the figure it is sent.

The replay draws with the vendored bundle of plotly.js's core and the replay's traces
(gan_viz.ui.common.plotly_component);
figures are written by the plotly Python package for the plotly.js it bundles, so the two
versions must agree, and every trace a replay sends must be a type the bundle has.
"""

import json
import math

import pytest

from gan_viz.lessons.format import lessons
from gan_viz.lessons.recording import load_replay
from gan_viz.ui.common.plotly_component import (
    BUNDLES,
    REPLAY_TRACES,
    bundle_version,
    plotly_component_folder,
)
from gan_viz.ui.lessons import replay_view


def test_the_vendored_bundle_is_the_plotly_js_the_python_package_writes_for():
    full, replay = bundle_version(BUNDLES["full"]), bundle_version(BUNDLES["replay"])
    assert replay != "unknown"
    assert replay == full, "run scripts/vendor_plotly.sh after upgrading plotly"
    assert BUNDLES["replay"].stat().st_size < BUNDLES["full"].stat().st_size / 3


def test_the_component_folder_serves_the_chosen_bundle(tmp_path):
    folder = plotly_component_folder("test-replay", "<html></html>", bundle="replay")
    assert (folder / "index.html").read_text() == "<html></html>"
    assert (folder / "plotly.min.js").read_bytes() == BUNDLES["replay"].read_bytes()


@pytest.mark.parametrize("lesson_id", ["minimax", "collapse"])
def test_every_replayed_trace_is_one_the_bundle_draws(lesson_id):
    lesson = lessons()[lesson_id]
    for index, step in enumerate(lesson.steps):
        if step.run.seeds:  # a grid of seeds: Streamlit's own chart (gan_viz.plots.seeds)
            continue
        replay = load_replay(lesson, index)
        frames = min(step.teaser_frames, replay.n_frames)
        fig = json.loads(replay_view._build(replay, frames, False, step.run.mode))
        assert len(fig["frames"]) == frames
        types = {t.get("type", "scatter") for f in fig["frames"] for t in f["data"]}
        assert types <= REPLAY_TRACES, (lesson_id, index, types - REPLAY_TRACES)
        assert "sliders" not in fig["layout"] and "updatemenus" not in fig["layout"]
        for text in replay_view._companions(replay, step.views, frames, False):
            companion = json.loads(text)
            assert {t.get("type", "scatter") for t in companion["data"]} <= REPLAY_TRACES


def test_a_click_answers_what_the_question_asks():
    collapse = lessons()["collapse"]
    replay = load_replay(collapse, 0)
    pick = replay_view.picker(replay, "modes", ["3 (0.0, 2.0)"])
    assert pick["kind"] == "modes" and len(pick["centres"]) == 8
    assert pick["picked"] == [2]
    # a third of the gap between neighbours on the ring of radius 2: a click within it of a
    # centre is nearer that centre than any other
    gap = 4 * math.sin(math.pi / 8)
    assert pick["radius"] == pytest.approx(gap / 3)
    circles = replay_view.marks(replay, "modes", ["3 (0.0, 2.0)"])
    assert len(circles) == 1 and circles[0]["type"] == "circle"
    assert (circles[0]["x0"] + circles[0]["x1"]) / 2 == pytest.approx(0.0, abs=1e-9)
    assert (circles[0]["y0"] + circles[0]["y1"]) / 2 == pytest.approx(2.0)
    minimax = lessons()["minimax"]
    one_d = load_replay(minimax, 0)
    assert replay_view.picker(one_d, "point", None) == {"kind": "x"}
    assert replay_view.picker(one_d, "choice", None) is None
    assert replay_view.marks(one_d, "point", 1.5)[0]["x0"] == 1.5
