"""The per-session training worker: a real training process, driven as the page drives it."""

import gc
import multiprocessing
import time

import numpy as np
import pytest

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.device import describe, resolve_device
from gan_viz.errors import ConfigError, WorkerError
from gan_viz.live import process as training_process
from gan_viz.live import worker as worker_module
from gan_viz.live.messages import Close, Pause, Start
from gan_viz.live.process import _LiveRun, live_config
from gan_viz.live.worker import TrainingWorker, _blank_main

# how the page names the engine's auto device ("CPU (1 thread)" in a training process)
AUTO_DEVICE = describe(resolve_device("auto")).split(" (")[0]
TINY = RunConfig(
    target=TargetConfig("gaussian"),
    noise=NoiseConfig("uniform", 1),
    nets=NetConfig(g_hidden=8, g_depth=1, d_hidden=8, d_depth=1),
    optim=OptimConfig(batch=32, d_steps=2),
    cadence=CadenceConfig(eval_samples=500, grid=32, show_samples=50),
)


def wait_for(condition, seconds=60.0, what="condition"):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# Every test of a worker runs with frames measured in line and measured beside the training (a
# second thread: the default on machines with MEASURE_BESIDE_CORES cores).
@pytest.fixture(params=[False, True], ids=["in-line", "beside"])
def worker(request):
    w = TrainingWorker(TINY, name="test", measure_beside=request.param)
    yield w
    w.close()


def test_a_new_worker_shows_iteration_zero(worker):
    run = worker.run
    assert (run.step_count, run.d_updates, run.g_updates) == (0, 0, 0)
    assert len(run.history) == 1 and run.history.latest().step == 0
    assert run.dim == 1 and run.device.startswith(AUTO_DEVICE) and run.n_modes == 1
    assert not worker.training


def test_step_d_and_step_g_move_only_their_own_counters(worker):
    worker.step_d()
    assert (worker.run.step_count, worker.run.d_updates, worker.run.g_updates) == (0, 1, 0)
    worker.step_g()
    assert (worker.run.step_count, worker.run.d_updates, worker.run.g_updates) == (0, 1, 1)
    worker.step()  # one iteration of Algorithm 1: k = 2 D steps, then one G step
    assert (worker.run.step_count, worker.run.d_updates, worker.run.g_updates) == (1, 3, 2)
    rows = worker.run.history.columns()
    assert list(rows["d_updates"]) == [0, 1, 1, 3] and list(rows["g_updates"]) == [0, 0, 1, 2]
    assert worker.run.history.latest().d_updates == 3  # each move is drawn


def test_training_runs_in_the_background_until_paused(worker):
    worker.start()
    assert worker.training
    wait_for(lambda: worker.run.step_count > 30, what="30 iterations")
    wait_for(lambda: worker.iterations_per_second() > 0, what="a speed reading")
    worker.pause()
    assert not worker.training
    stopped = worker.run.step_count
    # Two more round trips: the process has gone round its loop since, and trained nothing.
    worker.set_speed(1)
    worker.set_speed(None)
    assert worker.run.step_count == stopped
    history = worker.run.history
    assert history.latest().step == stopped  # the last frame shows where training stopped
    assert len(history.snapshot_steps()) >= 2 and history.columns()["step"][-1] == stopped


def test_fixed_speed_trains_that_many_iterations_per_frame(worker):
    worker.set_speed(3)
    worker.start()
    wait_for(lambda: worker.run.step_count >= 9, what="three frames")
    worker.pause()
    steps = worker.run.history.snapshot_steps()
    assert all(b - a <= 3 for a, b in zip(steps, steps[1:]))
    assert any(b - a == 3 for a, b in zip(steps, steps[1:]))


def test_frames_measured_beside_the_training_are_those_measured_in_line():
    # At a fixed speed both processes train the same chunks, so measured beside (captured at a
    # chunk's end, sent when the next chunk ends or a command comes) the rows must be the very
    # same, in the same order, ending at the iteration where training paused. (That a captured
    # moment measures the same while training goes on: test_engine.py.)
    cfg = TINY.replace(seed=3)
    columns = []
    for beside in (False, True):
        w = TrainingWorker(cfg, name=f"beside-{beside}", measure_beside=beside)
        try:
            w.set_speed(4)
            w.start()
            wait_for(lambda w=w: len(w.run.history) >= 8, what="seven frames")
            w.pause()
            assert w.run.history.columns()["step"][-1] == w.run.step_count
            assert w.run.history.latest().step == w.run.step_count
            columns.append(w.run.history.columns())
        finally:
            w.close()
    inline, beside = columns  # the first eight rows come before the pause, whole chunks
    assert list(inline["step"][:8]) == list(beside["step"][:8]) == list(range(0, 32, 4))
    for key in inline:
        if key != "seconds":
            np.testing.assert_array_equal(beside[key][:8], inline[key][:8], err_msg=key)


