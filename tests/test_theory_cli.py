"""`gan-viz theory` end to end: a real process, the report's keys and the issue's targets.

CI runs `--quick` (the same experiments with fewer steps and three f-divergences, about a
minute); the full run's figures are in the README."""

import json
import math
import subprocess
import sys

import pytest

from gan_viz.theory import report as theory_report

DIRAC_KEYS = {
    "simultaneous",
    "alternating",
    "nonsaturating",
    "wgan",
    "wgan_gp",
    "r1",
    "instance_noise",
    "consensus",
}


def gan_viz(*args):
    return subprocess.run(
        [sys.executable, "-m", "gan_viz", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_quick_report_has_every_key_and_meets_every_target(tmp_path):
    out = tmp_path / "theory.json"
    r = gan_viz("theory", "--quick", "--out", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads(r.stdout)
    assert json.loads(out.read_text()) == report
    for key in ("dstar_gap", "v_minus_c", "equilibrium_v", "fgan", "dirac", "mle", "checks"):
        assert key in report
    assert report["dstar_gap"] <= 0.02
    assert abs(report["v_minus_c"]) <= 0.01
    assert abs(report["equilibrium_v"] + math.log(4)) <= 0.01
    assert set(report["dirac"]) == DIRAC_KEYS
    assert report["dirac"]["simultaneous"] > 1.41
    assert abs(report["dirac"]["alternating"] - math.sqrt(2)) <= 0.05 * math.sqrt(2)
    assert report["dirac"]["r1"] < 0.05 and report["dirac"]["instance_noise"] < 0.05
    for name in theory_report.QUICK.bound_names:
        row = report["fgan"][name]
        assert abs(row["bound"] - row["true"]) <= 0.05 * abs(row["true"]), name
        assert row["bound"] <= row["true"] + 1e-3, name  # a lower bound, up to the grid
    for name in theory_report.QUICK.fit_names:
        row = report["fgan"][name]
        for key in ("mu", "sigma", "mu_exact", "sigma_exact"):
            assert math.isfinite(row[key]), (name, key)
        assert (
            abs(row["mu"] - row["mu_exact"]) <= 0.1
            and abs(row["sigma"] - row["sigma_exact"]) <= 0.1
        )
    assert report["fgan"]["reverse_kl"]["mu_exact"] == pytest.approx(2.0, abs=0.01)
    assert all(c["ok"] for c in report["checks"].values())
    assert "all" in r.stderr and "checks met their targets" in r.stderr


def test_checks_flag_a_missed_target():
    report = {
        "dstar_gap": 0.05,
        "v_minus_c": -0.002,
        "equilibrium_v": -math.log(4) + 0.02,
        "fgan": {
            "kl": {"bound": 1.0, "true": 1.2, "bound_rel_error": 1 / 6, "fit_error": 0.05},
            "neyman": {"bound": None, "true": None, "undefined": "infinite", "fit_error": 0.3},
        },
        "dirac": {"simultaneous": 1.3, "alternating": 1.6, "r1": 0.01, "instance_noise": 0.2},
    }
    checks = theory_report.checks(report)
    failed = {k for k, c in checks.items() if not c["ok"]}
    assert failed == {
        "dstar_gap",
        "equilibrium_v",
        "fgan.kl.bound",
        "fgan.neyman.fit",
        "dirac.simultaneous",
        "dirac.alternating",
        "dirac.instance_noise",
    }
    assert "fgan.neyman.bound" not in checks  # an infinite divergence has no bound to check


@pytest.mark.parametrize("args", [["--seed", "-1"], ["--out", "."]])
def test_bad_arguments_get_one_line_and_exit_code_2(args, capsys):
    from gan_viz.cli import main

    assert main(["theory", "--quick", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("gan-viz theory: --")
