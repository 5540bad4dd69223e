"""The digits lesson in a real browser: its link opens step 1, G's digits and their class
histogram replay at once with nothing training, and the reveal plays the whole run.

Screenshots go to test-artifacts/browser/ (look at them).
"""

import pytest
from playwright.sync_api import sync_playwright

from gan_viz.lessons.format import lessons
from tests.browser import CHROMIUM_ARGS, AppServer, button, chromium_path, shot, wait_until
from tests.test_browser_lessons import children, in_replay, replay_frame, replay_iframe

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def replay_traces(page) -> list[str]:
    """The trace types the replay chart has drawn ([] before it is drawn)."""
    for frame in page.frames:
        try:
            types = frame.evaluate(
                "() => { const c = document.getElementById('chart');"
                " return c && c.data && document.title === 'gan-viz replay'"
                " ? c.data.map((t) => t.type) : null; }"
            )
        except Exception:  # a frame navigating away
            continue
        if types:
            return types
    return []


@pytest.fixture(scope="module")
def page():
    if chromium_path() is None:
        pytest.skip("no Chromium on this machine")
    app = AppServer("lessons-digits")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield app, browser.new_page(viewport={"width": 1400, "height": 1500})
        browser.close()
    app.stop()


def test_digits_link_replays_the_grid_and_histogram_and_reveals_the_run(page):
    app, page = page
    page.goto(app.url + "lessons?lesson=digits&step=1")
    page.get_by_text("Step 1 of").first.wait_for(timeout=120_000)
    first = wait_until(lambda: replay_frame(page), 90, "the replay drawn", page)
    assert replay_traces(page) == ["heatmap", "bar", "bar"]  # the digits, then their classes
    wait_until(lambda: (replay_frame(page) or first) != first, 10, "the replay moving", page)
    assert children(app.process.pid) == []  # a replay, not a run: nothing trains
    assert page.get_by_text("Page not found").count() == 0
    shot(page, "lessons-digits-step1-teaser")

    right = next(a for a in lessons()["digits"].steps[0].question.answers if a.correct)
    page.get_by_text(right.text).click()
    button(page, "Reveal").click()
    page.get_by_text("(your answer)").wait_for()
    # the whole run now plays: frames beyond the teaser's first 3 (of 31)
    wait_until(lambda: int(replay_frame(page) or 0) > 10, 60, "the full replay", page)
    shot(page, "lessons-digits-step1-revealed")


# The page's pixel of a height on the histogram's axis (y2), half way across its panel (x2).
BARS_PIXEL = """(count) => { const c = document.getElementById('chart'), fl = c._fullLayout;
  const b = c.getBoundingClientRect(), xa = fl.xaxis2, ya = fl.yaxis2;
  return [b.left + xa._offset + xa._length / 2, b.top + ya._offset + ya.l2p(count)]; }"""
# The student's guesses: dashed lines across the bars (the uniform 10% line is dotted).
GUESSES = """() => { const c = document.getElementById('chart');
  return (c.layout.shapes || []).filter((s) => s.yref === 'y2' && s.type === 'line'
    && s.line && s.line.dash === 'dash').map((s) => s.y0); }"""


def test_the_tallest_bar_is_guessed_by_clicking_the_bars_and_drawn_over_the_reveal(page):
    app, page = page
    lesson = lessons()["digits"]
    number = next(i for i, s in enumerate(lesson.steps, 1) if s.question.kind == "point")
    page.goto(app.url + f"lessons?lesson=digits&step={number}")
    page.get_by_text(f"Step {number} of {len(lesson.steps)}").wait_for(timeout=120_000)
    frame = replay_iframe(page)
    box = page.locator("iframe[title*=replay]").first.bounding_box()
    x, y = frame.evaluate(BARS_PIXEL, 0.25 * 500)  # 25% of G's 500 digits
    page.mouse.click(box["x"] + x, box["y"] + y)
    # the slider takes the clicked share (to 0.01) and the bars carry the guessed height
    widget = page.locator(f".st-key-answer-digits-{number - 1}")
    wait_until(lambda: widget.get_by_text("0.25").count() > 0, 30, "the slider at 0.25", page)
    wait_until(lambda: in_replay(page, GUESSES) == [125], 30, "the guessed line", page)
    button(page, "Reveal").click()
    page.get_by_text("Your tallest bar: 25% of G's digits").wait_for(timeout=30_000)
    page.get_by_text("within 10% of it").wait_for()  # the run ends with 18% on its tallest bar
    wait_until(lambda: int(replay_frame(page) or 0) > 3, 60, "the full replay", page)
    assert replay_iframe(page).evaluate(GUESSES) == [125]  # the guess, over the real outcome
    shot(page, "lessons-digits-tallest-bar-revealed")