@pytest.mark.parametrize("target", ["gaussian", "ring8"])
def test_a_2d_run_at_full_speed_draws_views_between_records(target):
    # Measured in line, a 2-D run whose records are dear (here 100,000 evaluation samples, ~60
    # ms a record against ~1 ms a view) sends the frames between records as views: drawn (the
    # mirror's latest view), never kept in the history. A pause after views records at once. A
    # 1-D frame draws p_g, a measurement: every one is recorded.
    dear = {"eval_samples": 100_000}
    cfg = TINY.replace(target={"name": target, "params": {}}, cadence=dear)
    w = TrainingWorker(cfg, name="views")
    try:
        views = []
        mirror = w.run
        add_sketch = mirror.add_sketch
        mirror.add_sketch = lambda view, status: (views.append(view), add_sketch(view, status))
        w.start()
        frames = (lambda: len(views)) if target == "ring8" else (lambda: len(mirror.history) - 1)
        wait_for(lambda: frames() >= 4, what="four frames")
        w.pause()
        history = mirror.history
        if target == "gaussian":
            assert views == [] and mirror.latest_frame() is history.latest()
            return
        assert len(views) >= 4, "a 2-D run at full speed sends views between records"
        steps = [v.step for v in views]
        assert steps == sorted(set(steps)) and steps[-1] <= w.run.step_count
        recorded = set(history.columns()["step"])
        assert any(step not in recorded for step in steps)  # views are not records
        assert all(v.metrics == {} and v.p_g.size == 0 and v.d.shape == (32, 32) for v in views)
        assert all(len(v.fake) == 50 and v.g_arrows is not None for v in views)
        assert all(v is not s for v in views for s in history.snapshots())
        latest = history.latest()  # the pause recorded where training stopped
        assert latest.step == history.columns()["step"][-1] == w.run.step_count
        assert latest.metrics and mirror.latest_frame() is latest
    finally:
        w.close()


def test_records_come_as_often_as_measuring_costs_at_most_its_share(tmp_path, monkeypatch):
    # The policy itself, in this process: a record once measuring would cost at most
    # RECORD_SHARE of the time since the last one. A share no record fits makes every frame after
    # the first a view; a share every record fits makes every frame a record (cheap measuring
    # keeps the curves' detail).
    here, there = multiprocessing.Pipe()
    cfg = live_config(TINY.replace(target={"name": "ring8", "params": {}}))
    trainer = _LiveRun(there, cfg, str(tmp_path / "runs.sqlite"), beside=False)
    trainer.handle(Start(request=1))

    def frames(n: int) -> list[str]:
        while here.poll():
            here.recv()
        for _ in range(n):
            trainer.train_frame()
        out = []
        while here.poll():
            out.append(type(here.recv()).__name__)
        return out

    monkeypatch.setattr(training_process, "RECORD_SHARE", 1e-9)
    kinds = frames(4)
    assert kinds == ["Frame", "Sketch", "Sketch", "Sketch"], kinds
    assert len(trainer.run.history) == 2  # iteration 0, then the first frame
    trainer.handle(Pause(request=2))  # after views, a pause records where training stopped
    assert trainer.run.history.latest().step == trainer.run.step_count
    trainer.handle(Start(request=3))
    monkeypatch.setattr(training_process, "RECORD_SHARE", 1e9)
    assert frames(3) == ["Frame"] * 3
    trainer.handle(Close(request=4))


def test_learning_rate_changes_mid_run_without_losing_it(worker):
    worker.start()
    wait_for(lambda: worker.run.step_count > 5, what="some iterations")
    faster = worker.run.cfg.replace(optim={"lr_d": 1e-2}, objective={"name": "minimax"})
    worker.update(faster)
    assert worker.training and worker.run.cfg.optim.lr_d == 1e-2
    before = worker.run.step_count
    wait_for(lambda: worker.run.step_count > before + 5, what="training to go on")
    worker.pause()


def test_changes_that_shape_the_networks_are_refused_until_reset(worker):
    with pytest.raises(ConfigError) as err:
        worker.update(worker.run.cfg.replace(nets={"d_hidden": 16}))
    assert "nets" in str(err.value) and "reset" in str(err.value)
    worker.reset(worker.run.cfg.replace(target={"name": "ring8", "params": {}}))
    assert worker.run.dim == 2 and worker.run.step_count == 0 and worker.run.n_modes == 8


def test_a_bad_reset_keeps_the_current_run(worker):
    worker.step()
    with pytest.raises(ConfigError) as err:
        worker.reset(worker.run.cfg.replace(optim={"lr_d": -1.0}))
    assert err.value.setting == "D learning rate"
    assert worker.run.step_count == 1 and len(worker.run.history) == 2


