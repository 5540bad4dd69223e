"""An ImageGAN and the run store: record an image run (kind "image") while it trains.

    rec = RunRecorder(store, "image", run.config_json(), name="mnist dcgan")
    follow = ImageFollower(run, rec)
    while ...:
        run.train(100)
        follow.poll()            # cheap; new rows and snapshots, a checkpoint with each commit
    follow.finish()              # finished, or diverged with run.diverged as the message

The stored snapshots are ImageSnapshots (gan_viz.store.kinds names the class for the "image"
kind), so `store.open(id).snapshots()` gives back the fixed grid, class counts and D's outputs of
every kept evaluation. The checkpoint holds G, D, both optimisers' state and the step counters.

    run, rec = resume(store, run_id)             # train a stored image run on (or new_run=True)
"""

from __future__ import annotations

from pathlib import Path

from gan_viz.images.classifier import Classifier
from gan_viz.images.config import ImageRunConfig
from gan_viz.images.run import ImageGAN
from gan_viz.store import STORE_SNAPSHOTS, RunRecorder, RunStore
from gan_viz.store.follower import WEIGHTS_SECONDS, RunFollower
from gan_viz.store.resume import checkpoint, resume_run

KIND = "image"


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


def resume(
    store: RunStore,
    run_id: int,
    *,
    new_run: bool = False,
    name: str | None = None,
    changes: dict | None = None,
    max_snapshots: int = STORE_SNAPSHOTS,
    classifier: Classifier | None = None,
    cache_dir: str | Path | None = None,
    device: str | None = None,
) -> tuple[ImageGAN, RunRecorder]:
    """An ImageGAN at a stored image run's last checkpoint, with its stored evaluations, and a
    recorder that appends to that run or (new_run) to a fork (gan_viz.store.resume). `changes`
    may change objective, optimisation and cadence from here on. The data comes from the run's
    settings (the embedded digits, or its IDX folder, which must still be there); the
    classifier from `classifier`, or the cache. What the settings resolved to when stored
    ("resolved": device, precision, ...) is worked out again here. `device`: go on there rather
    than on the run's own device (gan_viz.store.resume.lacked_device)."""
    return resume_run(
        store,
        run_id,
        KIND,
        lambda settings: ImageGAN(
            ImageRunConfig.from_dict({k: v for k, v in settings.items() if k != "resolved"}),
            classifier=classifier,
            cache_dir=cache_dir,
        ),
        new_run=new_run,
        name=name,
        changes=changes,
        max_snapshots=max_snapshots,
        device=device,
    )
