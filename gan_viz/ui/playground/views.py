"""The live part of the playground: the timeline, the iteration line, the data view and the
curves.

While training, no chart is redrawn by a rerun: each follows a FrameFeed
(gan_viz.live.feed),
a file the server rewrites with the chart's newest figure and the chart fetches on its own
clock: the data view every FRAME_SECONDS (the training process snapshots at that rate), the
curves and the mode occupancy at most every STATUS_SECONDS. Only a small fragment reruns, every
STATUS_SECONDS: the iteration line, the heartbeat that keeps the run alive, and the feeds'
renewal. A Streamlit rerun re-renders the page's React tree once per element it sends, so a
fragment that also held the charts and their switches would cost the browser much more, and a
page that draws less leaves more of the machine to training (figures: benchmarks/RESULTS.md,
design notes). When paused,
the charts are drawn from the page and redraw only on interaction; the timeline sits above them
and a scrub reruns the page, so both views follow it. Each chart keeps its place on the page in
both modes, so its Plotly instance (gan_viz.ui.common.live_chart) and the
user's zoom survive Train and
Pause. An unchanged figure is not built again. When training stops on its own (divergence, a
closed tab) the fragment asks for one full rerun, so the controls catch up.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.live.feed import FrameFeed
from gan_viz.live.process import FRAME_SECONDS
from gan_viz.plots.curves import curves_figure, curves_height
from gan_viz.plots.occupancy import occupancy_arrays, occupancy_figure, occupancy_height
from gan_viz.plots.view1d import figure_1d, spec_1d
from gan_viz.plots.view2d import figure_2d, spec_2d
from gan_viz.snapshot import Snapshot
from gan_viz.ui.common import projector
from gan_viz.ui.common.errors import shown_as_message
from gan_viz.ui.common.help import METRICS, tip
from gan_viz.ui.common.live_chart import component_folder, live_chart
from gan_viz.ui.playground.session import Playground

# The iteration line's and the curves' period while training (the data view's title gives each
# frame's iteration). Each rerun re-renders the page, however small the fragment, so a longer
# period leaves the browser less to do and training more of the machine (figures:
# benchmarks/RESULTS.md, live.py).
STATUS_SECONDS = 2.0
P = "pg"
HEAT_KEY = f"{P}.view.heat"
LOG_STEPS_KEY = f"{P}.view.log_steps"
BITS_KEY = f"{P}.view.bits"
TIMELINE_KEY = f"{P}.timeline"  # + which snapshots it runs over (see timeline)
BACK_KEY = f"{P}.back"  # the timeline's buttons, and the presenter keys ← and →
FORWARD_KEY = f"{P}.forward"
FIGURES = f"{P}.figures"  # session-state cache: view name -> (what it shows, figure)
FEEDS = f"{P}.feeds"  # session state: chart name -> its FrameFeed
FOLLOWED = f"{P}.followed"  # session state: chart name -> what its feed follows, while training
CURVES_POLL_SECONDS = 0.5  # how often the curves' charts look for a newer figure
LIVE_CSS = """<style>
/* Live views are replaced several times a second: never fade them while a frame is drawn. */
.st-key-pg-live [data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>"""


def _projector() -> bool:
    return projector.on()


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
    if run.status.stored_run is not None:
        parts.append(f"saved as run {run.status.stored_run} (see Runs)")
    latest = run.history.latest()
    if shown is not None and not worker.training and shown is not latest:
        parts.append(f"showing {_label(shown)}")
    st.markdown(" · ".join(parts))
    if run.status.store_problem:
        st.warning(f"Run store: {run.status.store_problem}", icon=":material/sd_card_alert:")


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


def _scrub(key: str, index: int) -> None:
    st.session_state[key] = index


def timeline(state: Playground) -> Snapshot | None:
    """The snapshot to show: the latest while training; when paused, the one the timeline
    points at, with a button (and key) either side for the previous and the next one.

    The slider runs over recorded snapshots, not steps: Step D and Step G record snapshots that
    share an iteration. Its key names the snapshots it runs over: when they change (a Step, more
    training) it is a new slider, and it starts at the latest one again. At the latest, Forward
    is disabled, so the → key falls through to Step (gan_viz.ui.common.keys).
    """
    snaps = state.worker.run.history.snapshots()
    if state.worker.training or len(snaps) < 2:
        return snaps[-1] if snaps else None
    newest, key = len(snaps) - 1, _timeline_key(state, snaps)
    st.session_state.setdefault(key, newest)
    back, slider, forward = st.columns([1, 14, 1], vertical_alignment="bottom")
    index = slider.select_slider(
        "Timeline (recorded snapshots)",
        options=list(range(len(snaps))),
        key=key,
        format_func=lambda i: _label(snaps[i]),
        help=tip("timeline"),
    )
    back.button(
        "←",
        key=BACK_KEY,
        on_click=_scrub,
        args=(key, index - 1),
        disabled=index == 0,
        help="The previous recorded snapshot (key ←).",
    )
    forward.button(
        "→",
        key=FORWARD_KEY,
        on_click=_scrub,
        args=(key, index + 1),
        disabled=index == newest,
        help="The next recorded snapshot (key →; at the newest, → takes a Step).",
    )
    return snaps[index]


def _timeline_key(state: Playground, snaps: list[Snapshot]) -> str:
    last = snaps[-1]
    return f"{TIMELINE_KEY}.{state.run_number}.{len(snaps)}.{last.d_updates}.{last.g_updates}"


def looked_back(state: Playground) -> Snapshot | None:
    """The snapshot the paused timeline looks back at (None at its newest, or while training),
    read before the timeline is drawn: the page writes its link first, so a click while the
    views draw already carries it (gan_viz.ui.playground.session.write_link)."""
    snaps = state.worker.run.history.snapshots()
    if state.worker.training or len(snaps) < 2:
        return None
    index = st.session_state.get(_timeline_key(state, snaps), len(snaps) - 1)
    return snaps[index] if 0 <= index < len(snaps) - 1 else None


def _label(snap: Snapshot) -> str:
    return f"iteration {snap.step:,} (D steps {snap.d_updates:,}, G steps {snap.g_updates:,})"


def _feed(name: str) -> FrameFeed:
    feeds = st.session_state.setdefault(FEEDS, {})
    if name not in feeds:
        feeds[name] = FrameFeed(component_folder())
    return feeds[name]


def _follow(name: str, *args, **kwargs) -> FrameFeed:
    """Chart `name`'s feed follows FrameFeed.follow(*args, **kwargs), renewed by the status
    fragment every STATUS_SECONDS until the page is drawn again."""
    st.session_state.setdefault(FOLLOWED, {})[name] = (args, kwargs)
    feed = _feed(name)
    feed.follow(*args, **kwargs)
    return feed


def _renew_feeds() -> None:
    """Renew (or restart, after a stall longer than the lease) every feed the page follows."""
    for name, (args, kwargs) in st.session_state.get(FOLLOWED, {}).items():
        feed = _feed(name)
        feed.follow(*args, **kwargs)
        if feed.error:
            st.warning(f"The live {name} cannot update: {feed.error}", icon=":material/warning:")


def _stop_feeds() -> None:
    st.session_state.pop(FOLLOWED, None)
    for feed in st.session_state.get(FEEDS, {}).values():
        feed.stop()


def data_view(state: Playground, snap: Snapshot, training: bool = False) -> None:
    """The 1-D picture or the 2-D heat map of one snapshot, with its heat-map switch. While
    training the chart follows the data view's feed from `snap` on."""
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
    dim = snap.dim
    height = (620 if projector else 520) if dim == 1 else (720 if projector else 560)

    def build(snap: Snapshot, live: bool = False):
        if snap.dim == 1:
            draw = spec_1d if live else figure_1d
            return draw(snap, projector=projector, uirevision=revision, height=height)
        args = dict(projector=projector, heat=heat, uirevision=revision, height=height)
        return spec_2d(snap, live=True, **args) if live else figure_2d(snap, **args)

    key = f"{P}.view{dim}"
    with shown_as_message("draw the data view"):
        if training:  # (a feed's folder could be unwritable: one line, not a traceback)
            run = state.worker.run  # D* is measured: only records have it
            source = run.history.latest if heat == "d_star" else run.latest_frame
            signature = (heat, projector, revision)
            feed = _follow("view", source, signature, lambda s: build(s, live=True))
            live_chart(None, key=key, feed=feed, height=height, period=FRAME_SECONDS)
        else:
            signature = (id(snap), snap.step, heat, projector, revision)
            live_chart(_cached("view", signature, lambda: build(snap)), key=key)


def _rows(history) -> tuple:
    """Which rows a history holds: more rows (or another history) redraw the curves."""
    return (id(history), len(history))


def _snapshots(history) -> tuple:
    """Which snapshots a history holds: a new one (or another history) redraws the occupancy."""
    steps = history.snapshot_steps()
    return (id(history), len(steps), steps[-1] if steps else None)


def curves(state: Playground, now: int | None, training: bool = False) -> None:
    """Every curve over iterations, with its switches; `now` marks the snapshot shown. While
    training the charts follow their feeds, redrawn at most every STATUS_SECONDS."""
    c1, c2 = st.columns(2)
    log_steps = c1.toggle(
        "Log iteration axis", value=False, key=LOG_STEPS_KEY, help=tip("log_steps")
    )
    bits = c2.toggle("Divergences in bits", value=False, key=BITS_KEY, help=tip("bits"))
    run, projector = state.worker.run, _projector()
    revision = f"run{state.run_number}.{log_steps}"

    def build(history):
        return curves_figure(
            history.columns(),
            projector=projector,
            log_steps=log_steps,
            bits=bits,
            now=now,
            n_modes=run.n_modes,
            uirevision=revision,
        )

    with shown_as_message("draw the curves"):
        signature = (log_steps, bits, now, projector, revision)
        height = curves_height(run.n_modes, projector)
        _history_chart("curves", state, training, signature, build, _rows, height)
    if run.n_modes:
        occupancy(state, projector, training)


def occupancy(state: Playground, projector: bool, training: bool = False) -> None:
    """Mixture targets: which modes G's samples occupy over iterations (modes x time), from
    the mode counts of the recorded snapshots; a collapsed G lights one row at a time."""

    def build(history):
        occ = occupancy_arrays(history)
        return None if occ is None else occupancy_figure(occ, projector=projector)

    with shown_as_message("draw the mode occupancy"):
        height = occupancy_height(state.worker.run.n_modes, projector)
        _history_chart("occupancy", state, training, (projector,), build, _snapshots, height)


def _history_chart(
    name: str, state: Playground, training: bool, signature: tuple, build, token, height: int
) -> None:
    """A chart of the run's history, `build(history)` (None: nothing to draw yet). While
    training it follows its feed, rebuilt at most every STATUS_SECONDS when `token(history)`
    changes; paused, the page draws it."""
    run, key = state.worker.run, f"{P}.{name}"
    if training:
        feed = _follow(
            name, lambda: run.history, signature, build, token=token, every=STATUS_SECONDS
        )
        live_chart(None, key=key, feed=feed, height=height, period=CURVES_POLL_SECONDS)
    else:
        fig = _cached(name, (*token(run.history), *signature), lambda: build(run.history))
        if fig is not None:
            live_chart(fig, key=key)


def live_views(state: Playground) -> None:
    """The live part of the page (see the module docstring)."""
    st.html(LIVE_CSS)
    training = state.worker.training
    shown = timeline(state)
    if training:  # the charts below follow their feeds anew
        st.session_state.pop(FOLLOWED, None)
    else:
        _stop_feeds()
    latest = state.worker.run.history.latest()
    snap = shown if shown is not None else latest
    with st.container(key="pg-live"):
        if _projector():  # a projector's big type needs the full width
            left, right = st.container(), st.container()
        else:
            left, right = st.columns([1.1, 1])
        with left:
            st.fragment(run_every=STATUS_SECONDS if training else None)(_status)(
                state, training, snap
            )
            if snap is not None:
                data_view(state, snap, training)
        with right:
            scrubbed = not training and snap is not None and snap is not latest
            curves(state, snap.step if scrubbed else None, training)
    with st.expander("How the curves are measured"):
        st.markdown(METRICS)


def _status(state: Playground, training: bool, shown: Snapshot | None) -> None:
    """The iteration line; while training, also what keeps the run and the feeds alive."""
    worker = state.worker
    worker.heartbeat()
    if worker.training != training:
        st.rerun()  # training started or stopped elsewhere: redraw the controls
    status_line(state, None if training else shown)
    stop_notes(state)
    if training:
        _renew_feeds()