def test_a_diverging_run_pauses_says_where_and_keeps_its_history():
    cfg = TINY.replace(optim={"optimizer": "sgd", "lr_d": 1e30, "lr_g": 1e30})
    w = TrainingWorker(cfg, name="diverge")
    try:
        w.start()
        wait_for(lambda: not w.training, what="the run to stop")
        assert "diverged at iteration" in w.run.diverged
        assert w.stopped_because == w.run.diverged
        assert len(w.run.history) >= 1 and w.run.history.latest() is not None
        assert not w.start()  # cannot go on: Reset is the way out
        with pytest.raises(WorkerError):
            w.step_d()
    finally:
        w.close()


def test_two_workers_train_two_runs_that_never_meet():
    a = TrainingWorker(TINY, name="a")
    b = TrainingWorker(TINY.replace(target={"name": "ring8", "params": {}}), name="b")
    try:
        assert a.process.pid != b.process.pid
        a.start()
        wait_for(lambda: a.run.step_count > 20, what="a to train")
        a.pause()
        assert b.run.step_count == 0 and b.run.dim == 2 and a.run.dim == 1
        b.step_d()
        assert a.run.d_updates == 2 * a.run.step_count  # b's step did not touch a
    finally:
        a.close()
        b.close()


def test_training_nobody_watches_pauses_after_the_heartbeat_timeout(monkeypatch):
    monkeypatch.setattr(worker_module, "HEARTBEAT_TIMEOUT", 1.0)
    w = TrainingWorker(TINY, name="lonely")
    try:
        w.start()
        wait_for(lambda: not w.training, seconds=30, what="the heartbeat pause")
        assert "no page has shown this run" in w.stopped_because
    finally:
        w.close()


def test_a_closed_tab_pauses_training_then_ends_the_process(monkeypatch):
    monkeypatch.setattr(worker_module, "SESSION_GRACE", 0.5)
    monkeypatch.setattr(worker_module, "CLOSE_AFTER", 2.0)
    connected = [True]
    w = TrainingWorker(TINY, session_alive=lambda: connected[0], name="closing")
    try:
        w.start()
        wait_for(lambda: w.run.step_count > 5, what="training")
        connected[0] = False
        wait_for(lambda: not w.training, seconds=30, what="the pause")
        assert w.stopped_because == "paused: the browser tab was closed"
        wait_for(lambda: not w.process.is_alive(), seconds=30, what="the process to end")
        assert not w.alive
    finally:
        w.close()


def test_a_training_process_that_dies_is_reported_not_waited_for():
    w = TrainingWorker(TINY, name="killed")
    try:
        w.start()
        wait_for(lambda: w.run.step_count > 5, what="training")
        w.process.kill()
        wait_for(lambda: not w.alive, seconds=30, what="the worker to notice")
        assert not w.training and "ended" in w.stopped_because
        with pytest.raises(WorkerError):
            w.step_d()
    finally:
        w.close()


def test_a_forgotten_worker_ends_its_process():
    w = TrainingWorker(TINY, name="forgotten")
    process = w.process
    del w
    gc.collect()
    wait_for(lambda: not process.is_alive(), seconds=30, what="the process to end")


def test_bad_settings_are_refused_before_any_process_lingers():
    with pytest.raises(ConfigError) as err:
        TrainingWorker(TINY.replace(optim={"batch": 0}), name="bad")
    assert err.value.setting == "batch size"


def _threads_after_limit(queue) -> None:
    import numpy as np  # noqa: F401  (loads OpenBLAS, as the measurements do)
    import torch
    from threadpoolctl import threadpool_info

    from gan_viz.live.process import limit_threads

    limit_threads()
    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    queue.put((torch.get_num_threads(), blas))


def test_the_training_process_keeps_to_one_thread_for_torch_and_for_blas():
    # An idle OpenBLAS worker busy-waits after every call; in the training process it took half
    # a core from a machine the browser and the server share.
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_threads_after_limit, args=(queue,))
    with _blank_main():  # an AppTest earlier in this process left a page script as __main__
        child.start()
    torch_threads, blas = queue.get(timeout=120)
    child.join(30)
    assert torch_threads == 1
    assert blas and all(n == 1 for n in blas)


def test_a_damaged_store_is_said_on_the_page_and_training_goes_on(tmp_path, monkeypatch):
    store = tmp_path / "runs.sqlite"
    store.write_bytes(b"not a database, " * 4096)
    monkeypatch.setenv("GAN_VIZ_STORE", str(store))
    w = TrainingWorker(TINY, name="damaged")
    try:
        w.step()  # the first move starts recording: the store cannot take it
        problem = w.run.status.store_problem
        assert problem and str(store) in problem and "damaged" in problem
        assert "gan-viz runs recover" in problem  # the way on
        w.start()
        wait_for(lambda: w.run.step_count > 10, what="training without the store")
        assert w.run.status.store_problem == problem
    finally:
        w.close()
