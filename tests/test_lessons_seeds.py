"""A many-seeds step (issue 18): its fields are read strictly, its recording holds every seed of
every setting and is deterministic, its claims read aggregates over the seeds, its small
multiples are titled with each seed's modes, and each panel links to that very run."""

import json

import numpy as np
import pytest

from gan_viz.errors import ConfigError
from gan_viz.lessons.claims import check
from gan_viz.lessons.format import Claim, parse_lesson
from gan_viz.lessons.recording import RecordingProblem, load_replay, record_step, save_recording
from gan_viz.lessons.seeds import SeedsReplay, aggregate, collapsed, summary
from gan_viz.links import open_link
from gan_viz.plots.seeds import grid_shape, panel_seed, panel_title, seeds_figure

SEEDS = """
id = "lottery"
title = "Lottery"
source = "here"

[[steps]]
title = "Many seeds"
text = ["One sentence.", "Another sentence."]
formula = 'p'
views = ["seeds"]
reveal = "They ended."

[steps.run]
preset = "ring-collapse"
seed = 5
seeds = 2
iterations = 12
frames = 3
label = "Collapse"

[steps.run.overrides]
cadence = { eval_samples = 500, grid = 32 }

[steps.run.compare]
preset = "ring-pacgan"
label = "PacGAN"

[steps.run.compare.overrides]
cadence = { eval_samples = 500, grid = 32 }

[steps.question]
kind = "choice"
prompt = "How many collapse?"
answers = [
  { text = "a", correct = true, why = "because" },
  { text = "b", correct = false, why = "because not" },
]

[[steps.claims]]
metric = "max_modes"
of = "compare"
op = "<="
value = 8
"""


COMPARE = """[steps.run.compare]
preset = "ring-pacgan"
label = "PacGAN"

[steps.run.compare.overrides]
cadence = { eval_samples = 500, grid = 32 }
"""


def seeds_lesson(**changes) -> str:
    text = SEEDS
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_many_seeds_step_parses_both_settings_over_the_same_seeds_and_length():
    step = parse_lesson(SEEDS).steps[0]
    run = step.run
    assert run.seed_list == [5, 6] and [s.label for s in run.settings] == ["Collapse", "PacGAN"]
    cure = run.compare
    assert (cure.preset, cure.seeds, cure.iterations, cure.frames) == ("ring-pacgan", 2, 12, 3)
    assert cure.config().nets.pack == 4 and run.config().nets.pack == 1
    assert step.claims == (Claim("max_modes", "<=", 8.0, "end", "compare"),)
    one = run.with_seed(6)
    assert one.seeds == 0 and one.compare is None and one.config().seed == 6
    # The hash names every seed and the second setting: change either, the recording is stale.
    other = parse_lesson(seeds_lesson(**{'preset = "ring-pacgan"': 'preset = "ring-wgan-gp"'}))
    assert other.steps[0].run.config_hash() != run.config_hash()
    more = parse_lesson(seeds_lesson(**{"seeds = 2": "seeds = 3"}))
    assert more.steps[0].run.config_hash() != run.config_hash()


