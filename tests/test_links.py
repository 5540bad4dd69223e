"""A playground run as a link: settings -> query string -> settings is the identity, and a link
with a bad value still opens, saying in one line what it could not take."""

import pytest

from gan_viz.config import RunConfig
from gan_viz.drawn import ready_drawings
from gan_viz.links import MAX_ITERATION, MAX_LINK_POINTS, config_params, open_link
from gan_viz.presets import PRESETS, default_config
from gan_viz.ui.playground.session import STATE
from tests.pages import page_test


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips_through_its_link(name):
    cfg = PRESETS[name].config
    changed = cfg.replace(seed=7, optim={"lr_d": 0.00123}, objective={"label_smoothing": 1.0})
    for wanted in (cfg, changed):
        params = config_params(wanted, name, 300)
        opened = open_link(params, "fig1")
        assert opened.config == wanted and opened.iteration == 300 and opened.notice is None
        assert opened.preset == name
    assert config_params(cfg, name) == {"preset": name}  # an unchanged preset is one word


def test_a_link_carries_only_what_differs_and_no_page_owned_field():
    cfg = PRESETS["ring-collapse"].config.replace(seed=3, cadence={"snapshot_every": 0})
    assert config_params(cfg, "ring-collapse", 2000) == {
        "preset": "ring-collapse",
        "seed": "3",
        "it": "2000",
    }


def test_a_small_drawing_travels_in_the_link_and_comes_back_exactly():
    _, drawing, params = ready_drawings()["two_moons"]
    cfg = default_config("drawing").replace(target={"drawing": drawing, "params": params})
    opened = open_link(config_params(cfg, None), "fig1")
    assert opened.notice is None and opened.config == cfg
    big = tuple((i / 1000, 0.0) for i in range(MAX_LINK_POINTS + 1))
    assert "drawing" not in config_params(cfg.replace(target={"drawing": big}), None)


def test_a_bad_link_opens_with_one_line_on_what_it_ignored():
    opened = open_link(
        {"preset": "fig1", "seed": "x", "optim.lr_d": "-1", "nets.nope": "3", "it": "-5"}, "fig1"
    )
    assert opened.config == PRESETS["fig1"].config and opened.iteration == 0
    line = opened.notice
    assert "\n" not in line and line.endswith("could not be used; the rest applies.")
    for bad in ("seed=x", "optim.lr_d=-1 (a finite number > 0)", "nets.nope", "it=-5"):
        assert bad in line
    unknown = open_link({"preset": "no-such-lesson", "target": "no-such-target"}, "fig1")
    assert unknown.config == PRESETS["fig1"].config and "preset=no-such-lesson" in unknown.notice
    assert open_link({"it": str(MAX_ITERATION + 1), "preset": "fig1"}, "fig1").iteration == 0
    assert open_link({}, "fig1") is None  # a plain page: no link to open


def test_the_playground_opens_a_link_at_its_iteration_and_writes_its_own():
    at = page_test("playground", 180)
    at.query_params["preset"] = "fig1"
    at.query_params["seed"] = "5"
    at.query_params["it"] = "40"
    at.run()
    try:
        assert not at.exception
        worker = at.session_state[STATE].worker
        assert worker.run.step_count == 40 and worker.run.cfg.seed == 5
        assert worker.run.history.columns()["step"][-1] == 40  # recorded on the way there
        assert dict(at.query_params) == {"preset": "fig1", "seed": "5", "it": "40"}
    finally:
        at.session_state[STATE].worker.close()


def test_a_bad_link_opens_the_playground_with_its_notice():
    at = page_test("playground", 180)
    at.query_params["preset"] = "fig1"
    at.query_params["optim.lr_d"] = "fast"
    at.run()
    try:
        assert not at.exception
        assert any("optim.lr_d=fast" in w.value for w in at.warning)
        assert at.session_state[STATE].worker.run.cfg.optim == PRESETS["fig1"].config.optim
        assert dict(at.query_params) == {"preset": "fig1"}  # the link it could open
    finally:
        at.session_state[STATE].worker.close()


def test_the_default_run_config_is_not_a_link():
    assert config_params(RunConfig(), None) == {"target": "bimodal"}


def test_a_link_followed_within_the_tab_opens_its_run():
    at = page_test("playground", 180).run()
    try:
        assert dict(at.query_params) == {"preset": "fig1"}
        at.query_params.clear()
        at.query_params.update({"preset": "ring-collapse", "seed": "2", "it": "20"})
        at.run()
        assert not at.exception
        run = at.session_state[STATE].worker.run
        assert run.cfg.target.name == "ring8" and run.cfg.seed == 2 and run.step_count == 20
        assert at.session_state[STATE].preset == "ring-collapse"
    finally:
        at.session_state[STATE].worker.close()


def test_uploaded_points_stay_out_of_a_link_and_its_opening_says_so():
    points = "\n".join(f"{i / 10},{(i % 7) / 10}" for i in range(300))
    cfg = default_config("points").replace(target={"params": {"points": points}})
    params = config_params(cfg, None)
    assert params["target"] == "points" and "target.params" not in params
    opened = open_link(params, "fig1")
    assert opened.config.target.name != "points" and "target=points" in opened.notice


def test_a_lesson_step_on_a_drawing_sends_it_to_the_playground_in_its_link():
    """A lesson step may train on a drawing (run.overrides names the target); its "Train it
    live" link carries the drawing like any small one (a lesson link itself names a place)."""
    from gan_viz.lessons.runs import RunSpec

    _, drawing, params = ready_drawings()["two_moons"]
    target = {"name": "drawing", "params": params, "drawing": [list(p) for p in drawing]}
    spec = RunSpec("ring-collapse", 0, 200, 10, overrides={"target": target})
    cfg = spec.config()
    link = config_params(cfg, spec.preset)
    assert link["target"] == "drawing" and "drawing" in link
    opened = open_link(link, "fig1")
    assert opened.notice is None and opened.config.target == cfg.target
    for section in ("noise", "nets", "objective", "optim", "seed"):  # not the page's cadence
        assert getattr(opened.config, section) == getattr(cfg, section)
