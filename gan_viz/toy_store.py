"""A ToyGAN and the run store: record a run while it trains, and pick a stored run up again.

    rec = RunRecorder(store, "toy", toy.config_json(), name="ring8 NS")
    follow = ToyFollower(toy, rec)
    while ...:
        toy.train(100)
        follow.poll()            # cheap; commits every few seconds, weights every 30 s
    follow.finish()              # finished, or diverged with toy.diverged as the message

    toy, rec = resume(store, run_id)            # same run, from its last saved weights
    toy, rec = resume(store, run_id, new_run=True, name="lower lr")  # a fork

A checkpoint holds G and D, both optimisers' state, the step counters and both random
generators, so a resumed run goes on exactly as it would have without the stop (same device).
"""

from __future__ import annotations

import torch

from gan_viz.config import ConfigError
from gan_viz.history import History
from gan_viz.store import STORE_SNAPSHOTS, RunRecorder, RunStore
from gan_viz.store.follower import WEIGHTS_SECONDS, RunFollower
from gan_viz.toy import ToyGAN

POLL_SECONDS = 0.5  # how often poll() copies new history rows


def checkpoint(toy: ToyGAN) -> dict:
    """Everything needed to go on training: weights, optimiser state, counters, generators.
    After a divergence the weights are the last finite ones (ToyGAN.weights)."""
    t = toy.trainer
    return {
        **toy.weights(),
        "opt_d": t.opt_d.state_dict(),
        "opt_g": t.opt_g.state_dict(),
        "iteration": t.iteration,
        "d_updates": t.d_updates,
        "g_updates": t.g_updates,
        "seconds_training": toy.seconds_training,
        "noise_gen": toy.noise_gen.get_state(),
        "data_rng": toy.data_rng.bit_generator.state,
    }


def _finite(tree) -> bool:
    if isinstance(tree, torch.Tensor):
        return not tree.is_floating_point() or bool(torch.isfinite(tree).all())
    if isinstance(tree, dict):
        return all(_finite(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return all(_finite(v) for v in tree)
    return True


def restore(toy: ToyGAN, state: dict) -> None:
    """Load a checkpoint into a ToyGAN built with the same target, noise and networks.

    Optimiser state that went NaN (a diverged run) is left fresh; random generators saved on
    another kind of device are left as seeded (the run goes on, not bit for bit)."""
    t = toy.trainer
    toy.load_weights(state)
    for opt, key in ((t.opt_d, "opt_d"), (t.opt_g, "opt_g")):
        if key in state and _finite(state[key]):
            opt.load_state_dict(state[key])
    t.iteration, t.d_updates, t.g_updates = (
        int(state["iteration"]),
        int(state["d_updates"]),
        int(state["g_updates"]),
    )
    toy.seconds_training = float(state.get("seconds_training", 0.0))
    try:
        toy.noise_gen.set_state(state["noise_gen"])
        toy.data_rng.bit_generator.state = state["data_rng"]
    except (KeyError, RuntimeError, ValueError, TypeError):
        pass
    # The fallback weights after a divergence: ToyGAN refreshes them at each record.
    toy._last_good = toy.weights()


def stored_history(store: RunStore, run_id: int, max_snapshots: int) -> History:
    """A History holding a stored run's rows and snapshots, as the playground draws them."""
    history = History(max_snapshots)
    run = store.open(run_id)
    for row in run.rows():
        history.add_row(row)
    for snap in run.snapshots():
        history.add_snapshot(snap)
    return history


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
) -> tuple[ToyGAN, RunRecorder]:
    """A ToyGAN at a stored run's last checkpoint, with its stored history, and a recorder that
    appends to that run (rows after the checkpoint are dropped: they will be trained again) or,
    with `new_run`, to a fork of it. `changes` (as for RunConfig.replace, e.g.
    {"optim": {"lr_g": 1e-4}}) may change objective, optimisation and cadence from here on;
    other sections raise NeedsReset."""
    info = store.run(run_id)
    if info.kind != "toy":
        raise ConfigError("run", run_id, "a toy run (image runs resume in image mode)")
    if info.status == "running" and not new_run:
        raise ConfigError("run", run_id, "a run no process is writing now (fork it as a new run)")
    stored = store.open(run_id)
    state = stored.weights()
    if state is None:
        raise ConfigError("run", run_id, "a run with saved weights (this one has none)")
    toy = ToyGAN(stored.config())
    restore(toy, state)
    step = toy.step_count
    if changes:  # checked before the store is touched: a bad value changes nothing
        toy.update(toy.cfg.replace(**changes))
    if new_run:
        target_id = store.fork(run_id, step, name if name is not None else f"{info.label} (cont.)")
    else:
        store.truncate(run_id, step)
        target_id = run_id
        if name is not None:
            store.rename(run_id, name)
    rec = RunRecorder(
        store, "toy", toy.config_json(), run_id=target_id, max_snapshots=max_snapshots
    )
    toy.history = stored_history(store, target_id, toy.cfg.cadence.max_snapshots)
    if changes:
        rec.update_settings(toy.config_json(), step)
        rec.flush()
    return toy, rec
