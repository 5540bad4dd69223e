"""`gan-viz train-images` end to end, as a user runs it: real processes, real files, and torchrun
with two gloo processes for DistributedDataParallel."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from gan_viz.store import RunStore
from tests.pages import page_test

ROOT = Path(__file__).resolve().parents[1]

SMALL = ["--width", "8", "--batch", "16", "--eval-samples", "200", "--grid", "16"]


def gan_viz(*args, cache, launcher=(sys.executable, "-m", "gan_viz"), timeout=300):
    env = {**os.environ, "GAN_VIZ_CACHE": str(cache), "OMP_NUM_THREADS": "1"}
    env.pop("GAN_VIZ_MNIST_DIR", None)
    return subprocess.run(
        [*launcher, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_train_images_writes_every_output(tmp_path, classifier_cache, monkeypatch):
    out = tmp_path / "mnist"
    r = gan_viz(
        "train-images", "--model", "dcgan", "--steps", "30", "--seed", "0", "--out", str(out),
        "--eval-every", "10", "--objective", "hinge", "--lr-d", "0.0004", *SMALL,
        cache=classifier_cache[0],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "digits covered" in r.stdout and "Frechet distance" in r.stdout
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model"] == {"name": "dcgan", "width": 8, "conditional": False}
    assert cfg["objective"]["name"] == "hinge" and cfg["optim"]["lr_d"] == 0.0004
    assert cfg["resolved"]["classifier_accuracy"] >= 0.97
    assert cfg["resolved"]["training_digits"] == 4000
    rows = list(csv.DictReader((out / "metrics.csv").open()))
    assert [int(row["step"]) for row in rows] == [0, 10, 20, 30]
    head = list(rows[0])
    assert head[:7] == ["step", "loss_d", "loss_g", "covered", "class_kl", "fd", "fd_floor"]
    assert {"confidence", "d_real", "d_fake", "grad_d", "grad_g", "class_9"} <= set(head)
    assert all(np.isfinite(float(row["fd"])) for row in rows)
    with Image.open(out / "grid.png") as im:  # 4 x 4 tiles of 28 px, 2 px gutters, drawn 2x
        assert im.mode == "L" and im.size == (2 * (4 * 30 - 2), 2 * (4 * 30 - 2))
    weights = torch.load(out / "weights.pt", weights_only=True)
    assert set(weights) == {"G", "D"} and "net.0.weight" in weights["G"]
    # ... and the run is in the run store, kind "image", with the same rows and the grids
    assert "Saved as run 1" in r.stdout
    stored = RunStore(os.environ["GAN_VIZ_STORE"]).open(1)
    assert stored.info.kind == "image" and stored.info.status == "finished"
    assert [row["step"] for row in stored.rows()] == [0, 10, 20, 30]
    assert stored.rows()[-1]["fd"] == pytest.approx(float(rows[-1]["fd"]), rel=1e-5)
    snaps = stored.snapshots()
    assert [s.step for s in snaps] == [0, 10, 20, 30] and snaps[-1].grid.shape == (16, 28, 28)
    with Image.open(out / "grid.png") as im:  # the stored last grid is the one in grid.png
        np.testing.assert_array_equal(np.asarray(im)[::2, ::2][:28, :28], snaps[-1].grid[0])
    checkpoint = stored.weights()
    assert checkpoint["iteration"] == 30 and torch.equal(
        checkpoint["G"]["net.0.weight"], weights["G"]["net.0.weight"]
    )
    listed = gan_viz("runs", "list", "--kind", "image", cache=classifier_cache[0])
    assert listed.returncode == 0 and "finished" in listed.stdout
    # the animations draw toy views: an image run exports as an archive, CSV or JSON only
    gif = gan_viz("runs", "export", "1", "--format", "gif", "-o", str(tmp_path / "x.gif"),
                  cache=classifier_cache[0])  # fmt: skip
    assert gif.returncode == 2 and "archive, csv or json for an image run" in gif.stderr
    assert "Traceback" not in gif.stderr and not (tmp_path / "x.gif").exists()
    zipped = gan_viz(
        "runs", "export", "1", "-o", str(tmp_path / "r.zip"), cache=classifier_cache[0]
    )
    assert zipped.returncode == 0, zipped.stderr

    # ... and the Runs page replays it, and compares it with a second image run
    second = gan_viz(
        "train-images", "--model", "dcgan", "--steps", "10", "--seed", "1",
        "--out", str(tmp_path / "second"), "--eval-every", "10", *SMALL,
        cache=classifier_cache[0],
    )  # fmt: skip
    assert second.returncode == 0, second.stderr

    page = page_test("runs", 120)
    page.run()
    page.multiselect[0].set_value([1]).run()
    assert not page.exception and not page.error
    assert "image" in " ".join(m.value for m in page.markdown)
    # ... trains it on from its checkpoint, in the page (the page's classifier: the cached one)
    monkeypatch.setenv("GAN_VIZ_CACHE", str(classifier_cache[0]))
    page.number_input(key="runs.more").set_value(10)
    page.button(key="runs.resume").click().run()
    assert not page.exception and not page.error
    trained_on = RunStore(os.environ["GAN_VIZ_STORE"]).open(1)
    assert trained_on.info.status == "finished" and trained_on.info.step == 40
    assert [row["step"] for row in trained_on.rows()] == [0, 10, 20, 30, 40]
    page.multiselect[0].set_value([1, 2]).run()
    assert not page.exception and not page.error
    assert any("Comparing" in m.value for m in page.markdown)


def test_conditional_mlp_run_with_a_preset_and_overrides(tmp_path, classifier_cache):
    out = tmp_path / "cgan"
    r = gan_viz(
        "train-images", "--preset", "mnist-pick-a-digit", "--model", "mlp", "--width", "50",
        "--steps", "5", "--eval-every", "5", "--batch", "16", "--eval-samples", "100",
        "--quiet", "--out", str(out), "--no-store",
        cache=classifier_cache[0],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Saved as run" not in r.stdout and not os.path.exists(os.environ["GAN_VIZ_STORE"])
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model"] == {"name": "mlp", "width": 50, "conditional": True}
    assert "label_accuracy" in next(csv.DictReader((out / "metrics.csv").open()))


@pytest.mark.slow
def test_torchrun_two_gloo_processes_train_one_ddp_run(tmp_path, classifier_cache):
    out = tmp_path / "ddp"
    launcher = (
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "-m", "gan_viz",
    )  # fmt: skip
    r = gan_viz(
        "train-images", "--steps", "12", "--eval-every", "6", "--device", "cpu", "--out",
        str(out), *SMALL, cache=classifier_cache[0], launcher=launcher,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "2 processes (DDP), replicas in sync" in r.stdout
    assert r.stdout.count("digits covered") == 1  # rank 0 alone reports and writes
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["resolved"]["processes"] == 2 and cfg["optim"]["batch"] == 16
    rows = list(csv.DictReader((out / "metrics.csv").open()))
    assert [int(row["step"]) for row in rows] == [0, 6, 12]
    assert all(np.isfinite(float(row["loss_g"])) for row in rows[1:])


@pytest.mark.parametrize(
    "args, words",
    [
        (["--model", "vae"], "model: got 'vae'; allowed: dcgan, mlp"),
        (["--data-dir", "{tmp}/nowhere"], "data folder: {tmp}/nowhere: does not exist"),
        (["--data-dir", "{tmp}"], "missing train-images-idx3-ubyte[.gz]"),
        (["--data", "mnist"], "data folder: (none): name the folder"),
        (["--eval-every", "0"], "evaluate every: got 0"),
        (["--lr-g", "-1"], "G learning rate: got -1.0"),
        (["--preset", "nope"], "preset: got 'nope'"),
        (["--steps", "-3"], "--steps: got -3"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, classifier_cache, args, words):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = gan_viz("train-images", *args, "--out", str(tmp_path / "x"), cache=classifier_cache[0])
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert (
        line.startswith("gan-viz train-images: ") and words.replace("{tmp}", str(tmp_path)) in line
    )
    assert not (tmp_path / "x").exists()


def test_image_presets_are_listed(classifier_cache):
    r = gan_viz("presets", cache=classifier_cache[0])
    assert r.returncode == 0 and "mnist-pick-a-digit" in r.stdout and "(train-images)" in r.stdout


def test_damaged_idx_file_is_reported_not_raised(tmp_path, classifier_cache):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):  # fmt: skip
        (folder / name).write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 9]) + b"\0" * 4)
    r = gan_viz("train-images", "--data-dir", str(folder), cache=classifier_cache[0])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "train-images-idx3-ubyte: truncated" in r.stderr or "expected uint8" in r.stderr
