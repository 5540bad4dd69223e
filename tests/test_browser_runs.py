"""The Runs page in a real browser: list and filter, open a run and scrub its timeline, compare
two runs on one shared slider, import an archive (a damaged one changes nothing).

Starts `streamlit run app.py` on a store holding two real runs (minimax vs non-saturating G
loss on the ring of 8); screenshots go to test-artifacts/browser/ (look at them).
"""

import contextlib
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gan_viz.store import RunRecorder, RunStore
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower
from tests.browser import (
    CHROMIUM_ARGS,
    AppServer,
    button,
    chart_title,
    chromium_path,
    iteration,
    shot,
    status,
    wait_until,
)
from tests.store_helpers import tiny_config

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
STEPS = 200


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("runs-page") / "runs.sqlite")
    for name, objective in (("ring8 NS", "nonsaturating"), ("ring8 minimax", "minimax")):
        cfg = tiny_config("ring8", snapshot_every=20).replace(objective={"name": objective})
        toy = ToyGAN(cfg)
        rec = RunRecorder(store, "toy", toy.config_json(), name=name, tags=["lecture"])
        follow = ToyFollower(toy, rec)
        toy.train(STEPS)
        follow.finish()
    return store


@pytest.fixture(scope="module")
def server(store):
    saved = os.environ.get("GAN_VIZ_STORE")
    os.environ["GAN_VIZ_STORE"] = str(store.path)  # the server reads the store this test wrote
    try:
        app = AppServer("runs")
    finally:
        if saved is None:
            del os.environ["GAN_VIZ_STORE"]
        else:
            os.environ["GAN_VIZ_STORE"] = saved
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser(server):
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_runs_page(browser, url: str):
    """A new tab (a new session) on the Runs page."""
    page = browser.new_page(viewport={"width": 1500, "height": 1700})
    page.goto(url)
    nav = page.locator("[data-testid=stSidebarNav] a", has_text="Runs")
    nav.first.wait_for(timeout=120_000)
    nav.first.click()
    page.get_by_text("Open runs").wait_for(timeout=120_000)
    return page


@pytest.fixture(scope="module")
def page(browser, server):
    page = open_runs_page(browser, server.url)
    yield page
    page.close()


def titles(page) -> list[str]:
    """Titles of the plotly charts on the page, top to bottom."""
    script = "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => "
    script += "(gd.layout && gd.layout.title && gd.layout.title.text) || '')"
    return page.evaluate(script)


def view_titles(page) -> list[str]:
    return [t for t in titles(page) if "iteration" in t]


def picker(page):
    return page.locator("[data-testid=stMultiSelect]").first


def options(page) -> list[str]:
    """The picker's open options, read in one go in the page: a rerun that closes the list
    mid-read (the filter's, say) gives a short list to wait past, not a 30 s locator timeout."""
    picker(page).click()
    with contextlib.suppress(PlaywrightTimeout):
        page.get_by_role("option").first.wait_for(timeout=5_000)
    found = page.evaluate(
        "() => [...document.querySelectorAll('[role=option]')].map(o => o.innerText)"
    )
    found = [o for o in found if o.startswith("#")]  # not Streamlit's "Select all"
    page.keyboard.press("Escape")
    return found


def choose(page, name: str) -> None:
    picker(page).click()
    page.get_by_role("option", name=name).click()
    page.keyboard.press("Escape")


def thumb(page, text: str):
    for t in page.get_by_role("slider").all():
        if (t.get_attribute("aria-valuetext") or "").startswith(text):
            return t
    return None


def test_list_filter_open_and_scrub_a_run(page):
    assert options(page) == ["#2 · ring8 minimax", "#1 · ring8 NS"]
    page.get_by_label("Name contains").fill("minimax")
    page.get_by_label("Name contains").press("Enter")
    wait_until(lambda: options(page) == ["#2 · ring8 minimax"], 60, "the name filter", page)
    choose(page, "#2 · ring8 minimax")
    wait_until(
        lambda: (
            view_titles(page) == [f"ring8 minimax: iteration {STEPS} · JS = "]
            or any(t.startswith(f"ring8 minimax: iteration {STEPS}") for t in view_titles(page))
        ),
        90,
        "the replayed view at the last iteration",
        page,
    )
    assert page.get_by_text("ring8 minimax", exact=False).count() > 0
    shot(page, "runs-replay-end")

    timeline = thumb(page, "iteration")
    assert timeline is not None
    timeline.focus()
    page.keyboard.press("Home")  # scrub back to the start
    wait_until(
        lambda: any(t.startswith("ring8 minimax: iteration 0 ") for t in view_titles(page)),
        90,
        "the view at iteration 0",
        page,
    )
    now_line = "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => "
    now_line += "(gd.layout.shapes || []).filter(s => s.type === 'line' && s.x0 === s.x1)"
    now_line += ".map(s => s.x0)).flat()"
    wait_until(lambda: 0 in page.evaluate(now_line), 60, "the curves' iteration line at 0", page)
    shot(page, "runs-replay-scrubbed")
    page.get_by_label("Name contains").fill("")
    page.get_by_label("Name contains").press("Enter")


