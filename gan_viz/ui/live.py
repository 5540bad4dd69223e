"""The live part of the playground: the iteration line, the data view, the curves and the
timeline.

While training, two fragments redraw on their own clocks, never the whole page: the data view
and the iteration line every FRAME_SECONDS (the training process snapshots at that rate), the
curves every CURVES_SECONDS (they change slowly, and a page that draws less leaves more of the
machine to training). When paused, one fragment holds the timeline and both views, so scrubbing
moves them together. Figures keep one `uirevision` per run, so zoom survives every frame, and
an unchanged figure is not built again. When training stops on its own (divergence, a closed
tab) the view fragment asks for one full rerun, so the controls catch up.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.plots.curves import curves_figure
from gan_viz.plots.view1d import figure_1d
from gan_viz.plots.view2d import figure_2d
from gan_viz.snapshot import Snapshot
from gan_viz.ui.errors import shown_as_message
from gan_viz.ui.help import METRICS, tip
from gan_viz.ui.session import Playground
from gan_viz.ui.sidebar import PROJECTOR_KEY
from gan_viz.ui.training_process import FRAME_SECONDS

CURVES_SECONDS = 0.6  # the curves' redraw period while training
P = "pg"
HEAT_KEY = f"{P}.view.heat"
LOG_STEPS_KEY = f"{P}.view.log_steps"
BITS_KEY = f"{P}.view.bits"
FIGURES = f"{P}.figures"  # session-state cache: view name -> (what it shows, figure)
LIVE_CSS = """<style>
/* Live views are replaced several times a second: never fade them while a frame is drawn. */
.st-key-pg-live [data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>"""


def _projector() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY, False))


def _cached(name: str, signature: tuple, build):
    """The figure for `signature`, built only when the signature changed since last time."""
    cache = st.session_state.setdefault(FIGURES, {})
    if name not in cache or cache[name][0] != signature:
        cache[name] = (signature, build())
    return cache[name][1]


def status_line(state: Playground, shown: Snapshot | None) -> None:
    worker, run = state.worker, state.worker.run
    speed = f"{worker.iterations_per_second():,.0f} it/s" if worker.training else "paused"
    parts = [
        f"**Iteration {run.step_count:,}**",
        speed,
        f"D steps {run.d_updates:,}",
        f"G steps {run.g_updates:,}",
        f"device: {run.device}",
    ]
    if shown is not None and not worker.training and shown.step != run.step_count:
        parts.append(f"showing iteration {shown.step:,}")
    st.markdown(" · ".join(parts))


def stop_notes(state: Playground) -> None:
    worker, run = state.worker, state.worker.run
    if run.diverged is not None:
        st.error(
            f"The run {run.diverged}. Training paused; everything recorded up to then is "
            "kept, so scrub the timeline to see how it happened. Lower the learning rates "
            "or change the objective, then press Reset.",
            icon=":material/error:",
        )
    elif worker.stopped_because and not worker.training:
        st.info(worker.stopped_because, icon=":material/pause_circle:")


def timeline(state: Playground) -> Snapshot | None:
    """The snapshot the timeline points at (the latest when there is nothing to scrub).

    The slider has no key: when the recorded steps change (a Step, more training) it is a new
    slider, and it starts at the latest snapshot again.
    """
    history = state.worker.run.history
    steps = history.snapshot_steps()
    if len(steps) < 2:
        return history.latest()
    step = st.select_slider(
        "Timeline (recorded snapshots)",
        options=steps,
        value=steps[-1],
        format_func=lambda s: f"iteration {s:,}",
        help=tip("timeline"),
    )
    return history.snapshot_at(step)


def data_view(state: Playground, snap: Snapshot) -> None:
    """The 1-D picture or the 2-D heat map of one snapshot, with its heat-map switch."""
    projector = _projector()
    heat = "d"
    if snap.dim == 2:
        heat = st.radio(
            "Heat map",
            ["d", "d_star"],
            key=HEAT_KEY,
            format_func=lambda h: "learned D(x)" if h == "d" else "optimal D*(x)",
            horizontal=True,
            label_visibility="collapsed",
            help=tip("heat"),
        )
    revision = f"run{state.run_number}"
    signature = (id(snap), snap.step, heat, projector, revision)

    def build():
        if snap.dim == 1:
            return figure_1d(
                snap, projector=projector, uirevision=revision, height=620 if projector else 520
            )
        return figure_2d(
            snap,
            projector=projector,
            heat=heat,
            uirevision=revision,
            height=720 if projector else 560,
        )

    with shown_as_message("draw the data view"):
        fig = _cached("view", signature, build)
        st.plotly_chart(fig, key=f"{P}.view{snap.dim}", width="stretch")


def curves(state: Playground, now: int | None) -> None:
    """Every curve over iterations, with its switches; `now` marks the snapshot shown."""
    c1, c2 = st.columns(2)
    log_steps = c1.toggle(
        "Log iteration axis", value=False, key=LOG_STEPS_KEY, help=tip("log_steps")
    )
    bits = c2.toggle("Divergences in bits", value=False, key=BITS_KEY, help=tip("bits"))
    run, projector = state.worker.run, _projector()
    revision = f"run{state.run_number}.{log_steps}"
    signature = (id(run), len(run.history), log_steps, bits, now, projector, revision)

    def build():
        return curves_figure(
            run.history.columns(),
            projector=projector,
            log_steps=log_steps,
            bits=bits,
            now=now,
            n_modes=run.n_modes,
            uirevision=revision,
        )

    with shown_as_message("draw the curves"):
        st.plotly_chart(_cached("curves", signature, build), key=f"{P}.curves", width="stretch")


def _columns():
    if _projector():
        return st.container(), st.container()  # a projector's big type needs the full width
    return st.columns([1.1, 1])


def live_views(state: Playground) -> None:
    """The live part of the page, in fragments (see the module docstring)."""
    st.html(LIVE_CSS)
    training = state.worker.training
    with st.container(key="pg-live"):
        if training:
            left, right = _columns()
            with left:
                st.fragment(run_every=FRAME_SECONDS)(_training_view)(state)
            with right:
                st.fragment(run_every=CURVES_SECONDS)(_training_curves)(state)
        else:
            st.fragment(_paused)(state)
    with st.expander("How the curves are measured"):
        st.markdown(METRICS)


def _training_view(state: Playground) -> None:
    worker = state.worker
    worker.heartbeat()
    if not worker.training:
        st.rerun()  # training stopped on its own: redraw the controls
    snap = worker.run.history.latest()
    status_line(state, snap)
    if snap is not None:
        data_view(state, snap)


def _training_curves(state: Playground) -> None:
    curves(state, None)


def _paused(state: Playground) -> None:
    worker = state.worker
    worker.heartbeat()
    if worker.training:
        st.rerun()
    snap = timeline(state)
    status_line(state, snap)
    stop_notes(state)
    if snap is None:
        return
    left, right = _columns()
    run = worker.run
    with left:
        data_view(state, snap)
    with right:
        curves(state, None if snap.step == run.step_count else snap.step)
