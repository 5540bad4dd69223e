"""Lesson steps that replay a theory lab experiment (the Dirac-GAN): the run is read strictly
(one line naming the bad field), recorded exactly and checked against its settings, its claim
metrics agree with closed forms, and its animation is a plain figure dict the replay can play."""

import base64
import json
import math

import numpy as np
import plotly.io
import pytest

from gan_viz.errors import ConfigError
from gan_viz.lessons.claims import metric_value
from gan_viz.lessons.format import parse_lesson
from gan_viz.lessons.recording import (
    RecordingProblem,
    read_recording,
    record_step,
    save_recording,
)
from gan_viz.lessons.theory_runs import DiracRun
from gan_viz.theory.dirac import DiracConfig, DiracGame
from gan_viz.ui.common.plotly_component import REPLAY_TRACES
from gan_viz.ui.lessons.theory_views import circle, dirac_figure, fgan_figure, point_range

DIRAC = """
id = "tiny"
title = "Tiny"
source = "here"

[[steps]]
title = "A short Dirac-GAN run"
text = ["One sentence.", "Another sentence."]
formula = 'L = f(\\psi\\theta)'
views = ["data", "curves", "eigenvalues"]
reveal = "It spiralled out."

[steps.run]
mode = "dirac"
method = "gan"
scheme = "simultaneous"
h = 0.2
theta0 = 1.0
psi0 = 0.5
iterations = 40
frames = 4
span = 3.0

[steps.question]
kind = "point"
prompt = "How far?"
target = "radius"
tolerance = 0.3

[[steps.claims]]
metric = "radius"
at = "end"
op = ">"
value = 1.0
"""


def values(array) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {dtype, bdata (base64)}."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), np.dtype(array["dtype"]))
    return np.asarray(array)


