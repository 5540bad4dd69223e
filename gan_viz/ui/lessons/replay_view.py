"""A step's views drawn from its recording: the animated data view, the curves, the occupancy.

The data view is an animation, each frame the playground's own view (spec_1d / spec_2d) of the
recording's frame rebuilt as a Snapshot, so the replay is the very picture the playground
draws; the curves and the occupancy strip are drawn under it by the same component, with a
cursor at the frame shown (replay_chart). Before the reveal only the start of the run is shown
(the step's first few frames, looping, and the curves up to there); after it, the whole run.
A question answered on the picture (a marker on the x axis, the ring's modes) is drawn over
it, before the reveal and after.
"""

from __future__ import annotations

import json
import threading

import numpy as np
import plotly.io
import streamlit as st
from _plotly_utils.utils import convert_to_base64

from gan_viz.lessons.claims import metric_value
from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.recording import Replay
from gan_viz.plots import palette
from gan_viz.plots.curves import curves_figure
from gan_viz.plots.occupancy import mode_labels, occupancy_arrays, occupancy_figure
from gan_viz.plots.view1d import spec_1d
from gan_viz.plots.view2d import spec_2d
from gan_viz.ui.lessons.replay_chart import BAR_HEIGHT, replay_chart

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
    """The replay as plotly JSON: the first frame's view and every frame's traces. The views are
    the playground's own plain-dict builders (spec_1d / spec_2d, the live feed's): graph objects
    took ~90 ms a frame to validate, these a few, so a step's replay builds in well under a
    second and no build thread competes with the server for the interpreter. WebGL scatters
    become SVG ones: the replay draws with a plotly.js bundle without WebGL (replay_chart), and a
    frame's few hundred points draw as fast in SVG."""
    clock = "D step" if mode == "d_only" else "iteration"  # G frozen: the clock is D's steps
    specs = []
    for i in range(frames):
        snap = replay.snapshot(i)
        js = snap.metrics.get("js")
        title = f"{clock} {snap.step:,}" + ("" if js is None else f" · JS = {js:.3f} nats")
        build = spec_1d if snap.dim == 1 else spec_2d
        spec = build(snap, projector=projector, height=DATA_HEIGHT, title=title)
        for trace in spec["data"]:
            if trace.get("type") == "scattergl":
                trace["type"] = "scatter"
            if snap.dim == 2 and str(trace.get("name", "")).startswith("real"):
                # the data are the same in every frame: half of them show its shape as well,
                # and a 2-D frame draws ~12% faster
                trace["x"], trace["y"] = trace["x"][::2], trace["y"][::2]
            elif trace.get("type") == "heatmap":  # smoothed by the browser: "best" cost the most
                trace["zsmooth"] = "fast"
        convert_to_base64(spec["data"])  # numpy arrays -> typed arrays, as the live feed
        specs.append(spec)
    figure = dict(
        data=specs[0]["data"],
        layout=dict(specs[0]["layout"]),
        frames=[
            dict(name=str(i), data=spec["data"], layout=dict(title=spec["layout"]["title"]))
            for i, spec in enumerate(specs)
        ],
    )
    return plotly.io.to_json(figure, validate=False)


def _companions(replay: Replay, views: tuple[str, ...], frames: int, projector: bool) -> list[str]:
    """The curves and the occupancy strip up to `frames`, as plotly JSON, in the step's order."""
    columns = {k: v[:frames] for k, v in replay.columns.items()}
    n_modes = len(replay.arrays["mode_centres"]) if "mode_centres" in replay.arrays else None
    out = []
    for view in views:
        if view == "curves":
            fig = curves_figure(columns, projector=projector, n_modes=n_modes)
        elif view == "occupancy" and n_modes:
            occ = occupancy_arrays([replay.snapshot(i) for i in range(frames)])
            if occ is None:
                continue
            fig = occupancy_figure(occ, projector=projector)
        else:
            continue
        out.append(fig.to_json(validate=False))
    return out


def cached(key: tuple, make):
    """The built figure (JSON) under `key`, made by `make()` the first time: shared by every
    session and every lesson view (keys start with the view's name), 64 at most."""
    with _BUILT_LOCK:
        value = _BUILT.get(key)
    if value is None:
        value = make()
        with _BUILT_LOCK:
            if len(_BUILT) >= MAX_BUILT:
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[key] = value
    return value


def _animation(lesson_id: str, index: int, replay: Replay, frames: int, projector: bool, mode: str):
    key = ("data", lesson_id, index, frames, projector)
    return cached(key, lambda: _build(replay, frames, projector, mode))


