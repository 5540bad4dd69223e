"""`gan-viz runs` and the recording `gan-viz train`, as a user types them.

Most calls go through `gan_viz.cli.main` in this process (the same code path as the console
script, without paying for a torch import per call); the killed run is a real process."""

import csv
import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from gan_viz.cli import main
from gan_viz.store import RunStore

TINY = ["--hidden", "16", "--batch", "64", "--eval-samples", "500", "--record-every", "5"]


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def gan_viz(capsys, *args):
    """(exit code, stdout, stderr) of `gan-viz ARGS`."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def train(capsys, store, *args):
    code, out, err = gan_viz(
        capsys,
        "train",
        "--target",
        "bimodal",
        "--steps",
        "20",
        "--quiet",
        *TINY,
        "--store",
        store,
        *args,
    )
    assert code == 0, err
    return out, err


def listed(capsys, store, *filters) -> list[int]:
    """The ids `gan-viz runs list` prints, in its order."""
    code, out, err = gan_viz(capsys, "runs", "list", "--store", store, *filters)
    assert code == 0, err
    return [int(line.split()[0]) for line in out.splitlines()[1:-1]]


def test_runs_end_to_end(capsys, tmp_path):
    store = tmp_path / "runs.sqlite"
    out, err = train(capsys, store, "--out", tmp_path / "a", "--name", "first", "--tag", "lecture")
    assert "recording as run 1" in err and f"Saved as run 1 in {store}" in out
    train(capsys, store, "--out", tmp_path / "b", "--name", "second", "--objective", "minimax")
    out, _ = train(capsys, store, "--out", tmp_path / "c", "--no-store")
    assert "Saved" not in out and len(RunStore(store).runs()) == 2

    assert listed(capsys, store) == [2, 1]
    assert listed(capsys, store, "--tag", "lecture") == [1]
    assert listed(capsys, store, "--name", "SEC") == [2]
    assert listed(capsys, store, "--status", "finished", "--kind", "toy") == [2, 1]
    assert listed(capsys, store, "--status", "diverged") == []
    code, out, _ = gan_viz(capsys, "runs", "list", "--store", store)
    assert out.splitlines()[-1].startswith(f"2 of 2 runs; {store}: ")

    assert gan_viz(capsys, "runs", "rename", "2", "minimax, k=1", "--store", store)[0] == 0
    assert gan_viz(capsys, "runs", "tag", "2", "lecture", "saturation", "--store", store)[0] == 0
    code, out, _ = gan_viz(capsys, "runs", "tag", "2", "saturation", "--remove", "--store", store)
    assert out.strip() == "run 2 tags: lecture"
    assert gan_viz(capsys, "runs", "note", "2", "watch grad_g", "--store", store)[0] == 0
    code, out, _ = gan_viz(capsys, "runs", "show", "2", "--store", store)
    assert code == 0
    for words in (
        "run 2: minimax, k=1",
        "finished, 20 steps",
        "tags: lecture",
        "note: watch grad_g",
        "5 metric rows",
        "5 snapshots",
        "weights at step 20",
        "last metrics (step 20)",
        'objective.name = "minimax"',
    ):
        assert words in out, words

    stored = RunStore(store).open(2)
    code, out, _ = gan_viz(
        capsys, "runs", "export", "2", "--format", "csv", "-o", tmp_path / "m.csv", "--store", store
    )
    rows = list(csv.DictReader((tmp_path / "m.csv").open()))
    assert [int(r["step"]) for r in rows] == [0, 5, 10, 15, 20]
    assert np.allclose([float(r["js"]) for r in rows], stored.columns()["js"], rtol=1e-5)
    gan_viz(
        capsys,
        "runs",
        "export",
        "2",
        "--format",
        "json",
        "-o",
        tmp_path / "s.json",
        "--store",
        store,
    )
    assert json.loads((tmp_path / "s.json").read_text()) == stored.settings()

    code, out, _ = gan_viz(
        capsys, "runs", "export", "2", "-o", tmp_path / "r.zip", "--store", store
    )
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'r.zip'}")
    other = tmp_path / "other.sqlite"
    code, out, _ = gan_viz(
        capsys, "runs", "import", tmp_path / "r.zip", "--name", "from Ann", "--store", other
    )
    assert code == 0 and "as run 1 (from Ann): 5 metric rows, 5 snapshots" in out
    assert RunStore(other).run(1).tags == ("lecture",)

    weights = RunStore(store).weights_path(RunStore(store).run(1).uid)
    assert weights.exists()
    code, out, _ = gan_viz(capsys, "runs", "delete", "1", "--store", store)
    assert out.strip() == "deleted run 1 (first)" and not weights.exists()
    assert listed(capsys, store) == [2]


@pytest.mark.parametrize(
    "args, words",
    [
        (["show", "99"], "run: got 99; allowed: the id of a stored run"),
        (["show", "first"], "run id: got 'first'; allowed: a whole number"),
        (["list", "--status", "done"], "--status: got 'done'; allowed: running, finished"),
        (["list", "--kind", "audio"], "--kind: got 'audio'; allowed: toy, image"),
        (["export", "1", "--format", "pdf"], "--format: got 'pdf'; allowed: archive, csv, json"),
        (["export", "1", "-o", "EXISTING"], "it exists; --force replaces it"),
        (["export", "1", "-o", "/no/such/folder/r.zip"], "a file in an existing folder"),
        (["import", "/no/such.zip"], "archive: got '/no/such.zip'; allowed: an existing .zip"),
        (["import", "EXISTING"], "EXISTING: damaged or not a zip file"),
        (["resume", "1", "--steps", "-3"], "--steps: got '-3'; allowed: a whole number >= 0"),
        (["resume", "1", "--lr-d", "-1"], "D learning rate: got -1.0"),
        (["delete", "1", "99"], "run: got 99"),
        (["rename", "7", "x"], "run: got 7"),
        (["list", "--store", "/no/such/runs.sqlite"], "--store: got '/no/such/runs.sqlite'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(capsys, tmp_path, args, words):
    store = tmp_path / "runs.sqlite"
    train(capsys, store, "--out", tmp_path / "a", "--name", "keep")
    existing = tmp_path / "existing.txt"
    existing.write_text("mine")
    args = [str(existing) if a == "EXISTING" else a for a in args]
    before = [(i.id, i.name, i.rows, i.snapshots) for i in RunStore(store).runs()]
    own_store = [] if "--store" in args else ["--store", store]
    code, out, err = gan_viz(capsys, "runs", *args, *own_store)
    assert code == 2 and out == ""
    assert words.replace("EXISTING", str(existing)) in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert [(i.id, i.name, i.rows, i.snapshots) for i in RunStore(store).runs()] == before
    assert existing.read_text() == "mine"


def test_train_refuses_a_store_it_cannot_use(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    code, out, err = gan_viz(
        capsys,
        "train",
        "--steps",
        "5",
        "--store",
        tmp_path / "file" / "r.sqlite",
        "--out",
        tmp_path / "o",
    )
    assert code == 2 and "run store: got" in err and len(err.strip().splitlines()) == 1


def _ctrl_c_as_in_a_terminal() -> None:
    # A test run started in the background inherits SIGINT ignored (as a shell's `&` sets it),
    # and so would the child: give it the default, as a terminal's process has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_training(store_path, name, out):
    return subprocess.Popen(
        [sys.executable, "-m", "gan_viz", "train", "--target", "bimodal", "--steps", "1000000",
         *TINY, "--store", str(store_path), "--out", str(out), "--quiet", "--name", name],
        stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_in_a_terminal,
    )  # fmt: skip


def test_two_training_runs_one_killed_one_stopped_then_resumed(capsys, tmp_path):
    """Two `gan-viz train` write one store at once; SIGKILL leaves one `interrupted` (its
    process ended), Ctrl-C stops the other cleanly; the killed one resumes from its checkpoint."""
    store_path = tmp_path / "runs.sqlite"
    RunStore(store_path)  # both processes find the schema made
    procs = {name: start_training(store_path, name, tmp_path / name) for name in ("kill", "stop")}
    ids = {}
    for name, proc in procs.items():
        line = proc.stderr.readline()
        assert "recording as run" in line, line
        ids[name] = int(line.split("recording as run ")[1].split()[0])
    store = RunStore(store_path)
    deadline = time.monotonic() + 180
    for name, run_id in ids.items():  # a few commits and a checkpoint in
        while store.run(run_id).rows < 20 or store.run(run_id).weights_step is None:
            assert procs[name].poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    procs["kill"].send_signal(signal.SIGKILL)
    procs["stop"].send_signal(signal.SIGINT)
    assert procs["kill"].wait() == -signal.SIGKILL
    try:
        assert procs["stop"].wait(120) == 130
    finally:
        procs["stop"].kill()  # no process outlives a failed test
    assert "interrupted" in procs["stop"].stderr.read()
    stopped = store.run(ids["stop"])
    assert stopped.status == "interrupted" and "stopped by the user at step" in stopped.message
    assert stopped.weights_step == stopped.step  # a last checkpoint on the way out

    killed = store.run(ids["kill"])
    assert killed.status == "interrupted" and "process ended" in killed.message
    code, out, _ = gan_viz(capsys, "runs", "list", "--status", "interrupted", "--store", store_path)
    assert code == 0 and len(out.splitlines()) == 4  # header, two runs, total
    info = killed
    code, out, err = gan_viz(
        capsys,
        "runs",
        "resume",
        str(ids["kill"]),
        "--steps",
        "10",
        "--lr-g",
        "5e-4",
        "--quiet",
        "--store",
        store_path,
    )
    assert code == 0, err
    after = store.run(ids["kill"])
    assert after.status == "finished" and after.step == info.weights_step + 10
    log = store.open(ids["kill"]).settings_log()
    assert [s for s, _ in log] == [0, info.weights_step] and log[1][1]["optim"]["lr_g"] == 5e-4
    steps = store.open(ids["kill"]).columns()["step"]
    assert np.array_equal(steps, np.arange(0, after.step + 1, 5))  # no gap, no repeat


def test_a_diverging_run_is_stored_as_diverged_with_its_record(capsys, tmp_path):
    store = tmp_path / "runs.sqlite"
    code, out, err = gan_viz(
        capsys, "train", "--target", "gaussian", "--optimizer", "sgd", "--lr-d", "1e30",
        "--lr-g", "1e30", "--steps", "200", "--record-every", "1", "--quiet", "--store", store,
        "--out", tmp_path / "o",
    )  # fmt: skip
    assert code == 1 and "Saved as run 1" in err
    info = RunStore(store).run(1)
    assert info.status == "diverged" and info.message.startswith("diverged at iteration")
    cols = RunStore(store).open(1).columns()
    assert len(cols["js"]) >= 1 and np.isfinite(cols["js"]).all()
    weights = RunStore(store).open(1).weights()
    assert all(torch.isfinite(v).all() for v in weights["G"].values())  # the last finite ones


def test_a_run_trained_on_a_gpu_goes_on_here_with_what_this_machine_has(capsys, tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this machine has the GPU the run was trained on")
    store = tmp_path / "runs.sqlite"
    train(capsys, store, "--out", tmp_path / "a")
    # As an archive from a GPU machine reads: the run's settings name cuda.
    with RunStore(store).connection() as con:
        (text,) = con.execute("SELECT settings FROM runs WHERE id = 1").fetchone()
        con.execute(
            "UPDATE runs SET settings = ? WHERE id = 1",
            (json.dumps(json.loads(text) | {"device": "cuda"}),),
        )
    args = ("runs", "resume", "1", "--steps", "5", "--quiet", "--store", store)
    code, out, err = gan_viz(capsys, *args)
    assert code == 0, err
    assert "run 1 was trained on cuda, which this machine lacks; it goes on with auto" in err
    info = RunStore(store).run(1)
    assert info.status == "finished" and info.step == 25
    log = RunStore(store).open(1).settings_log()
    assert log[-1][0] == 20 and log[-1][1]["device"] == "auto"
