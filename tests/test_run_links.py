"""A link to a run whose target is too big for a URL (a drawing of more than MAX_LINK_POINTS
points, an uploaded CSV): the link names the stored run (`run=<id>`) and takes the target from
the run store; a run that is gone, damaged or not a toy run opens the default lesson, said in
one line."""

import json

import numpy as np
import pytest

from gan_viz.drawn import as_drawing
from gan_viz.links import MAX_LINK_POINTS, config_params, open_link
from gan_viz.live.process import live_config
from gan_viz.presets import PRESETS, default_config
from gan_viz.store import RunStore, default_store_path
from gan_viz.store.budget import thin
from gan_viz.ui.playground.session import STATE
from tests.pages import page_test

FIG1 = PRESETS["fig1"].config


def big_drawing(n: int = 2 * MAX_LINK_POINTS) -> tuple:
    """A spiral of n points, to 1/1000 of a unit as the canvas gives them."""
    t = np.linspace(0, 4 * np.pi, n)
    return as_drawing(np.round(np.stack([t / 6 * np.cos(t), t / 6 * np.sin(t)], 1), 3))


def stored(cfg, kind: str = "toy") -> int:
    """`cfg` saved as the playground saves a run (its live settings), in the tests' store."""
    store = RunStore()
    try:
        return store.create_run(kind, live_config(cfg).to_dict(), tags=["playground"])
    finally:
        store.close()


@pytest.fixture
def drawn():
    return default_config("drawing").replace(
        target={"drawing": big_drawing(), "params": {"std": 0.07}},
        seed=4,
        optim={"lr_g": 0.002},
    )


def test_a_big_drawing_goes_by_its_stored_run_and_comes_back_identical(drawn):
    run = stored(drawn)
    params = config_params(drawn, None, 300, run=run)
    assert params == {
        "target": "drawing",
        "run": str(run),
        "optim.lr_g": "0.002",
        "seed": "4",
        "it": "300",
    }
    opened = open_link(params, "fig1")
    assert opened.notice is None and opened.iteration == 300
    assert opened.config == drawn
    assert opened.config.target.drawing == drawn.target.drawing  # every point, exactly


def test_a_small_drawing_still_travels_in_the_link_itself(drawn):
    small = drawn.replace(target={"drawing": big_drawing(MAX_LINK_POINTS)})
    params = config_params(small, None, None, run=12)
    assert "run" not in params and len(params["drawing"].split(";")) == MAX_LINK_POINTS
    assert open_link(params, "fig1").config == small


def test_without_a_stored_run_a_big_drawing_stays_out_of_the_link(drawn):
    params = config_params(drawn, None)
    assert "run" not in params and "drawing" not in params
    assert params["target.params"] == '{"std":0.07}'  # what fits still goes


def test_uploaded_points_go_by_their_stored_run_too():
    points = "\n".join(f"{i / 10},{(i % 7) / 10}" for i in range(300))
    cfg = default_config("points").replace(target={"params": {"points": points}}, seed=2)
    run = stored(cfg)
    params = config_params(cfg, None, None, run=run)
    assert params == {"target": "points", "run": str(run), "seed": "2"}
    opened = open_link(params, "fig1")
    assert opened.notice is None and opened.config == cfg


def test_a_thinned_run_still_opens_its_link(drawn):
    """Pruning thins a page run first (its settings stay): a link to it still opens."""
    run = stored(drawn)
    store = RunStore()
    try:
        thin(store, run)
    finally:
        store.close()
    assert open_link(config_params(drawn, None, None, run=run), "fig1").config == drawn


def assert_default_with_notice(params: dict, *said: str) -> None:
    opened = open_link(params, "fig1")
    assert opened.config == FIG1 and opened.preset == "fig1" and opened.iteration == 0
    line = opened.notice
    assert line.startswith(f"This link's run={params['run']} (") and "\n" not in line
    assert line.endswith("could not be used; the default lesson opens instead.")
    for words in said:
        assert words in line, line


def test_a_deleted_or_pruned_run_opens_the_default_lesson_saying_so(drawn):
    run = stored(drawn)
    params = config_params(drawn, None, 200, run=run)
    store = RunStore()
    try:
        store.connection().execute("UPDATE runs SET pid = NULL WHERE id = ?", (run,))
        store.connection().commit()
        store.delete(run)
    finally:
        store.close()
    assert_default_with_notice(params, f"no run {run} in this server's run store", "pruned")


def test_a_link_to_a_run_on_a_server_without_a_store_says_so(drawn):
    assert not default_store_path().exists()
    assert_default_with_notice({"target": "drawing", "run": "3"}, "no run 3")
    assert not default_store_path().exists()  # opening a link creates no store


def test_bad_run_references_open_the_default_lesson_with_one_line(drawn):
    toy = stored(drawn)
    image = stored(drawn, kind="image")
    ring = stored(default_config("ring8"))
    bad = stored(drawn)
    unreadable = stored(drawn)
    store = RunStore()
    try:
        con = store.connection()
        con.execute("UPDATE runs SET settings = 'not json' WHERE id = ?", (bad,))
        settings = json.dumps({"target": {"name": "drawing", "drawing": [[0, 0]]}})
        con.execute("UPDATE runs SET settings = ? WHERE id = ?", (settings, unreadable))
        con.commit()
    finally:
        store.close()
    assert_default_with_notice({"target": "drawing", "run": "abc"}, "a run id: a whole number")
    assert_default_with_notice({"target": "drawing", "run": str(image)}, "an image run")
    assert_default_with_notice({"target": "drawing", "run": str(ring)}, "trained on ring8")
    assert_default_with_notice({"target": "drawing", "run": str(bad)}, "settings cannot be read")
    assert_default_with_notice({"target": "drawing", "run": str(unreadable)}, "a single point")
    assert open_link({"target": "drawing", "run": str(toy)}, "fig1").notice is None


def test_a_damaged_store_opens_the_default_lesson_saying_so(drawn):
    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is no SQLite file, it was cut short " * 200)
    assert_default_with_notice({"target": "drawing", "run": "1"}, "damaged", "runs recover")


def test_the_playground_opens_a_run_link_and_links_its_own_saved_run(drawn):
    """Another tab of the same server opens the drawing from the store; its first move saves
    its own run, which its link then names."""
    run = stored(drawn)
    at = page_test("playground", 180)
    for key, value in config_params(drawn, None, 20, run=run).items():
        at.query_params[key] = value
    at.run()
    try:
        assert not at.exception and not at.warning
        worker = at.session_state[STATE].worker
        assert worker.run.cfg.target == drawn.target and worker.run.step_count == 20
        saved = worker.run.status.stored_run
        assert saved is not None and saved != run
        assert dict(at.query_params) == {
            "target": "drawing",
            "run": str(saved),
            "optim.lr_g": "0.002",
            "seed": "4",
            "it": "20",
        }
    finally:
        at.session_state[STATE].worker.close()


def test_the_playground_says_what_a_bad_run_link_ignored():
    at = page_test("playground", 180)
    at.query_params["target"] = "drawing"
    at.query_params["run"] = "99"
    at.query_params["it"] = "30"
    at.run()
    try:
        assert not at.exception
        assert any("run=99 (no run 99" in w.value for w in at.warning)
        worker = at.session_state[STATE].worker
        assert worker.run.cfg.target == FIG1.target and worker.run.step_count == 0
        assert dict(at.query_params) == {"preset": "fig1"}
    finally:
        at.session_state[STATE].worker.close()
