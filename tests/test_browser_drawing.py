"""Draw your own data, in a real browser: a circle drawn with the mouse becomes the target, a
GAN trains on it, and a drawing of one point is refused in one line while the circle stays; a
drawing too big for a link goes by its stored run, and opens the same in another browser.

Screenshots go to test-artifacts/browser/drawing-*.png (look at them).
"""

import re

import numpy as np
import pytest

from gan_viz.links import MAX_LINK_POINTS
from tests.browser import (
    CHROMIUM_ARGS,
    AppServer,
    button,
    chart_data,
    chromium_path,
    goto_playground,
    iteration,
    open_playground,
    shot,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

RADIUS = 1.5  # of the drawn circle, in data units (the 2-D canvas covers [-3, 3]^2)
TRACE = "gd._fullData.filter(t => t.name === '{}').map(t => [Array.from(t.x), Array.from(t.y)])[0]"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "runs.sqlite"  # its runs, not the user's
    app = AppServer("drawing", env={"GAN_VIZ_STORE": str(store)})
    yield app
    app.stop()


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


def settled(page) -> None:
    """Wait for Streamlit to finish its reruns: a button's callback takes the settings of the
    last finished run, and a widget's rerun may be cut short by the canvas's own."""
    done = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_timeout(300)
    wait_until(lambda: done.count(), 60, "the page to finish its rerun", page)


def pick(page, label: str, option: str) -> None:
    settled(page)
    box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label)
    wait_until(lambda: box.count() == 1, 60, f"one {label} box (the page redrawn)", page)
    box.click()
    page.get_by_role("option", name=re.compile(option)).first.click()


def draw_circle(page, canvas) -> None:
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    r = RADIUS / 6 * box["width"]
    page.mouse.move(cx + r, cy)
    page.mouse.down()
    for a in np.linspace(0, 2 * np.pi, 90):
        page.mouse.move(cx + r * np.cos(a), cy - r * np.sin(a))
    page.mouse.up()


def draw_zigzag(page, canvas, rows: int = 8) -> None:
    """One long stroke: `rows` sweeps across the canvas (~40 data units, ~1,300 points)."""
    box = canvas.bounding_box()
    left, right = box["x"] + 0.1 * box["width"], box["x"] + 0.9 * box["width"]
    ys = np.linspace(box["y"] + 0.1 * box["height"], box["y"] + 0.9 * box["height"], rows)
    page.mouse.move(left, ys[0])
    page.mouse.down()
    for i, y in enumerate(ys):
        a, b = (left, right) if i % 2 == 0 else (right, left)
        page.mouse.move(a, y, steps=4)
        page.mouse.move(b, y, steps=40)
    page.mouse.up()


def points_used(page) -> int:
    used = page.get_by_text(re.compile(r"The target: a drawing of [\d,]+ points"))
    if not used.count():
        return -1
    return int(re.search(r"of ([\d,]+) points", used.first.inner_text())[1].replace(",", ""))


