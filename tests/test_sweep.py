"""`gan-viz sweep` end to end (a real process, real files) and its summary arithmetic."""

import csv
import math
import subprocess
import sys

import numpy as np
import pytest

from gan_viz.cli import main
from gan_viz.sweep import RunResult, markdown_table, summarise


def gan_viz(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gan_viz", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_sweep_runs_configurations_times_seeds_and_writes_its_table(tmp_path):
    out = tmp_path / "sweep"
    r = gan_viz(
        "sweep",
        "--target",
        "ring8",
        "--hidden",
        "16",
        "--batch",
        "64",
        "--vary",
        "pack=1,2",
        "--seeds",
        "2",
        "--steps",
        "30",
        "--samples",
        "500",
        "--workers",
        "2",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    runs = list(csv.DictReader((out / "runs.csv").open()))
    assert [(row["label"], row["seed"]) for row in runs] == [
        ("ring8 hidden=16 batch=64 pack=1", "0"),
        ("ring8 hidden=16 batch=64 pack=1", "1"),
        ("ring8 hidden=16 batch=64 pack=2", "0"),
        ("ring8 hidden=16 batch=64 pack=2", "1"),
    ]
    for row in runs:
        assert row["steps"] == "30" and row["n_modes"] == "8" and row["diverged"] == ""
        assert 0 <= float(row["modes"]) <= 8 and 0 <= float(row["hq"]) <= 1
    table = list(csv.DictReader((out / "table.csv").open()))
    assert [t["configuration"] for t in table] == [
        "ring8 hidden=16 batch=64 pack=1",
        "ring8 hidden=16 batch=64 pack=2",
    ]
    js = [float(row["js"]) for row in runs[:2]]
    assert float(table[0]["js_mean"]) == pytest.approx(np.mean(js), rel=1e-4)
    assert float(table[0]["js_std"]) == pytest.approx(np.std(js, ddof=1), rel=1e-3, abs=1e-6)
    md = (out / "table.md").read_text()
    assert "| ring8 hidden=16 batch=64 pack=2 |" in md and "Command: `gan-viz sweep" in md
    assert "modes captured" in r.stdout and "ring8 hidden=16 batch=64 pack=1" in r.stdout
    # one progress line per run on stderr
    assert r.stderr.count("high quality") == 4


def test_sweep_of_named_presets_in_this_process(tmp_path, capsys):
    code = main(["sweep", "fig1", "equilibrium", "--seeds", "1", "--steps", "5", "--workers",
                 "1", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    runs = list(csv.DictReader((tmp_path / "runs.csv").open()))
    assert [row["label"] for row in runs] == ["fig1", "equilibrium"]
    assert all(row["n_modes"] == "1" for row in runs)


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ["ring-collapse", "--seeds", "0"],
            "--seeds: got 0; allowed: a whole number from 1 to 1,000",
        ),
        (["no-such-preset"], "preset: got 'no-such-preset'; allowed:"),
        (["ring-collapse", "--unrolled", "51"], "unrolled steps: got 51"),
        (["ring-collapse", "--pack", "5"], "packing degree: got 5"),
        (["ring-collapse", "--vary", "pack=0,2"], "packing degree: got 0"),
        (["ring-collapse", "--vary", "unrolled=-1"], "unrolled steps: got -1"),
        (["ring-collapse", "--vary", "pack"], "--vary: got 'pack'"),
        (["ring-collapse", "--vary", "colour=1,2"], "--vary: got 'colour'"),
        (["ring-collapse", "--vary", "pack=two"], "--vary pack: got 'two'"),
        (["ring-collapse", "--workers", "0"], "--workers: got 0"),
        (["--target", "two_moons"], "target: got 'two_moons'; allowed: a target with modes"),
    ],
)
def test_bad_sweep_input_gives_one_line_and_exit_2(tmp_path, capsys, args, words):
    code = main(["sweep", *args, "--steps", "5", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()  # nothing ran, nothing written


def _result(label, seed, modes, hq, kl, diverged=""):
    return RunResult(label, seed, 100, modes, 8, hq, kl, 0.1, 1.0, diverged)


def test_summary_is_mean_and_sample_std_over_seeds_leaving_out_diverged_runs():
    results = [
        _result("a", 0, 1, 0.9, 2.0),
        _result("a", 1, 3, 0.7, 1.0),
        _result("b", 0, 8, 0.5, 0.01),
        _result("b", 1, math.nan, math.nan, math.nan, "diverged at iteration 9: loss_d"),
    ]
    a, b = summarise(results)
    assert (a.label, a.seeds, a.diverged) == ("a", 2, 0)
    assert a.mean["modes"] == 2 and a.std["modes"] == pytest.approx(np.sqrt(2))
    assert a.mean["hq"] == pytest.approx(80.0) and a.std["hq"] == pytest.approx(np.sqrt(200))
    assert (b.seeds, b.diverged, b.mean["modes"], b.std["modes"]) == (2, 1, 8, 0.0)
    md = markdown_table([a, b])
    assert "| a | 2.0 ± 1.4 / 8 | 80.0 ± 14.1 | 1.50 ± 0.71 |" in md
    assert "2 (1 diverged)" in md
