"""The playground in a real browser: what a teacher and a student do.

Starts `streamlit run app.py`, drives Debian's Chromium with playwright, and saves screenshots
under test-artifacts/browser/ (look at them: the assertions cannot say whether a figure reads).
"""

import re

import pytest

from tests.browser import (
    CHROMIUM_ARGS,
    AppServer,
    button,
    chart,
    chart_data,
    chart_title,
    chromium_path,
    goto_playground,
    iteration,
    open_playground,
    shot,
    status,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "runs.sqlite"  # its runs, not the user's
    app = AppServer("playground", env={"GAN_VIZ_STORE": str(store)})
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


def view_iteration(page) -> int:
    """The iteration the data view draws (its title), -1 while it draws."""
    match = re.search(r"iteration (\d+)", chart_title(page, 0))
    return int(match.group(1)) if match else -1


# Counts the data view's Plotly.react and Plotly.relayout calls from now on.
COUNT_DRAWS = """gd => {
  window.__draws = {react: 0, relayout: 0};
  for (const name of ["react", "relayout"]) {
    const call = window.Plotly[name];
    window.Plotly[name] = function (...args) {
      window.__draws[name]++;
      return call.apply(this, args);
    };
  }
}"""
# Whether each shape of the fake samples (a dot and its outline) is drawn (not hidden from the
# legend).
FAKE_SHAPES_SHOWN = (
    "gd => gd._fullLayout.shapes.filter(s => s.legendgroup === 'fake G(z) ~ p_g')"
    ".map(s => s.visible === true)"
)


def next_frames(page, n: int) -> None:
    """Wait for n newer frames of the data view."""
    for _ in range(n):
        frame = view_iteration(page)
        wait_until(lambda f=frame: view_iteration(page) > f, 60, "a newer frame", page)


def timeline_thumb(page):
    """The timeline slider's thumb, None until it is drawn."""
    for thumb in page.get_by_role("slider").all():
        if (thumb.get_attribute("aria-valuetext") or "").startswith("iteration"):
            return thumb
    return None


def zoom_in(page, index: int = 0) -> list[float]:
    """Drag a box on a chart, as a user zooms; returns the new x range."""
    box = chart(page, index).locator(".nsewdrag").first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + box["width"] * 0.3, y0 + box["height"] * 0.3, steps=8)
    page.mouse.up()
    return chart_data(page, index, "gd._fullLayout.xaxis.range")


