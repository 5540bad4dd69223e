"""The run store when things go wrong: a full disk, a damaged file, a kill -9, a store that
outgrows its budget. Real training with tiny settings; the faults are real too (a file-size
limit makes the disk refuse writes, bytes of the file are cut or overwritten, SIGKILL)."""

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from store_helpers import fake_snapshot

from gan_viz.cli import main
from gan_viz.store import FLUSH_SECONDS, RunRecorder, RunStore
from gan_viz.store.budget import plan_prune, used_bytes

TINY = ["--hidden", "16", "--batch", "64", "--eval-samples", "500", "--quiet"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "GAN_VIZ_STORE_BUDGET": ""}


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def gan_viz(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# --- a full disk ---


def limit_file_size(limit: int):
    """In the child: no file may grow past `limit` bytes (writes fail with EFBIG, as on a
    full disk; Python ignores SIGXFSZ)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def test_a_full_disk_warns_once_keeps_training_and_writes_out(tmp_path):
    """The store refuses every write past 160 kB (a 2-D snapshot is larger); --out is small and
    fits. Training goes on, --out gets the whole run, one warning says the store cannot be
    written and why, one at the end says what it holds; exit 1, no traceback."""
    out = tmp_path / "out"
    steps = 60
    result = subprocess.run(
        [sys.executable, "-m", "gan_viz", "train", "--target", "ring8", "--steps", str(steps),
         *TINY, "--record-every", "10", "--samples", "200",
         "--store", str(tmp_path / "s" / "runs.sqlite"), "--out", str(out)],
        capture_output=True, text=True, env=ENV, timeout=300,
        preexec_fn=limit_file_size(160_000),
    )  # fmt: skip
    err = result.stderr
    assert result.returncode == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert "recording as run 1" in lines[0]
    not_saving = [line for line in lines if "Not saving" in line]
    assert len(not_saving) == 1 and "could not write run 1 to" in not_saving[0], err
    assert "runs.sqlite" in not_saving[0] and "training goes on" in not_saving[0]
    assert "was not fully saved: the store holds it up to step" in lines[-1]
    assert sorted(p.name for p in out.iterdir()) == [
        "config.json",
        "metrics.csv",
        "samples.npy",
        "weights.pt",
    ]
    last = (out / "metrics.csv").read_text().splitlines()[-1]
    assert int(last.split(",")[0]) == steps
    assert np.load(out / "samples.npy").shape == (200, 2)
    assert "The store missed part of it" in result.stdout


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs (a real full disk: ENOSPC, SQLITE_FULL); skipped where mount is refused."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)  # open handles may remain


def test_a_store_on_a_disk_that_fills_says_so_once_and_out_gets_the_run(
    tiny_disk, tmp_path, capsys
):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "gan_viz", "train", "--target", "ring8", "--steps", "150",
         *TINY, "--record-every", "10", "--samples", "200", "--store",
         str(tiny_disk / "runs.sqlite"), "--out", str(out)],
        capture_output=True, text=True, env=ENV, timeout=300,
    )  # fmt: skip
    err = result.stderr
    assert result.returncode == 1 and "Traceback" not in err, err
    not_saving = [line for line in err.splitlines() if "Not saving" in line]
    assert len(not_saving) == 1 and "database or disk is full" in not_saving[0], err
    assert "no space left" in not_saving[0]
    assert int((out / "metrics.csv").read_text().splitlines()[-1].split(",")[0]) == 150
    code, listing, err = gan_viz(capsys, "runs", "list", "--store", tiny_disk / "runs.sqlite")
    assert code == 0 and "bimodal" not in listing and "ring8" in listing, err


RECORDER_UNDER_A_LIMIT = """
import json, resource, sys, torch
from store_helpers import tiny_config
from gan_viz.store import FLUSH_SECONDS, RunRecorder, RunStore
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower
torch.set_num_threads(1)
store = RunStore(sys.argv[1])
toy = ToyGAN(tiny_config("ring8", grid=128))
rec = RunRecorder(store, "toy", toy.config_json(), "playground: ring8", ["playground"])
follow = ToyFollower(toy, rec, poll_seconds=0.0)
toy.train(10); follow.poll(force=True)
size = store.path.stat().st_size + (store.path.parent / (store.path.name + "-wal")).stat().st_size
seen = {"before": [rec.saving, rec.problem]}
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 20_000, resource.RLIM_INFINITY))  # disk full
toy.train(20); follow.poll(force=True)
seen["full"] = [rec.saving, rec.problem, store.run(rec.run_id).step]
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
toy.train(10); follow.poll(force=True)  # space again: what was kept goes in now
seen["freed"] = [rec.saving, rec.problem, store.run(rec.run_id).step, toy.step_count]
seen["rows"] = [len(toy.history), store.run(rec.run_id).rows]
print(json.dumps(seen))
"""


def test_the_recorder_says_not_saving_and_loses_nothing_once_space_is_back(tmp_path):
    """What the Playground reads: `saving` False and a `problem` line while the disk is full;
    when space comes back, the kept rows are written and it says saving again."""
    result = subprocess.run(
        [sys.executable, "-c", RECORDER_UNDER_A_LIMIT, str(tmp_path / "runs.sqlite")],
        capture_output=True,
        text=True,
        env={**ENV, "PYTHONPATH": os.path.dirname(__file__)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["before"] == [True, None]
    saving, problem, stored_step = seen["full"]
    assert not saving and stored_step == 10
    assert "could not write run 1 to" in problem and "Not saving" in problem
    saving, problem, stored_step, trained = seen["freed"]
    assert saving and problem is None and stored_step == trained == 40
    assert seen["rows"][0] == seen["rows"][1]  # every row the run made is in the store


# --- a damaged store ---


def fill(path, runs: int = 3, snapshots: int = 4) -> list[int]:
    """A store with a few runs of rows and incompressible snapshots (no training needed)."""
    store = RunStore(path)
    ids = []
    for r in range(runs):
        rec = RunRecorder(store, "toy", {"seed": r}, f"run {r}", [f"t{r}"])
        for step in range(0, 10 * snapshots, 10):
            rec.add_row({"step": step, "js": step / 100})
            rec.add_snapshot(fake_snapshot(step, grid=48, seed=r))
        rec.finish()
        ids.append(rec.run_id)
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return ids


@pytest.mark.parametrize("damage", ["garbled header", "cut in half"])
def test_a_damaged_store_says_so_and_recover_keeps_what_can_be_read(tmp_path, capsys, damage):
    path = tmp_path / "runs.sqlite"
    ids = fill(path)
    data = path.read_bytes()
    if damage == "garbled header":
        path.write_bytes(b"\x13" * 100 + data[100:])
    else:
        path.write_bytes(data[: len(data) // 2])
    damaged = path.read_bytes()
    train = ["train", "--steps", "5", *TINY, "--out", tmp_path / "o"]
    for args in (["runs", "list"], ["runs", "show", "1"], train):
        code, out, err = gan_viz(capsys, *args, "--store", path)
        assert code == 2, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert f"the run store {path} is damaged" in err and "gan-viz runs recover" in err, err
    assert not (tmp_path / "o").exists()  # refused before any training

    code, out, err = gan_viz(capsys, "runs", "recover", "--store", path)
    assert code == 0, err
    aside = [
        p
        for p in tmp_path.iterdir()
        if p.name.startswith("runs.sqlite.damaged-") and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert f"kept as {aside[0]}" in out
    code, listing, err = gan_viz(capsys, "runs", "list", "--store", path)
    assert code == 0, err
    store = RunStore(path)
    recovered = {i.id: i for i in store.runs()}
    if damage == "garbled header":  # SQLite cannot read a page of it: an empty fresh store
        assert recovered == {} and "recovered 0 runs" in out
    else:  # the runs table sits in the first pages: every run is back, with what survived
        assert sorted(recovered) == ids and f"recovered {len(ids)} of {len(ids)} runs" in out
        first = store.open(ids[0])
        assert list(first.columns()["step"]) == [0, 10, 20, 30]
        assert first.settings() == {"seed": 0}
    code, out, err = gan_viz(capsys, "runs", "recover", "--store", path)
    assert code == 0 and "sound; nothing to recover" in out


def test_a_recorder_on_a_damaged_store_refuses_in_one_line(tmp_path):
    """The Playground opens its recorder with this call: it gets the line to show."""
    from gan_viz.errors import ConfigError

    path = tmp_path / "runs.sqlite"
    fill(path, runs=1)
    data = bytearray(path.read_bytes())
    (root,) = (
        sqlite3.connect(path)
        .execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'")
        .fetchone()
    )
    data[(root - 1) * 4096 : root * 4096] = b"\x07" * 4096  # the runs table's page garbled
    path.write_bytes(bytes(data))
    store = RunStore(path)  # its schema page is whole: the damage shows on the first write
    with pytest.raises(ConfigError, match=r"is damaged .*gan-viz runs recover"):
        RunRecorder(store, "toy", {"seed": 9}, "playground: x", ["playground"])


# --- kill -9, then resume ---

PROMISE_SECONDS = 5.0  # README: a killed run loses at most the last couple of seconds


def test_a_killed_run_resumes_losing_at_most_a_few_seconds(tmp_path, capsys):
    path = tmp_path / "runs.sqlite"
    RunStore(path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gan_viz", "train", "--target", "bimodal", "--steps", "10000000",
         *TINY, "--record-every", "5", "--store", str(path), "--out", str(tmp_path / "o")],
        stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    try:
        line = proc.stderr.readline()
        run_id = int(line.split("recording as run ")[1].split()[0])
        store = RunStore(path)
        commits = []  # (step, wall time of the commit) as the store shows them
        deadline = time.monotonic() + 240
        while len(commits) < 4:  # a few commits in, so the rate is measured
            assert proc.poll() is None and time.monotonic() < deadline
            info = store.run(run_id)
            if info.step > 0 and (not commits or info.step > commits[-1][0]):
                commits.append((info.step, info.updated))
                assert info.weights_step is not None
            time.sleep(0.1)
        # Near the worst moment: just before the next commit, the last one ~FLUSH_SECONDS old.
        while time.time() - store.run(run_id).updated < 0.9 * FLUSH_SECONDS:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        killed_at = time.time()
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    info = store.run(run_id)
    rate = (commits[-1][0] - commits[0][0]) / (commits[-1][1] - commits[0][1])  # it/s
    trained = info.step + rate * (killed_at - info.updated)  # its progress when it died
    code, out, err = gan_viz(
        capsys, "runs", "resume", run_id, "--steps", "5", "--quiet", "--store", path
    )
    assert code == 0, err
    resumed_from = int(err.split("goes on from step ")[1].split()[0])
    assert resumed_from == info.weights_step
    lost_seconds = (trained - resumed_from) / rate
    assert 0 <= lost_seconds <= PROMISE_SECONDS, (trained, resumed_from, rate)


# --- the size budget ---


def page_run(store, name, tags, note="", snapshots=5, seed=0):
    rec = RunRecorder(store, "toy", {"seed": seed}, name, tags, note)
    for step in range(0, 10 * snapshots, 10):
        rec.add_row({"step": step, "js": 0.5})
        rec.add_snapshot(fake_snapshot(step, grid=64, seed=seed))
    rec.finish()
    return rec.run_id


def test_prune_thins_then_drops_the_oldest_unpinned_page_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GAN_VIZ_STORE_BUDGET", "")
    path = tmp_path / "runs.sqlite"
    store = RunStore(path)
    old = page_run(store, "playground: ring8, minimax", ["playground"], seed=1)
    newer = page_run(store, "playground: ring8, wgan", ["playground"], seed=2)
    pinned = {
        page_run(store, "my best run", ["playground"], seed=3),  # renamed
        page_run(store, "playground: x", ["playground", "week3"], seed=4),  # tagged
        page_run(store, "playground: y", ["playground"], note="keep", seed=5),  # a note
        page_run(store, "ring8 minimax", [], seed=6),  # from the CLI
    }
    snapshot_counts = {i.id: i.snapshots for i in store.runs()}

    def state():
        return {i.id: (i.snapshots, i.rows) for i in store.runs()}

    used = used_bytes(store)
    code, out, err = gan_viz(capsys, "runs", "list", "--store", path, "--budget", "1000MB")
    assert code == 0 and f"holds {used / 1e6:.1f} MB of a 1000.0 MB budget" in out, out

    # A budget that thinning the oldest alone can meet: a dry run changes nothing.
    per_run = sum(i.snapshot_bytes for i in store.runs() if i.id == old)
    budget = int(used - per_run / 2)
    before = state()
    code, out, err = gan_viz(
        capsys, "runs", "prune", "--dry-run", "--budget", f"{budget}B", "--store", path
    )
    assert code == 0, err
    assert f"would thin (keep its curves and checkpoint) run {old} " in out
    assert f"run {newer} " not in out and "nothing changed" in out
    assert state() == before

    code, out, err = gan_viz(capsys, "runs", "prune", "--budget", f"{budget}B", "--store", path)
    assert code == 0, err
    after = state()
    assert after[old] == (1, 5)  # its newest snapshot and every metric row stay
    assert {k: v for k, v in after.items() if k != old} == {
        k: v for k, v in before.items() if k != old
    }
    assert used_bytes(store) <= budget

    # A budget below what the pinned runs hold: every unpinned run goes, the pinned stay.
    code, out, err = gan_viz(capsys, "runs", "prune", "--budget", "1MB", "--store", path)
    assert code == 0, err
    left = {i.id: i.snapshots for i in store.runs()}
    assert set(left) == pinned and all(left[i] == snapshot_counts[i] for i in pinned)
    assert plan_prune(store, 1_000_000).steps == ()  # nothing more it may take

    code, out, err = gan_viz(capsys, "runs", "prune", "--budget", "lots", "--store", path)
    assert code == 2 and "--budget: got 'lots'" in err and len(err.strip().splitlines()) == 1


def test_a_new_playground_run_keeps_the_store_within_its_budget(tmp_path, monkeypatch):
    store = RunStore(tmp_path / "runs.sqlite")
    first = page_run(store, "playground: a", ["playground"], seed=1)
    second = page_run(store, "playground: b", ["playground"], seed=2)
    mine = page_run(store, "ring8", [], seed=3)
    used = used_bytes(store)
    monkeypatch.setenv("GAN_VIZ_STORE_BUDGET", f"{used - 100_000}B")
    page_run(store, "playground: c", ["playground"], seed=4)  # applies the rule as it starts
    runs = {i.id: i for i in store.runs()}
    assert runs[first].snapshots == 1 and runs[first].rows == 5  # the oldest thinned
    assert runs[second].snapshots == 5 and runs[mine].snapshots == 5