def test_draw_a_circle_use_it_train_and_a_bad_drawing_keeps_it(server, browser):
    context, page = open_playground(browser)
    try:
        goto_playground(page, server.url)
        page.get_by_text("2-D", exact=True).click()
        wait_until(lambda: page.get_by_text(re.compile("need a new run")).count(), 60, "ask", page)
        pick(page, "Target p_data", "^drawing")
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=60_000)
        used = page.get_by_text(re.compile(r"The target: a drawing of [\d,]+ points"))
        ready = used.first.inner_text()  # the smiley, until a drawing is used
        draw_circle(page, canvas)
        page.wait_for_timeout(500)  # the canvas sends its drawing on mouse up
        button(page, "Use this drawing").click()
        wait_until(lambda: used.first.inner_text() != ready, 60, "the drawing to be used", page)
        settled(page)
        n = int(re.search(r"of ([\d,]+) points", used.first.inner_text())[1].replace(",", ""))
        assert 100 < n < 400  # a circle of length 9.4 resampled every 0.03
        shot(page, "drawing-circle-drawn")

        button(page, "Reset").click()
        wait_until(lambda: chart_data(page, 0, "gd.data[0].type") == "heatmap", 90, "2-D", page)
        real = np.array(
            wait_until(
                lambda: chart_data(page, 0, TRACE.format("real x ~ p_data")),
                60,
                "real samples",
                page,
            )
        )
        radius = np.hypot(*real)
        # the real samples lie on the drawn circle: noise std 0.05, a pixel is 0.02
        assert len(radius) >= 100 and np.abs(radius - RADIUS).max() < 0.35, radius

        button(page, "Train").click()
        wait_until(lambda: iteration(page) > 300, 180, "300 iterations", page)
        button(page, "Pause").click()
        shot(page, "drawing-circle-trained")

        # The address bar is a link: in another browser it opens the same drawing, trained there.
        wait_until(lambda: "it=" in page.url, 60, "the paused link", page)
        link, at = page.url, iteration(page)
        assert "target=drawing" in link and "drawing=" in link
        elsewhere, other = open_playground(browser)
        try:
            other.goto(link)
            wait_until(lambda: iteration(other) == at, 240, "the link's iteration", other)
            again = np.array(
                wait_until(
                    lambda: chart_data(other, 0, TRACE.format("real x ~ p_data")),
                    60,
                    "real samples there",
                    other,
                )
            )
            assert np.abs(np.hypot(*again) - RADIUS).max() < 0.35  # the very circle
            shot(other, "drawing-from-link")
        finally:
            elsewhere.close()

        # One clicked point on a cleared canvas: refused in one line, the circle stays.
        page.get_by_role("button", name="Reset canvas & history").click()
        page.get_by_text("Points", exact=True).click()
        canvas = page.locator("canvas.upper-canvas").first
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 30)
        page.wait_for_timeout(500)
        button(page, "Use this drawing").click()
        error = page.get_by_text(re.compile("^drawing: got 'a single point'"))
        wait_until(lambda: error.count(), 60, "the refusal", page)
        assert "previous target is kept" in error.first.inner_text()
        assert used.count() and f"of {n:,} points" in used.first.inner_text()
        assert not page.get_by_text(re.compile("need a new run")).count()
        shot(page, "drawing-bad-refused")

        # A ready drawing brings its own noise std.
        pick(page, "Start from", "two moons")
        std = page.get_by_role("spinbutton", name="Noise std")
        wait_until(lambda: std.input_value() == "0.08", 60, "the ready drawing's std", page)
        assert not page.get_by_text(re.compile("set via the Session State API")).count()

        # 1-D: a ready sketch, used: the view's p_data peaks where the sketch does.
        page.get_by_text("1-D", exact=True).click()
        wait_until(lambda: page.get_by_text(re.compile("need a new run")).count(), 60, "ask", page)
        pick(page, "Target p_data", "^sketch")
        pick(page, "Start from", "skewed")
        page.wait_for_timeout(1000)  # the canvas shows the ready sketch and sends it
        button(page, "Use this drawing").click()
        sketched = page.get_by_text(re.compile(r"The target: a drawing of 7 control points"))
        wait_until(lambda: sketched.count(), 60, "the sketch to be used", page)
        settled(page)
        button(page, "Reset").click()
        p_data = TRACE.format("p_data")
        wait_until(lambda: chart_data(page, 0, "gd.data[0].type") != "heatmap", 90, "1-D", page)

        def skewed() -> bool:
            x, y = np.array(chart_data(page, 0, p_data) or [[0.0], [0.0]])
            return -0.8 < x[np.argmax(y)] < -0.2 and x[y > 1e-3 * y.max()].max() < 4.2

        wait_until(skewed, 60, "p_data to peak where the skewed sketch does", page)
        shot(page, "drawing-sketch-1d")
    finally:
        context.close()


def test_a_drawing_too_big_for_a_link_opens_from_its_stored_run_elsewhere(server, browser):
    context, page = open_playground(browser)
    elsewhere, other = open_playground(browser)  # another browser: nothing shared but the server
    try:
        goto_playground(page, server.url)
        page.get_by_text("2-D", exact=True).click()
        wait_until(lambda: page.get_by_text(re.compile("need a new run")).count(), 60, "ask", page)
        pick(page, "Target p_data", "^drawing")
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=60_000)
        ready = wait_until(lambda: points_used(page) > 0 and points_used(page), 60, "ready", page)
        draw_zigzag(page, canvas)
        page.wait_for_timeout(500)  # the canvas sends its drawing on mouse up
        button(page, "Use this drawing").click()
        wait_until(lambda: points_used(page) not in (-1, ready), 60, "the drawing used", page)
        settled(page)
        n = points_used(page)
        assert n > MAX_LINK_POINTS  # too big for the link itself

        button(page, "Reset").click()
        wait_until(lambda: chart_data(page, 0, "gd.data[0].type") == "heatmap", 90, "2-D", page)
        button(page, "Step").click()  # the first move saves the run: the link can name it
        wait_until(lambda: "run=" in page.url and "it=1" in page.url, 90, "the run link", page)
        link = page.url
        assert "target=drawing" in link and "drawing=" not in link
        real = wait_until(
            lambda: chart_data(page, 0, TRACE.format("real x ~ p_data")), 60, "samples", page
        )
        shot(page, "drawing-big-sent")

        other.goto(link)
        wait_until(lambda: iteration(other) == 1, 240, "the link's iteration", other)
        wait_until(lambda: points_used(other) == n, 60, f"the {n:,} points there", other)
        again = wait_until(
            lambda: chart_data(other, 0, TRACE.format("real x ~ p_data")), 60, "samples", other
        )
        # the same drawing, std and seed: the very same real samples
        np.testing.assert_allclose(np.array(again), np.array(real), atol=1e-6)
        assert not other.get_by_text(re.compile("could not be used")).count()
        shot(other, "drawing-big-from-link")

        # A run the store no longer holds: one line, and the default lesson.
        other.goto(re.sub(r"run=\d+", "run=99999", link))
        other.get_by_text(re.compile(r"run=99999 \(no run 99999")).wait_for(timeout=120_000)
        wait_until(lambda: iteration(other) == 0, 120, "the default lesson", other)
    finally:
        context.close()
        elsewhere.close()