def test_train_a_1d_and_a_2d_gan_pause_and_scrub(server, browser):
    context, page = open_playground(browser)
    try:
        goto_playground(page, server.url)
        assert view_iteration(page) == 0 and "paused" in status(page)
        shot(page, "1d-iteration-0")

        # Train: the count and the charts move without touching the page.
        button(page, "Train").click()
        wait_until(lambda: iteration(page) > 150, 120, "150 iterations", page)
        wait_until(lambda: view_iteration(page) > 0, 60, "the view to follow", page)
        first = view_iteration(page)
        wait_until(lambda: view_iteration(page) > first, 60, "a newer frame", page)
        assert re.search(r"[\d,]+ it/s", status(page))
        # The curves fill in as training goes.
        wait_until(
            lambda: (chart_data(page, 1, "gd._fullData[0].x.length") or 0) > 2, 60, "curves", page
        )

        # Zoom survives live frames (uirevision).
        zoomed = zoom_in(page, 0)
        frame = view_iteration(page)
        wait_until(lambda: view_iteration(page) > frame, 60, "frames after the zoom", page)
        assert chart_data(page, 0, "gd._fullLayout.xaxis.range") == pytest.approx(zoomed)
        shot(page, "1d-training")

        button(page, "Pause").click()
        wait_until(lambda: "paused" in status(page), 60, "the pause", page)
        stopped = iteration(page)
        # A rerun of the whole page (the bits switch) reads the run again: still where it stopped.
        curves = "JSON.stringify(gd.layout.annotations.map(a => a.text))"
        page.get_by_text("Divergences in bits").click()
        wait_until(lambda: "bits" in (chart_data(page, 1, curves) or ""), 60, "a rerun", page)
        assert iteration(page) == stopped
        page.get_by_text("Divergences in bits").click()
        wait_until(lambda: "bits" not in (chart_data(page, 1, curves) or "bits"), 60, "nats", page)

        # Scrub back to the start: the view and the curves' marker follow.
        thumb = wait_until(lambda: timeline_thumb(page), 60, "the timeline", page)
        assert thumb.get_attribute("aria-valuetext").startswith(f"iteration {stopped:,} (")
        thumb.focus()
        page.keyboard.press("Home")
        wait_until(lambda: "showing iteration 0" in status(page), 60, "the scrub", page)
        wait_until(lambda: view_iteration(page) == 0, 60, "the view at iteration 0", page)
        shot(page, "1d-scrubbed-to-0")

        # A 2-D target: the change waits for Reset, then trains on the ring.
        page.get_by_text("2-D", exact=True).click()
        wait_until(
            lambda: page.get_by_text(re.compile("need a new run")).count(), 60, "the ask", page
        )
        button(page, "Reset").click()
        wait_until(
            lambda: chart_data(page, 0, "gd.data[0].type") == "heatmap", 90, "the heat map", page
        )
        assert iteration(page) == 0
        button(page, "Train").click()
        wait_until(lambda: iteration(page) > 100, 120, "2-D training", page)
        frame = view_iteration(page)
        wait_until(lambda: view_iteration(page) > frame, 60, "a newer 2-D frame", page)
        names = chart_data(page, 0, "gd._fullData.map(t => t.name)")
        for name in ("G(z-grid)", "real x ~ p_data", "fake G(z) ~ p_g", "G's gradient"):
            assert name in names
        # Live frames move only the layout (a picture of D, path shapes, the title): the chart
        # relayouts them and never replots its axes, legend and colour bar; samples are dots.
        view = chart(page, 0)
        view.evaluate(COUNT_DRAWS)
        next_frames(page, 2)
        draws = view.evaluate("gd => window.__draws")
        assert draws["relayout"] >= 2 and draws["react"] == 0, draws
        caps = view.evaluate(
            "gd => [...gd.querySelectorAll('.shapelayer path')].map(p => getComputedStyle(p)"
            ".strokeLinecap)"
        )
        assert len(caps) >= 4 and set(caps) == {"round"}, caps
        # The picture of D lies under the traces, so the real samples (a trace) are drawn on it.
        layers = view.evaluate(
            "gd => ['subplot', 'above'].map(l => gd.querySelectorAll("
            "`.layer-${l} .imagelayer image`).length)"
            ".concat(gd.querySelectorAll('.scatterlayer .points path.point').length)"
        )
        assert layers[:2] == [1, 0] and layers[2] >= 100, layers
        # A legend click hides the fake samples (plotly waits out a double click first), and
        # they stay hidden frame after frame; a second click brings them back.
        legend = view.locator("g.traces", has_text="fake G(z) ~ p_g").locator(".legendtoggle")
        for shown in (False, True):
            legend.click(force=True)
            wait_until(
                lambda s=shown: view.evaluate(FAKE_SHAPES_SHOWN) == [s, s], 30, "the legend", page
            )
            next_frames(page, 2)
            assert view.evaluate(FAKE_SHAPES_SHOWN) == [shown, shown]
        # The heat-map switch applies to the live frames too: the feed takes the page's settings.
        page.get_by_text("optimal D*(x)").click()
        wait_until(
            lambda: chart_data(page, 0, "gd.data[0].name") == "D*(x)", 60, "a live D* map", page
        )
        frame = view_iteration(page)
        wait_until(lambda: view_iteration(page) > frame, 60, "D* frames while training", page)
        page.get_by_text("learned D(x)").click()
        wait_until(
            lambda: chart_data(page, 0, "gd.data[0].name") == "D(x)", 60, "the D map back", page
        )
        # A mixture target adds the mode-occupancy strip under the curves: 8 modes x snapshots.
        wait_until(
            lambda: chart_data(page, 2, "gd.data[0].name") == "occupancy", 60, "occupancy", page
        )
        rows = chart_data(page, 2, "gd._fullData[0].y.length")
        assert rows == 8, rows
        shot(page, "2d-training")
        button(page, "Pause").click()
        wait_until(lambda: "paused" in status(page), 60, "the pause", page)
        page.get_by_text("optimal D*(x)").click()
        wait_until(
            lambda: chart_data(page, 0, "gd.data[0].name") == "D*(x)", 60, "the D* map", page
        )
        shot(page, "2d-optimal-discriminator")

        page.get_by_text("Projector mode").click()
        wait_until(
            lambda: (chart_data(page, 0, "gd._fullLayout.font.size") or 0) >= 20,
            60,
            "big type",
            page,
        )
        shot(page, "2d-projector")
    except Exception:
        shot(page, "FAILED-train-1d-2d")
        raise
    finally:
        context.close()


