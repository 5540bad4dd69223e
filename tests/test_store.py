"""The run store: what goes in comes back identical, many writers at once lose nothing, a killed
writer leaves a readable file, long runs stay small, and a stored run trains on exactly."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from store_helpers import fake_snapshot, tiny_config

from gan_viz.errors import ConfigError
from gan_viz.store import RunRecorder, RunStore, SnapshotPlan, default_store_path
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower, resume


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Nets of width 16 gain nothing from a second thread, and on a shared machine lose a lot."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def record(store, toy, steps, every=5, **kwargs):
    """Train `toy` for `steps`, recording as the CLI does; returns the unfinished recorder."""
    rec = RunRecorder(store, "toy", toy.config_json(), flush_seconds=0.0, **kwargs)
    follow = ToyFollower(toy, rec, poll_seconds=0.0, weights_seconds=0.0)
    for _ in range(steps // every):
        toy.train(every)
        follow.poll()
    return rec, follow


def same_rows(a: dict, b: dict, skip=("seconds",)) -> bool:
    names = [n for n in a if n not in skip]
    return sorted(names) == sorted(n for n in b if n not in skip) and all(
        np.array_equal(a[n], b[n], equal_nan=True) for n in names
    )


def same_state(a, b) -> bool:
    if isinstance(a, torch.Tensor):  # the store keeps CPU tensors; a live run may be on a GPU
        return torch.equal(a.cpu(), b.cpu())
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_state(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_state(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("target", ["bimodal", "ring8"])
def test_a_recorded_run_reads_back_identical(tmp_path, target):
    store = RunStore(tmp_path / "runs.sqlite")
    toy = ToyGAN(tiny_config(target))
    rec, follow = record(store, toy, 40, name="round trip", tags=["a", "b"], note="why")
    toy.step_d()  # single moves: new snapshots at the same iteration
    toy.step_g()
    follow.finish()

    run = store.open(rec.run_id)
    info = run.refresh()
    assert (info.name, info.tags, info.note, info.status) == (
        "round trip",
        ("a", "b"),
        "why",
        "finished",
    )
    assert info.step == toy.step_count == 40 and info.weights_step == 40
    assert run.settings() == json.loads(toy.config_json())
    assert same_rows(run.columns(), toy.history.columns(), skip=())
    assert len(run) == len(toy.history) == 11
    live = {(s.step, s.d_updates, s.g_updates): s for s in toy.history.snapshots()}
    index = run.snapshot_index()
    assert [k[1:] for k in index] == list(live)  # fewer than the limit: every one kept
    for seq, *key in index:
        assert run.snapshot(seq).equals(live[tuple(key)])
    assert run.latest().equals(toy.history.latest())
    assert run.snapshot_at(17).step == 15
    state = run.weights()
    assert same_state(state["G"], toy.weights()["G"]) and same_state(state["D"], toy.weights()["D"])
    assert same_state(state["opt_d"], toy.trainer.opt_d.state_dict())


def test_snapshot_plan_keeps_a_bounded_even_spread_and_writes_little():
    plan, writes = SnapshotPlan(50), 0
    for seq, step in enumerate(range(0, 1_000_000, 10)):
        keep, dropped = plan.offer(seq, step)
        writes += keep
        assert all(d not in {s for s, _ in plan.kept} for d in dropped)
        assert len(plan.kept) <= 50
    steps = np.array([s for _, s in plan.kept])
    assert 25 <= len(steps) <= 50 and steps[0] == 0
    assert np.ptp(np.diff(steps)) == 0  # evenly spread over the whole run
    assert steps[-1] >= 1_000_000 - 2 * np.diff(steps)[0]
    assert writes < 400  # of 100,000 offered


def test_a_long_run_stays_small_on_disk(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    rec = RunRecorder(store, "toy", {}, flush_seconds=1e9, max_snapshots=20)
    sizes = {}
    for step in range(0, 3000):
        rec.add_row({"step": step, "js": 0.1})
        rec.add_snapshot(fake_snapshot(step))
        if step % 20 == 19:
            rec.flush()
        if step in (599, 2999):
            sizes[step] = store.size().database
    rec.finish()
    assert len(store.open(rec.run_id).snapshot_index()) <= 21  # the plan's 20 and the tail
    assert store.run(rec.run_id).rows == 3000
    # five times the steps, the snapshot pages reused: not five times the bytes
    assert sizes[2999] < 1.6 * sizes[599]


HERE = os.path.dirname(__file__)
WRITER = (
    f"import sys; sys.path.insert(0, {HERE!r}); from store_helpers import fake_snapshot"
    + """
from gan_viz.store import RunRecorder, RunStore
store = RunStore(sys.argv[1])
n, name = int(sys.argv[2]), sys.argv[3]
rec = RunRecorder(store, "toy", {"writer": name}, name=name, flush_seconds=0.0, max_snapshots=8)
for i in range(n):
    rec.add_row({"step": i, "value": i * 0.5, "name_len": len(name)})
    if i % 10 == 0:
        rec.add_snapshot(fake_snapshot(i))
    if rec.error:
        sys.exit(rec.error)
