"""The MNIST page in a real browser: open it, train, watch the grid change, pause, step; a bad
data folder is refused in one line and the run stays.

Starts `streamlit run app.py` with the test session's cached digit classifier (so the server
does not train one), drives Debian's Chromium with playwright, and saves screenshots under
test-artifacts/browser/ (look at them).
"""

import re

import pytest

from gan_viz.device import describe, resolve_device
from tests.browser import (
    CHROMIUM_ARGS,
    AppServer,
    button,
    chart_data,
    chromium_path,
    iteration,
    shot,
    status,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
GRID = 0  # the fixed-noise grid is the page's first live chart
D_OUTPUTS, CURVES = 5, 6  # after the strips, the class histogram and the class share
TITLE = "gd.layout.title.text"


@pytest.fixture(scope="module")
def server(classifier_cache):
    mp = pytest.MonkeyPatch()
    mp.setenv("GAN_VIZ_CACHE", str(classifier_cache[0]))
    app = AppServer("mnist")
    yield app
    app.stop()
    mp.undo()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: run `make browser` (Debian's chromium) or set GAN_VIZ_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def grid_step(page) -> int:
    """The step the fixed-noise grid shows (its title), -1 while it draws."""
    title = chart_data(page, GRID, "gd.layout.title.text") or ""
    match = re.search(r"at step (\d+)", title)
    return int(match.group(1)) if match else -1


def grid_pixels(page):
    """The grid picture's grey levels, as the browser holds them."""
    return chart_data(page, GRID, "gd.data[0].z")


def test_train_watch_the_grid_pause_and_step(server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1800})
    page = context.new_page()
    try:
        page.goto(server.url)
        nav = page.locator("[data-testid=stSidebarNav] a", has_text="MNIST")
        nav.first.wait_for(timeout=120_000)
        nav.first.click()
        wait_until(lambda: iteration(page) == 0, 180, "the MNIST page at iteration 0", page)
        wait_until(lambda: grid_step(page) == 0, 120, "the grid at step 0", page)
        assert "paused" in status(page) and "classifier accuracy" in status(page)
        # the device named as the playground names it (e.g. "CUDA: NVIDIA H100 80GB HBM3")
        assert f"device: {describe(resolve_device('auto')).split(' (')[0]}" in status(page)
        before = grid_pixels(page)
        shot(page, "mnist-step-0")

        button(page, "Train").click()
        wait_until(lambda: iteration(page) > 0, 120, "training to start", page)
        first = iteration(page)
        wait_until(lambda: iteration(page) > first, 120, "the step count to rise", page)
        wait_until(lambda: grid_step(page) >= 50, 240, "two evaluations in the grid", page)
        assert grid_pixels(page) != before  # G has changed what the same z make
        assert "it/s" in status(page)
        shot(page, "mnist-training")

        button(page, "Pause").click()
        wait_until(lambda: "paused" in status(page), 60, "the pause", page)
        paused_at = iteration(page)
        page.wait_for_timeout(2500)
        assert iteration(page) == paused_at  # nothing trains while paused

        button(page, "Step").click()
        wait_until(lambda: iteration(page) == paused_at + 1, 60, "one more iteration", page)
        wait_until(lambda: grid_step(page) == paused_at + 1, 60, "the grid of that step", page)
        # every view follows: D's outputs at that step, and a curve point per evaluation
        d_title = f"D's outputs at step {paused_at + 1}"
        wait_until(lambda: chart_data(page, D_OUTPUTS, TITLE) == d_title, 60, d_title, page)
        # The curves are their own chart, redrawn in their own run: wait for them too.
        x = "Array.from(gd._fullData[0].x)"
        wait_until(
            lambda: (chart_data(page, CURVES, x) or [None])[-1] == paused_at + 1,
            60,
            "the curves' point of that step",
            page,
        )
        steps = chart_data(page, CURVES, x)
        assert steps[0] == 0 and len(steps) >= 4
        shot(page, "mnist-paused")
        assert "Traceback" not in page.content()
    finally:
        context.close()


def test_a_missing_data_folder_is_one_line_and_the_run_stays(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1400})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.locator("[data-testid=stSidebarNav] a", has_text="MNIST").first.click()
        wait_until(lambda: iteration(page) == 0, 180, "the MNIST page", page)
        page.get_by_text("Data", exact=True).first.click()
        page.get_by_text("full MNIST: the four IDX files in a folder").click()
        folder = page.get_by_role("textbox", name=re.compile("IDX folder"))
        folder.wait_for(timeout=120_000)  # drawn by the rerun the choice makes
        folder.fill(str(tmp_path / "nowhere"))
        folder.press("Enter")
        wait_until(
            lambda: page.get_by_text(re.compile("need a new run")).count(), 60, "the note", page
        )
        button(page, "Reset").click()
        alert = page.get_by_text(re.compile(str(tmp_path / "nowhere")))
        wait_until(lambda: alert.count(), 60, "the one-line refusal", page)
        assert "Traceback" not in page.content()
        assert iteration(page) == 0  # the old run is still there
        shot(page, "mnist-bad-folder")
    finally:
        context.close()


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the select box labelled `label`."""
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label)
    box.first.locator("[role=combobox], input").first.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_the_conditional_preset_draws_the_digit_asked_for(server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1400})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.locator("[data-testid=stSidebarNav] a", has_text="MNIST").first.click()
        wait_until(lambda: iteration(page) == 0, 180, "the MNIST page", page)
        pick(page, "Lesson preset", "Conditional GAN: ask for a digit")
        page.get_by_text("Digit to ask for").wait_for(timeout=60_000)
        asked = 3  # the fourth live chart: G's digits for the digit asked for

        def asked_title() -> str:
            return chart_data(page, asked, "gd.layout.title.text") or ""

        wait_until(lambda: asked_title() == "G asked for 0", 60, "digits asked for 0", page)
        pick(page, "Digit to ask for", "7")
        wait_until(lambda: asked_title() == "G asked for 7", 60, "digits asked for 7", page)
        # each grid cell says which digit it asked for, then what the classifier read
        labels = chart_data(page, GRID, "gd.layout.annotations.map(a => a.text)")
        assert labels and all("→" in text for text in labels)
        shot(page, "mnist-pick-a-digit")
    finally:
        context.close()
