"""What a toy run (gan_viz.toy.ToyGAN) and an image run (gan_viz.images.run.ImageGAN) share: the
game played step by step through a GameTrainer (Algorithm 1 of Goodfellow et al. 2014), a record
on a cadence, a guard that turns a divergence into a stop with the history kept, and the weights.

A subclass builds `self.trainer` and says what a record is (`_record`) and how often one is due
(`_record_every`); it may add a precision context around each step (`_step_context`) and its own
finiteness check (`_check_finite`, e.g. agreed between the processes of a distributed run).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from gan_viz.errors import Diverged
from gan_viz.train import GameTrainer


class GameRun:
    trainer: GameTrainer

    def __init__(self) -> None:
        self.diverged: str | None = None  # why the run stopped, once a loss or weight is not finite
        self.seconds_training = 0.0  # wall time inside train(), for iterations per second
        self._train_start: float | None = None
        # Steps, weights and settings changes of one run never interleave (a page's thread may
        # read the weights while another trains).
        self._lock = threading.RLock()
        self._last_good: dict = {}

    # --- what a subclass says ---------------------------------------------------------------------

    def _record_every(self) -> int:
        """Iterations between records."""
        raise NotImplementedError

    def _record(self) -> None:
        """Measure now and append to the history."""
        raise NotImplementedError

    def _step_context(self) -> AbstractContextManager:
        return contextlib.nullcontext()

    def _check_finite(self) -> bool:
        """False (and `diverged` set) once a loss or a weight is not finite."""
        if self.diverged is None:
            self._guarded(self.trainer.check_finite)
        return self.diverged is None

    # --- the game --------------------------------------------------------------------------------

    @property
    def step_count(self) -> int:
        return self.trainer.iteration

    def step_d(self) -> None:
        """One D step (the inner loop of Algorithm 1), then a record."""
        self._guarded(self.trainer.step_d)
        self._record()

    def step_g(self) -> None:
        """One G step with D fixed, then a record."""
        self._guarded(self.trainer.step_g)
        self._record()

    def train(
        self, n: int, should_stop: Callable[[], bool] | None = None, record: bool = True
    ) -> int:
        """Run up to n iterations; returns how many ran. Records every `_record_every()`
        iterations; stops early on divergence or when should_stop() says so (checked between
        iterations).

        record=False records nothing (the caller records when it wants, as the live playground
        does once per displayed frame); the last iteration still computes its step statistics,
        so a record right after reads this chunk's losses and gradient norms.
        """
        done = 0
        start = self._train_start = time.perf_counter()
        try:
            while done < n and self.diverged is None:
                if should_stop is not None and should_stop():
                    break
                record_now = record and (self.trainer.iteration + 1) % self._record_every() == 0
                stats = record_now or done == n - 1
                self._guarded(lambda s=stats: self.trainer.step(stats=s))
                done += 1
                if record_now:
                    self._record()
            self._check_finite()
        finally:
            self.seconds_training += time.perf_counter() - start
            self._train_start = None
        return done

    def _guarded(self, action: Callable[[], None]) -> None:
        """Run one move of the game; a divergence stops the run and says where."""
        if self.diverged is not None:
            return
        with self._lock, self._step_context():
            try:
                action()
            except (Diverged, RuntimeError, ValueError) as err:
                self.diverged = f"diverged at iteration {self.trainer.iteration}: {err}"

    # --- weights ---------------------------------------------------------------------------------

    def _weights(self) -> dict:
        return self.trainer.weight_copies()

    def weights(self) -> dict:
        """State dicts of G and D: the current ones, or the last finite ones after a divergence."""
        with self._lock:
            return self._last_good if self.diverged else self._weights()

    def load_weights(self, weights: dict) -> None:
        with self._lock:
            self.trainer.G.load_state_dict(weights["G"])
            self.trainer.D.load_state_dict(weights["D"])
