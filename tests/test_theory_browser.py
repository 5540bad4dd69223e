"""The Theory lab in a real browser: the app as a user starts it, Chromium driven by playwright.

What AppTest cannot see: the plotly charts render, and a live panel advances by itself
(`st.fragment(run_every=...)`) after Run is pressed.
"""

import re
import time
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS as ARGS
from tests.browser import AppServer

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def app_url():
    server = AppServer("theory", env={"OMP_NUM_THREADS": "1"})
    yield server.url.rstrip("/")
    server.stop()


def test_a_student_runs_the_theory_lab(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url, timeout=120_000)
        expect(page.get_by_role("link", name="Home", exact=True)).to_be_visible(timeout=120_000)
        page.get_by_role("link", name="Theory lab", exact=True).click()
        expect(page.get_by_text("1 · The optimal discriminator")).to_be_visible(timeout=120_000)
        expect(page.get_by_role("link", name="Home", exact=True)).to_be_visible()
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)

        # Run: the live fragment trains D on its own, frame after frame.
        steps = (
            page.get_by_test_id("stMetric")
            .filter(has_text="D steps")
            .get_by_test_id("stMetricValue")
        )
        expect(steps).to_have_text("0", timeout=30_000)
        page.get_by_role("button", name="Run", exact=True).first.click()
        expect(steps).not_to_have_text("0", timeout=60_000)
        first = int(steps.inner_text().replace(",", ""))
        expect(steps).not_to_have_text(re.compile(rf"^{first:,}$"), timeout=60_000)
        page.get_by_role("button", name="Pause", exact=True).first.click()
        expect(page.get_by_role("button", name="Run", exact=True).first).to_be_visible(
            timeout=60_000
        )
        # The frame in flight when Pause was pressed may still land (its metric arrives just
        # after the button): let the page settle, then it must stay still.
        time.sleep(2)
        paused = steps.inner_text()
        time.sleep(3)
        assert steps.inner_text() == paused  # Pause stops the timer
        page.screenshot(path=str(tmp_path / "optimal_d.png"), full_page=True)

        # Dirac-GAN: run to the end; simultaneous GAN steps spiral away from (0, 0).
        page.get_by_role("tab", name="3 · Dirac-GAN").click()
        page.get_by_role("button", name="Run to the end").click()
        gan = (
            page.get_by_test_id("stMetric")
            .filter(has_text="gan: distance")
            .get_by_test_id("stMetricValue")
        )
        expect(gan).not_to_have_text("1.4142", timeout=60_000)
        assert float(gan.inner_text()) > 1.41
        expect(page.locator(".js-plotly-plot:visible").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "dirac.png"), full_page=True)

        # One projector switch for the whole app: on here, still on in the playground.
        page.get_by_text("Projector mode").click()
        root_font = "() => getComputedStyle(document.documentElement).fontSize"
        page.wait_for_function(f"({root_font})() === '22px'", timeout=60_000)
        page.get_by_role("link", name="Playground", exact=True).click()
        expect(page.get_by_text("Playground: watch a GAN learn")).to_be_visible(timeout=120_000)
        page.wait_for_function(f"({root_font})() === '22px'", timeout=60_000)
        assert page.get_by_role("switch", name="Projector mode").is_checked()
        assert "Traceback" not in page.content()
        browser.close()
    assert (tmp_path / "dirac.png").stat().st_size > 10_000
