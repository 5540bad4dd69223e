"""AppTest for app.py and the playground page: loads, presets, moves, settings, bad uploads.

AppTest cannot draw plotly charts (tests/test_plots.py checks the figures; the browser test
checks the page as drawn); everything else on the page is exercised here, with a real training
process behind it.
"""

import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gan_viz.device import describe, resolve_device
from gan_viz.presets import PRESETS
from gan_viz.targets import MAX_POINTS
from gan_viz.ui.playground.session import STATE, live_config
from gan_viz.ui.playground.settings import fingerprint
from tests.pages import page_test

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120
# how the page names the engine's auto device ("CPU (1 thread)" in a training process)
AUTO_DEVICE = describe(resolve_device("auto")).split(" (")[0]


def status(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Iteration"))


@pytest.fixture
def page():
    at = page_test("playground", TIMEOUT)
    at.run()
    assert not at.exception
    yield at
    if STATE in at.session_state:
        at.session_state[STATE].worker.close()


def worker(at):
    return at.session_state[STATE].worker


def test_home_page_says_what_each_page_teaches():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Playground" in text and "D*(x)" in text
    assert at.sidebar.toggle(key="projector").label == "Projector mode"
    # the first screen: a replay moving, and the way into the first lesson
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    start = links["Start the first lesson"]
    assert start.page == "lessons" and start.query_string == "lesson=minimax&step=1"
    assert len(at.get("component_instance")) == 1  # the looping replay beside it


def test_playground_loads_at_iteration_zero_with_every_control(page):
    assert status(page).startswith("**Iteration 0** · paused")
    labels = [b.label for b in page.button]
    for label in ("Train", "Step D", "Step G", "Step", "Reset"):
        assert label in labels
    assert page.radio(key="pg.speed").value == "max"
    assert f"device: {AUTO_DEVICE}" in status(page)  # the engine's auto device, named
    assert PRESETS["fig1"].caption[:40] in " ".join(c.value for c in page.caption)
    from gan_viz.store import default_store_path

    assert not default_store_path().exists()  # opening the page saves nothing, makes no store


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_sets_every_knob_and_starts_afresh(page, name):
    page.selectbox(key="pg.preset").select(name).run()
    assert not page.exception and not page.error
    running = worker(page).run.cfg
    expected = live_config(PRESETS[name].config)
    assert fingerprint(running.replace(device=expected.device)) == fingerprint(expected)
    assert status(page).startswith("**Iteration 0**")
    assert PRESETS[name].caption[:40] in " ".join(c.value for c in page.caption)
    assert not page.warning  # the widgets show the preset: nothing waits for a reset


def test_step_buttons_advance_the_right_counters(page):
    page.button(key="pg.step_d").click().run()
    assert "**Iteration 0** · paused · D steps 1 · G steps 0" in status(page)
    page.button(key="pg.step_g").click().run()
    assert "D steps 1 · G steps 1" in status(page)
    page.button(key="pg.step").click().run()
    assert status(page).startswith("**Iteration 1**") and "D steps 2 · G steps 2" in status(page)
    # Every move is on the timeline, even those that share an iteration.
    timeline = page.select_slider[0]
    labels = list(timeline.options)  # as the slider shows them
    assert labels[-3:] == [
        "iteration 0 (D steps 1, G steps 0)",
        "iteration 0 (D steps 1, G steps 1)",
        "iteration 1 (D steps 2, G steps 2)",
    ]


def test_train_pause_and_scrub_the_timeline(page):
    page.button(key="pg.train").click().run()
    assert worker(page).training
    deadline = time.monotonic() + 60
    while worker(page).run.step_count < 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    page.button(key="pg.train").click().run()
    assert not worker(page).training
    snaps = worker(page).run.history.snapshots()
    assert snaps[-1].step >= 20
    timeline = page.select_slider[0]
    assert timeline.label.startswith("Timeline") and timeline.value == len(snaps) - 1
    timeline.set_value(0).run()
    assert "showing iteration 0 (D steps 0, G steps 0)" in status(page)


def test_back_and_forward_step_through_the_timeline_and_the_link_follows(page):
    for _ in range(3):
        page.button(key="pg.step").click().run()
    assert [s.step for s in worker(page).run.history.snapshots()] == [0, 1, 2, 3]
    assert page.query_params["it"] == "3"
    # at the newest snapshot Forward is off, so the → key falls through to Step
    assert page.button(key="pg.forward").disabled and not page.button(key="pg.back").disabled
    for shown in (2, 1, 0):
        page.button(key="pg.back").click().run()
        assert f"showing iteration {shown} (" in status(page)
        assert page.select_slider[0].value == shown
        assert page.query_params.get("it") == (str(shown) if shown else None)  # 0: no it=
    assert page.button(key="pg.back").disabled and status(page).startswith("**Iteration 3**")
    page.button(key="pg.forward").click().run()
    assert "showing iteration 1 (" in status(page) and page.query_params["it"] == "1"
    page.button(key="pg.forward").click().run()
    page.button(key="pg.forward").click().run()
    assert "showing" not in status(page) and page.query_params["it"] == "3"
    assert page.button(key="pg.forward").disabled
    # a move while looking back shows its own snapshot, the newest
    page.button(key="pg.back").click().run()
    page.button(key="pg.step").click().run()
    assert "showing" not in status(page) and page.query_params["it"] == "4"
    assert page.select_slider[0].value == 4


def test_a_learning_rate_change_applies_to_the_running_game(page):
    page.selectbox(key="pg.0.optim.lr_d").select(1e-3).run()
    assert worker(page).run.cfg.optim.lr_d == 1e-3
    assert not page.warning


def test_a_new_target_asks_for_a_reset_and_reset_applies_it(page):
    page.selectbox(key="pg.0.target.1").select("bimodal").run()
    assert worker(page).run.cfg.target.name == "gaussian"
    assert any("target" in w.value and "Reset" in w.value for w in page.warning)
    page.button(key="pg.reset").click().run()
    assert worker(page).run.cfg.target.name == "bimodal"
    assert not page.warning


def test_switching_to_2d_suggests_2d_noise_and_wider_networks(page):
    page.radio(key="pg.0.dim").set_value("2-D").run()
    assert not page.exception
    assert page.number_input(key="pg.1.noise.dim").value == 2
    assert page.selectbox(key="pg.1.nets.d_hidden").value == 128
    page.button(key="pg.reset").click().run()
    assert worker(page).run.dim == 2 and worker(page).run.cfg.noise.dim == 2


def test_an_invalid_combination_is_one_line_naming_the_setting(page):
    page.number_input(key="pg.0.nets.pack").set_value(3).run()
    assert not page.exception
    assert any(e.value.startswith("batch size: got 256") for e in page.error)


def test_a_diverging_run_pauses_says_where_and_keeps_its_timeline(page):
    page.selectbox(key="pg.0.optim.optimizer").select("sgd").run()
    page.selectbox(key="pg.0.optim.lr_d").select(1.0).run()
    page.selectbox(key="pg.0.optim.lr_g").select(1.0).run()
    page.button(key="pg.train").click().run()
    deadline = time.monotonic() + 60
    while worker(page).training and time.monotonic() < deadline:
        time.sleep(0.2)
    page.run()  # the page the user sees next
    assert not page.exception
    errors = [e.value for e in page.error]
    assert any("diverged at iteration" in e and "scrub the timeline" in e for e in errors)
    assert page.button(key="pg.train").disabled
    assert page.select_slider[0].label.startswith("Timeline")  # the history is kept


def test_projector_mode_draws_without_errors(page):
    # The switch lives in app.py's sidebar (one for every page); the page reads its state.
    page.session_state["projector"] = True
    page.run()
    assert not page.exception and not page.error


def csv(rows) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode()


GOOD = csv([[v] for v in np.random.default_rng(0).normal(1.0, 0.5, 300).round(4)])
BAD_FILES = {
    "empty.csv": (b"", "an empty file"),
    "malformed.csv": (b"x\n1.0\n2.0\nabc\n", "line 3: 'abc'"),
    "two_columns.csv": (csv([[1, 2], [3, 4], [5, 7]]), "2 columns"),
    "huge.csv": (b"\n".join([b"1.5"] * (MAX_POINTS + 1)), "200,001 points"),
    "nan.csv": (b"x\n1\nnan\n3\n", "missing or infinite value in row 2"),
    "extreme.csv": (b"1\n-1e300\n3\n", "-1e+300 in row 2"),
    "binary.csv": (bytes(range(256)) * 4, "binary data"),
}


def test_bad_csv_uploads_show_an_error_and_keep_the_previous_target(page):
    page.selectbox(key="pg.0.target.1").select("points").run()
    assert any("Upload a CSV" in i.value for i in page.info)
    page.file_uploader(key="pg.upload").set_value(("good.csv", GOOD, "text/csv")).run()
    assert any("Using good.csv: 300 points, 1-D" in c.value for c in page.caption)
    page.button(key="pg.reset").click().run()
    assert worker(page).run.cfg.target.name == "points"
    good = fingerprint(worker(page).run.cfg)
    for name, (content, says) in BAD_FILES.items():
        page.file_uploader(key="pg.upload").set_value((name, content, "text/csv")).run()
        assert not page.exception, name
        errors = [e.value for e in page.error]
        assert any(name in e and says in e and "previous target is kept" in e for e in errors), (
            name,
            errors,
        )
        assert fingerprint(worker(page).run.cfg) == good
        assert not page.warning, name  # nothing waits for a reset: the target did not change


def test_a_saved_run_continues_from_the_sidebar_with_its_settings_and_past(page):
    from tests.test_playground_store import _stored_run

    run_id = _stored_run(lr_g=2e-3)
    page.run()  # the picker now lists it
    page.selectbox(key="pg.saved").select(run_id)
    page.button(key="pg.saved.go").click().run()
    assert not page.exception and not page.error
    assert status(page).startswith("**Iteration 40** · paused")
    assert f"saved as run {run_id}" in status(page)
    assert any(f"Run {run_id} goes on from iteration 40." == i.value for i in page.info)
    run = worker(page).run
    assert run.cfg.target.name == "ring8" and run.cfg.optim.lr_g == 2e-3
    assert len(run.history) == 9  # its past, on the timeline
    assert not page.warning  # the widgets show the run's own settings: nothing waits
    page.button(key="pg.step").click().run()
    assert status(page).startswith("**Iteration 41**")
    # No lesson is running: the picker shows none, and picking one starts it afresh.
    assert page.selectbox(key="pg.preset.1").value is None
    page.selectbox(key="pg.preset.1").select("fig1").run()
    assert status(page).startswith("**Iteration 0**") and worker(page).run.dim == 1
    assert PRESETS["fig1"].caption[:40] in " ".join(c.value for c in page.caption)


def test_a_saved_run_another_process_writes_is_refused_in_one_line_but_can_be_forked(page):
    from gan_viz.store import RunStore, default_store_path
    from tests.test_playground_store import _stored_run

    run_id = _stored_run(finish=False)  # this test process is still "writing" it
    page.button(key="pg.step").click().run()  # the picker lists the saved run
    page.selectbox(key="pg.saved").select(run_id)
    page.button(key="pg.saved.go").click().run()
    assert not page.exception
    (error,) = page.error
    assert f"run: got {run_id}; allowed: a run no process is writing now" in error.value
    assert status(page).startswith("**Iteration 1**") and worker(page).run.dim == 1
    page.toggle(key="pg.saved.fork").set_value(True)
    page.button(key="pg.saved.go").click().run()
    assert not page.error and status(page).startswith("**Iteration 40**")
    fork = RunStore(default_store_path()).run(worker(page).run.status.stored_run)
    assert fork.parent == run_id and fork.id != run_id


def test_a_saved_run_from_a_gpu_machine_goes_on_here_and_says_so(page):
    import torch

    from tests.test_playground_store import _stored_run

    if torch.cuda.is_available():
        pytest.skip("this machine has the GPU the run was saved on")
    run_id = _stored_run(saved_on="cuda")
    page.run()
    page.selectbox(key="pg.saved").select(run_id)
    page.button(key="pg.saved.go").click().run()
    assert not page.exception and not page.error
    (note,) = page.info
    assert note.value == (
        f"Run {run_id} goes on from iteration 40. It was saved on cuda, which this machine "
        "lacks, and trains here on CPU (1 thread)."
    )