rec.finish()
"""
)


def test_two_processes_write_at_once_without_errors_or_lost_rows(tmp_path):
    path = tmp_path / "runs.sqlite"
    store = RunStore(path)
    n = 300  # a commit per row: as much contention as writers can make
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(n), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    reads = 0
    while any(p.poll() is None for p in procs):  # a reader in the middle, too
        for info in store.runs():
            store.open(info.id).columns()
        reads += 1
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0 and err == "", err
    assert reads > 0
    runs = {i.name: i for i in store.runs()}
    assert set(runs) == {"first", "second"}
    for name, info in runs.items():
        assert info.status == "finished"
        cols = store.open(info.id).columns()
        assert np.array_equal(cols["step"], np.arange(n))
        assert np.array_equal(cols["value"], np.arange(n) * 0.5)
        assert np.all(cols["name_len"] == len(name))
        assert 4 <= info.snapshots <= 9
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


KILLED = (
    f"import sys; sys.path.insert(0, {HERE!r}); from store_helpers import fake_snapshot"
    + """
import itertools
from gan_viz.store import RunRecorder, RunStore
rec = RunRecorder(RunStore(sys.argv[1]), "toy", {}, name="doomed", flush_seconds=1e9)
for i in itertools.count():
    rec.add_row({"step": i, "value": i / 7})
    if i % 5 == 0:
        rec.add_snapshot(fake_snapshot(i))
    if i % 7 == 6 and rec.flush():
        print("committed", i + 1, flush=True)
