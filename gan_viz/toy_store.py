"""A ToyGAN and the run store: record a run while it trains, and pick a stored run up again.

    rec = RunRecorder(store, "toy", toy.config_json(), name="ring8 NS")
    follow = ToyFollower(toy, rec)
    while ...:
        toy.train(100)
        follow.poll()            # cheap; commits every few seconds, a checkpoint with each commit
    follow.finish()              # finished, or diverged with toy.diverged as the message

    toy, rec = resume(store, run_id)            # same run, from its last saved weights
    toy, rec = resume(store, run_id, new_run=True, name="lower lr")  # a fork

A checkpoint holds G and D, both optimisers' state, the step counters and both random
generators, so a resumed run goes on exactly as it would have without the stop (same device).
"""

from __future__ import annotations

from gan_viz.config import RunConfig
from gan_viz.store import STORE_SNAPSHOTS, RunRecorder, RunStore
from gan_viz.store.follower import WEIGHTS_SECONDS, RunFollower
from gan_viz.store.resume import checkpoint as trainer_checkpoint
from gan_viz.store.resume import resume_run
from gan_viz.toy import ToyGAN

POLL_SECONDS = 0.5  # how often poll() copies new history rows


def checkpoint(toy: ToyGAN) -> dict:
    """Everything needed to go on training (gan_viz.store.resume.checkpoint) and both random
    generators, so a resumed run goes on exactly as it would have without the stop."""
    return {
        **trainer_checkpoint(toy),
        "noise_gen": toy.noise_gen.get_state(),
        "data_rng": toy.data_rng.bit_generator.state,
    }


class ToyFollower(RunFollower):
    """Feeds a RunRecorder from a ToyGAN (gan_viz.store.follower): new metric rows and
    snapshots, settings changed by update(), and a checkpoint every `weights_seconds`."""

    def __init__(
        self,
        toy: ToyGAN,
        recorder: RunRecorder,
        poll_seconds: float = POLL_SECONDS,
        weights_seconds: float = WEIGHTS_SECONDS,
    ):
        super().__init__(toy, recorder, checkpoint, poll_seconds, weights_seconds)
        self.toy = toy


def resume(
    store: RunStore,
    run_id: int,
    *,
    new_run: bool = False,
    name: str | None = None,
    changes: dict | None = None,
    max_snapshots: int = STORE_SNAPSHOTS,
    device: str | None = None,
) -> tuple[ToyGAN, RunRecorder]:
    """A ToyGAN at a stored run's last checkpoint, with its stored history, and a recorder that
    appends to that run (rows after the checkpoint are dropped: they will be trained again) or,
    with `new_run`, to a fork of it (gan_viz.store.resume). `changes` (as for RunConfig.replace,
    e.g. {"optim": {"lr_g": 1e-4}}) may change objective, optimisation and cadence from here on;
    other sections raise NeedsReset. `device`: go on there rather than on the run's own device
    (gan_viz.store.resume.lacked_device)."""
    return resume_run(
        store,
        run_id,
        "toy",
        lambda settings: ToyGAN(RunConfig.from_dict(settings)),
        new_run=new_run,
        name=name,
        changes=changes,
        max_snapshots=max_snapshots,
        device=device,
    )
