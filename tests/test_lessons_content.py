"""Every shipped lesson holds together: it parses, each step's settings validate, each step's
recording loads and matches its settings, and every claim its text makes holds on the recording
(a lesson never says what its run does not show). Regenerate with `gan-viz lessons record`."""

import math

import numpy as np
import pytest

from gan_viz.lessons.claims import check, metric_value
from gan_viz.lessons.format import lessons
from gan_viz.lessons.recording import RECORDING_DIR, load_replay
from gan_viz.targets import make_target
from gan_viz.theory.dirac import DiracGame

LESSONS = lessons()
STEPS = [(lid, i) for lid, lesson in LESSONS.items() for i in range(len(lesson.steps))]
MODES = {(lid, i): LESSONS[lid].steps[i].run.mode for lid, i in STEPS}
MANY_SEEDS = [
    s
    for s in STEPS
    if LESSONS[s[0]].steps[s[1]].run.mode == "game" and LESSONS[s[0]].steps[s[1]].run.seeds
]
GAME_STEPS = [s for s in STEPS if MODES[s] in ("game", "d_only") and s not in MANY_SEEDS]
DIRAC_STEPS = [s for s in STEPS if MODES[s] == "dirac"]
FGAN_STEPS = [s for s in STEPS if MODES[s] == "fgan"]
IMAGE_STEPS = [s for s in STEPS if MODES[s] == "image"]
CLAIMS = [(lid, i, j) for lid, i in STEPS for j in range(len(LESSONS[lid].steps[i].claims))]
MAX_TOTAL_BYTES = 15 * 1024 * 1024  # the whole shipped set (issue 18)


def test_the_first_lesson_is_the_minimax_game_with_6_to_12_steps():
    first = next(iter(LESSONS.values()))
    assert first.id == "minimax"
    assert 6 <= len(first.steps) <= 12


@pytest.mark.parametrize("lesson_id,index", GAME_STEPS)
def test_step_recording_loads_and_matches_its_settings(lesson_id, index):
    lesson = LESSONS[lesson_id]
    step = lesson.steps[index]
    replay = load_replay(lesson, index)  # checks the config hash
    cfg = step.run.config()
    every = cfg.cadence.record_every
    # One frame at the start, then one every `every` iterations (D steps when G is frozen).
    assert replay.n_frames == 1 + step.run.frames
    assert replay.iterations[0] == 0 and replay.iterations[-1] == step.run.iterations
    assert np.all(np.diff(replay.iterations) == every)
    dim = 1 if cfg.target.name in ("gaussian", "bimodal") else 2
    assert replay.dim == dim
    snap = replay.snapshot(replay.n_frames - 1)
    assert snap.fake.shape[1] == dim and np.all(np.isfinite(snap.fake))
    assert np.all((snap.d >= 0) & (snap.d <= 1))
    if dim == 1:  # densities integrate to 1 on the recorded (coarse) grid
        dx = snap.axes[0][1] - snap.axes[0][0]
        assert math.isclose(snap.p_data.sum() * dx, 1, abs_tol=0.02)
        assert math.isclose(snap.p_g.sum() * dx, 1, abs_tol=0.05)
    for name in ("js", "v", "d_real", "d_fake"):
        assert name in replay.columns


@pytest.mark.parametrize("lesson_id,index", DIRAC_STEPS)
def test_dirac_recording_matches_its_settings_iterate_by_iterate(lesson_id, index):
    lesson = LESSONS[lesson_id]
    run = lesson.steps[index].run
    replay = load_replay(lesson, index)  # checks the config hash
    assert replay.kind == "dirac" and replay.n_frames == 1 + run.frames
    assert replay.iterations[0] == 0 and replay.iterations[-1] == run.iterations
    game = DiracGame(run.config())
    game.step(run.iterations)
    np.testing.assert_array_equal(replay.arrays["path"], game.points())
    assert np.max(np.abs(replay.arrays["field_axis"])) == pytest.approx(run.span)


@pytest.mark.parametrize("lesson_id,index", FGAN_STEPS)
def test_fgan_recording_matches_its_settings(lesson_id, index):
    lesson = LESSONS[lesson_id]
    run = lesson.steps[index].run
    replay = load_replay(lesson, index)  # checks the config hash
    assert replay.kind == "fgan" and replay.n_frames == 1 + run.frames
    assert replay.iterations[-1] == run.iterations
    assert str(replay.arrays["divergence"]) == run.divergence
    assert replay.arrays["t"].shape == (replay.n_frames, len(replay.arrays["x"]))


def test_the_oscillation_lesson_has_6_to_12_steps_each_citing_its_source():
    lesson = LESSONS["oscillation"]
    assert 6 <= len(lesson.steps) <= 12
    assert all(step.source for step in lesson.steps)
    asked = [s for s in lesson.steps if s.question is not None]
    assert len(asked) >= len(lesson.steps) - 1
    assert all(a.why for s in asked for a in s.question.answers)


