"""The Lessons page through Streamlit's AppTest: a link opens its step, a question is answered
and revealed with every answer explained, Next and Previous move the URL, a bad link says what
it ignored and opens step 1. (The replay itself is a browser component: see
tests/test_browser_lessons.py.)"""

import pytest
from streamlit.testing.v1 import AppTest

from gan_viz.lessons.format import lessons

MINIMAX = lessons()["minimax"]


def _page():
    from gan_viz.ui.lessons.page import render

    render()


def open_page(**params) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer(at: AppTest):
    """The question's radio (the lesson picker above it is a radio too)."""
    (found,) = [r for r in at.radio if r.label == "Your answer"]
    return found


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def test_step_3_link_answer_reveal_and_next_update_the_url():
    at = open_page(lesson="minimax", step="3")
    step = MINIMAX.steps[2]
    assert at.subheader[0].value == f"Step 3 of {len(MINIMAX.steps)}: {step.title}"
    assert step.formula in at.latex[0].value
    assert button(at, "Reveal").disabled  # nothing to reveal before an answer
    wrong = next(a for a in step.question.answers if not a.correct)
    answer(at).set_value(wrong.text).run()
    button(at, "Reveal").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown
    for a in step.question.answers:  # every answer explained, the student's marked
        assert a.why in shown
    assert f":red[Wrong]: **{wrong.text}** (your answer)" in shown
    assert answer(at).disabled
    button(at, "Next →").click().run()
    assert at.query_params["step"] == "4" and at.query_params["lesson"] == "minimax"
    assert at.subheader[0].value.startswith("Step 4 of")
    button(at, "← Previous").click().run()
    assert at.query_params["step"] == "3"
    assert step.reveal in " ".join(m.value for m in at.markdown)  # answered stays answered


def test_skip_the_question_reveals_without_an_answer():
    at = open_page(lesson="minimax", step="6")
    step = MINIMAX.steps[5]
    assert step.reveal not in " ".join(m.value for m in at.markdown)
    button(at, "Skip the question").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown and "(your answer)" not in shown


def test_a_marker_question_reports_where_p_g_ended():
    at = open_page(lesson="minimax", step="5")
    assert button(at, "Reveal").disabled  # the slider's starting place is not a guess
    at.slider[0].set_value(0.0).run()
    assert not button(at, "Reveal").disabled
    button(at, "Reveal").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Your marker: x = 0.00" in shown and "within 0.5 of it" in shown


@pytest.mark.parametrize(
    "params,notice",
    [({"lesson": "minimax", "step": "42"}, "No step '42'"), ({"lesson": "x"}, "No lesson 'x'")],
)
def test_a_bad_link_gives_one_notice_and_opens_step_1(params, notice):
    at = open_page(**params)
    assert len(at.info) == 1 and notice in at.info[0].value
    assert at.subheader[0].value.startswith("Step 1 of")
    assert at.query_params["step"] == "1"


def test_a_modes_question_names_the_modes_the_run_ends_on():
    from gan_viz.lessons.recording import load_replay
    from gan_viz.ui.lessons.replay_view import mode_names, modes_alive

    replay = load_replay(lessons()["collapse"], 0)
    alive = modes_alive(replay)
    assert len(alive) == replay.columns["modes"][-1] == 2
    at = open_page(lesson="collapse", step="1")
    names = mode_names(replay)
    assert at.multiselect[0].options == names
    at.multiselect[0].set_value([alive[0], next(n for n in names if n not in alive)]).run()
    button(at, "Reveal").click().run()
    shown = " ".join(m.value for m in at.markdown)
    # One survivor picked, one empty mode picked: 6 of 8 called right (1 + the 5 left empty).
    assert f"At the end G makes 2 of 8 modes: {', '.join(alive)}." in shown
    assert "6 of 8 modes called right" in shown


def test_a_revealed_step_links_to_its_run_in_the_playground():
    at = open_page(lesson="minimax", step="6")
    assert not [p for p in at.get("page_link") if p.proto.label.startswith("Train it live")]
    button(at, "Skip the question").click().run()
    links = {p.proto.label: p.proto for p in at.get("page_link")}
    step = MINIMAX.steps[5]
    live = links["Train it live"]
    assert live.page == "playground" and live.query_string == f"preset={step.run.preset}"
    ahead = links[f"Train it live from iteration {step.run.iterations:,}"]
    assert ahead.query_string == f"preset={step.run.preset}&it={step.run.iterations}"


