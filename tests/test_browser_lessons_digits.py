"""The digits lesson in a real browser: its link opens step 1, G's digits and their class
histogram replay at once with nothing training, and the reveal plays the whole run.

Screenshots go to test-artifacts/browser/ (look at them).
"""

import pytest
from playwright.sync_api import sync_playwright

from gan_viz.lessons.format import lessons
from tests.browser import CHROMIUM_ARGS, AppServer, button, chromium_path, shot, wait_until
from tests.test_browser_lessons import children, replay_frame

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