@pytest.mark.parametrize("lesson_id,index", IMAGE_STEPS)
def test_image_step_recording_loads_and_matches_its_settings(lesson_id, index):
    lesson = LESSONS[lesson_id]
    step = lesson.steps[index]
    replay = load_replay(lesson, index)  # checks the config hash
    cfg = step.run.config()
    n = replay.n_frames
    assert n == 1 + step.run.frames
    assert replay.iterations[0] == 0 and replay.iterations[-1] == step.run.iterations
    assert np.all(np.diff(replay.iterations) == cfg.cadence.eval_every)
    a = replay.arrays
    assert a["grid"].shape == (n, cfg.cadence.grid, 28, 28) and a["grid"].dtype == np.uint8
    assert a["grid_class"].shape == a["grid_confidence"].shape == (n, cfg.cadence.grid)
    # the histogram counts every judged digit once, and its shares are the metric rows
    assert np.all(a["class_counts"].sum(axis=1) == cfg.cadence.eval_samples)
    assert np.all(a["recognised_counts"] <= a["class_counts"])
    shares = np.stack([replay.columns[f"class_{c}"] for c in range(10)], axis=1)
    assert np.allclose(shares, a["class_counts"] / cfg.cadence.eval_samples)
    for name in ("covered", "recognised", "class_kl", "fd", "fd_floor", "d_real", "d_fake"):
        assert np.all(np.isfinite(replay.columns[name])), name


@pytest.mark.parametrize("lesson_id,index", MANY_SEEDS)
def test_many_seeds_recording_holds_every_seed_of_every_setting(lesson_id, index):
    step = LESSONS[lesson_id].steps[index]
    replay = load_replay(LESSONS[lesson_id], index)  # checks the config hash and the shapes
    assert replay.seeds == step.run.seed_list
    assert replay.labels == [spec.label or spec.preset for spec in step.run.settings]
    assert replay.n_frames == 1 + step.run.frames
    assert replay.iterations[0] == 0 and replay.iterations[-1] == step.run.iterations
    fake = replay.arrays["fake"]
    assert fake.shape[:2] == (len(step.run.settings), step.run.seeds)
    assert np.all(np.isfinite(fake))
    for s, spec in enumerate(step.run.settings):  # each setting against its own target's modes
        modes = replay.modes(s, slice(None))
        assert replay.modes_of(s) == len(make_target(spec.config().target).modes.centres)
        assert np.all((modes >= 0) & (modes <= replay.modes_of(s)) & (modes == np.round(modes)))


@pytest.mark.parametrize("lesson_id,index,j", CLAIMS)
def test_claim_holds_on_the_recording(lesson_id, index, j):
    lesson = LESSONS[lesson_id]
    claim = lesson.steps[index].claims[j]
    ok, value = check(load_replay(lesson, index), claim)
    assert ok, f"{lesson_id} step {index + 1}: {claim.describe()} reads {value:.4g}"


POINT_QUESTIONS = [
    (lid, i)
    for lid, i in STEPS
    if (q := LESSONS[lid].steps[i].question) is not None and q.kind == "point"
]
MODES_QUESTIONS = [
    (lid, i)
    for lid, i in STEPS
    if (q := LESSONS[lid].steps[i].question) is not None and q.kind == "modes"
]


def test_every_lesson_asks_at_least_one_question_on_the_picture():
    assert {lid for lid, _ in POINT_QUESTIONS + MODES_QUESTIONS} == set(LESSONS)


def test_every_image_step_asks_first_and_makes_a_claim():
    for lid, i in IMAGE_STEPS:
        step = LESSONS[lid].steps[i]
        assert step.question is not None and step.question.kind in ("choice", "point")
        assert step.claims and step.source


@pytest.mark.parametrize("lesson_id,index", MODES_QUESTIONS)
def test_modes_questions_are_asked_on_runs_that_count_modes(lesson_id, index):
    replay = load_replay(LESSONS[lesson_id], index)
    counts = replay.arrays["mode_counts"]
    assert counts.shape == (replay.n_frames, len(replay.arrays["mode_centres"]))
    # The reveal's truth (modes with a high-quality sample) is the recorded modes metric.
    assert np.sum(counts[-1] > 0) == replay.columns["modes"][-1]


@pytest.mark.parametrize("lesson_id,index", POINT_QUESTIONS)
def test_point_questions_ask_for_a_metric_the_recording_has(lesson_id, index):
    lesson = LESSONS[lesson_id]
    q = lesson.steps[index].question
    value = metric_value(load_replay(lesson, index), q.target, 0)
    assert np.isfinite(value) and q.tolerance > 0


def test_the_shipped_recordings_are_small_and_none_is_stray():
    files = sorted(RECORDING_DIR.glob("*.npz"))
    expected = {lesson.recording_name(i) for lid, i in STEPS for lesson in [LESSONS[lid]]}
    assert {f.name for f in files} == expected
    assert sum(f.stat().st_size for f in files) <= MAX_TOTAL_BYTES
