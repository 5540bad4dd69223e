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

from gan_viz.images.run import ImageGAN
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.store import SNAPSHOT_TYPES, RunRecorder
from gan_viz.store.follower import WEIGHTS_SECONDS, RunFollower

KIND = "image"
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


class ImageFollower(RunFollower):
    """Feeds a RunRecorder from an ImageGAN (gan_viz.store.follower): new metric rows and
    snapshots of its history, settings changed by update(), and a checkpoint every
    `weights_seconds`."""

    def __init__(
        self,
        run: ImageGAN,
        recorder: RunRecorder,
        poll_seconds: float = 0.0,
        weights_seconds: float = WEIGHTS_SECONDS,
    ):
        super().__init__(run, recorder, checkpoint, poll_seconds, weights_seconds)
