"""A teacher's link hides controls (`&controls=train,step`): the class sees only what matters,
the link keeps saying so, and a control it does not know is named in one line."""

from gan_viz.links import CONTROLS, controls_param, open_link, read_controls
from gan_viz.ui.playground.session import STATE
from tests.pages import page_test


def test_controls_are_read_in_any_order_and_written_in_one():
    shown, notice = read_controls(" step, Train ,,")
    assert shown == {"train", "step"} and notice is None
    assert controls_param(shown) == {"controls": "train,step"}
    assert read_controls(None) == (None, None)  # no parameter: everything shows
    assert controls_param(None) == {}
    assert read_controls("") == (frozenset(), None)  # named and empty: the views alone
    every = ",".join(CONTROLS)
    assert read_controls(every)[0] == set(CONTROLS)


def test_an_unknown_control_is_named_and_the_rest_apply():
    shown, notice = read_controls("train,fly,<script>")
    assert shown == {"train"}
    assert "'fly'" in notice and "'<script>'" in notice and "train, d, g" in notice


def test_controls_do_not_make_a_run_link_unreadable():
    opened = open_link({"preset": "fig1", "controls": "train"}, "fig1")
    assert opened.notice is None  # not an ignored setting


def test_the_playground_shows_only_the_controls_a_link_names():
    at = page_test("playground", 180)
    at.query_params.update({"preset": "fig1", "controls": "train,step,bogus"})
    at.run()
    try:
        assert not at.exception
        labels = {b.label for b in at.button}
        assert {"Train", "Step"} <= labels
        assert not {"Step D", "Step G", "Reset"} & labels
        assert not at.get("radio")  # no speed
        assert not at.sidebar.get("expandable")  # no settings
        assert any("'bogus'" in w.value for w in at.warning)
        assert dict(at.query_params) == {"preset": "fig1", "controls": "train,step"}
        # a step still steps, and the link still hides the rest afterwards
        at.button(key="pg.step").click().run()
        assert at.session_state[STATE].worker.run.step_count == 1
        assert not {"Step D", "Reset"} & {b.label for b in at.button}
    finally:
        at.session_state[STATE].worker.close()
