"""A step's views drawn from its recording: the animated data view, the curves, the occupancy.

The data view is the offline export's animation (gan_viz.export.animation.animation_figure),
built from the recording's frames rebuilt as Snapshots, so the replay is the very picture the
playground draws. Before the reveal only the start of the run is shown (the first 1/teaser of
its frames, looping, and the curves up to there); after it, the whole run.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import streamlit as st

from gan_viz.export.animation import animation_figure
from gan_viz.lessons.claims import metric_value
from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.recording import Replay
from gan_viz.plots import palette
from gan_viz.plots.curves import curves_figure
from gan_viz.plots.occupancy import mode_labels, occupancy_arrays, occupancy_figure
from gan_viz.ui.lessons.replay_chart import figure_json, replay_chart

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


# Built animations, by (lesson, step, frames, projector): shared by every session, as the
# recordings are. A step's full replay takes seconds to build (2-D: ~60 frames of heat map,
# samples and arrows), so it is started in the background the moment the step opens, while
# the student reads and answers; the reveal then finds it built.
_BUILDS: dict[tuple, Future] = {}
_BUILDS_LOCK = threading.Lock()
_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gan-viz-lesson-build")
MAX_BUILDS = 64


def _build(replay: Replay, frames: int, projector: bool, mode: str) -> str:
    snaps = [replay.snapshot(i) for i in range(frames)]
    fig = animation_figure(snaps, "Replay", projector=projector, height=DATA_HEIGHT)
    if mode == "d_only":  # G is frozen: the clock is D's steps
        for frame in fig.frames:
            frame.layout.title.text = frame.layout.title.text.replace("iteration", "D step")
        fig.layout.sliders[0].currentvalue.prefix = "D step "
        fig.layout.title.text = fig.layout.title.text.replace("iteration", "D step")
    return figure_json(fig)


def _animation_future(key: tuple, replay: Replay, mode: str) -> Future:
    with _BUILDS_LOCK:
        future = _BUILDS.get(key)
        if future is None or (future.done() and future.exception() is not None):
            if len(_BUILDS) >= MAX_BUILDS:
                _BUILDS.pop(next(iter(_BUILDS)))
            future = _BUILDER.submit(_build, replay, key[2], key[3], mode)
            _BUILDS[key] = future
        return future


def _animation(lesson_id: str, index: int, replay: Replay, frames: int, projector: bool, mode: str):
    """The animation's JSON: built already, waited for if a background build is under way, or
    built here, in the page's own thread (the teaser must not queue behind a prebuild)."""
    key = (lesson_id, index, frames, projector)
    with _BUILDS_LOCK:
        future = _BUILDS.get(key)
    if future is not None and not (future.done() and future.exception() is not None):
        return future.result()
    text = _build(replay, frames, projector, mode)
    done: Future = Future()
    done.set_result(text)
    with _BUILDS_LOCK:
        if len(_BUILDS) >= MAX_BUILDS:
            _BUILDS.pop(next(iter(_BUILDS)))
        _BUILDS[key] = done
    return text


def prebuild(lesson_id: str, index: int, replay: Replay, projector: bool, mode: str) -> None:
    """Start building the full replay in the background (the reveal will need it)."""
    _animation_future((lesson_id, index, replay.n_frames, projector), replay, mode)


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


def show(
    lesson: Lesson,
    index: int,
    step: Step,
    replay: Replay,
    slot: dict,
    projector: bool,
    teaser: int,
) -> None:
    revealed = slot["revealed"]
    frames = replay.n_frames if revealed else max(2, replay.n_frames // teaser)
    if not revealed:
        st.caption("The start of the run, on a loop: answer to see how it ends.")
    if "data" in step.views:
        text = _animation(lesson.id, index, replay, frames, projector, step.run.mode)
        if not revealed:
            prebuild(lesson.id, index, replay, projector, step.run.mode)
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
