"""A theory step's views, drawn from its recording: the Dirac-GAN's field with its iterates
moving over it, their distance to the equilibrium, the update's eigenvalues; or the f-GAN
critic T(x) closing on the optimal T*(x), and its bound rising to D_f.

The pictures are the theory lab's own (gan_viz.plots.theory: dirac_field, dirac_distance,
eigenvalue_plane, fgan_critic, fgan_bound). What does not move is drawn once; each frame of the
animation changes only the traces that move (the Dirac trajectory so far and its current
point; the critic T), listed in the frame's `traces`, plotly's way of animating some traces of
a figure, so a run of hundreds of frames sends the streamlines once. Before the reveal only
the first `teaser_frames` play, on a loop, with nothing that measures the answer (no distance,
no bound, no eigenvalues); after it, the whole run.
"""

from __future__ import annotations

import numpy as np
import plotly.io
import streamlit as st

from gan_viz.lessons.format import Lesson, Step
from gan_viz.lessons.recording import Replay
from gan_viz.plots import palette
from gan_viz.plots.theory.dirac import dirac_distance, dirac_field, eigenvalue_plane
from gan_viz.plots.theory.fgan import fgan_bound, fgan_critic
from gan_viz.ui.lessons.replay_chart import replay_chart
from gan_viz.ui.lessons.replay_view import cached

DATA_HEIGHT = 480
MAX_PATH_POINTS = 300  # per frame's trajectory: ~75 a turn is smooth; more only weighs
PATH, POINT = 1, 2  # dirac_field's traces: 0 the field, 1 a trajectory, 2 its end, 3 (0, 0)
CRITIC = 2  # fgan_critic's traces: 0 p_data, 1 p_g, 2 the learned T, 3 T*