@pytest.mark.parametrize(
    "old,new,field",
    [
        ("seeds = 2", "seeds = 1", "run.seeds"),
        ("seeds = 2", "seeds = 26", "run.seeds"),
        ("seeds = 2", "seeds = 2.5", "run.seeds"),
        ('views = ["seeds"]', 'views = ["seeds", "data"]', "views"),
        ('views = ["seeds"]', 'views = ["data"]', "views"),
        ("seeds = 2\n", "", "run.compare"),  # a compare setting needs seeds
        ('label = "PacGAN"', 'label = "PacGAN"\nseed = 3', "compare.seed"),
        ('preset = "ring-pacgan"', 'preset = "nope"', "compare: run.preset"),
        ('of = "compare"', 'of = "other"', "of"),
        ('kind = "choice"', 'kind = "modes"', "question.kind"),
    ],
)
def test_a_malformed_many_seeds_step_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(seeds_lesson(**{old: new}), "lottery.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "lottery.toml" in message


def test_a_compare_setting_or_claim_without_seeds_is_refused():
    no_compare = seeds_lesson(**{COMPARE: ""})
    with pytest.raises(ConfigError, match="claims.1..of"):  # a claim on a compare it lacks
        parse_lesson(no_compare, "lottery.toml")
    single = seeds_lesson(**{"seeds = 2\n": "", 'views = ["seeds"]': 'views = ["data"]'})
    with pytest.raises(ConfigError, match="compare"):
        parse_lesson(single, "lottery.toml")


def test_recording_every_seed_is_deterministic_reads_back_and_answers_claims(tmp_path):
    lesson = parse_lesson(SEEDS)
    step = lesson.steps[0]
    a, b = record_step(step), record_step(step)
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name
    assert a["fake"].shape == (2, 2, 400, 2) and a["fake"].dtype == np.float16
    assert a["modes"].shape == (2, 2, 4) and list(a["iteration"]) == [0, 4, 8, 12]
    assert list(a["seeds"]) == [5, 6] and json.loads(str(a["labels"])) == ["Collapse", "PacGAN"]
    path = save_recording(lesson, 0, a, tmp_path)
    replay = load_replay(lesson, 0, tmp_path)
    assert isinstance(replay, SeedsReplay) and replay.n_modes == 8
    ok, value = check(replay, step.claims[0])
    assert ok and value == np.max(a["modes"][1, :, -1])
    # A recording for other settings, or a damaged one, is refused in one line.
    other = parse_lesson(seeds_lesson(**{"seed = 5": "seed = 6"}))
    with pytest.raises(RecordingProblem, match="other settings"):
        load_replay(other, 0, tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RecordingProblem, match="damaged"):
        load_replay(lesson, 0, tmp_path)


ROWS = """
[[steps.run.rows]]
preset = "grid-pacgan"
label = "PacGAN (grid)"

[steps.run.rows.overrides]
cadence = { eval_samples = 500, grid = 32 }
"""


def table_lesson(**changes) -> str:
    """The many-seeds step as a table: its run, its compare and one row on the 25-mode grid."""
    text = seeds_lesson(**{'views = ["seeds"]': 'views = ["table"]', COMPARE: COMPARE + ROWS})
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_table_step_adds_rows_over_the_same_seeds_named_by_their_labels():
    run = parse_lesson(table_lesson()).steps[0].run
    assert run.labels == ["Collapse", "PacGAN", "PacGAN (grid)"]
    (row,) = run.rows
    assert (row.seeds, row.iterations, row.frames) == (2, 12, 3)
    assert row.config().target.name == "grid25" and row.config().nets.pack == 2
    assert run.with_seed(5).rows == ()
    other = parse_lesson(table_lesson(**{'preset = "grid-pacgan"': 'preset = "grid-collapse"'}))
    assert other.steps[0].run.config_hash() != run.config_hash()  # a row is in the hash
    on_row = table_lesson(**{'of = "compare"': 'of = "PacGAN (grid)"'})
    assert parse_lesson(on_row).steps[0].claims[0].of == "PacGAN (grid)"


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('of = "compare"', 'of = "PacGAN (ring)"', "of"),  # no row of that name
        ('label = "PacGAN (grid)"', 'label = "PacGAN"', "label"),  # two rows of one name
        ('label = "PacGAN (grid)"', 'label = "run"', "label"),
        ('views = ["table"]', 'views = ["seeds"]', "views"),  # rows draw as a table only
        ("seeds = 2\n", "", "run.compare"),
    ],
)
def test_a_malformed_table_step_is_refused_in_one_line_naming_the_field(old, new, field):
    with pytest.raises(ConfigError) as err:
        parse_lesson(table_lesson(**{old: new}), "table.toml")
    message = str(err.value)
    assert "\n" not in message and field in message and "table.toml" in message