def test_two_tabs_train_two_gans_and_a_closed_tab_stops_training(server, browser):
    ctx_a, a = open_playground(browser)
    ctx_b, b = open_playground(browser)
    try:
        goto_playground(a, server.url)
        goto_playground(b, server.url)
        button(a, "Train").click()
        wait_until(lambda: iteration(a) > 100, 120, "tab A to train", a)
        assert iteration(b) == 0 and "paused" in status(b)

        # B goes 2-D while A keeps training its 1-D GAN.
        b.get_by_text("2-D", exact=True).click()
        wait_until(lambda: b.get_by_text(re.compile("need a new run")).count(), 60, "ask", b)
        button(b, "Reset").click()
        wait_until(lambda: chart_data(b, 0, "gd.data[0].type") == "heatmap", 90, "B's map", b)
        before = iteration(a)
        wait_until(lambda: iteration(a) > before, 60, "A to go on", a)
        assert chart_data(a, 0, "gd.data[0].type") != "heatmap"  # A still draws 1-D
        button(b, "Step D").click()
        wait_until(lambda: "D steps 1 ·" in status(b), 60, "B's D step", b)
        assert iteration(b) == 0
        shot(a, "two-tabs-a")
        shot(b, "two-tabs-b")

        # A bad CSV in B: one line, and B keeps its ring.
        b.get_by_text("Target p_data").wait_for()
        sidebar = b.locator("[data-testid=stSidebar] [data-testid=stSelectbox]")
        sidebar.filter(has_text="Target p_data").click()
        b.get_by_role("option", name=re.compile("^points")).click()
        b.locator("input[type=file]").set_input_files(
            files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"x\n1,2\nnan,3\n"}]
        )
        error = b.get_by_text(re.compile("^bad.csv: points"))
        wait_until(lambda: error.count(), 60, "the upload's error", b)
        assert "row 2" in error.first.inner_text()
        assert "previous target is kept" in error.first.inner_text()
        shot(b, "bad-csv")
        assert chart_data(b, 0, "gd.data[0].type") == "heatmap"

        # Closing A's tab while it trains stops its training within seconds.
        ctx_a.close()
        wait_until(
            lambda: "paused: the browser tab was closed" in server.log(),
            60,
            "the server to pause the closed tab's run",
        )
        assert "Traceback" not in server.log()
    except Exception:
        shot(b, "FAILED-two-tabs-b")
        raise
    finally:
        for ctx in (ctx_a, ctx_b):
            try:
                ctx.close()
            except Exception:  # already closed above
                pass


