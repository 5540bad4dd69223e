"""Helpers for the real-browser tests: the app served by `gan-viz app`, Debian's Chromium driven
by playwright (never `playwright install`), and small readers of what the page shows."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    path = os.environ.get("GAN_VIZ_CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).exists() else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`gan-viz app` on a free port, its output in a log file we can read."""

    def __init__(self, name: str, env: dict | None = None):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://localhost:{self.port}/"
        self.log_path = ARTIFACTS / f"{name}-server.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gan_viz", "app", "--port", str(self.port), "--headless"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its training processes go in its own group
        )
        self._wait_healthy(120)

    def _wait_healthy(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"streamlit did not come up: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        """Stop the server, then anything left in the process group it started."""
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self._log.close()


def wait_until(condition, seconds: float = 90.0, what: str = "condition", page=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def status(page) -> str:
    """The 'Iteration N · ...' line, or '' while the page draws."""
    line = page.get_by_text(re.compile(r"^Iteration [\d,]+ ·"))
    return line.first.inner_text() if line.count() else ""


def iteration(page) -> int:
    match = re.match(r"Iteration ([\d,]+)", status(page))
    return int(match.group(1).replace(",", "")) if match else -1


CHART_FRAME = "iframe[title$='gan_viz_live_chart']"


def chart(page, index: int):
    """The plotly graph div of the index-th live chart (0: data view, 1: curves)."""
    return page.frame_locator(CHART_FRAME).nth(index).locator(".js-plotly-plot")


def chart_title(page, index: int = 0) -> str:
    """A chart's title ('iteration N' for the data view), '' while the page draws."""
    return chart_data(page, index, "gd.layout.title.text") or ""


def chart_data(page, index: int, expression: str):
    """Evaluate `expression` on a plotly graph div `gd` (its data, layout, _fullLayout);
    None while the chart is being drawn or replaced."""
    script = f"gd => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }}"
    try:
        return chart(page, index).evaluate(script, timeout=5000)
    except PlaywrightError:
        return None


def open_playground(browser, viewport=(1500, 1700)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    return context, page


def goto_playground(page, url: str) -> None:
    page.goto(url)
    nav = page.locator("[data-testid=stSidebarNav] a", has_text="Playground")
    nav.first.wait_for(timeout=120_000)
    nav.first.click()
    wait_until(lambda: iteration(page) == 0, 120, "the playground at iteration 0", page)
    wait_until(lambda: chart_title(page, 0) == "iteration 0", 120, "the data view", page)
    wait_until(lambda: chart_data(page, 1, "gd.data.length"), 120, "the curves", page)
    page.get_by_role("button", name="Step D", exact=True).wait_for()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def shot(page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/browser (look at them)."""
    page.mouse.move(5, 5)  # no tooltip over the picture
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