"""
)


def test_a_killed_writer_leaves_a_readable_store_with_every_commit(tmp_path):
    path = tmp_path / "runs.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(path)], stdout=subprocess.PIPE, text=True
    )
    committed = 0
    while committed < 140:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        committed = int(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait()  # reaped: its pid is gone

    store = RunStore(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    (info,) = store.runs()
    assert info.status == "interrupted" and "process ended" in info.message
    cols = store.open(info.id).columns()
    assert len(cols["step"]) >= committed  # maybe a commit more, never fewer
    assert np.array_equal(cols["step"], np.arange(len(cols["step"])))
    assert np.array_equal(cols["value"], np.arange(len(cols["step"])) / 7)
    for seq, step, *_ in store.open(info.id).snapshot_index():
        assert store.open(info.id).snapshot(seq).equals(fake_snapshot(step))
    RunRecorder(store, "toy", {}, name="after").finish()  # the store takes new runs
    assert len(store.runs()) == 2


def test_resume_goes_on_exactly_as_an_unbroken_run(tmp_path):
    cfg = tiny_config("ring8")
    straight = ToyGAN(cfg)
    straight.train(40)

    store = RunStore(tmp_path / "runs.sqlite")
    toy = ToyGAN(cfg)
    rec, follow = record(store, toy, 20)
    follow.weights_seconds = 1e9  # the checkpoint stays at step 20 ...
    toy.train(10)
    follow.poll()  # ... while rows go on to step 30
    rec.finish("interrupted", "the lecture ended")
    assert store.open(rec.run_id).columns()["step"][-1] == 30

    toy2, rec2 = resume(store, rec.run_id)
    assert rec2.run_id == rec.run_id and toy2.step_count == 20
    assert store.open(rec.run_id).columns()["step"][-1] == 20  # steps past it: trained again
    assert store.run(rec.run_id).status == "running"
    toy2.train(20)
    ToyFollower(toy2, rec2).finish()

    stored = store.open(rec.run_id)
    assert stored.info.status == "finished" and stored.refresh().step == 40
    assert same_rows(stored.columns(), straight.history.columns())
    assert stored.snapshot_at(40).equals(straight.history.snapshot_at(40))
    assert same_state(stored.weights()["G"], straight.weights()["G"])
    assert same_state(stored.weights()["opt_g"], straight.trainer.opt_g.state_dict())


def test_resume_as_a_new_run_forks_and_leaves_the_original(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    toy = ToyGAN(tiny_config("bimodal"))
    rec, follow = record(store, toy, 20, name="base", tags=["lesson"])
    follow.finish()
    before = store.open(rec.run_id).columns()
    lower = {"optim": {"lr_g": 1e-4}}
    fork, frec = resume(store, rec.run_id, new_run=True, name="lower lr_g", changes=lower)
    fork.train(10)
    ToyFollower(fork, frec).finish()

    info = store.run(frec.run_id)
    assert (info.parent, info.name, info.tags, info.step) == (
        rec.run_id,
        "lower lr_g",
        ("lesson",),
        30,
    )
    assert same_rows(store.open(rec.run_id).columns(), before, skip=())  # original untouched
    assert np.array_equal(store.open(frec.run_id).columns()["step"], np.arange(0, 31, 5))
    log = store.open(frec.run_id).settings_log()
    assert [step for step, _ in log] == [0, 20] and log[1][1]["optim"]["lr_g"] == 1e-4


def test_a_settings_change_mid_run_is_logged_and_resume_uses_it(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    toy = ToyGAN(tiny_config("bimodal"))
    rec, follow = record(store, toy, 10)
    toy.update(toy.cfg.replace(objective={"name": "minimax"}))
    follow.poll()  # as the worker does after an update: logged at this step
    toy.train(5)
    follow.finish()
    log = store.open(rec.run_id).settings_log()
    assert [(s, c["objective"]["name"]) for s, c in log] == [(0, "nonsaturating"), (10, "minimax")]
    toy2, rec2 = resume(store, rec.run_id)
    assert toy2.cfg.objective.name == "minimax"
    rec2.finish()


def test_resume_refuses_a_run_without_weights(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    rec = RunRecorder(store, "toy", tiny_config().to_dict())
    rec.finish()
    with pytest.raises(ConfigError, match="saved weights"):
        resume(store, rec.run_id)


def test_name_tag_note_and_delete_give_the_space_back(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    keep = RunRecorder(store, "toy", {}, name="keep", tags=["x"])
    keep.finish()
    big = RunRecorder(store, "toy", {}, flush_seconds=0.0, max_snapshots=40)
    for step in range(40):
        big.add_snapshot(fake_snapshot(step, grid=64))
    big.save_weights({"G": {"w": torch.zeros(1000)}}, 39)
    big.finish()
    store.rename(big.run_id, "big one")
    assert store.tag(big.run_id, add=["lecture", "ring"]) == ("lecture", "ring")
    assert store.tag(big.run_id, remove=["ring"]) == ("lecture",)
    store.set_note(big.run_id, "for Tuesday")
    info = store.run(big.run_id)
    assert (info.name, info.tags, info.note) == ("big one", ("lecture",), "for Tuesday")
    assert [i.name for i in store.runs(tag="lecture")] == ["big one"]
    assert [i.name for i in store.runs(name="KEE")] == ["keep"]
    assert store.runs(status="running") == []

    live = RunRecorder(store, "toy", {}, name="still training")
    with pytest.raises(ConfigError, match="a run no process is writing now"):
        store.delete(live.run_id)
    live.finish()
    store.delete(live.run_id)

    weights = store.weights_path(info.uid)
    before = store.size()
    assert weights.exists() and before.weights == weights.stat().st_size
    store.delete(big.run_id)
    after = store.size()
    assert not weights.exists() and after.runs == 1 and after.weights == 0
    assert after.database < before.database - 30 * 64 * 64 * 8  # snapshot pages handed back
    with pytest.raises(ConfigError, match="run: got"):
        store.run(big.run_id)
    with pytest.raises(ConfigError):
        store.rename(big.run_id, "gone")
    assert store.run(keep.run_id).name == "keep"


def test_the_store_lives_where_the_user_says(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_VIZ_STORE", str(tmp_path / "a.sqlite"))
    assert default_store_path() == tmp_path / "a.sqlite"
    monkeypatch.delenv("GAN_VIZ_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "gan-viz" / "runs.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local/share/gan-viz/runs.sqlite"
    assert RunStore().path.exists()


@pytest.mark.parametrize("kind", ["folder", "garbage", "under_a_file"])
def test_a_store_that_cannot_be_used_is_refused_in_one_line(tmp_path, kind):
    path = tmp_path / "runs.sqlite"
    if kind == "folder":
        path.mkdir()
    elif kind == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    else:
        (tmp_path / "file").write_text("a file, not a folder")
        path = tmp_path / "file" / "runs.sqlite"
    words = (
        "is damaged .*runs recover"
        if kind == "garbage"
        else "run store: got .*a writable SQLite file"
    )
    with pytest.raises(ConfigError, match=words):
        RunStore(path)


def test_commits_are_small_batches_every_few_seconds(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    rec = RunRecorder(store, "toy", {}, flush_seconds=0.3)
    rec.add_row({"step": 0})
    assert store.run(rec.run_id).rows == 0  # buffered
    time.sleep(0.35)
    rec.add_row({"step": 1})  # the due commit takes both, on the writer thread
    assert rec.wait() and store.run(rec.run_id).rows == 2
    rec.finish()


def test_a_checkpoint_is_never_ahead_of_the_committed_rows(tmp_path):
    store = RunStore(tmp_path / "runs.sqlite")
    rec = RunRecorder(store, "toy", {}, flush_seconds=1e9)
    rec.add_row({"step": 10})
    rec.save_weights({"G": {"w": torch.ones(3)}}, 10)
    rec.flush()
    rec.add_row({"step": 20})
    rec.save_weights({"G": {"w": torch.full((3,), 2.0)}}, 20)
    # killed here: the file on disk is still step 10's, which the stored rows reach
    run = store.open(rec.run_id)
    assert run.refresh().weights_step == 10 and run.columns()["step"].tolist() == [10]
    assert torch.equal(run.weights()["G"]["w"], torch.ones(3))
    rec.finish()
    assert run.refresh().weights_step == 20 and torch.equal(
        run.weights()["G"]["w"][0], torch.tensor(2.0)
    )
    assert [p.name for p in store.weights_dir.iterdir()] == [f"{run.info.uid}.pt"]  # no leftovers
