"""The digits lesson's steps through Streamlit's AppTest: an image step opens from its link, asks
first, and after the reveal shows its explained answers and the class histogram over time.
(The replay itself is a browser component: see tests/test_browser_lessons_digits.py.)"""

import pytest

from gan_viz.lessons.format import lessons
from tests.test_app_lessons import answer, button, open_page

DIGITS = lessons()["digits"]


@pytest.mark.parametrize("number", range(1, len(DIGITS.steps) + 1))
def test_every_digits_step_opens_from_its_link_and_asks_first(number):
    at = open_page(lesson="digits", step=str(number))
    step = DIGITS.steps[number - 1]
    assert at.subheader[0].value == f"Step {number} of {len(DIGITS.steps)}: {step.title}"
    assert not at.warning  # its recording loads and matches its settings
    assert step.reveal not in " ".join(m.value for m in at.markdown)
    # every question waits for an answer: a slider's starting place is none
    assert button(at, "Reveal").disabled


def test_the_tallest_bar_guessed_is_judged_against_the_runs_end():
    number = next(i for i, s in enumerate(DIGITS.steps, 1) if s.question.kind == "point")
    step = DIGITS.steps[number - 1]
    at = open_page(lesson="digits", step=str(number))
    (slider,) = at.slider
    assert (slider.min, slider.max) == (0.0, 1.0)
    slider.set_value(0.9).run()
    button(at, "Reveal").click().run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown
    assert "Your tallest bar: 90% of G's digits. At the end the tallest bar holds 18%" in shown
    assert "further than 10% of it" in shown


def test_the_collapse_step_reveals_its_answers_and_the_histogram_over_time():
    number = next(i for i, s in enumerate(DIGITS.steps, 1) if s.run.preset == "mnist-collapse")
    step = DIGITS.steps[number - 1]
    at = open_page(lesson="digits", step=str(number))
    right = next(a for a in step.question.answers if a.correct)
    answer(at).set_value(right.text).run()
    button(at, "Reveal").click().run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert step.reveal in shown and f":green[Right]: **{right.text}** (your answer)" in shown
    for a in step.question.answers:
        assert a.why in shown
    charts = at.get("plotly_chart")
    assert len(charts) == len([v for v in step.views if v in ("classes", "curves")])
