"""The playground records its runs in the run store as they go (a real training process)."""

import pytest

from gan_viz.store import RunStore, default_store_path
from gan_viz.ui.worker import TrainingWorker
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
