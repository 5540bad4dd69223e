"""Image steps of a lesson (mode = "image": MNIST runs of gan_viz.images): read strictly, recorded
deterministically with the digits and class histograms the views draw, and drawn as one animated
figure of the grid beside its histogram that the replay component can play."""

import json

import numpy as np
import pytest

from gan_viz.errors import ConfigError
from gan_viz.images.config import ImageRunConfig
from gan_viz.lessons.claims import check, metric_value
from gan_viz.lessons.format import lessons, parse_lesson
from gan_viz.lessons.recording import load_replay, read_recording, record_step, save_recording
from gan_viz.lessons.runs import IMAGE_EVAL_SAMPLES, IMAGE_GRID
from gan_viz.ui.common.plotly_component import REPLAY_TRACES
from gan_viz.ui.lessons import image_views
from gan_viz.ui.lessons.image_views import digits_figure, frame_title

TINY = """
id = "tiny-digits"
title = "Tiny digits"
source = "here"

[[steps]]
title = "A short image run"
text = ["One sentence.", "Another sentence."]
formula = 'x \\in [-1, 1]^{784}'
views = ["digits", "classes"]
reveal = "It moved."
teaser_frames = 2

[steps.run]
mode = "image"
preset = "mnist-dcgan"
seed = 3
iterations = 4
frames = 2

[steps.run.overrides]
model = { width = 4 }
optim = { batch = 8 }

[steps.question]
kind = "choice"
prompt = "What happens?"
answers = [
  { text = "a", correct = true, why = "because" },
  { text = "b", correct = false, why = "because not" },
]

[[steps.claims]]
metric = "max_class_share"
at = "end"
op = "<="
value = 1
"""


