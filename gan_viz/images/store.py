"""An ImageGAN and the run store: record an image run (kind "image") while it trains.

    rec = RunRecorder(store, "image", run.config_json(), name="mnist dcgan")
    follow = ImageFollower(run, rec)
    while ...:
        run.train(100)
        follow.poll()            # cheap; new metric rows and snapshots, weights every 30 s
    follow.finish()              # finished, or diverged with run.diverged as the message

The stored snapshots are ImageSnapshots (registered here as the "image" kind's snapshot class),
so `store.open(id).snapshots()` gives back the fixed grid, class counts and D's outputs of
every kept evaluation. The checkpoint holds G, D, both optimisers' state and the step counters.
"""

from __future__ import annotations

import json
import time

from gan_viz.images.run import ImageGAN
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.store import SNAPSHOT_TYPES, RunRecorder

KIND = "image"
WEIGHTS_SECONDS = 30.0  # how often a following recorder saves a checkpoint while training
SNAPSHOT_TYPES.setdefault(KIND, ImageSnapshot)


def checkpoint(run: ImageGAN) -> dict:
    """G and D (the last finite ones after a divergence), optimiser state and counters."""
    t = run.trainer
    return {
        **run.weights(),
        "opt_d": t.opt_d.state_dict(),
        "opt_g": t.opt_g.state_dict(),
        "iteration": t.iteration,
        "d_updates": t.d_updates,
        "g_updates": t.g_updates,
        "seconds_training": run.seconds_training,
    }


def _key(snap: ImageSnapshot) -> tuple[int, int, int]:
    return (snap.step, snap.d_updates, snap.g_updates)


class ImageFollower:
    """Feeds a RunRecorder from an ImageGAN: new metric rows and snapshots of its history,
    settings changed by update(), and a checkpoint every `weights_seconds`. Call poll() from
    the thread that trains, between train() calls, and right after run.update() so the change
    is logged at the step it took effect."""

    def __init__(
        self, run: ImageGAN, recorder: RunRecorder, weights_seconds: float = WEIGHTS_SECONDS
    ):
        self.run, self.recorder, self.weights_seconds = run, recorder, weights_seconds
        self._rows_seen = 0
        self._last_key: tuple[int, int, int] | None = None
        self._settings = json.loads(run.config_json())
        self._last_weights = float("-inf")

    def poll(self, force: bool = False) -> None:
        run, rec = self.run, self.recorder
        text = run.config_json()
        settings = json.loads(text)
        if settings != self._settings:
            rec.update_settings(text, run.step_count)
            self._settings = settings
        n = len(run.history)
        if n > self._rows_seen:
            cols = run.history.columns()
            rec.add_rows(
                {name: float(values[i]) for name, values in cols.items()}
                for i in range(self._rows_seen, n)
            )
            self._rows_seen = n
        for snap in run.history.snapshots():
            if self._last_key is None or _key(snap) > self._last_key:
                rec.add_snapshot(snap)
                self._last_key = _key(snap)
        now = time.monotonic()
        if force or now - self._last_weights >= self.weights_seconds:
            rec.save_weights(checkpoint(run), run.step_count)
            self._last_weights = now
        if force:
            rec.flush()
        else:
            rec.maybe_flush()

    def finish(self, status: str = "finished", message: str = "") -> bool:
        """Last rows, snapshots and checkpoint; status `diverged` when the run diverged."""
        self.poll(force=True)
        if self.run.diverged:
            status, message = "diverged", self.run.diverged
        return self.recorder.finish(status, message)
