"""The MNIST page's controls and live views.

Controls: Train / Pause, Step D, Step G, Step, Reset (as the playground's). Views, redrawn by a
fragment every FRAME_SECONDS while training (the rest of the page stays put): the status line,
the fixed-noise grid, one grid cell over training, a latent interpolation strip, the class
histogram now and over time, D's outputs on real and generated digits, and every metric curve.
A figure is built again only when a new evaluation has arrived; each chart keeps its Plotly
instance (gan_viz.ui.common.live_chart), so the page does not flicker.
"""

from __future__ import annotations

import streamlit as st
from streamlit.logger import get_logger

from gan_viz.device import describe
from gan_viz.errors import ConfigError
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.plots.images import (
    class_histogram,
    class_share_over_time,
    d_outputs,
    digit_grid,
    grid_evolution,
    grid_figure,
    image_metric_curves,
    interpolation_strip,
)
from gan_viz.ui.common import projector
from gan_viz.ui.common.errors import shown_as_message
from gan_viz.ui.common.live_chart import live_chart
from gan_viz.ui.mnist import session as mnist_session
from gan_viz.ui.mnist.session import MnistPage

FRAME_SECONDS = 1.0  # the live views' redraw period while training
P = "mnist"
FIGURES = f"{P}.figures"  # session-state cache: view name -> (what it shows, figure)
CELL_KEY = f"{P}.view.cell"
DIGIT_KEY = f"{P}.view.digit"
LOG_KEY = f"{P}.view.log_steps"
log = get_logger(__name__)
LIVE_CSS = """<style>
.st-key-mnist-live [data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>"""


def _act(state: MnistPage, what: str, action) -> None:
    """Do what a button asks, then rerun the page; what goes wrong becomes one line."""
    try:
        action()
    except ConfigError as err:
        state.messages.append(str(err))
    except Exception as err:  # one line on the page, the traceback in the server's log
        log.exception("gan-viz MNIST: %s failed", what)
        state.messages.append(f"Could not {what}: {type(err).__name__}: {err}")
    st.rerun()


def _train_or_pause(state: MnistPage) -> None:
    if state.trainer.training:
        state.trainer.pause()
    elif not state.trainer.start():
        state.messages.append("This run has diverged and cannot go on: press Reset.")


def control_bar(state: MnistPage, cfg, reset_pending: bool) -> None:
    """The buttons above the views. Each acts, then reruns the page so every part shows it."""
    trainer = state.trainer
    training = trainer.training
    cols = st.columns([1.3, 1, 1, 1, 1, 4], vertical_alignment="bottom")
    if cols[0].button(
        "Pause" if training else "Train",
        icon=":material/pause:" if training else ":material/play_arrow:",
        key=f"{P}.train",
        type="primary",
        disabled=state.run.diverged is not None and not training,
        help="Train in the background (the page stays live) / pause.",
        width="stretch",
    ):
        _act(state, "train or pause", lambda: _train_or_pause(state))
    moves = (
        ("Step D", "d", "One gradient step of D with G fixed. Pauses training first."),
        ("Step G", "g", "One gradient step of G with D fixed. Pauses training first."),
        ("Step", "it", "One iteration of Algorithm 1: k D steps, then the G steps."),
    )
    for col, (label, move, text) in zip(cols[1:4], moves):
        if col.button(label, key=f"{P}.step_{move}", help=text, width="stretch"):
            _act(state, f"take the {label}", lambda m=move: trainer.move(m))
    if cols[4].button(
        "Reset",
        icon=":material/restart_alt:",
        key=f"{P}.reset",
        type="primary" if reset_pending else "secondary",
        help="A fresh run with the settings in the sidebar (new weights from the seed).",
        width="stretch",
    ):
        _act(state, "start a new run", lambda: mnist_session.reset(state, cfg))


def _cached(name: str, signature: tuple, build):
    """The figure for `signature`, built only when the signature changed since last time."""
    cache = st.session_state.setdefault(FIGURES, {})
    if name not in cache or cache[name][0] != signature:
        cache[name] = (signature, build())
    return cache[name][1]


def status_line(state: MnistPage) -> None:
    trainer, run = state.trainer, state.run
    speed = f"{trainer.iterations_per_second():,.1f} it/s" if trainer.training else "paused"
    described = run.describe()
    parts = [
        f"**Iteration {run.step_count:,}**",
        speed,
        f"D steps {run.trainer.d_updates:,}",
        f"G steps {run.trainer.g_updates:,}",
        f"evaluations {len(run.history):,}",
        f"device: {describe(run.device)}"
        + (", bf16 autocast" if described["precision"] == "bf16" else ""),
        f"classifier accuracy {described['classifier_accuracy']:.1%} on held-out digits",
    ]
    if trainer.stored_run is not None:
        parts.append(f"saved as run {trainer.stored_run} (see Runs)")
    st.markdown(" · ".join(parts))
    if run.diverged is not None:
        st.error(
            f"The run {run.diverged}. Training stopped; everything measured up to then is kept. "
            "Lower the learning rates or change the objective, then press Reset.",
            icon=":material/error:",
        )
    elif trainer.stopped_because and not trainer.training:
        st.info(trainer.stopped_because, icon=":material/pause_circle:")