def _thinned(points: np.ndarray) -> np.ndarray:
    """At most MAX_PATH_POINTS of a trajectory, its last point always kept."""
    k = max(1, -(-len(points) // MAX_PATH_POINTS))
    return points if k == 1 else np.concatenate([points[::k], points[-1:]])


def _title(iteration: int, point: np.ndarray, distance: bool) -> str:
    if not distance:  # before the reveal: the distance would give the answer away
        return f"iteration {iteration:,}"
    return f"iteration {iteration:,} · distance from (0, 0) = {np.hypot(*point):.3f}"


def dirac_figure(
    replay: Replay, frames: int, projector: bool = False, distance: bool = True
) -> dict:
    """The field and the iterates as a figure dict with `frames` frames: frame i draws the
    trajectory up to the i-th recorded iteration and marks where it is then; with `distance`,
    each frame's title says how far from (0, 0) that is."""
    a = replay.arrays
    axis = a["field_axis"].astype(float)
    path = np.asarray(a["path"], np.float32)  # drawn, not measured: halves the JSON
    iterations = [int(i) for i in replay.iterations[:frames]]
    fig = dirac_field(axis, axis, *a["field"].astype(float), {"iterates": path[:1]}, projector)
    figure = fig.to_plotly_json()
    figure["layout"]["height"] = DATA_HEIGHT + (120 if projector else 0)
    title = dict(figure["layout"]["title"])
    title["text"] = _title(0, path[0], distance)
    figure["layout"]["title"] = title
    # A square window [-span, span]^2 on a wide page: narrow the plot, not widen the range.
    figure["layout"]["xaxis"]["constrain"] = "domain"
    figure["frames"] = [
        {
            "name": str(i),
            "data": [
                {"x": (pts := _thinned(path[: it + 1]))[:, 0], "y": pts[:, 1]},
                {"x": path[it : it + 1, 0], "y": path[it : it + 1, 1]},
            ],
            "traces": [PATH, POINT],
            "layout": {"title": {**title, "text": _title(it, path[it], distance)}},
        }
        for i, it in enumerate(iterations)
    ]
    return figure


def _label(replay: Replay) -> str:
    from gan_viz.objectives import F_DIVERGENCES

    return F_DIVERGENCES[str(replay.arrays["divergence"])].label


def fgan_figure(replay: Replay, frames: int, projector: bool = False, bound: bool = True) -> dict:
    """The critic T(x) against T*(x) over p_data and p_g, a frame per recorded critic step;
    with `bound`, each frame's title gives the critic's bound and D_f."""
    a = replay.arrays
    x, p, q, t_star = (a[k].astype(float) for k in ("x", "p", "q", "t_star"))
    t = a["t"].astype(np.float32)
    # Laid out for the last critic, so the T axis holds the whole run; drawn from the first.
    figure = fgan_critic(x, t[replay.n_frames - 1], t_star, p, q, projector).to_plotly_json()
    figure["data"][CRITIC]["y"] = t[0]
    figure["layout"]["height"] = DATA_HEIGHT + (120 if projector else 0)
    title = dict(figure["layout"]["title"])
    rows, d_f = replay.columns, float(replay.columns["d_f"][0])

    def text(i: int) -> str:
        step = f"critic step {int(replay.iterations[i]):,}"
        if not bound:  # before the reveal: the bound would give the answer away
            return f"{_label(replay)}: {step}"
        return f"{step} · bound {rows['bound'][i]:.3f} nats, D_f = {d_f:.3f}"

    title["text"] = text(0)
    figure["layout"]["title"] = title
    figure["frames"] = [
        {
            "name": str(i),
            "data": [{"y": t[i]}],
            "traces": [CRITIC],
            "layout": {"title": {**title, "text": text(i)}},
        }
        for i in range(frames)
    ]
    return figure


def _animation(
    lesson_id: str, index: int, replay: Replay, frames: int, projector: bool, revealed: bool
) -> str:
    """The animation as JSON, built once (the streamlines take a quarter of a second)."""

    def build() -> str:
        make = fgan_figure if replay.kind == "fgan" else dirac_figure
        return plotly.io.to_json(make(replay, frames, projector, revealed), validate=False)

    return cached(("theory", lesson_id, index, frames, projector, revealed), build)


def circle(radius: float) -> dict:
    """The student's predicted distance drawn as a circle round the equilibrium."""
    return dict(
        type="circle",
        xref="x",
        yref="y",
        x0=-radius,
        x1=radius,
        y0=-radius,
        y1=radius,
        line=dict(color=palette.EXTRA[0], width=3, dash="dash"),  # the student's mark
    )


def chart_key(lesson_id: str, index: int, frames: int) -> str:
    """The replay component's key: a click on the picture is read by it (page.py)."""
    return f"replay-{lesson_id}-{index}-{frames}"


def point_range(replay: Replay) -> tuple[float, float]:
    """The slider of a distance question: 0 to the window's corner."""
    span = float(np.max(np.abs(replay.arrays["field_axis"])))
    return 0.0, round(span * np.sqrt(2), 1)


def show(lesson: Lesson, index: int, step: Step, replay: Replay, slot: dict, projector: bool):
    """The step's views: the animation (the Dirac field or the f-GAN critic), then, once
    revealed, the curve (distance or bound) and the eigenvalues."""
    revealed = slot["revealed"]
    frames = replay.n_frames if revealed else min(step.teaser_frames, replay.n_frames)
    if not revealed:
        st.caption("The start of the run, on a loop: answer to see how it ends.")
    if "data" in step.views:
        text = _animation(lesson.id, index, replay, frames, projector, revealed)
        q = step.question
        point = q is not None and q.kind == "point" and replay.kind == "dirac"
        answered = point and slot["answer"] is not None
        height = DATA_HEIGHT + (120 if projector else 0)
        replay_chart(
            text,
            height,
            key=chart_key(lesson.id, index, frames),
            loop=not revealed,
            shapes=[circle(float(slot["answer"]))] if answered else None,
            # a distance question is answered by clicking where the iterates will be
            pick={"kind": "xy"} if point and not revealed else None,
        )
    if not revealed:
        return  # the distance, even the start's, and the eigenvalues tell which way it goes
    if "curves" in step.views and replay.kind == "fgan":
        bound = fgan_bound(
            replay.columns["step"],
            replay.columns["bound"],
            float(replay.columns["d_f"][0]),
            _label(replay),
            projector,
        )
        st.plotly_chart(bound, key=f"bound-{lesson.id}-{index}")
    elif "curves" in step.views:
        st.plotly_chart(
            dirac_distance({"iterates": replay.arrays["path"]}, projector),
            key=f"distance-{lesson.id}-{index}",
        )
    if "eigenvalues" in step.views:
        a = replay.arrays
        measured = a["eig_update"] if a["eig_update"].size else None
        closed = a["eig_closed"] if a["eig_closed"].size else None
        st.plotly_chart(
            eigenvalue_plane(measured, closed, projector),
            key=f"eigenvalues-{lesson.id}-{index}",
        )
