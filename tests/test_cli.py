"""`gan-viz` end to end, as a user runs it: a real process, real files."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
import torch


def gan_viz(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gan_viz", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_train_on_a_2d_target_writes_every_output(tmp_path):
    out = tmp_path / "ring"
    r = gan_viz(
        "train",
        "--target",
        "ring8",
        "--objective",
        "nonsaturating",
        "--steps",
        "300",
        "--seed",
        "0",
        "--out",
        str(out),
        "--samples",
        "1234",
        "--record-every",
        "100",
        "--hidden",
        "32",
        "--batch",
        "128",
    )
    assert r.returncode == 0, r.stderr
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["target"] == {"name": "ring8", "params": {"modes": 8, "radius": 2.0, "std": 0.02}}
    assert cfg["nets"]["g_hidden"] == 32 and cfg["optim"]["batch"] == 128
    rows = list(csv.DictReader((out / "metrics.csv").open()))
    assert [int(r["step"]) for r in rows] == [0, 100, 200, 300]
    for col in ("js", "kl", "rkl", "v", "loss_d", "loss_g", "d_real", "d_fake", "modes", "hq"):
        assert col in rows[0]
    assert float(rows[-1]["js"]) < float(rows[0]["js"])
    samples = np.load(out / "samples.npy")
    assert samples.shape == (1234, 2) and samples.dtype == np.float32
    weights = torch.load(out / "weights.pt", weights_only=True)
    assert set(weights) == {"G", "D"} and "net.0.weight" in weights["G"]


def test_preset_sets_the_run_and_flags_override_it(tmp_path):
    r = gan_viz(
        "train",
        "--preset",
        "fig1",
        "--steps",
        "20",
        "--lr-g",
        "0.002",
        "--quiet",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    cfg = json.loads((tmp_path / "config.json").read_text())
    assert cfg["target"]["name"] == "gaussian" and cfg["noise"]["prior"] == "uniform"
    assert cfg["optim"]["lr_g"] == 0.002


def test_own_points_from_a_csv(tmp_path):
    pts = tmp_path / "pts.csv"
    pts.write_text("x,y\n" + "\n".join(f"{np.cos(a)},{np.sin(a)}" for a in np.arange(300)))
    r = gan_viz(
        "train", "--points", str(pts), "--steps", "10", "--quiet", "--out", str(tmp_path / "o")
    )
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "o" / "samples.npy").shape[1] == 2


@pytest.mark.parametrize(
    "args, words",
    [
        (["--lr-d", "-1"], "D learning rate: got -1.0"),
        (["--d-steps", "0"], "D steps (k): got 0"),
        (["--batch", "0"], "batch size: got 0"),
        (["--target", "nope"], "target: got 'nope'; allowed: gaussian"),
        (["--target", "gaussian", "--target-param", "std=0"], "std: got 0"),
        (["--objective", "magic"], "objective: got 'magic'"),
        (["--preset", "nope"], "preset: got 'nope'"),
        (["--points", "/no/such.csv"], "--points"),
        (["--unrolled", "99"], "unrolled steps"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, words):
    r = gan_viz("train", *args, "--steps", "5", "--out", str(tmp_path / "x"))
    assert r.returncode == 2
    assert words in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_malformed_points_file_is_refused(tmp_path):
    pts = tmp_path / "bad.csv"
    pts.write_text("1,2\n3,abc\n")
    r = gan_viz("train", "--points", str(pts), "--steps", "5", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "line 2" in r.stderr and "Traceback" not in r.stderr


def test_a_diverging_run_stops_says_where_and_keeps_its_record(tmp_path):
    r = gan_viz(
        "train",
        "--target",
        "gaussian",
        "--optimizer",
        "sgd",
        "--lr-d",
        "1e30",
        "--lr-g",
        "1e30",
        "--steps",
        "200",
        "--record-every",
        "1",
        "--quiet",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 1
    assert "diverged at iteration" in r.stderr and "Traceback" not in r.stderr
    rows = list(csv.DictReader((tmp_path / "metrics.csv").open()))
    assert len(rows) >= 1 and all(np.isfinite(float(row["js"])) for row in rows)
    weights = torch.load(tmp_path / "weights.pt", weights_only=True)
    assert all(torch.isfinite(v).all() for v in weights["G"].values())


def test_listings():
    for cmd, word in (("targets", "ring8"), ("objectives", "wgan_gp"), ("presets", "fig1")):
        r = gan_viz(cmd)
        assert r.returncode == 0 and word in r.stdout
