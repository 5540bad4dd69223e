"""An image step's views drawn from its recording: G's digits beside their class histogram,
animated over the run; the class histogram over time; the metric curves.

The animated view is one figure of two panels, the MNIST page's own pictures: the fixed-noise
grid (gan_viz.plots.images.digit_grid) on the left, the class histogram
(gan_viz.plots.images.class_histogram) on the right, so the digits and their classes move
together. The builders draw the first frame; each further frame changes only the grid's grey
levels and the bars' heights, so a replay of 30 frames builds in a few milliseconds a frame
rather than through graph objects' validation. The figure is a plain dict
`{data, layout, frames: [{name, data, layout: {title}}]}` played by replay_chart, which brings
its own play/pause and scrubber; only heat maps and bars (REPLAY_TRACES).
"""

from __future__ import annotations

import copy

import numpy as np
import plotly.io
import streamlit as st
from _plotly_utils.utils import convert_to_base64

from gan_viz.images.measure import CONFIDENT
from gan_viz.images.mosaic import tile
from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.image_recording import image_snapshot
from gan_viz.lessons.recording import Replay
from gan_viz.plots import palette
from gan_viz.plots.images import (
    class_histogram,
    class_share_over_time,
    digit_grid,
    image_metric_curves,
)
from gan_viz.ui.lessons.replay_chart import replay_chart
from gan_viz.ui.lessons.replay_view import cached, chart_key

DIGITS_HEIGHT = 460
# 4 frames a second, not the toy replays' 15: each frame redraws the grid as a new heat-map
# image, which Chromium paints blank until decoded. Sampled 40 times a loop, 15 frames a second
# showed a blank grid in about half the samples taken mid-animation, 4 a second in 1 of ~18;
# and a frame of 36 digits needs a moment to read anyway.
FRAME_MS = 250
GRID_DOMAIN, BARS_DOMAIN = (0.0, 0.44), (0.64, 1.0)  # left: the digits; right: their classes
CURVES = ("step", "fd", "fd_floor", "covered", "class_kl")  # the curves an image step shows


def digits_shown(replay: Replay) -> int:
    """How many of G's digits the class histogram sorts (its bars sum to this)."""
    return int(replay.arrays["class_counts"][0].sum())


def share_of(replay: Replay, count: float) -> float:
    """A height clicked on the histogram (a count of digits) as a share of them, to 0.01."""
    return round(min(max(float(count) / digits_shown(replay), 0.0), 1.0), 2)


def picker(kind: str) -> dict | None:
    """A point question is answered by clicking a height on the histogram (axes x2 / y2)."""
    return {"kind": "y", "xaxis": "x2", "yaxis": "y2"} if kind == "point" else None


def marks(replay: Replay, kind: str, answer) -> list[dict]:
    """The student's predicted height of the tallest bar, a dashed line across the histogram."""
    if kind != "point" or answer is None:
        return []
    height = float(answer) * digits_shown(replay)
    return [
        dict(
            type="line",
            xref="x2 domain",
            yref="y2",
            x0=0,
            x1=1,
            y0=height,
            y1=height,
            line=dict(color=palette.EXTRA[0], width=3, dash="dash"),  # the student's mark
        )
    ]


def frame_title(replay: Replay, i: int) -> str:
    """'iteration 1,500 · 31/36 recognised · 10/10 digits covered' (short: it tops a column)."""
    a = replay.arrays
    sure = int((a["grid_confidence"][i].astype(float) > CONFIDENT).sum())
    covered = int(replay.columns["covered"][i])
    return (
        f"iteration {int(a['iteration'][i]):,} · {sure}/{len(a['grid'][i])} recognised · "
        f"{covered}/10 digits covered"
    )


