"""A run as a self-contained interactive HTML animation: the playground's main view (Fig. 1 of
Goodfellow et al. 2014 in 1-D, the D(x) heat map with samples in 2-D) as plotly frames, with a
play button and a slider over the iterations. plotly.js is written into the file, so it opens
offline in any browser; nothing else is needed to show it in class.

The frames are the playground's own figures (gan_viz.plots.view1d / view2d), one per chosen
snapshot: the export shows exactly what the live page showed.
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from gan_viz.export import DEFAULT_FRAMES, frame_seqs
from gan_viz.plots.view1d import figure_1d
from gan_viz.plots.view2d import figure_2d

FRAME_MS = 150  # time per frame when played (~7 frames per second, as the live page)
SLIDER_ROOM = 110  # px under the plot for the play button and the slider


def view_figure(
    snap,
    *,
    projector: bool = False,
    height: int = 560,
    title: str | None = None,
    heat: str = "d",
    uirevision: str = "view",
):
    """The playground's main view of one snapshot, 1-D or 2-D as the snapshot is (`heat`: the
    2-D background, D or D*)."""
    if snap.real.shape[1] == 1:
        return figure_1d(
            snap, projector=projector, height=height, title=title, uirevision=uirevision
        )
    return figure_2d(
        snap, projector=projector, height=height, title=title, heat=heat, uirevision=uirevision
    )


def packed(data) -> list:
    """Traces with their float arrays as plotly.js typed-array specs (base64 float32): a
    128 x 128 heat map takes 110 kB in a file instead of 320 kB as decimal text, so an
    animation of 60 frames stays a file one can mail."""
    out = []
    for trace in data:
        changes = {}
        for attr in ("x", "y", "z"):
            value = trace[attr] if attr in trace else None
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                a = np.ascontiguousarray(value, dtype=np.float32)
                spec = dict(dtype="f4", bdata=base64.b64encode(a.tobytes()).decode("ascii"))
                if a.ndim == 2:
                    spec["shape"] = f"{a.shape[0]},{a.shape[1]}"
                changes[attr] = spec
        out.append(trace.update(changes) if changes else trace)
    return out


def frame_title(label: str, snap) -> str:
    js = snap.metrics.get("js")
    tail = "" if js is None else f" · JS = {js:.3f} nats"
    return f"{label}: iteration {snap.step:,}{tail}"


def player_controls(steps: list[int], clock: str = "iteration", frame_ms: int = FRAME_MS) -> dict:
    """Layout of an animation whose frames are named 0, 1, ...: a play/pause pair and a slider
    labelled with each frame's step (`clock` names the unit), under the plot."""
    redraw = dict(
        frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0)
    )
    play = dict(
        frame=dict(duration=frame_ms, redraw=True), fromcurrent=True, transition=dict(duration=0)
    )
    return dict(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=0.0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=50, r=10),
                showactive=False,
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play]),
                    dict(label="❚❚ Pause", method="animate", args=[[None], redraw]),
                ],
            )
        ],
        sliders=[
            dict(
                active=0,
                x=0.22,
                len=0.78,
                y=0.0,
                yanchor="top",
                pad=dict(t=40),
                currentvalue=dict(prefix=f"{clock} ", visible=True),
                steps=[
                    dict(method="animate", label=f"{step:,}", args=[[str(i)], redraw])
                    for i, step in enumerate(steps)
                ],
            )
        ],
    )


def animation_figure(
    snaps: list, label: str = "", *, projector: bool = False, height: int = 640
) -> go.Figure:
    """One frame per snapshot, named by its index; a play/pause pair and a slider labelled with
    the iteration. The axes stay fixed (as the views fix them from the target's window)."""
    if not snaps:
        raise ValueError("an animation needs at least one snapshot")
    figures = [
        view_figure(s, projector=projector, height=height, title=frame_title(label, s))
        for s in snaps
    ]
    fig = go.Figure(figures[0])
    fig.data = []
    fig.add_traces(packed(figures[0].data))
    fig.frames = [
        go.Frame(data=packed(f.data), name=str(i), layout=dict(title=f.layout.title))
        for i, f in enumerate(figures)
    ]
    fig.update_layout(
        height=height + SLIDER_ROOM,
        margin=dict(b=SLIDER_ROOM),
        **player_controls([s.step for s in snaps], "iteration"),
    )
    return fig


def export_html(
    store, run_id: int, path: str | Path, frames: int = DEFAULT_FRAMES, projector: bool = False
) -> Path:
    """Write a stored run as an offline interactive animation of `frames` evenly spread
    snapshots (fewer if the run holds fewer)."""
    run = store.open(run_id)
    seqs = frame_seqs(run.snapshot_index(), frames)
    fig = animation_figure([run.snapshot(s) for s in seqs], run.info.label, projector=projector)
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True, full_html=True, auto_play=False)
    return path
