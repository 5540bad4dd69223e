"""The playground records its runs in the run store as they go (a real training process)."""

import pytest

from gan_viz.live.worker import TrainingWorker
from gan_viz.store import RunStore, default_store_path
from tests.test_worker import TINY, wait_for


@pytest.fixture
def worker():
    w = TrainingWorker(TINY, name="store-test")
    yield w
    w.close()


def test_opening_the_page_records_nothing(worker):
    assert worker.run.status.stored_run is None
    assert RunStore(default_store_path()).runs() == []


def test_a_playground_run_is_in_the_store_as_it_goes(worker):
    worker.step_d()  # the first move starts the record: iteration 0 and the D step are in it
    store = RunStore(default_store_path())
    (info,) = store.runs()
    assert worker.run.status.stored_run == info.id
    assert info.kind == "toy" and info.status == "running" and "playground" in info.tags
    assert len(store.open(info.id)) == 2  # committed at once: a reload loses nothing

    worker.start()
    wait_for(lambda: worker.run.step_count > 20, what="20 iterations")
    worker.update(TINY.replace(optim={"lr_g": 1e-4}))  # a change mid-run
    changed_at = worker.run.step_count
    wait_for(lambda: worker.run.step_count > changed_at + 10, what="10 more iterations")
    worker.pause()  # a pause commits everything the page has seen

    stored = store.open(info.id)
    mirror = worker.run.history.columns()
    rows = stored.columns()
    assert len(stored) == len(worker.run.history)
    assert list(rows["step"]) == list(mirror["step"])
    assert rows["js"][-1] == pytest.approx(mirror["js"][-1])
    log = stored.settings_log()
    assert len(log) == 2 and log[1][1]["optim"]["lr_g"] == 1e-4
    assert changed_at - 15 <= log[1][0] <= changed_at + 15  # logged near the step it took effect
    assert stored.latest().step == worker.run.step_count  # the frame the page shows last
    assert stored.weights()["iteration"] == worker.run.step_count  # a checkpoint to resume from

    worker.close()
    wait_for(lambda: store.run(info.id).status == "finished", what="the run marked finished")


def test_reset_finishes_one_record_and_the_next_move_starts_another(worker):
    worker.step()
    worker.reset(TINY.replace(seed=7))
    worker.step()
    store = RunStore(default_store_path())
    second, first = store.runs()
    assert first.status == "finished" and first.step == 1
    assert second.status == "running" and worker.run.status.stored_run == second.id


def _stored_run(
    steps: int = 40, lr_g: float = 2e-3, finish: bool = True, saved_on: str | None = None
) -> int:
    """A 2-D run trained and saved as `gan-viz train` saves one: rows, snapshots, weights
    (without `finish`, still marked as being written by this process; with `saved_on`, its
    settings name that device, as an archive from a GPU machine reads)."""
    import json

    from gan_viz.store import RunRecorder
    from gan_viz.toy import ToyGAN
    from gan_viz.toy_store import ToyFollower
    from tests.store_helpers import tiny_config

    toy = ToyGAN(tiny_config().replace(optim={"lr_g": lr_g}))
    settings = json.loads(toy.config_json()) | ({"device": saved_on} if saved_on else {})
    store = RunStore(default_store_path())
    rec = RunRecorder(store, "toy", json.dumps(settings), "saved ring")
    follow = ToyFollower(toy, rec)
    toy.train(steps)
    if finish:
        follow.finish()
    else:
        follow.poll(force=True)
    return rec.run_id


def test_a_saved_run_goes_on_in_the_playground_with_its_past_on_the_timeline(worker):
    run_id = _stored_run()
    store = RunStore(default_store_path())
    before = store.open(run_id)
    worker.resume(run_id)
    run = worker.run
    # Paused at the checkpoint, its settings and its past as the store holds them.
    assert not worker.training and run.step_count == 40 and run.dim == 2 and run.n_modes == 8
    assert run.cfg.optim.lr_g == 2e-3 and run.cfg.target.name == "ring8"
    assert len(run.history) == len(before) == 9  # rows at 0, 5, ..., 40
    assert run.history.snapshot_steps() == [s for _, s, _, _ in before.snapshot_index()]
    assert run.status.stored_run == run_id
    # It trains on from there and the store's run grows with it.
    worker.step()
    assert (run.step_count, len(run.history)) == (41, 10)
    assert run.history.latest().step == 41
    assert len(store.open(run_id)) == 10
    assert store.run(run_id).status == "running"
    worker.start()
    wait_for(lambda: worker.run.step_count > 60, what="training on")
    worker.pause()
    assert store.run(run_id).step == worker.run.step_count


def test_a_saved_run_goes_on_as_a_new_run_and_the_saved_one_stays(worker):
    run_id = _stored_run()
    store = RunStore(default_store_path())
    worker.resume(run_id, fork=True)
    fork = worker.run.status.stored_run
    assert fork not in (None, run_id) and store.run(fork).parent == run_id
    assert len(worker.run.history) == 9  # the fork starts as a copy of the saved run
    worker.step()
    worker.step()
    assert (len(store.open(run_id)), store.run(run_id).step) == (9, 40)
    assert len(store.open(fork)) == 11 and store.run(fork).step == 42


def test_the_run_this_tab_trains_can_be_picked_up_again_from_the_store(worker):
    for _ in range(3):
        worker.step()
    first = worker.run.status.stored_run
    worker.reset(TINY.replace(seed=3))  # the first run is finished and saved
    worker.resume(first)
    assert worker.run.step_count == 3 and worker.run.status.stored_run == first
    worker.resume(first)  # the run being recorded here: finished, then picked up again
    assert worker.run.step_count == 3 and len(worker.run.history) == 4


def test_a_run_that_cannot_go_on_is_refused_and_the_current_run_stays(worker):
    from gan_viz.errors import ConfigError

    worker.step()
    images = RunStore(default_store_path()).create_run("image", "{}", "digits")
    for bad, why in [(999, "999"), (images, "a toy run")]:
        with pytest.raises(ConfigError, match=why):
            worker.resume(bad)
    assert worker.run.step_count == 1 and worker.run.dim == 1
    worker.step()
    assert worker.run.step_count == 2


def test_the_run_this_tab_trains_forks_from_where_it_is_now(worker):
    for _ in range(3):
        worker.step()
    first = worker.run.status.stored_run
    worker.start()
    wait_for(lambda: worker.run.step_count > 30, what="training")
    seen = worker.run.step_count
    worker.resume(first, fork=True)  # while it trains: from now, not from its last checkpoint
    assert worker.run.step_count >= seen > 30 and not worker.training
    assert worker.run.status.stored_run != first


def test_a_run_saved_on_a_gpu_goes_on_here_on_this_machines_device(worker):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has the GPU the run was saved on")
    run_id = _stored_run(steps=20, saved_on="cuda")
    worker.resume(run_id)
    run = worker.run
    assert run.step_count == 20 and run.saved_on == "cuda" and run.device.startswith("CPU")
    worker.step()
    assert run.step_count == 21
    log = RunStore(default_store_path()).open(run_id).settings_log()
    assert [(step, s["device"]) for step, s in log] == [(0, "cuda"), (20, "auto")]
