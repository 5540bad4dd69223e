"""Feed a RunRecorder from a live run (a ToyGAN or an ImageGAN) as it trains.

    follow = RunFollower(run, recorder, checkpoint)
    while ...:
        run.train(100)
        follow.poll()     # new metric rows and snapshots, a settings change, weights when due
    follow.finish()       # finished, or diverged with run.diverged as the message

A run is anything with `history` (rows and snapshots), `config_json()`, `step_count` and
`diverged`; `checkpoint(run)` gives the dict of tensors and counters to save as its weights.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from gan_viz.store.recorder import FLUSH_SECONDS, RunRecorder

# How often a following recorder saves a checkpoint while training: with every commit, so a
# run resumed after a kill -9 trains again at most about FLUSH_SECONDS plus one poll. A toy
# checkpoint (two small MLPs, Adam's moments, counters) is ~0.1-1 MB and a few ms to write.
WEIGHTS_SECONDS = FLUSH_SECONDS


def _key(snap) -> tuple[int, int, int]:
    return (snap.step, snap.d_updates, snap.g_updates)


class RunFollower:
    """Hands a recorder what is new in a run's history. Call poll() from the thread that
    trains, between train() calls (the run is then at a consistent point), and right after
    run.update() so a settings change is logged at the step it took effect."""

    def __init__(
        self,
        run,
        recorder: RunRecorder,
        checkpoint: Callable[[object], dict],
        poll_seconds: float = 0.0,
        weights_seconds: float = WEIGHTS_SECONDS,
    ):
        self.run, self.recorder, self.checkpoint = run, recorder, checkpoint
        self.poll_seconds, self.weights_seconds = poll_seconds, weights_seconds
        stored = recorder.store.open(recorder.run_id)
        # A resumed run's history starts with what the store already holds.
        self._rows_seen = min(len(stored), len(run.history))
        index = stored.snapshot_index()
        self._last_key = tuple(index[-1][1:]) if index else None
        # Compared with what the store holds: a change made before the follower came is logged.
        self._settings = stored.settings() if self._rows_seen else None
        self._last_poll = self._last_weights = float("-inf")

    def poll(self, force: bool = False) -> None:
        """Hand new rows and snapshots to the recorder (at most every poll_seconds unless
        `force`), log a settings change, save a checkpoint when one is due."""
        run, rec = self.run, self.recorder
        text = run.config_json()
        settings = json.loads(text)
        if self._settings is not None and settings != self._settings:
            rec.update_settings(text, run.step_count)
        self._settings = settings
        now = time.monotonic()
        if not force and now - self._last_poll < self.poll_seconds:
            return
        self._last_poll = now
        n = len(run.history)
        if n > self._rows_seen:
            cols = run.history.columns()
            names = list(cols)
            rec.add_rows(
                ({name: float(cols[name][i]) for name in names} for i in range(self._rows_seen, n)),
                flush=False,  # handed over below, in one batch with the checkpoint
            )
            self._rows_seen = n
        for snap in run.history.snapshots():
            if self._last_key is None or _key(snap) > self._last_key:
                rec.add_snapshot(snap, flush=False)
                self._last_key = _key(snap)
        flushing = force or rec.flush_due()
        # Saved just before a commit, so the commit carries weights as new as its rows.
        if force or (flushing and now - self._last_weights >= self.weights_seconds):
            rec.save_weights(self.checkpoint(run), run.step_count)
            self._last_weights = now
        if force:
            rec.flush()
        elif flushing:
            rec.flush(wait=False)

    @property
    def problem(self) -> str | None:
        """Why the run is not being saved now (one line), None while it is: see
        RunRecorder.problem."""
        return self.recorder.problem

    def finish(self, status: str = "finished", message: str = "") -> bool:
        """Last rows, snapshots and checkpoint; status `diverged` when the run diverged."""
        self.poll(force=True)
        if self.run.diverged:
            status, message = "diverged", self.run.diverged
        return self.recorder.finish(status, message)