@pytest.mark.slow
def test_a_table_recording_keeps_each_rows_target_and_the_tables_metrics(tmp_path):
    lesson = parse_lesson(table_lesson(**{'of = "compare"': 'of = "PacGAN (grid)"'}))
    step = lesson.steps[0]
    arrays = record_step(step)
    assert list(arrays["n_modes"]) == [8, 8, 25]  # the grid's row, on its own target
    for name in ("modes", "hq", "mode_kl", "js"):
        assert arrays[name].shape == (3, 2, 4), name
    save_recording(lesson, 0, arrays, tmp_path)
    replay = load_replay(lesson, 0, tmp_path)
    ok, value = check(replay, step.claims[0])  # max_modes of the grid row
    assert ok and value == np.max(arrays["modes"][2, :, -1])
    assert aggregate(replay, "mean_js", "PacGAN (grid)", -1) == pytest.approx(
        np.mean(arrays["js"][2, :, -1])
    )
    assert replay.modes_of(2) == 25 and replay.modes_of(0) == 8
    # a table recording without the table's metrics is damaged, not a table with holes
    del arrays["mode_kl"]
    save_recording(lesson, 0, arrays, tmp_path)
    with pytest.raises(RecordingProblem, match="damaged"):
        load_replay(lesson, 0, tmp_path)


def _replay(modes: list[list[int]], hq: float = 0.5) -> SeedsReplay:
    modes = np.asarray(modes, np.float32)[:, :, None].repeat(2, axis=2)  # 2 frames
    n_set, n_seeds = modes.shape[:2]
    arrays = {
        "iteration": np.array([0, 100]),
        "seeds": np.arange(n_seeds),
        "real": np.zeros((8, 2), np.float16),
        "mode_centres": np.zeros((8, 2), np.float32),
        "fake": np.zeros((n_set, n_seeds, 4, 2), np.float16),
        "modes": modes,
        "hq": np.full(modes.shape, hq, np.float32),
    }
    return SeedsReplay(arrays, ["Collapse", "Cure"][:n_set])


def test_aggregates_over_seeds_count_collapsed_and_full_runs():
    replay = _replay([[2, 2, 3, 1], [8, 8, 4, 3]])
    assert list(collapsed(replay.modes(0), 8)) == [True] * 4  # fewer than half of 8 modes
    assert aggregate(replay, "seeds_collapsed", "run", -1) == 4
    assert aggregate(replay, "seeds_collapsed", "compare", -1) == 1  # 4 of 8: half, not collapsed
    assert aggregate(replay, "seeds_all_modes", "compare", -1) == 2
    assert aggregate(replay, "median_modes", "run", -1) == 2.0
    assert aggregate(replay, "median_modes", "compare", -1) == 6.0
    assert aggregate(replay, "min_modes", "compare", 0) == 3
    assert aggregate(replay, "max_modes", "compare", 0) == 8
    assert aggregate(replay, "median_hq", "run", -1) == 0.5
    assert aggregate(replay, "collapsed_max_hq", "compare", -1) == 0.5
    assert np.isnan(aggregate(_replay([[8, 8]]), "collapsed_max_hq", "run", -1))  # none collapsed
    with pytest.raises(KeyError, match="known"):
        aggregate(replay, "js", "run", -1)
    line = summary(replay)
    assert "Collapse: 4 of 4 seeds end with fewer than 4 of 8 modes, 0 of 4 with all 8" in line
    assert "Cure: 1 of 4 seeds end with fewer than 4 of 8 modes, 2 of 4 with all 8" in line
    with pytest.raises(KeyError, match="compare"):
        aggregate(_replay([[2, 2]]), "median_modes", "compare", -1)