def test_compare_two_runs_on_one_shared_slider(page):
    # The filter is cleared; run #2 stays open (options list only what is not picked yet).
    wait_until(lambda: options(page) == ["#1 · ring8 NS"], 60, "run #1 listed again", page)
    choose(page, "#1 · ring8 NS")
    # Wait for the finished rerun, not just two charts: while Streamlit reruns, the stale replay
    # view (run #2 scrubbed to 0) can stand beside the first new one for a moment.
    wait_until(
        lambda: (
            sorted(re.sub(r" · .*", "", t) for t in view_titles(page))
            == [f"ring8 NS: iteration {STEPS}", f"ring8 minimax: iteration {STEPS}"]
        ),
        90,
        "two views side by side at the last iteration",
        page,
    )
    curves = "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => "
    curves += "gd.data.map(t => t.name)).find(n => n.includes('#1 ring8 NS'))"
    names = page.evaluate(curves)
    assert "#2 ring8 minimax" in names and "#1 ring8 NS" in names  # overlaid curves
    shared = thumb(page, "iteration")
    shared.focus()
    page.keyboard.press("Home")
    wait_until(
        lambda: (
            sorted(re.sub(r" · .*", "", t) for t in view_titles(page))
            == ["ring8 NS: iteration 0", "ring8 minimax: iteration 0"]
        ),
        90,
        "both views at iteration 0",
        page,
    )
    shot(page, "runs-compare-scrubbed")


def test_a_damaged_archive_is_refused_and_changes_nothing(page, store, tmp_path):
    before = len(store.runs())
    bad = tmp_path / "damaged.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    page.get_by_text("Import a run archive (.zip)").click()
    page.locator("input[type=file]").set_input_files(str(bad))
    wait_until(
        lambda: page.get_by_text(re.compile("damaged.zip: damaged or not a zip")).count(),
        60,
        "the refusal",
        page,
    )
    assert len(store.runs()) == before
    shot(page, "runs-import-refused")


def test_train_a_stored_run_on_in_the_page_and_download_it(browser, server, store, tmp_path):
    page = open_runs_page(browser, server.url)
    try:
        choose(page, "#1 · ring8 NS")
        page.get_by_text("Train on from here").click()
        more = page.get_by_label("Iterations to add")
        more.fill("40")
        more.press("Enter")
        page.get_by_role("button", name="Train on", exact=True).click()
        wait_until(lambda: store.run(1).step == STEPS + 40, 120, "40 more iterations", page)
        wait_until(
            lambda: any(
                t.startswith(f"ring8 NS: iteration {STEPS + 40}") for t in view_titles(page)
            ),
            60,
            "the view at the new last iteration",
            page,
        )
        info = store.run(1)
        assert info.status == "finished" and info.weights_step == STEPS + 40
        shot(page, "runs-trained-on")

        page.get_by_text("Download", exact=True).click()
        frames = page.get_by_label("Frames (HTML, GIF)")
        frames.fill("5")
        frames.press("Enter")
        page.wait_for_timeout(1500)  # the page reruns with the new frame count
        with page.expect_download(timeout=120_000) as got:
            page.get_by_role("button", name="GIF", exact=True).click()
        gif = tmp_path / "run.gif"
        got.value.save_as(gif)
        with Image.open(gif) as im:
            assert im.n_frames == 5 and im.size == (800, 600)
        with page.expect_download(timeout=60_000) as got:
            page.get_by_role("button", name="Metrics CSV", exact=True).click()
        got.value.save_as(tmp_path / "m.csv")
        lines = (tmp_path / "m.csv").read_text().splitlines()
        assert lines[0].startswith("step,") and len(lines) == 1 + store.run(1).rows
    finally:
        page.close()


def test_continue_a_stored_run_live_in_the_playground(browser, server, store):
    page = open_runs_page(browser, server.url)
    try:
        choose(page, "#2 · ring8 minimax")
        page.get_by_text("Train on from here").click()
        page.get_by_text("As a new run (keep this one as it is)").click()
        page.get_by_role("button", name="Continue live in the Playground").click()
        # The Playground, paused at the stored run's last iteration, its past on the timeline.
        wait_until(lambda: iteration(page) == STEPS, 120, "the playground at the run's end", page)
        page.get_by_text(re.compile(rf"Run 2 goes on as run \d+ from iteration {STEPS}")).wait_for()
        fork = store.runs()[0]
        assert fork.parent == 2 and f"saved as run {fork.id}" in status(page)
        wait_until(lambda: chart_title(page).startswith(f"iteration {STEPS}"), 60, "its view", page)
        shot(page, "playground-continued")
        button(page, "Train").click()
        wait_until(lambda: iteration(page) > STEPS + 20, 120, "training on, live", page)
        button(page, "Pause").click()
        wait_until(lambda: "paused" in status(page), 60, "paused", page)
        assert store.run(fork.id).step == iteration(page) > STEPS + 20
        assert store.run(2).step == STEPS  # the stored run itself is as it was
    finally:
        page.close()
