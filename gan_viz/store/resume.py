"""Pick a stored run up again, toy or image: its last checkpoint restored into a fresh run, its
stored history, and a recorder that appends to the same run or to a fork of it.

gan_viz.toy_store.resume and gan_viz.images.store.resume call `resume_run` with their own way
to build the run from its stored settings. A run here is a ToyGAN or an ImageGAN: both have a
GameTrainer (`trainer`), `load_weights`, `weights`, `update`, `config_json`, `cfg.cadence`
and a `history`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import torch

from gan_viz.errors import ConfigError
from gan_viz.history import History
from gan_viz.store.recorder import STORE_SNAPSHOTS, RunRecorder
from gan_viz.store.runstore import RunStore


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _finite(tree) -> bool:
    if isinstance(tree, torch.Tensor):
        return not tree.is_floating_point() or bool(torch.isfinite(tree).all())
    if isinstance(tree, dict):
        return all(_finite(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return all(_finite(v) for v in tree)
    return True


def checkpoint(run) -> dict:
    """What `restore` reads back: G and D (the last finite ones after a divergence), both
    optimisers' state, the step counters and the training time. Toy runs add their random
    generators (gan_viz.toy_store.checkpoint)."""
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


def restore(run, state: dict) -> None:
    """Load a checkpoint into a run built with the same data, noise and networks.

    Optimiser state that went NaN (a diverged run) is left fresh. Random generators are restored
    where the checkpoint has them (toy runs); saved on another kind of device, or absent (image
    runs), they stay as seeded: the run goes on, not bit for bit."""
    t = run.trainer
    try:
        run.load_weights(state)
    except RuntimeError as err:  # load_state_dict: missing, unexpected or misshapen weights
        raise ConfigError(
            "saved weights",
            "weights of other networks",
            "weights of the networks these settings build now (this run was saved by a gan-viz "
            "whose networks differ, e.g. dcgan before its 3 x 3 layers: replay and export it, or "
            "train a new run)",
        ) from err
    for opt, key in ((t.opt_d, "opt_d"), (t.opt_g, "opt_g")):
        if key in state and _finite(state[key]):
            opt.load_state_dict(state[key])
    t.iteration, t.d_updates, t.g_updates = (
        int(state["iteration"]),
        int(state["d_updates"]),
        int(state["g_updates"]),
    )
    run.seconds_training = float(state.get("seconds_training", 0.0))
    try:
        run.noise_gen.set_state(state["noise_gen"])
        run.data_rng.bit_generator.state = state["data_rng"]
    except (AttributeError, KeyError, RuntimeError, ValueError, TypeError):
        pass
    # The fallback weights after a divergence: the run refreshes them at each record.
    run._last_good = run.weights()


def stored_history(store: RunStore, run_id: int, max_snapshots: int) -> History:
    """A History holding a stored run's rows and snapshots, as the pages draw them."""
    history = History(max_snapshots)
    run = store.open(run_id)
    for row in run.rows():
        history.add_row(row)
    for snap in run.snapshots():
        history.add_snapshot(snap)
    return history


def lacked_device(store: RunStore, run_id: int) -> str | None:
    """The device stored run `run_id` was trained on when this machine lacks it (a run from a
    GPU machine, an imported archive say), else None. Such a run goes on with `device="auto"`."""
    from gan_viz.device import resolve_device

    saved = str(store.open(run_id).settings().get("device", "auto"))
    try:
        resolve_device(saved)
    except ConfigError:
        return saved
    return None


def resume_run(
    store: RunStore,
    run_id: int,
    kind: str,
    build: Callable[[dict], object],
    *,
    new_run: bool = False,
    name: str | None = None,
    changes: dict | None = None,
    max_snapshots: int = STORE_SNAPSHOTS,
    device: str | None = None,
):
    """(run, recorder): the stored run `run_id` (of `kind`) at its last checkpoint, built by
    build(settings) and restored, with its stored history. The recorder appends to that run
    (rows after the checkpoint are dropped: they will be trained again) or, with `new_run`, to a
    fork of it. `changes` (as for the config's replace, e.g. {"optim": {"lr_g": 1e-4}}) may
    change what the run's update() allows from here on; a bad value changes nothing. `device`:
    go on there rather than on the run's own device (see lacked_device; the change is logged at
    the step it took effect, and the run goes on, not bit for bit)."""
    info = store.run(run_id)
    if info.kind != kind:
        raise ConfigError("run", run_id, f"{_a(kind)} run (this one is {_a(info.kind)} run)")
    if info.status == "running" and not new_run:
        raise ConfigError("run", run_id, "a run no process is writing now (fork it as a new run)")
    stored = store.open(run_id)
    state = stored.weights()
    if state is None:
        raise ConfigError("run", run_id, "a run with saved weights (this one has none)")
    settings = stored.settings()
    run = build(settings if device is None else {**settings, "device": device})
    restore(run, state)
    step = run.trainer.iteration
    if changes:  # checked before the store is touched
        run.update(run.cfg.replace(**changes))
    if new_run:
        target_id = store.fork(run_id, step, name if name is not None else f"{info.label} (cont.)")
    else:
        store.truncate(run_id, step)
        target_id = run_id
        if name is not None:
            store.rename(run_id, name)
    rec = RunRecorder(store, kind, run.config_json(), run_id=target_id, max_snapshots=max_snapshots)
    run.history = stored_history(store, target_id, run.cfg.cadence.max_snapshots)
    if (changes or device) and json.loads(run.config_json()) != settings:  # only if they differ
        rec.update_settings(run.config_json(), step)
        rec.flush()
    return run, rec