def test_the_figure_has_one_titled_panel_per_seed_each_click_naming_its_seed():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(100, 2)) * 2
    seeds, modes = list(range(3, 19)), [2, 8, 1, 5] * 4
    fakes = [rng.normal(size=(50, 2)) for _ in seeds]
    fig = seeds_figure(real, fakes, modes, seeds, 8)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [panel_title(s, m, 8) for s, m in zip(seeds, modes)]
    assert titles[0] == "seed 3 · 2 of 8 modes"
    assert len(fig.data) == 3 * 16 and {t.type for t in fig.data} == {"scatter"}  # no WebGL
    axes = {(t.xaxis, t.yaxis) for t in fig.data}
    assert len(axes) == 16  # a panel each: 4 x 4
    for trace in fig.data:  # every point of a panel says which seed to open
        (seed,) = set(np.asarray(trace.customdata).tolist())
        assert seed == seeds[(int(trace.xaxis[1:] or 1)) - 1]
    fakes_drawn = [t for t in fig.data if t.name == "G(z)"]
    assert np.allclose(fakes_drawn[5].x, fakes[5][:, 0], atol=1e-5)
    assert panel_seed({"customdata": [7]}) == 7 and panel_seed({"x": 0}) is None
    assert grid_shape(16) == (4, 4) and grid_shape(10) == (3, 4) and grid_shape(2) == (1, 2)
    big = seeds_figure(real, fakes, modes, seeds, 8, projector=True, title="Collapse")
    assert big.layout.height > fig.layout.height and big.layout.title.text == "Collapse"
    assert big.layout.title.font.size > big.layout.annotations[0].font.size
    assert big.layout.annotations[0].font.size > fig.layout.annotations[0].font.size


def test_a_panel_opens_that_very_seed_of_its_setting_in_the_playground():
    from gan_viz.ui.lessons.seeds_view import run_params

    step = parse_lesson(SEEDS).steps[0]
    params = run_params(step.run.compare, 6)
    assert params["preset"] == "ring-pacgan" and params["seed"] == "6"
    opened = open_link(params, "fig1")
    assert opened.notice is None
    assert opened.config.seed == 6 and opened.config.nets.pack == 4
    assert opened.config.cadence.eval_samples == 500  # the step's overrides travel too


def test_a_table_row_is_each_settings_mean_and_spread_over_its_seeds_at_the_end():
    from gan_viz.ui.lessons import table_view

    replay = _replay([[2, 2, 3, 1], [25, 24, 20, 23]], hq=0.25)
    shape = replay.arrays["modes"].shape
    replay.arrays["n_modes"] = np.array([8, 25])
    replay.arrays["mode_kl"] = np.full(shape, np.nan, np.float32)
    replay.arrays["mode_kl"][0, :, -1] = [1.0, 1.5, 2.0, np.nan]  # a seed with no HQ sample
    replay.arrays["js"] = np.full(shape, 0.4, np.float32)
    first, second = table_view.rows(replay)
    assert first["configuration"] == "Collapse" and second["configuration"] == "Cure"
    assert first["modes captured"] == "2.0 ± 0.8 / 8"  # std of 2, 2, 3, 1 (ddof 1): 0.816
    assert second["modes captured"] == "23.0 ± 2.2 / 25"  # the second setting's own target
    assert first["high-quality samples (%)"] == "25.0 ± 0.0"
    assert first["reverse KL (nats)"] == "1.50 ± 0.50"  # over the seeds that have one
    assert second["reverse KL (nats)"] == "n/a"
    assert first["JS (nats)"] == "0.400 ± 0.000" and first["seeds"] == "4"
    assert aggregate(replay, "mean_modes", "Cure", -1) == 23.0
    replay.arrays["hq"][1, :, -1] = [0.1, 0.2, 0.3, 0.4]
    assert aggregate(replay, "widest_hq", "Cure", -1) == pytest.approx(0.1)  # the seed on 25
    assert aggregate(replay, "mean_mode_kl", "run", -1) == pytest.approx(1.5)