def _marker(x: float) -> dict:
    """The student's predicted x, a vertical line through the data view."""
    return dict(
        type="line",
        xref="x",
        yref="paper",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        line=dict(color=palette.EXTRA[0], width=3),  # reddish purple: the student's mark
    )


def mode_radius(replay: Replay) -> float:
    """A third of the way from a mode's centre to the nearest other centre: the circle drawn
    round a picked mode (big enough to see, never touching) and how near a click must be."""
    centres = np.asarray(replay.arrays["mode_centres"], float)
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    return float(np.min(gaps[gaps > 0])) / 3


def _circles(replay: Replay, picked: list[str]) -> list[dict]:
    """The student's picked modes, a circle round each picked centre."""
    centres = np.asarray(replay.arrays["mode_centres"], float)
    radius = mode_radius(replay)
    return [
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
        for name, (cx, cy) in zip(mode_names(replay), centres)
        if name in picked
    ]


def marks(replay: Replay, kind: str, answer) -> list[dict]:
    """The student's answer drawn over the picture: a marker line, or circles on the modes."""
    if answer is None:
        return []
    if kind == "point":
        return [_marker(float(answer))]
    if kind == "modes":
        return _circles(replay, list(answer))
    return []


def picker(replay: Replay, kind: str, answer) -> dict | None:
    """What a click on the picture answers, for the component (None: clicks answer nothing)."""
    if kind == "point" and replay.dim == 1:
        return {"kind": "x"}
    if kind == "modes" and "mode_centres" in replay.arrays:
        names = mode_names(replay)
        return {
            "kind": "modes",
            "centres": np.asarray(replay.arrays["mode_centres"], float).tolist(),
            "radius": mode_radius(replay),
            "picked": [names.index(n) for n in (answer or []) if n in names],
        }
    return None


def chart_key(lesson_id: str, index: int, frames: int) -> str:
    """The replay component's key: its value (a click on the picture) is read by this key."""
    return f"replay-{lesson_id}-{index}-{frames}"


def teaser_frames(step: Step, replay: Replay) -> int:
    return min(step.teaser_frames, replay.n_frames)


def loop(lesson_id: str, index: int, replay: Replay, projector: bool) -> None:
    """The data view of a whole recorded run, playing on a loop."""
    text = _animation(lesson_id, index, replay, replay.n_frames, projector, "game")
    replay_chart(
        text,
        DATA_HEIGHT + BAR_HEIGHT,
        key=f"loop-{lesson_id}-{index}",
        loop=True,
        steps=replay.iterations.tolist(),
    )


def show(
    lesson: Lesson,
    index: int,
    step: Step,
    replay: Replay,
    slot: dict,
    projector: bool,
) -> None:
    """The step's views: the replay with its companions below it, the student's marks on it."""
    revealed = slot["revealed"]
    frames = replay.n_frames if revealed else teaser_frames(step, replay)
    if not revealed:
        st.caption("The start of the run, on a loop: answer to see how it ends.")
    key = (lesson.id, index, frames, projector)
    companions = cached(
        ("companions", *key), lambda: _companions(replay, step.views, frames, projector)
    )
    if "data" not in step.views:
        for i, text in enumerate(companions):
            st.plotly_chart(plotly.io.from_json(text), key=f"view-{lesson.id}-{index}-{i}")
        return
    text = _animation(lesson.id, index, replay, frames, projector, step.run.mode)
    q = step.question
    kind = q.kind if q is not None else ""
    below = sum(json.loads(c)["layout"].get("height", 450) for c in companions)
    replay_chart(
        text,
        DATA_HEIGHT + BAR_HEIGHT + below,
        key=chart_key(lesson.id, index, frames),
        loop=not revealed,
        steps=replay.iterations[:frames].tolist(),
        companions=companions,
        shapes=marks(replay, kind, slot["answer"]),
        pick=None if revealed or q is None else picker(replay, kind, slot["answer"]),
        report_frame=revealed,
    )


def stopped_at(lesson_id: str, index: int, replay: Replay) -> int | None:
    """The iteration of the frame where the student paused the revealed replay, if they did."""
    sent = st.session_state.get(chart_key(lesson_id, index, replay.n_frames))
    frame = sent.get("frame") if isinstance(sent, dict) else None
    if not isinstance(frame, int) or not 0 <= frame < replay.n_frames:
        return None
    return int(replay.iterations[frame])
