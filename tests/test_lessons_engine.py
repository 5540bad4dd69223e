"""The lesson engine: a lesson file is read strictly (one line naming the bad field), a step's
recording is deterministic and checked against its settings, links open the nearest good place."""

import math

import numpy as np
import pytest

from gan_viz.errors import ConfigError
from gan_viz.lessons.claims import check, metric_value
from gan_viz.lessons.format import Claim, lessons, parse_lesson
from gan_viz.lessons.links import read_place
from gan_viz.lessons.recording import (
    RecordingProblem,
    read_recording,
    record_step,
    save_recording,
)

TINY = """
id = "tiny"
title = "Tiny"
source = "here"

[[steps]]
title = "A short run"
text = ["One sentence.", "Another sentence."]
formula = 'D^* = \\frac{p}{p + q}'
views = ["data", "curves"]
reveal = "It moved."

[steps.run]
preset = "fig1"
seed = 3
iterations = 20
frames = 4

[steps.run.overrides]
cadence = { eval_samples = 500, grid = 64 }

[steps.question]
kind = "choice"
prompt = "What happens?"
answers = [
  { text = "a", correct = true, why = "because" },
  { text = "b", correct = false, why = "because not" },
]

[[steps.claims]]
metric = "js"
at = "end"
op = "<="
value = 0.7
"""


def tiny(**changes) -> str:
    text = TINY
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_lesson_parses_into_its_steps_with_a_validated_config():
    lesson = parse_lesson(TINY)
    step = lesson.steps[0]
    assert step.text == ("One sentence.", "Another sentence.")
    assert step.question.answers[0].correct and not step.question.answers[1].correct
    assert step.claims == (Claim("js", "<=", 0.7, "end"),)
    cfg = step.run.config()
    assert cfg.seed == 3 and cfg.device == "cpu"
    assert cfg.cadence.record_every == 5 and cfg.cadence.eval_samples == 500


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('preset = "fig1"', 'preset = "nope"', "run.preset"),
        ("seed = 3", "seed = -1", "seed"),
        ("frames = 4", "frames = 3", "frames"),
        ('"data", "curves"', '"data", "pictures"', "views"),
        ('text = ["One sentence.", "Another sentence."]', 'text = ["Only one."]', "text"),
        ("correct = false", "correct = true", "answers"),
        ('op = "<="', 'op = "~"', "op"),
        ('at = "end"', 'at = "middle"', "at"),
        ("eval_samples = 500", "eval_samplez = 500", "run.overrides"),
        ('reveal = "It moved."', 'reveal = "It moved."\ncolour = "red"', "colour"),
        ('title = "Tiny"', 'title = "Tiny', "TOML"),
        ('reveal = "It moved."', 'reveal = "It moved."\nteaser_frames = 9', "teaser_frames"),
    ],
)
def test_a_malformed_lesson_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(tiny(**{old: new}), "tiny.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "tiny.toml" in message


def test_recording_twice_gives_the_same_arrays_and_it_reads_back(tmp_path):
    lesson = parse_lesson(TINY)
    step = lesson.steps[0]
    a, b = record_step(step), record_step(step)
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    path = save_recording(lesson, 0, a, tmp_path)
    replay = read_recording(path, step.run.config_hash())
    assert replay.n_frames == 5 and list(replay.iterations) == [0, 5, 10, 15, 20]
    assert replay.arrays["d"].dtype == np.float16  # D on a coarse grid: every other point
    assert replay.arrays["d"].shape == (5, 32)
    # The replay's D* is p_data / (p_data + p_g), recomputed from the stored densities.
    snap = replay.snapshot(4)
    keep = snap.p_data + snap.p_g > 1e-3
    np.testing.assert_allclose(
        snap.d_star[keep], (snap.p_data / (snap.p_data + snap.p_g))[keep], rtol=1e-12
    )
    # The metric rows are kept whole: the recorded JS is the run's own.
    assert replay.columns["js"].dtype == np.float64
    ok, value = check(replay, step.claims[0])
    assert ok and value == replay.columns["js"][-1]


def test_a_recording_for_other_settings_or_damaged_or_missing_is_refused(tmp_path):
    lesson = parse_lesson(TINY)
    step = lesson.steps[0]
    path = save_recording(lesson, 0, record_step(step), tmp_path)
    other = parse_lesson(tiny(**{"seed = 3": "seed = 4"})).steps[0]
    with pytest.raises(RecordingProblem, match="other settings"):
        read_recording(path, other.run.config_hash())
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RecordingProblem, match="damaged"):
        read_recording(path, step.run.config_hash())
    with pytest.raises(RecordingProblem, match="gan-viz lessons record"):
        read_recording(tmp_path / "gone.npz", step.run.config_hash())


def test_picture_metrics_against_closed_forms(tmp_path):
    """d_half of a D at 1/2 is 0; g_mean of a Gaussian p_g is its mean; d_gap of D = D* is 0."""
    lesson = parse_lesson(TINY)
    step = lesson.steps[0]
    arrays = record_step(step)
    x = arrays["axis0"].astype(float)
    n = len(arrays["iteration"])
    p_g = np.exp(-0.5 * ((x - 1.25) / 0.4) ** 2) / (0.4 * math.sqrt(2 * math.pi))
    arrays["p_g"] = np.tile(p_g, (n, 1)).astype(np.float16)
    arrays["d"] = np.full_like(arrays["d"], 0.5)
    replay = read_recording(save_recording(lesson, 0, arrays, tmp_path), step.run.config_hash())
    assert metric_value(replay, "d_half", 0) == 0
    assert math.isclose(metric_value(replay, "g_mean", 0), 1.25, abs_tol=2e-3)
    snap = replay.snapshot(0)
    arrays["d"] = np.tile(np.nan_to_num(snap.d_star, nan=0.5), (n, 1)).astype(np.float16)
    replay = read_recording(save_recording(lesson, 0, arrays, tmp_path), step.run.config_hash())
    assert metric_value(replay, "d_gap", 0) < 1e-3  # float16 rounding only


def test_links_open_the_step_they_name_or_step_1_with_a_notice():
    every = lessons()
    assert read_place({"lesson": "minimax", "step": "3"}, every).step == 3
    assert read_place({}, every).params() == {"lesson": "minimax", "step": "1"}
    for params, says in [
        ({"lesson": "minimax", "step": "99"}, "No step '99'"),
        ({"lesson": "minimax", "step": "three"}, "No step 'three'"),
        ({"lesson": "nope", "step": "2"}, "No lesson 'nope'"),
    ]:
        place = read_place(params, every)
        assert place.step == 1 and says in place.notice and "\n" not in place.notice


def test_cli_checks_the_shipped_lesson_and_refuses_an_unknown_one(capsys):
    from gan_viz.cli import main

    assert main(["lessons", "check", "minimax"]) == 0
    out = capsys.readouterr().out
    claims = sum(len(s.claims) for s in lessons()["minimax"].steps)
    assert out.count(" ok ") == claims and "FAIL" not in out
    assert "recordings:" in out and "MB" in out
    assert main(["lessons", "record", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gan-viz lessons: lesson: got 'nope'") and "\n" not in err
    assert main(["lessons", "record", "minimax", "--step", "9"]) == 2
    assert "--step" in capsys.readouterr().err
