"""Replay one stored run in the playground's views, with a timeline; download it in every
format; train it on from its last checkpoint.

The views are the playground's builders (gan_viz.plots.view1d / view2d, curves) drawn from the
store's snapshots and rows (gan_viz.store.StoredRun reads as a History does), so a replay looks
exactly as the run did live. Files to download are made only when their button is pressed.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import streamlit as st

from gan_viz.ui.common.pages import page

from gan_viz.export.animation import frame_title, view_figure
from gan_viz.plots.curves import curves_figure
from gan_viz.store import RunInfo, RunStore
from gan_viz.store.resume import lacked_device
from gan_viz.ui.common import projector as projector_switch
from gan_viz.ui.common.errors import shown_as_message

P = "runs"
RESUME_CHUNK = 100  # iterations between progress updates while a run trains on in the page


def projector() -> bool:
    return projector_switch.on()


def step_label(index: list, i: int) -> str:
    _, step, d, g = index[i]
    return f"iteration {step:,} (D steps {d:,}, G steps {g:,})"


def view(run, snap, key: str, heat: str = "d", height: int | None = None) -> None:
    big = projector()
    fig = view_figure(
        snap,
        projector=big,
        height=height or (680 if big else 540),
        title=frame_title(run.info.label, snap),
        heat=heat,
        uirevision=f"{key}.{run.id}",
    )
    st.plotly_chart(fig, key=key, width="stretch", theme=None)


def replay(s: RunStore, info: RunInfo) -> None:
    """Timeline, view and curves of one run, then its downloads and Resume."""
    run = s.open(info.id)
    index = run.snapshot_index()
    st.markdown(
        f"**{info.label}** · {info.kind} · {info.status}"
        f"{' (' + info.message + ')' if info.message else ''} · {info.step:,} iterations · "
        f"{info.snapshots} snapshots · {info.rows:,} metric rows"
    )
    if not index:
        st.info("This run has no snapshots to replay (it stopped before its first one).")
        return
    if len(index) > 1:
        i = st.select_slider(
            "Timeline (stored snapshots)",
            options=list(range(len(index))),
            value=len(index) - 1,
            format_func=lambda i: step_label(index, i),
            # A new slider (at the newest snapshot) when the run grows: trained on, or live.
            key=f"{P}.timeline.{info.id}.{len(index)}",
        )
    else:
        i = 0
    if info.kind == "image":
        from gan_viz.ui.runs import images as runs_images

        runs_images.replay(s, info, index, i)
        downloads(s, info, index[i][1])
        resume(s, info)
        return
    snap = run.snapshot(index[i][0])
    heat = "d"
    if snap.real.shape[1] == 2:
        heat = st.radio(
            "Heat map",
            ["d", "d_star"],
            format_func=lambda h: "learned D(x)" if h == "d" else "optimal D*(x)",
            horizontal=True,
            key=f"{P}.heat",
            label_visibility="collapsed",
        )
    left, right = (st.container(), st.container()) if projector() else st.columns([1.1, 1])
    with left, shown_as_message("draw the view"):
        view(run, snap, f"{P}.view", heat)
    with right, shown_as_message("draw the curves"):
        modes = snap.mode_counts
        fig = curves_figure(
            run.columns(),
            projector=projector(),
            now=snap.step,
            n_modes=None if modes is None else len(modes),
            uirevision=f"{P}.curves.{info.id}",
        )
        st.plotly_chart(fig, key=f"{P}.curves", width="stretch", theme=None)
    downloads(s, info, snap.step)
    resume(s, info)


def _via_file(make, suffix: str):
    """A callable returning the bytes an exporter writes to a path (for deferred download)."""

    def data() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"export{suffix}"
            make(path)
            return path.read_bytes()

    return data


def downloads(s: RunStore, info: RunInfo, step: int) -> None:
    """CSV, JSON, archive, HTML animation, GIF and projector PNG (made on the click)."""
    from gan_viz.export.animation import export_html
    from gan_viz.export.metrics_csv import write_metrics_csv
    from gan_viz.export.movie import export_gif
    from gan_viz.export.png import export_png
    from gan_viz.store.archive import export_archive

    run = s.open(info.id)
    stem = f"run-{info.id}"
    toy_views = info.snapshots > 0 and info.kind == "toy"  # the animations draw the toy views
    with st.expander("Download", icon=":material/download:", expanded=False):
        c = st.columns(3)
        frames = c[0].number_input("Frames (HTML, GIF)", 2, 200, 60, key=f"{P}.frames")
        max_mb = c[1].number_input("GIF size limit (MB)", 0.05, 50.0, 5.0, key=f"{P}.max_mb")
        width = c[2].number_input("GIF width (px)", 160, 1920, 800, step=80, key=f"{P}.width")
        b = st.columns(6)

        def csv_bytes() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "m.csv"
                write_metrics_csv(path, run.columns())
                return path.read_bytes()

        items = [
            ("Metrics CSV", csv_bytes, ".csv", "text/csv", info.rows > 0),
            (
                "Settings JSON",
                lambda: json.dumps(run.settings(), indent=2).encode(),
                ".json",
                "application/json",
                True,
            ),
            (
                "Archive",
                _via_file(lambda p: export_archive(s, info.id, p), ".zip"),
                ".zip",
                "application/zip",
                True,
            ),
            (
                "HTML animation",
                _via_file(lambda p: export_html(s, info.id, p, frames=int(frames)), ".html"),
                ".html",
                "text/html",
                toy_views,
            ),
            (
                "GIF",
                _via_file(
                    lambda p: export_gif(s, info.id, p, int(frames), int(width), int(max_mb * 1e6)),
                    ".gif",
                ),
                ".gif",
                "image/gif",
                toy_views,
            ),
            (
                "PNG 1920×1080",
                _via_file(lambda p: export_png(s, info.id, p, step=step), ".png"),
                ".png",
                "image/png",
                toy_views,
            ),
        ]
        for col, (name, data, suffix, mime, ok) in zip(b, items, strict=True):
            col.download_button(
                name,
                data=data,
                file_name=stem + suffix,
                mime=mime,
                disabled=not ok,
                key=f"{P}.dl.{suffix}",
                on_click="ignore",
            )
        st.caption(
            "The PNG shows the view at the timeline's iteration in projector style; the HTML "
            "animation opens offline in any browser (plotly.js is inside)."
        )


def resume(s: RunStore, info: RunInfo) -> None:
    """Train a run on from its last checkpoint, here, recording into the same run or a fork."""
    with st.expander("Train on from here", icon=":material/play_arrow:"):
        if info.weights_step is None:
            st.caption("This run saved no weights, so it cannot go on.")
            return
        st.caption(
            f"Goes on from its last checkpoint (iteration {info.weights_step:,}) with the same "
            "settings; rows recorded after the checkpoint are trained again."
        )
        lacked = lacked_device(s, info.id)
        if lacked:
            st.caption(f"Trained on {lacked}, which this machine lacks: it goes on with auto.")
        c1, c2 = st.columns([1, 1])
        steps = c1.number_input("Iterations to add", 10, 100_000, 1000, step=500, key=f"{P}.more")
        fork = c2.toggle("As a new run (keep this one as it is)", key=f"{P}.fork")
        go, live = st.columns([1, 2])
        if go.button("Train on", icon=":material/play_arrow:", key=f"{P}.resume"):
            with shown_as_message("train the run on"):
                run_id = train_on(s, info, int(steps), fork)
                if fork:
                    st.session_state[f"{P}.picked"] = [run_id]
                st.rerun()
        if info.kind == "toy" and live.button(
            "Continue live in the Playground",
            icon=":material/tune:",
            key=f"{P}.live",
            help="Open this run in the Playground, paused at its last checkpoint with its past "
            "on the timeline; press Train there to watch it go on.",
        ):
            from gan_viz.ui.playground.session import RESUME_REQUEST

            st.session_state[RESUME_REQUEST] = (info.id, fork)
            st.switch_page(page("playground"))


def train_on(s: RunStore, info: RunInfo, steps: int, fork: bool) -> int:
    if info.kind == "image":  # its data and the cached digit classifier are loaded here
        from gan_viz.images.store import ImageFollower as Follower
        from gan_viz.images.store import resume
    else:
        from gan_viz.toy_store import ToyFollower as Follower
        from gan_viz.toy_store import resume

    lacked = lacked_device(s, info.id)
    run, rec = resume(s, info.id, new_run=fork, device="auto" if lacked else None)
    follow = Follower(run, rec)
    bar = st.progress(0.0, text="training…")
    done = 0
    try:
        while done < steps and run.diverged is None:
            n = min(RESUME_CHUNK, steps - done)
            done += run.train(n)
            follow.poll()
            bar.progress(done / steps, text=f"training… {done:,} / {steps:,} iterations")
    finally:
        follow.finish()
    return rec.run_id