def digits_figure(replay: Replay, frames: int, projector: bool = False) -> dict:
    """The first `frames` frames of an image recording, the grid and the class histogram, as a
    figure dict with frames named "0", "1", ... (no sliders or buttons: replay_chart brings
    its own)."""
    a = replay.arrays
    cols = int(np.ceil(np.sqrt(a["grid"].shape[1])))
    first = image_snapshot(a, replay.columns, 0)
    grid = digit_grid(first.grid, cols, projector=projector).to_dict()
    bars = class_histogram(first, projector=projector).to_dict()
    n = int(a["class_counts"][0].sum())
    top = float(a["class_counts"][:frames].max())
    layout = dict(grid["layout"])
    layout.update(
        height=DIGITS_HEIGHT,
        barmode="overlay",  # the recognised digits inside the bar of all the class's digits
        showlegend=True,
        legend={"orientation": "h", "x": BARS_DOMAIN[0], "y": -0.12},
        xaxis={**grid["layout"]["xaxis"], "domain": list(GRID_DOMAIN)},
        yaxis={**grid["layout"]["yaxis"]},
        xaxis2={**bars["layout"]["xaxis"], "domain": list(BARS_DOMAIN), "anchor": "y2"},
        # fixed, so a pile on one digit grows rather than the axis rescaling under it
        yaxis2={**bars["layout"]["yaxis"], "anchor": "x2", "range": [0, max(top, n / 10) * 1.08]},
        shapes=[_ref_right(s) for s in bars["layout"].get("shapes", [])],
        annotations=[_ref_right(s) for s in bars["layout"].get("annotations", [])],
    )
    heat, bar_traces = grid["data"], [{**t, "xaxis": "x2", "yaxis": "y2"} for t in bars["data"]]

    def traces(i: int) -> list[dict]:
        picture = copy.copy(heat[0])
        picture["z"] = tile(a["grid"][i], cols)
        counts = (a["class_counts"][i], a["recognised_counts"][i])
        out = [picture] + [{**t, "y": c.astype(int)} for t, c in zip(bar_traces, counts)]
        convert_to_base64(out)  # numpy arrays -> typed arrays: a third of the JSON
        return out

    specs = [traces(i) for i in range(frames)]
    layout["title"] = {**_title(layout), "text": frame_title(replay, 0)}
    return dict(
        data=specs[0],
        layout=layout,
        frames=[
            dict(name=str(i), data=spec, layout=dict(title={"text": frame_title(replay, i)}))
            for i, spec in enumerate(specs)
        ],
    )


def _title(layout: dict) -> dict:
    title = layout.get("title") or {}
    return title if isinstance(title, dict) else {"text": title}


def _ref_right(item: dict) -> dict:
    """A histogram shape or annotation (refs x / y, or 'x domain' ...) onto axes x2 / y2."""
    item = dict(item)
    for ref, axis in (("xref", "x"), ("yref", "y")):
        if ref in item and item[ref].startswith(axis):
            item[ref] = axis + "2" + item[ref][1:]
    return item


def _animation(lesson_id: str, index: int, replay: Replay, frames: int, projector: bool) -> str:
    return cached(
        ("digits", lesson_id, index, frames, projector),
        lambda: plotly.io.to_json(digits_figure(replay, frames, projector), validate=False),
    )


def show(
    lesson: Lesson, index: int, step: Step, replay: Replay, slot: dict, projector: bool
) -> None:
    """The step's views; before the reveal only its first frames, looping."""
    revealed = slot["revealed"]
    frames = replay.n_frames if revealed else min(step.teaser_frames, replay.n_frames)
    if not revealed:
        st.caption("The start of the run, on a loop: answer to see how it ends.")
    if "digits" in step.views:
        text = _animation(lesson.id, index, replay, frames, projector)
        kind = step.question.kind if step.question is not None else ""
        replay_chart(
            text,
            DIGITS_HEIGHT,
            key=chart_key(lesson.id, index, frames),
            loop=not revealed,
            frame_ms=FRAME_MS,
            shapes=marks(replay, kind, slot["answer"]),
            pick=None if revealed else picker(kind),
        )
    columns = {k: v[:frames] for k, v in replay.columns.items()}
    if "classes" in step.views:
        fig = class_share_over_time(columns, projector=projector)
        st.plotly_chart(fig, key=f"classes-{lesson.id}-{index}-{frames}")
    if "curves" in step.views:
        shown = {k: v for k, v in columns.items() if k in CURVES}
        fig = image_metric_curves(shown, projector=projector)
        st.plotly_chart(fig, key=f"curves-{lesson.id}-{index}-{frames}")
