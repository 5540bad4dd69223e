"""The many-seeds step in a real browser (issue 18): its link opens the step with the grids
hidden, the reveal draws one small multiple per seed for each setting, and a click on a panel
opens that very run, same settings and seed, in the Playground.

Screenshots go to test-artifacts/browser/ (look at them).
"""

import pytest
from playwright.sync_api import sync_playwright

from gan_viz.lessons.format import lessons
from tests.browser import CHROMIUM_ARGS, AppServer, button, chromium_path, shot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LESSON = lessons()["collapse"]
STEP = next(i + 1 for i, s in enumerate(LESSON.steps) if s.run.seeds)
GRIDS = "[data-testid=stPlotlyChart] .js-plotly-plot"


@pytest.fixture(scope="module")
def server():
    if chromium_path() is None:
        pytest.skip("no Chromium on this machine")
    app = AppServer("seeds")
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def panel_centre(page, grid: int, panel: int) -> tuple[float, float]:
    """Where on the page the centre of a grid's panel is (panel 1 is the top left)."""
    suffix = "" if panel == 1 else str(panel)
    script = (
        "gd => { const L = gd._fullLayout, x = L['xaxis"
        + suffix
        + "'], y = L['yaxis"
        + suffix
        + "']; return [x._offset + x._length / 2, y._offset + y._length / 2]; }"
    )
    chart = page.locator(GRIDS).nth(grid)
    chart.scroll_into_view_if_needed()  # a click lands only inside the viewport
    x, y = chart.evaluate(script)
    box = chart.bounding_box()
    return box["x"] + x, box["y"] + y


def test_reveal_shows_the_seeds_and_a_click_opens_that_run_in_the_playground(server, browser):
    step = LESSON.steps[STEP - 1]
    cure = step.run.compare
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(server.url + f"lessons?lesson=collapse&step={STEP}")
    page.get_by_text(f"Step {STEP} of {len(LESSON.steps)}").first.wait_for(timeout=120_000)
    page.get_by_text("answer to see how they end").wait_for()
    assert page.locator(GRIDS).count() == 0  # the grids are the answer: hidden before it

    answer = next(a for a in step.question.answers if a.correct)
    page.get_by_text(answer.text, exact=True).click()
    button(page, "Reveal").click()
    page.get_by_text("What the run shows.").wait_for()
    wait_until(lambda: page.locator(GRIDS).count() == 2, 60, "both grids drawn", page)
    titles = page.locator(GRIDS).nth(1).evaluate("gd => gd.layout.annotations.map(a => a.text)")
    assert len(titles) == step.run.seeds and titles[3].startswith("seed 3 · ")
    page.get_by_text(f"{step.run.seeds} seeds each.").wait_for()
    shot(page, "lessons-seeds-revealed")

    x, y = panel_centre(page, 1, 4)  # the cure's grid, seed 3
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    wait_until(lambda: "/playground" in page.url, 60, "the Playground opened", page)
    query = page.url.split("?", 1)[1].split("&")
    assert "seed=3" in query and f"preset={cure.preset}" in query
    page.get_by_text("Iteration 0 ·").first.wait_for(timeout=120_000)
    # Back returns to the step the click came from
    page.go_back()
    page.get_by_text(f"Step {STEP} of {len(LESSON.steps)}").first.wait_for(timeout=60_000)
    wait_until(lambda: f"step={STEP}" in page.url, 10, "the URL at the step", page)
    page.close()
