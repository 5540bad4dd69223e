"""The MNIST page's background trainer: real training in a thread, paused, stepped, replaced,
stopped by divergence or by a page that stopped asking for frames."""

import time

import pytest

from gan_viz.images.run import ImageGAN
from gan_viz.live import image_thread as mnist_trainer
from gan_viz.live.image_thread import ImageThread
from tests.test_images_run import tiny


def wait_for(condition, what: str, seconds: float = 120.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def trainer(classifier_cache):
    t = ImageThread(ImageGAN(tiny(), classifier=classifier_cache[1]))
    yield t
    t.pause()


def test_trains_in_the_background_until_paused(trainer):
    assert not trainer.training and trainer.iterations_per_second() == 0.0
    assert trainer.start() and trainer.training
    wait_for(lambda: trainer.run.step_count >= 12, "12 iterations in the background")
    assert trainer.iterations_per_second() > 0
    trainer.pause()
    assert not trainer.training
    stopped_at = trainer.run.step_count
    assert trainer._thread is None  # pause() returned once the training thread had ended
    assert trainer.run.step_count == stopped_at  # paused means paused
    steps = trainer.run.history.columns()["step"]
    assert list(steps[:3]) == [0, 5, 10]  # evaluated at the run's cadence on the way


def test_each_move_pauses_first_and_is_evaluated(trainer):
    trainer.start()
    wait_for(lambda: trainer.run.step_count >= 1, "training")
    trainer.move("it")
    assert not trainer.training
    run = trainer.run
    n, d, g = run.step_count, run.trainer.d_updates, run.trainer.g_updates
    assert run.history.latest().step == n  # the page shows the move's effect
    trainer.move("d")
    assert (run.trainer.d_updates, run.trainer.g_updates) == (d + 1, g)
    trainer.move("g")
    assert (run.trainer.d_updates, run.trainer.g_updates) == (d + 1, g + 1)
    trainer.move("it")
    assert run.step_count == n + 1 and run.history.latest().step == n + 1
    with pytest.raises(ValueError, match="unknown move"):
        trainer.move("x")


def test_a_page_that_stops_asking_pauses_training(trainer, monkeypatch):
    monkeypatch.setattr(mnist_trainer, "HEARTBEAT_TIMEOUT", 0.5)
    trainer.start()
    wait_for(lambda: not trainer.training, "the missing heartbeat to pause training")
    assert "no page has shown this run" in trainer.stopped_because


def test_divergence_stops_the_thread_and_keeps_the_history(classifier_cache):
    bad = tiny(optim={"optimizer": "sgd", "lr_d": 1e30, "lr_g": 1e30})
    trainer = ImageThread(ImageGAN(bad, classifier=classifier_cache[1]))
    assert trainer.start()
    wait_for(lambda: not trainer.training, "the diverged run to stop")
    assert "diverged at iteration" in trainer.stopped_because
    assert len(trainer.run.history) >= 1 and not trainer.start()  # it cannot go on


def test_replace_stops_the_old_run_and_holds_the_new_one(trainer, classifier_cache):
    old = trainer.run
    trainer.start()
    wait_for(lambda: old.step_count >= 1, "training")
    new = ImageGAN(tiny(seed=1), classifier=classifier_cache[1])
    trainer.replace(new)
    assert trainer.run is new and not trainer.training
    stopped_at = old.step_count
    assert trainer._thread is None  # replace() ended the old run's thread before swapping
    assert old.step_count == stopped_at and new.step_count == 0


def test_the_page_records_its_runs_in_the_store(trainer, classifier_cache):
    """A trained run is in the run store (kind image) with every row the page shows; a Reset
    finishes it, and a run that never moved is not recorded."""
    from gan_viz.store import RunStore

    assert trainer.stored_run is None and RunStore().runs() == []  # opening the page: nothing
    trainer.start()
    wait_for(lambda: trainer.run.step_count >= 12, "training")
    trainer.pause()  # a pause commits at once
    first = trainer.stored_run
    stored = RunStore().open(first)
    assert stored.info.kind == "image" and stored.info.status == "running"
    assert list(stored.columns()["step"]) == list(trainer.run.history.columns()["step"])
    assert stored.snapshot_steps()[-1] == trainer.run.history.latest().step
    trainer.move("d")
    assert RunStore().open(first).columns()["d_updates"][-1] == trainer.run.trainer.d_updates

    trainer.replace(ImageGAN(tiny(seed=1), classifier=classifier_cache[1]))
    assert RunStore().run(first).status == "finished" and trainer.stored_run is None
    assert [r.id for r in RunStore().runs()] == [first]  # the new run has not moved yet
