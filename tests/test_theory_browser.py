"""The Theory lab in a real browser: the app as a user starts it, Chromium driven by playwright.

What AppTest cannot see: the plotly charts render, and a live panel advances by itself
(`st.fragment(run_every=...)`) after Run is pressed.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stderr.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_a_student_runs_the_theory_lab(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url, timeout=120_000)
        # Until app.py has run once, Streamlit lists pages/ itself ("app", "theory lab"), and a
        # click there runs the page without app.py; wait for app.py's own navigation.
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
        assert "Traceback" not in page.content()
        browser.close()
    assert (tmp_path / "dirac.png").stat().st_size > 10_000