def test_a_dirac_step_asks_before_the_reveal_and_explains_every_answer():
    at = open_page(lesson="oscillation", step="3")
    step = lessons()["oscillation"].steps[2]
    assert at.subheader[0].value == f"Step 3 of 9: {step.title}"
    assert not [p for p in at.get("page_link")]  # no playground run behind a theory step
    right = next(a for a in step.question.answers if a.correct)
    answer(at).set_value(right.text).run()
    button(at, "Reveal").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown and f":green[Right]: **{right.text}** (your answer)" in shown
    assert all(a.why in shown for a in step.question.answers)


def test_a_distance_question_reports_how_far_the_iterates_ended():
    at = open_page(lesson="oscillation", step="5")
    (slider,) = at.slider
    assert slider.label.startswith("Your distance from (0, 0)") and slider.min == 0.0
    slider.set_value(2.0).run()
    button(at, "Reveal").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Your distance: 2.00. At the end the iterates are 2.18 from (0, 0)" in shown
    assert "within 0.4 of it" in shown


def test_the_fgan_step_reveals_the_bound_against_d_f():
    at = open_page(lesson="oscillation", step="9")
    step = lessons()["oscillation"].steps[8]
    button(at, "Skip the question").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown and all(a.why in shown for a in step.question.answers)
    assert not at.exception


def test_a_many_seeds_step_reveals_both_grids_a_summary_and_a_link_per_seed():
    collapse = lessons()["collapse"]
    index = next(i for i, s in enumerate(collapse.steps) if s.run.seeds)
    step = collapse.steps[index]
    at = open_page(lesson="collapse", step=str(index + 1))
    assert not at.get("plotly_chart")  # the grids are the answer
    button(at, "Skip the question").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == len(step.run.settings)
    shown = " ".join(m.value for m in at.markdown)
    assert f"**{step.run.seeds} seeds each.**" in shown
    assert all(spec.label in shown for spec in step.run.settings)
    links = [p.proto for p in at.get("page_link")]
    assert not [p for p in links if p.label.startswith("Train it live")]
    seeds = [p for p in links if p.label.startswith("seed ")]
    assert len(seeds) == len(step.run.settings) * step.run.seeds
    last = seeds[-1]
    assert last.page == "playground" and f"seed={step.run.seed_list[-1]}" in last.query_string
    assert f"preset={step.run.compare.preset}" in last.query_string


def test_a_table_step_hides_its_numbers_until_the_reveal_then_reads_its_recording():
    from gan_viz.lessons.recording import load_replay
    from gan_viz.lessons.seeds import aggregate

    collapse = lessons()["collapse"]
    index = next(i for i, s in enumerate(collapse.steps) if "table" in s.views)
    step = collapse.steps[index]
    at = open_page(lesson="collapse", step=str(index + 1))
    (hidden,) = at.table
    assert list(hidden.value["configuration"]) == step.run.labels
    assert set(hidden.value["modes captured"]) == {"?"}  # the numbers are the answer
    right = next(a for a in step.question.answers if a.correct)
    answer(at).set_value(right.text).run()
    button(at, "Reveal").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = at.table
    rows = table.value.to_dict("records")
    assert [r["configuration"] for r in rows] == step.run.labels
    replay = load_replay(collapse, index)
    for row, label in zip(rows, step.run.labels):
        mean = aggregate(replay, "mean_modes", label if row is not rows[0] else "run", -1)
        n = replay.modes_of(step.run.labels.index(label))
        cell = row["modes captured"]
        assert cell.startswith(f"{mean:.1f} ± ") and cell.endswith(f"/ {n}")
        assert row["seeds"] == str(step.run.seeds)
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown and f":green[Right]: **{right.text}** (your answer)" in shown
    seeds = [p.proto for p in at.get("page_link") if p.proto.label.startswith("seed ")]
    assert len(seeds) == len(step.run.settings) * step.run.seeds
    assert f"preset={step.run.rows[-1].preset}" in seeds[-1].query_string


def test_a_projector_spends_its_rows_on_the_step_not_the_lessons_summary():
    at = open_page(lesson="minimax", step="3")
    assert any(MINIMAX.summary in c.value for c in at.caption)
    at.session_state["projector"] = True  # the sidebar's switch (gan_viz.ui.common.projector)
    at.run()
    assert not any(MINIMAX.summary in c.value for c in at.caption)
    assert at.subheader[0].value.startswith("Step 3 of")