def tiny(**changes) -> str:
    text = TINY
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_an_image_step_parses_into_a_cpu_float32_image_config_evaluated_once_a_frame():
    step = parse_lesson(TINY).steps[0]
    cfg = step.run.config()
    assert isinstance(cfg, ImageRunConfig)
    assert cfg.seed == 3 and cfg.device == "cpu" and cfg.precision == "fp32"
    assert cfg.model.width == 4 and cfg.optim.batch == 8
    assert cfg.cadence.eval_every == 2
    assert (cfg.cadence.grid, cfg.cadence.eval_samples) == (IMAGE_GRID, IMAGE_EVAL_SAMPLES)
    assert len(step.run.config_hash()) == 16


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('preset = "mnist-dcgan"', 'preset = "fig1"', "run.preset"),
        ('preset = "mnist-dcgan"', 'preset = "mnist-nope"', "run.preset"),
        ('mode = "image"', 'mode = "images"', "mode"),
        ("model = { width = 4 }", "model = { width = 2 }", "width"),
        ("model = { width = 4 }", "modle = { width = 4 }", "run.overrides"),
        ("optim = { batch = 8 }", "optim = { lr_g = -1.0 }", "run"),
        ('"digits", "classes"', '"digits", "occupancy"', "views"),
        ('"digits", "classes"', '"data"', "views"),
        ('kind = "choice"', 'kind = "modes"', "kind"),
        ('kind = "choice"', 'kind = "point"\ntarget = "g_mean"\ntolerance = 0.5', "target"),
        ("frames = 2", "frames = 3", "frames"),
    ],
)
def test_a_bad_image_step_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(tiny(**{old: new}), "tiny.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "tiny.toml" in message


POINT = 'kind = "point"\nprompt = "How tall?"\ntarget = "max_class_share"\ntolerance = 0.1\n'
CHOICE = TINY[TINY.index('kind = "choice"') : TINY.index("[[steps.claims]]")]


def test_a_point_question_is_asked_on_the_histograms_tallest_bar_only():
    q = parse_lesson(tiny(**{CHOICE: POINT})).steps[0].question
    assert (q.kind, q.target, q.tolerance) == ("point", "max_class_share", 0.1)
    with pytest.raises(ConfigError, match="target"):
        parse_lesson(tiny(**{CHOICE: POINT.replace("max_class_share", "fd")}), "tiny.toml")
    with pytest.raises(ConfigError, match="views"):  # the bars are clicked in the digits view
        parse_lesson(tiny(**{CHOICE: POINT, '"digits", "classes"': '"classes"'}), "tiny.toml")


def test_a_height_clicked_on_the_bars_is_a_share_and_is_drawn_across_them():
    lesson = lessons()["digits"]
    index = next(i for i, s in enumerate(lesson.steps) if s.question.kind == "point")
    replay = load_replay(lesson, index)
    n = image_views.digits_shown(replay)
    assert n == int(replay.arrays["class_counts"][-1].sum()) == 500
    assert image_views.share_of(replay, 0.234 * n) == 0.23
    assert image_views.share_of(replay, -40) == 0.0 and image_views.share_of(replay, 3 * n) == 1.0
    (line,) = image_views.marks(replay, "point", 0.25)
    assert (line["xref"], line["yref"], line["y0"], line["y1"]) == ("x2 domain", "y2", 125, 125)
    assert image_views.marks(replay, "point", None) == image_views.marks(replay, "choice", 1) == []
    assert image_views.picker("point") == {"kind": "y", "xaxis": "x2", "yaxis": "y2"}
    assert image_views.picker("choice") is None
    # every share can be clicked: the teaser's bar axis reaches past all of G's digits
    teaser = digits_figure(replay, lesson.steps[index].teaser_frames)
    assert teaser["layout"]["yaxis2"]["range"][1] >= n


def test_a_toy_step_cannot_show_image_views():
    from tests.test_lessons_engine import TINY as TOY

    with pytest.raises(ConfigError, match="views"):
        parse_lesson(TOY.replace('"data", "curves"', '"data", "digits"'), "toy.toml")


@pytest.fixture
def recorded(classifier_cache, monkeypatch, tmp_path):
    """The tiny image step recorded twice, judged by the test session's classifier."""
    monkeypatch.setenv("GAN_VIZ_CACHE", str(classifier_cache[0]))
    lesson = parse_lesson(TINY)
    step = lesson.steps[0]
    return lesson, step, record_step(step), record_step(step)


@pytest.mark.slow
def test_recording_an_image_step_twice_gives_the_same_arrays_and_it_reads_back(recorded, tmp_path):
    lesson, step, a, b = recorded
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    path = save_recording(lesson, 0, a, tmp_path)
    replay = read_recording(path, step.run.config_hash())
    assert replay.n_frames == 3 and list(replay.iterations) == [0, 2, 4]
    assert replay.arrays["grid"].shape == (3, IMAGE_GRID, 28, 28)
    assert replay.arrays["grid"].dtype == np.uint8
    assert np.all(replay.arrays["class_counts"].sum(axis=1) == IMAGE_EVAL_SAMPLES)
    # max_class_share is the largest bar of the histogram, read off the metric rows
    shares = replay.arrays["class_counts"][-1] / IMAGE_EVAL_SAMPLES
    assert metric_value(replay, "max_class_share", 2) == pytest.approx(shares.max())
    assert check(replay, step.claims[0])[0]
    assert replay.dim == 0  # not a toy run: no picture metrics
    with pytest.raises(KeyError):
        metric_value(replay, "g_mean", 0)


@pytest.mark.slow
def test_the_digits_figure_animates_the_grid_beside_its_histogram(recorded, tmp_path):
    lesson, step, arrays, _ = recorded
    replay = read_recording(save_recording(lesson, 0, arrays, tmp_path), step.run.config_hash())
    fig = digits_figure(replay, replay.n_frames)
    # the shape replay_chart plays: data, layout, frames named 0.. with a title each
    assert [f["name"] for f in fig["frames"]] == ["0", "1", "2"]
    assert all(set(f["layout"]) == {"title"} for f in fig["frames"])
    # traces the replay's plotly.js draws, and no plotly controls: the component brings its own
    types = {t["type"] for f in fig["frames"] for t in f["data"]}
    assert types <= REPLAY_TRACES and "heatmap" in types
    assert "sliders" not in fig["layout"] and "updatemenus" not in fig["layout"]
    heat, classified, sure = fig["frames"][2]["data"]
    assert heat.get("xaxis", "x") == "x" and classified["xaxis"] == "x2"
    assert classified["yaxis"] == sure["yaxis"] == "y2"
    assert fig["layout"]["yaxis2"]["range"][1] >= arrays["class_counts"].max()
    assert fig["layout"]["title"]["text"] == frame_title(replay, 0)
    assert "iteration 4" in fig["frames"][2]["layout"]["title"]["text"]
    json.dumps(fig, default=str)  # plain data, ready for the browser
    # before the reveal: only the first frames
    assert len(digits_figure(replay, 2)["frames"]) == 2