def test_a_playground_link_opens_the_same_game_in_another_browser(server, browser):
    sent, page = open_playground(browser)
    received, other = open_playground(browser)  # another browser context: nothing shared
    try:
        page.goto(server.url + "playground?preset=ring-collapse&seed=3&it=100")
        wait_until(lambda: iteration(page) == 100, 240, "the link's iteration", page)
        wait_until(lambda: view_iteration(page) == 100, 120, "the view at that iteration", page)
        link = page.url
        assert "preset=ring-collapse" in link and "seed=3" in link and "it=100" in link
        drawn = chart_data(page, 0, "JSON.stringify(gd.data)")
        assert drawn

        other.goto(link)
        wait_until(lambda: iteration(other) == 100, 240, "the same iteration", other)
        wait_until(lambda: view_iteration(other) == 100, 120, "the same view", other)
        # the same settings and seed train the very same game: D, samples, arrows alike
        assert chart_data(other, 0, "JSON.stringify(gd.data)") == drawn
        shot(other, "link-opened")

        other.goto(server.url + "playground?preset=fig1&optim.lr_d=fast")
        other.get_by_text("optim.lr_d=fast").wait_for(timeout=120_000)
        wait_until(lambda: iteration(other) == 0, 120, "the link's preset at iteration 0", other)

        # presenter keys: space trains and pauses, the right arrow takes one step
        other.get_by_text("Keys: space Train/Pause").wait_for()
        bound = "() => !!(window.__ganVizKeys && window.__ganVizKeys.space)"
        wait_until(lambda: other.evaluate(bound), 60, "the keys bound", other)
        other.get_by_text("Playground: watch a GAN learn").click()  # the page has the focus
        other.keyboard.press(" ")
        wait_until(lambda: "it/s" in status(other), 120, "training on space", other)
        other.keyboard.press(" ")
        wait_until(lambda: "paused" in status(other), 120, "paused on space", other)
        stopped = iteration(other)
        other.keyboard.press("ArrowRight")
        wait_until(lambda: iteration(other) == stopped + 1, 120, "one step on →", other)
    finally:
        sent.close()
        received.close()


def test_arrow_keys_scrub_the_paused_timeline_and_step_at_its_newest(server, browser):
    context, page = open_playground(browser)
    done = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")

    def press(key: str) -> None:
        """A key once the page has finished its rerun (its buttons are the new ones)."""
        page.wait_for_timeout(200)
        wait_until(lambda: done.count(), 60, "the page to finish its rerun", page)
        page.keyboard.press(key)

    def shown() -> str:
        match = re.search(r"showing iteration ([\d,]+)", status(page))
        return match.group(1) if match else ""

    try:
        goto_playground(page, server.url)
        bound = "() => !!(window.__ganVizKeys && window.__ganVizKeys.arrowleft)"
        wait_until(lambda: page.evaluate(bound), 60, "the keys bound", page)
        page.get_by_text("Playground: watch a GAN learn").click()  # the page has the focus
        for n in (1, 2, 3):  # at the newest snapshot → takes a Step
            press("ArrowRight")
            wait_until(lambda n=n: iteration(page) == n, 120, f"iteration {n} on →", page)
        wait_until(lambda: view_iteration(page) == 3, 60, "the view at 3", page)
        for back in ("2", "1"):  # ← looks back, one snapshot a press; the views and link follow
            press("ArrowLeft")
            wait_until(lambda b=back: shown() == b, 60, f"showing {back} on ←", page)
            wait_until(lambda b=back: view_iteration(page) == int(b), 60, "the view", page)
            wait_until(lambda b=back: f"it={b}" in page.url, 60, "the link's iteration", page)
        assert iteration(page) == 3
        shot(page, "keys-scrubbed-back")
        press("ArrowRight")  # looking back, → moves forward one snapshot: no training
        wait_until(lambda: shown() == "2", 60, "showing 2 on →", page)
        press("ArrowRight")
        wait_until(lambda: "showing" not in status(page), 60, "the newest on →", page)
        assert iteration(page) == 3 and "it=3" in page.url
        press("ArrowRight")  # at the newest again: a Step
        wait_until(lambda: iteration(page) == 4, 120, "iteration 4 on →", page)
        assert "showing" not in status(page)
    finally:
        context.close()