def dirac(**changes) -> str:
    text = DIRAC
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_dirac_step_parses_into_its_settings_with_a_hash_of_its_own():
    step = parse_lesson(DIRAC).steps[0]
    assert isinstance(step.run, DiracRun) and step.run.mode == "dirac"
    assert step.run.config() == DiracConfig("gan", "simultaneous", h=0.2, theta0=1.0, psi0=0.5)
    assert (step.run.iterations, step.run.frames, step.run.span) == (40, 4, 3.0)
    other = parse_lesson(dirac(**{"h = 0.2": "h = 0.1"})).steps[0]
    assert step.run.config_hash() == parse_lesson(DIRAC).steps[0].run.config_hash()
    assert other.run.config_hash() != step.run.config_hash()


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('method = "gan"', 'method = "nope"', "run.method"),
        ('scheme = "simultaneous"', 'scheme = "both"', "run.scheme"),
        ("h = 0.2", "h = -0.2", "run.h"),
        ("h = 0.2", 'h = "big"', "run.h"),
        ("h = 0.2", "h = 0.2\nd_steps = 2", "run.d_steps"),
        ("h = 0.2", "h = 0.2\ngamma = 1.0", "run.gamma"),  # the plain GAN has no penalty
        ("h = 0.2", "h = 0.2\nsigma = 1.0", "run.sigma"),  # nor instance noise
        ("theta0 = 1.0", "theta0 = nan", "run.theta0"),
        ("frames = 4", "frames = 3", "run.frames"),
        ("span = 3.0", "span = 0.0", "run.span"),
        ("span = 3.0", 'span = 3.0\npreset = "fig1"', "run.preset"),  # no preset, no seed
        ('"curves", "eigenvalues"', '"occupancy"', "views"),
    ],
)
def test_a_malformed_dirac_run_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(dirac(**{old: new}), "tiny.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "tiny.toml step 1" in message


def test_a_game_step_may_not_ask_for_the_eigenvalues_view():
    from tests.test_lessons_engine import tiny

    with pytest.raises(ConfigError, match="views"):
        parse_lesson(tiny(**{'"data", "curves"': '"data", "eigenvalues"'}), "tiny.toml")


def test_a_dirac_recording_holds_every_iterate_and_reads_back(tmp_path):
    lesson = parse_lesson(DIRAC)
    step = lesson.steps[0]
    arrays = record_step(step)
    assert arrays.keys() == record_step(step).keys()
    game = DiracGame(step.run.config())
    game.step(40)
    np.testing.assert_array_equal(arrays["path"], game.points())  # exact: float64, every one
    path = save_recording(lesson, 0, arrays, tmp_path)
    replay = read_recording(path, step.run.config_hash())
    assert replay.kind == "dirac" and list(replay.iterations) == [0, 10, 20, 30, 40]
    assert replay.arrays["field"].shape == (2, 25, 25)
    # The claim metrics: the distance from (0, 0) at a frame, the extremes over every iterate.
    radius = np.hypot(*game.points().T)
    assert metric_value(replay, "radius", 0) == math.hypot(1.0, 0.5)
    assert metric_value(replay, "radius", 2) == radius[20]
    assert metric_value(replay, "radius_max", 4) == radius.max()
    assert metric_value(replay, "radius_min", 4) == radius.min()
    assert metric_value(replay, "theta", 4) == game.points()[-1, 0]
    with pytest.raises(KeyError, match="1-D runs only"):
        metric_value(replay, "g_mean", 0)


def test_the_eigenvalue_metrics_are_the_papers_closed_forms(tmp_path):
    """Simultaneous GD on the GAN: J's eigenvalues +-i f'(0) = +-i/2, the update's 1 +- ih/2
    (Mescheder et al. 2018, Sec. 2.2); R1 with gamma: real part -gamma/2."""
    lesson = parse_lesson(DIRAC)
    step = lesson.steps[0]
    replay = read_recording(
        save_recording(lesson, 0, record_step(step), tmp_path), step.run.config_hash()
    )
    assert metric_value(replay, "lambda_re", 0) == 0
    assert metric_value(replay, "lambda_im", 0) == pytest.approx(0.5)
    assert metric_value(replay, "rho", 0) == pytest.approx(math.sqrt(1 + 0.2**2 / 4), abs=1e-8)
    r1 = parse_lesson(dirac(**{'method = "gan"': 'method = "r1"\ngamma = 0.3'}))
    arrays = record_step(r1.steps[0])
    names = json.loads(str(arrays["metric_names"]))
    assert arrays["metrics"][0, names.index("lambda_re")] == pytest.approx(-0.15)


def test_a_damaged_dirac_recording_is_refused(tmp_path):
    lesson = parse_lesson(DIRAC)
    step = lesson.steps[0]
    arrays = record_step(step)
    for damage in ("path", "iteration", "field"):
        broken = dict(arrays)
        if damage == "path":
            broken["path"] = arrays["path"][:10]  # fewer iterates than the frames say
        else:
            del broken[damage]
        path = save_recording(lesson, 0, broken, tmp_path)
        with pytest.raises(RecordingProblem, match="damaged"):
            read_recording(path, step.run.config_hash())


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    lesson = parse_lesson(DIRAC)
    step = lesson.steps[0]
    path = save_recording(lesson, 0, record_step(step), tmp_path_factory.mktemp("rec"))
    return read_recording(path, step.run.config_hash())


def test_the_dirac_animation_is_a_plain_figure_with_a_frame_per_recorded_iteration(replay):
    figure = json.loads(plotly.io.to_json(dirac_figure(replay, replay.n_frames), validate=False))
    assert set(figure) == {"data", "layout", "frames"}
    assert {t["type"] for t in figure["data"]} <= REPLAY_TRACES
    # The replay supplies its own play/pause and scrubber: the figure brings none.
    assert "sliders" not in figure["layout"] and "updatemenus" not in figure["layout"]
    frames = figure["frames"]
    assert [f["name"] for f in frames] == ["0", "1", "2", "3", "4"]
    path = replay.arrays["path"]
    for frame, iteration in zip(frames, replay.iterations):
        # Only the moving traces: the trajectory so far and the current point.
        assert frame["traces"] == [1, 2] and len(frame["data"]) == 2
        assert f"iteration {iteration:,}" in frame["layout"]["title"]["text"]
    last = frames[-1]["data"][1]
    np.testing.assert_allclose([values(last["x"])[0], values(last["y"])[0]], path[-1], rtol=1e-6)
    # The first picture shows the start only: nothing of the run's end before it plays.
    assert len(values(figure["data"][1]["x"])) == 1


def test_a_teaser_has_only_the_first_frames_and_a_guess_is_drawn_as_a_circle(replay):
    teaser = dirac_figure(replay, 2, distance=False)
    assert len(teaser["frames"]) == 2
    # Before the reveal nothing measures the answer: the titles give the iteration only.
    titles = [f["layout"]["title"]["text"] for f in teaser["frames"]]
    assert titles == ["iteration 0", "iteration 10"]
    mark = circle(1.5)
    assert mark["type"] == "circle" and (mark["x0"], mark["x1"]) == (-1.5, 1.5)
    assert point_range(replay) == (0.0, round(3.0 * math.sqrt(2), 1))


FGAN = dirac(
    **{
        """mode = "dirac"
method = "gan"
scheme = "simultaneous"
h = 0.2
theta0 = 1.0
psi0 = 0.5
iterations = 40
frames = 4
span = 3.0""": """mode = "fgan"
divergence = "kl"
target = "bimodal"
q_mean = 0.0
q_std = 1.0
seed = 2
iterations = 20
frames = 4""",
        '"data", "curves", "eigenvalues"': '"data", "curves"',
        'kind = "point"\nprompt = "How far?"\ntarget = "radius"\ntolerance = 0.3': (
            'kind = "choice"\nprompt = "Where?"\n'
            'answers = [{ text = "a", correct = true, why = "." }, { text = "b", why = "." }]'
        ),
    }
)


def fgan(**changes) -> str:
    text = FGAN
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('divergence = "kl"', 'divergence = "wasserstein"', "run.divergence"),
        ('target = "bimodal"', 'target = "ring8"', "run.target"),
        ("q_std = 1.0", "q_std = 0.0", "run.q_std"),
        ("seed = 2", "seed = -2", "run.seed"),
        ("iterations = 20", "iterations = 20000", "run.iterations"),
        ("frames = 4", "frames = 3", "run.frames"),
        ("seed = 2", 'seed = 2\npreset = "fig1"', "run.preset"),
        ('"data", "curves"', '"data", "eigenvalues"', "views"),
        ('kind = "choice"', 'kind = "modes"', "question.kind"),  # no ring here
    ],
)
def test_a_malformed_fgan_run_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(fgan(**{old: new}), "tiny.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "tiny.toml step 1" in message


def test_an_fgan_recording_is_deterministic_and_its_bound_stays_below_d_f(tmp_path):
    """Nowozin et al. 2016, Eq. 4: every critic's E_p[T] - E_q[f*(T)] is at most D_f."""
    lesson = parse_lesson(FGAN)
    step = lesson.steps[0]
    a, b = record_step(step), record_step(step)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    replay = read_recording(save_recording(lesson, 0, a, tmp_path), step.run.config_hash())
    assert replay.kind == "fgan" and list(replay.iterations) == [0, 5, 10, 15, 20]
    n = len(replay.arrays["x"])
    assert n <= 512 and replay.arrays["t"].shape == (5, n)
    d_f = metric_value(replay, "d_f", 0)
    assert d_f == pytest.approx(1.625, abs=1e-3)  # KL(bimodal || N(0, 1)) by quadrature
    for i in range(5):
        assert metric_value(replay, "bound", i) <= d_f
        assert metric_value(replay, "shortfall", i) == pytest.approx(
            (d_f - metric_value(replay, "bound", i)) / d_f
        )
    # The picture: the critic T moves, alone, one frame per recorded critic step.
    figure = fgan_figure(replay, replay.n_frames, bound=False)
    assert {t["type"] for t in figure["data"]} <= REPLAY_TRACES
    assert "sliders" not in figure["layout"] and "updatemenus" not in figure["layout"]
    assert [f["traces"] for f in figure["frames"]] == [[2]] * 5
    np.testing.assert_array_equal(figure["frames"][4]["data"][0]["y"], replay.arrays["t"][4])
    assert "bound" not in figure["layout"]["title"]["text"]  # not before the reveal


def test_cli_lists_the_theory_steps_by_their_settings(capsys):
    from gan_viz.cli import main

    assert main(["lessons", "list", "oscillation"]) == 0
    out = capsys.readouterr().out
    assert "3. Simultaneous steps of a practical size [dirac gan, simultaneous, h 0.2, 500" in out
    assert "f-GAN bound, kl, seed 0, 2000 critic steps" in out


def test_links_open_the_oscillation_lesson_at_the_step_they_name():
    from gan_viz.lessons.format import lessons
    from gan_viz.lessons.links import read_place

    every = lessons()
    assert list(every) == ["minimax", "collapse", "oscillation", "digits"]  # the picker's order
    place = read_place({"lesson": "oscillation", "step": "2"}, every)
    assert place.params() == {"lesson": "oscillation", "step": "2"} and place.notice is None
    place = read_place({"lesson": "oscillation", "step": "10"}, every)
    assert place.step == 1 and "steps 1 to 9" in place.notice
