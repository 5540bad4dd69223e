"""`pip install .` then `gan-viz app`, outside the checkout: the wheel carries the app.

The wheel is built from this checkout and unpacked into a folder of its own; the app is started
from another folder, with that folder first on the path, so nothing of the checkout can serve it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, chromium_path, free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed"),
]


def test_an_installed_wheel_serves_the_app_from_any_folder(tmp_path):
    wheels, site, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("gan_viz-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    assert (site / "gan_viz" / "ui" / "streamlit.toml").exists()
    assert (site / "gan_viz" / "ui" / "common" / "live_chart.html").exists()
    assert (site / "gan_viz" / "ui" / "lessons" / "replay_chart.html").exists()
    assert (site / "gan_viz" / "ui" / "common" / "vendor" / "plotly-replay.min.js").exists()
    assert list((site / "gan_viz" / "lessons" / "recordings").glob("*.npz"))
    assert list((site / "gan_viz" / "drawings").glob("*.json"))

    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import gan_viz; print(gan_viz.__file__)"],
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site))  # the wheel's copy, not the checkout's

    port = free_port()
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gan_viz", "app", "--port", str(port), "--headless"],
        env=env,
        cwd=elsewhere,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            wait_until(lambda: _answers(page, port), 120, "the installed app's server")
            page.get_by_text("Open the playground").wait_for(timeout=120_000)
            page.get_by_text("Open the playground").click()
            page.get_by_text("Playground: watch a GAN learn").wait_for(timeout=120_000)
            assert page.url.split("?")[0].endswith("/playground")  # with its link
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGTERM)  # the page's training process, if any
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def _answers(page, port: int) -> bool:
    try:
        page.goto(f"http://localhost:{port}/", timeout=5_000)
        return True
    except Exception:
        return False