def _views(state: MnistPage, training: bool) -> None:
    trainer, run = state.trainer, state.run
    trainer.heartbeat()
    if trainer.training != training:
        st.rerun()  # training started or stopped on its own: redraw the controls
    status_line(state)
    snap = run.history.latest()
    if snap is None:
        return
    proj = projector.on()  # the app's switch: larger type, thicker lines
    key = (state.run_number, snap.step, len(run.history), proj)
    left, right = st.columns([1, 1.15])
    with left, shown_as_message("draw the grid"):
        live_chart(
            _cached("grid", key, lambda: _tall(grid_figure(snap, projector=proj), 640)),
            key=f"{P}.grid",
        )
    with right:
        _strips(state, snap, key, proj)
        with shown_as_message("draw the class histogram"):
            live_chart(
                _cached("hist", key, lambda: _tall(class_histogram(snap, projector=proj), 300)),
                key=f"{P}.hist",
            )
    c1, c2 = st.columns(2)
    columns = run.history.columns()
    with c1, shown_as_message("draw the class histogram over time"):
        live_chart(
            _cached(
                "share", key, lambda: _tall(class_share_over_time(columns, projector=proj), 360)
            ),
            key=f"{P}.share",
        )
    with c2, shown_as_message("draw D's outputs"):
        live_chart(
            _cached("d", key, lambda: _tall(d_outputs(snap, projector=proj), 360)), key=f"{P}.d"
        )
    log_x = bool(st.session_state.get(LOG_KEY, False))
    with shown_as_message("draw the curves"):
        live_chart(
            _cached(
                "curves",
                (*key, log_x),
                lambda: image_metric_curves(columns, log_x=log_x, projector=proj),
            ),
            key=f"{P}.curves",
        )


INTERPOLATION_CAPTION = (
    "G maps the noise continuously, so a path between two digits in z passes through shapes that "
    "are neither: the classifier's confidence dips where one digit turns into another. Real "
    "digits lie apart, with nothing in between; an unconditional G must also draw some of that "
    "nothing, which is why its digits are never all recognised. A conditional G, told the digit, "
    "stays on one."
)


def _interpolation(run, digit: int | None, proj: bool):
    path = run.interpolate(12, digit=digit)
    classes, confidence = run.judge(path)
    return _tall(interpolation_strip(path, proj, classes, confidence), 170)


def _strips(state: MnistPage, snap: ImageSnapshot, key: tuple, proj: bool) -> None:
    """One grid cell over training, the latent interpolation, and (conditional) a digit."""
    run = state.run
    cell = int(st.session_state.get(CELL_KEY, 0))
    digit = int(st.session_state.get(DIGIT_KEY, 0)) if run.conditional else None
    with shown_as_message("draw the evolution strip"):
        steps, images = run.grid_strip(cell)
        live_chart(
            _cached(
                "evolution",
                (*key, cell),
                lambda: _tall(grid_evolution(steps, images, projector=proj), 170),
            ),
            key=f"{P}.evolution",
        )
    with shown_as_message("draw the interpolation"):
        live_chart(
            _cached("interp", (*key, digit), lambda: _interpolation(run, digit, proj)),
            key=f"{P}.interp",
        )
        st.caption(INTERPOLATION_CAPTION)
    if digit is not None:
        with shown_as_message("draw the asked-for digits"):
            live_chart(
                _cached(
                    "pick",
                    (*key, digit),
                    lambda: _tall(
                        digit_grid(
                            run.sample(12, digits=digit),
                            12,
                            title=f"G asked for {digit}",
                            projector=proj,
                        ),
                        170,
                    ),
                ),
                key=f"{P}.pick",
            )


def _tall(fig, height: int):
    fig.update_layout(height=height)
    return fig


def live_views(state: MnistPage) -> None:
    """View switches (they rerun the page), then the live fragment."""
    st.html(LIVE_CSS)
    c1, c2, c3 = st.columns([1, 1, 1])
    c1.number_input(
        "Grid cell to follow over training",
        min_value=0,
        max_value=state.run.cfg.cadence.grid - 1,
        value=0,
        key=CELL_KEY,
    )
    if state.run.conditional:
        c2.selectbox("Digit to ask for", list(range(10)), key=DIGIT_KEY)
    c3.toggle("Log step axis", value=False, key=LOG_KEY)
    training = state.trainer.training
    with st.container(key="mnist-live"):
        st.fragment(run_every=FRAME_SECONDS if training else None)(_views)(state, training)
