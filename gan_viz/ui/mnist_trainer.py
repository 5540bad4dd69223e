"""The MNIST page's handle on its training: an ImageGAN played by a background thread.

    trainer = ImageTrainer(run)         # paused at the run's first evaluation
    trainer.start(); trainer.pause()    # train in the background / stop after this chunk
    trainer.move("d" | "g" | "it")      # one move of the game (training paused first), evaluated
    trainer.replace(run)                # a new run (Reset); the old one stops first
    trainer.run.history                 # rows and snapshots, as ImageGAN.history

Why a thread and not the playground's process per tab (gan_viz.ui.worker): an image run spends
its time inside torch's convolutions, which release the GIL, so the page's thread keeps drawing
while training runs; and the page reads the run's history and samples from it directly
(ImageGAN takes one lock for a step, an evaluation or a sample). The toy runs are pure Python
per step and needed the process.

Lifetime: the thread trains only when asked and pauses on its own when no page has drawn a
frame for HEARTBEAT_TIMEOUT seconds (the tab was closed), or when the run diverges. This module
does not import Streamlit, so it is tested like any engine object.
"""

from __future__ import annotations

import collections
import threading
import time

from gan_viz.images.run import ImageGAN

HEARTBEAT_TIMEOUT = 30.0  # pause when no page has asked for a frame for this long (seconds)
CHUNK = 5  # iterations between checks of the heartbeat and of the rate
RATE_WINDOW = 5.0  # seconds of (time, iteration) points behind the it/s figure


class ImageTrainer:
    """A background thread that trains one ImageGAN while the page draws it."""

    def __init__(self, run: ImageGAN):
        self.run = run
        self._want = threading.Event()  # set: the thread keeps training
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()  # start / pause / move / replace, one at a time
        self._points: collections.deque = collections.deque()
        self.heartbeat_at = time.monotonic()
        self.stopped_because: str | None = None  # why training stopped on its own, one line

    # --- what the page reads ---------------------------------------------------------------------

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
            self._thread.join()
            self._thread = None

    def move(self, move: str) -> None:
        """One D step ("d"), one G step ("g") or one iteration ("it"), training paused first;
        each is followed by an evaluation so the page shows its effect."""
        with self._guard:
            self._stop()
            run = self.run
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

    def replace(self, run: ImageGAN) -> None:
        """Stop the current run and hold a new one (paused)."""
        with self._guard:
            self._stop()
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
                now = time.monotonic()
                self._points.append((now, run.step_count))
                while self._points and now - self._points[0][0] > RATE_WINDOW:
                    self._points.popleft()
            self._note_divergence()
        except Exception as err:  # keep the page informed; the run's history stays
            self.stopped_because = f"training stopped: {type(err).__name__}: {err}"
        finally:
            self._want.clear()

    def _note_divergence(self) -> None:
        if self.run.diverged is not None:
            self.stopped_because = f"The run {self.run.diverged}."
