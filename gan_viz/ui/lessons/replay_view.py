"""A step's views drawn from its recording: the animated data view, the curves, the occupancy.

The data view is an animation like the offline export's (gan_viz.export.animation: its play
button and slider), each frame the playground's own view (spec_1d / spec_2d) of the
recording's frame rebuilt as a Snapshot, so the replay is the very picture the playground
draws. Before the reveal only the start of the run is shown (the step's first few frames,
looping, and the curves up to there); after it, the whole run.
"""

from __future__ import annotations

import json
import threading

import numpy as np
import plotly.io
import streamlit as st
from _plotly_utils.utils import convert_to_base64

from gan_viz.export.animation import SLIDER_ROOM, player_controls
from gan_viz.lessons.claims import metric_value
from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.recording import Replay
from gan_viz.plots import palette
from gan_viz.plots.curves import curves_figure
from gan_viz.plots.occupancy import mode_labels, occupancy_arrays, occupancy_figure
from gan_viz.plots.view1d import spec_1d
from gan_viz.plots.view2d import spec_2d
from gan_viz.ui.lessons.replay_chart import FRAME_MS, replay_chart

DATA_HEIGHT = 480


def x_window(replay: Replay) -> tuple[float, float]:
    axis = replay.arrays["axis0"]
    return float(axis[0]), float(axis[-1])


def point_truth(replay: Replay, metric: str) -> float:
    """The value a marker question predicts, read at the run's last frame."""
    return metric_value(replay, metric, replay.n_frames - 1)


def mode_names(replay: Replay) -> list[str]:
    """'1 (2.0, 0.0)', ...: the target's modes as the occupancy strip names them."""
    centres = replay.arrays.get("mode_centres")
    return [] if centres is None else mode_labels(centres, len(centres))


def modes_alive(replay: Replay) -> list[str]:
    """The modes G still makes at the run's end: at least one high-quality sample nearest each
    (the recorded mode counts, VEEGAN / PacGAN's definition)."""
    counts = replay.arrays["mode_counts"][-1]
    return [name for name, c in zip(mode_names(replay), counts) if c > 0]


# Built replays (JSON), by (lesson, step, frames, projector): shared by every session, as the
# recordings are; a few MB each at most, 64 at most.
_BUILT: dict[tuple, str] = {}
_BUILT_LOCK = threading.Lock()
MAX_BUILT = 64


def _build(replay: Replay, frames: int, projector: bool, mode: str) -> str:
    """The replay as plotly JSON: the first frame's view, every frame's traces, and the export's
    play/pause buttons and iteration slider (gan_viz.export.animation). The views are the
    playground's own plain-dict builders (spec_1d / spec_2d, the live feed's): graph objects
    took ~90 ms a frame to validate, these a few, so a step's replay builds in well under a
    second and no build thread competes with the server for the interpreter."""
    clock = "D step" if mode == "d_only" else "iteration"  # G frozen: the clock is D's steps
    specs = []
    for i in range(frames):
        snap = replay.snapshot(i)
        js = snap.metrics.get("js")
        title = f"{clock} {snap.step:,}" + ("" if js is None else f" · JS = {js:.3f} nats")
        build = spec_1d if snap.dim == 1 else spec_2d
        spec = build(snap, projector=projector, height=DATA_HEIGHT, title=title)
        convert_to_base64(spec["data"])  # numpy arrays -> typed arrays, as the live feed
        specs.append((snap.step, spec))
    first = specs[0][1]
    layout = dict(first["layout"])
    layout.update(
        height=DATA_HEIGHT + SLIDER_ROOM,
        margin={**layout.get("margin", {}), "b": SLIDER_ROOM},
        **player_controls([step for step, _ in specs], clock, FRAME_MS),
    )
    figure = dict(
        data=first["data"],
        layout=layout,
        frames=[
            dict(name=str(i), data=spec["data"], layout=dict(title=spec["layout"]["title"]))
            for i, (_, spec) in enumerate(specs)
        ],
    )
    return plotly.io.to_json(figure, validate=False)


def _animation(lesson_id: str, index: int, replay: Replay, frames: int, projector: bool, mode: str):
    key = (lesson_id, index, frames, projector)
    with _BUILT_LOCK:
        text = _BUILT.get(key)
    if text is None:
        text = _build(replay, frames, projector, mode)
        with _BUILT_LOCK:
            if len(_BUILT) >= MAX_BUILT:
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[key] = text
    return text


def _with_marker(text: str, x: float) -> str:
    """The student's predicted x drawn over the run, a vertical line through the data view."""
    fig = json.loads(text)
    shapes = fig["layout"].setdefault("shapes", [])
    shapes.append(
        dict(
            type="line",
            xref="x",
            yref="paper",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            line=dict(color=palette.EXTRA[0], width=3),  # reddish purple: the student's mark
        )
    )
    return json.dumps(fig)


def _with_circles(text: str, replay: Replay, picked: list[str]) -> str:
    """The student's picked modes drawn over the run: a circle round each picked centre, a
    third of the way to the nearest other centre (big enough to see, never touching)."""
    fig = json.loads(text)
    shapes = fig["layout"].setdefault("shapes", [])
    centres = np.asarray(replay.arrays["mode_centres"], float)
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    radius = float(np.min(gaps[gaps > 0])) / 3
    for name, (cx, cy) in zip(mode_names(replay), centres):
        if name in picked:
            shapes.append(
                dict(
                    type="circle",
                    xref="x",
                    yref="y",
                    x0=cx - radius,
                    x1=cx + radius,
                    y0=cy - radius,
                    y1=cy + radius,
                    line=dict(color=palette.EXTRA[0], width=3),
                )
            )
    return json.dumps(fig)


def loop(lesson_id: str, index: int, replay: Replay, projector: bool) -> None:
    """The data view of a whole recorded run, playing on a loop."""
    text = _animation(lesson_id, index, replay, replay.n_frames, projector, "game")
    height = json.loads(text)["layout"]["height"]
    replay_chart(text, height, key=f"loop-{lesson_id}-{index}", loop=True)


def show(
    lesson: Lesson,
    index: int,
    step: Step,
    replay: Replay,
    slot: dict,
    projector: bool,
) -> None:
    revealed = slot["revealed"]
    frames = replay.n_frames if revealed else min(step.teaser_frames, replay.n_frames)
    if not revealed:
        st.caption("The start of the run, on a loop: answer to see how it ends.")
    if "data" in step.views:
        text = _animation(lesson.id, index, replay, frames, projector, step.run.mode)
        q = step.question
        if revealed and q is not None and slot["answer"] is not None:
            if q.kind == "point":
                text = _with_marker(text, float(slot["answer"]))
            elif q.kind == "modes":
                text = _with_circles(text, replay, list(slot["answer"]))
        height = json.loads(text)["layout"]["height"]
        replay_chart(text, height, key=f"replay-{lesson.id}-{index}-{frames}", loop=not revealed)
    columns = {k: v[:frames] for k, v in replay.columns.items()}
    n_modes = None
    if "mode_centres" in replay.arrays:
        n_modes = len(replay.arrays["mode_centres"])
    if "curves" in step.views:
        fig = curves_figure(columns, projector=projector, n_modes=n_modes)
        st.plotly_chart(fig, key=f"curves-{lesson.id}-{index}-{frames}")
    if "occupancy" in step.views and n_modes:
        occ = occupancy_arrays([replay.snapshot(i) for i in range(frames)])
        if occ is not None:
            st.plotly_chart(
                occupancy_figure(occ, projector=projector),
                key=f"occupancy-{lesson.id}-{index}-{frames}",
            )
