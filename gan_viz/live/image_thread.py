"""The MNIST page's handle on its training: an ImageGAN played by a background thread.

    trainer = ImageThread(run)         # paused at the run's first evaluation
    trainer.start(); trainer.pause()    # train in the background / stop after this chunk
    trainer.move("d" | "g" | "it")      # one move of the game (training paused first), evaluated
    trainer.replace(run)                # a new run (Reset); the old one stops first
    trainer.run.history                 # rows and snapshots, as ImageGAN.history

Why a thread and not the playground's process per tab (gan_viz.live.worker): an image run spends
its time inside torch's convolutions, which release the GIL, so the page's thread keeps drawing
while training runs; and the page reads the run's history and samples from it directly
(ImageGAN takes one lock for a step, an evaluation or a sample). The toy runs are pure Python
per step and needed the process.

Lifetime: the thread trains only when asked and pauses on its own when no page has drawn a
frame for HEARTBEAT_TIMEOUT seconds (the tab was closed), or when the run diverges. This module
does not import Streamlit, so it is tested like any engine object.

Every run that trains is recorded in the run store (kind "image"; `store_path`, else
GAN_VIZ_STORE, else the user's data folder) from its first move, as the playground records its
toy runs: rows, evaluations and checkpoints after every chunk (the recorder buffers and commits
every few seconds), at once on a pause or a move, and finished when the run is replaced. A store
that cannot be written is logged and left alone: the lesson goes on.
"""

from __future__ import annotations

import collections
import logging
import threading
import time

from gan_viz.images.run import ImageGAN

log = logging.getLogger(__name__)

HEARTBEAT_TIMEOUT = 30.0  # pause when no page has asked for a frame for this long (seconds)
CHUNK = 5  # iterations between checks of the heartbeat and of the rate
POLL_SECONDS = 0.5  # how often the training thread hands new rows to the run store
RATE_WINDOW = 5.0  # seconds of (time, iteration) points behind the it/s figure


class ImageThread:
    """A background thread that trains one ImageGAN while the page draws it."""

    def __init__(self, run: ImageGAN, store_path: str | None = None, record: bool = True):
        self.run = run
        self.store_path, self.record = store_path, record
        self.follower = None  # records the run into the run store, from its first move
        self._store_failed = False
        self._want = threading.Event()  # set: the thread keeps training
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()  # start / pause / move / replace, one at a time
        self._points: collections.deque = collections.deque()
        self.heartbeat_at = time.monotonic()
        self.stopped_because: str | None = None  # why training stopped on its own, one line

    # --- what the page reads ---------------------------------------------------------------------

    @property
    def stored_run(self) -> int | None:
        """The run store's id of this run, once it is recorded."""
        return None if self.follower is None else self.follower.recorder.run_id

    @property
    def training(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._want.is_set()

    def iterations_per_second(self) -> float:
        """Iterations per second over the last few seconds of training; 0 when paused."""
        points = list(self._points)
        if not self.training or len(points) < 2:
            return 0.0
        (t0, s0), (t1, s1) = points[0], points[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0

    # --- what the page asks ----------------------------------------------------------------------

    def heartbeat(self) -> None:
        """The page is showing this run: called on every drawn frame."""
        self.heartbeat_at = time.monotonic()

    def start(self) -> bool:
        """Train in the background; False when the run has diverged (it cannot go on)."""
        with self._guard:
            if self.training:
                return True
            if self.run.diverged is not None:
                return False
            self.stopped_because = None
            self.heartbeat()
            self._points.clear()
            self._record()
            self._want.set()
            self._thread = threading.Thread(target=self._loop, name="gan-viz-mnist", daemon=True)
            self._thread.start()
            return True

    def pause(self) -> None:
        """Stop after the current chunk of iterations; returns when the thread has stopped."""
        with self._guard:
            self._stop()

    def _stop(self) -> None:
        self._want.clear()
        if self._thread is not None:
            self._thread.join()  # its last act commits the run's record
            self._thread = None

    def move(self, move: str) -> None:
        """One D step ("d"), one G step ("g") or one iteration ("it"), training paused first;
        each is followed by an evaluation so the page shows its effect."""
        with self._guard:
            self._stop()
            run = self.run
            self._record()
            if move == "d":
                run.step_d()
            elif move == "g":
                run.step_g()
            elif move == "it":
                run.train(1)
                last = run.history.last_row()
                if last is None or last.get("step") != run.step_count:
                    run.evaluate()
            else:
                raise ValueError(f"unknown move {move!r}")
            self._note_divergence()
            self._record(force=True)

    def replace(self, run: ImageGAN) -> None:
        """Stop the current run and hold a new one (paused)."""
        with self._guard:
            self._stop()
            self._stop_recording()
            self.run = run
            self.stopped_because = None
            self._points.clear()

    # --- the thread ------------------------------------------------------------------------------

    def _loop(self) -> None:
        run = self.run
        try:
            while self._want.is_set() and run.diverged is None:
                if time.monotonic() - self.heartbeat_at > HEARTBEAT_TIMEOUT:
                    self.stopped_because = (
                        f"paused: no page has shown this run for {HEARTBEAT_TIMEOUT:.0f} s"
                    )
                    break
                run.train(CHUNK, should_stop=lambda: not self._want.is_set())
                self._record()
                now = time.monotonic()
                self._points.append((now, run.step_count))
                while self._points and now - self._points[0][0] > RATE_WINDOW:
                    self._points.popleft()
            self._note_divergence()
        except Exception as err:  # keep the page informed; the run's history stays
            self.stopped_because = f"training stopped: {type(err).__name__}: {err}"
        finally:
            self._want.clear()
            self._record(force=True)  # stopped on its own or asked to: commit what is new

    def close(self) -> None:
        """Stop training and finish the run's record (the session ends)."""
        with self._guard:
            self._stop()
            self._stop_recording()

    # --- the run store ---------------------------------------------------------------------------

    def _record(self, force: bool = False) -> None:
        """Start recording this run (on its first move), or hand the store what is new."""
        if not self.record or self._store_failed:
            return
        try:
            if self.follower is None:
                from gan_viz.images.store import KIND, ImageFollower
                from gan_viz.store import RunRecorder, RunStore

                cfg = self.run.cfg
                name = f"mnist: {cfg.model.name}, {cfg.objective.name}"
                rec = RunRecorder(
                    RunStore(self.store_path), KIND, self.run.config_json(), name, ["mnist"]
                )
                # polled after every chunk of training: copy rows at most twice a second
                self.follower = ImageFollower(self.run, rec, poll_seconds=POLL_SECONDS)
            self.follower.poll(force=force)
        except Exception:  # the store is a record, never a reason to stop the lesson
            log.exception("gan-viz: this image run cannot be recorded in the run store")
            self._store_failed = True

    def _stop_recording(self) -> None:
        if self.follower is not None and not self._store_failed:
            try:
                self.follower.finish()
            except Exception:
                log.exception("gan-viz: the run store could not finish this image run")
        self.follower = None

    def _note_divergence(self) -> None:
        if self.run.diverged is not None:
            self.stopped_because = f"The run {self.run.diverged}."
