"""The screenshots in README.md and docs/, taken from the real app so they can be redone.

Starts `python -m gan_viz app --headless` on a free port (the app routed by gan_viz/ui/app.py,
with the server options `gan-viz app` carries), drives Debian's
Chromium with playwright (never `playwright install`), opens each page at its URL, trains where
a page trains (waiting on the iteration it reports, not on a clock), and writes PNGs to docs/img/.

    sh scripts/hero.sh                  # first: records the two runs the Runs page shows
    python scripts/screenshots.py       # all pages: minutes; half an hour on a busy 2-core machine
    python scripts/screenshots.py --pages playground runs
    python scripts/screenshots.py --pages lessons   # no training: about a minute

The Runs page shows a copy of the store scripts/hero.sh made (build/hero/runs.sqlite), so the
runs the pages train here never land in it, nor in your own store. Each PNG is reduced to a
256-colour palette (Pillow) to keep the docs small.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Laid out in a tall window, so nothing scrolls; each picture is a 1280 x HEIGHT cut of it.
VIEWPORT = {"width": 1280, "height": 2000}
HEIGHT = 860
PAGES = ["home", "lessons", "lessons-digits", "playground", "theory-lab", "mnist", "runs"]
STATUS = re.compile(r"^Iteration [\d,]+ ·")


class App:
    """`python -m gan_viz app` (the routed app, gan_viz/ui/app.py, with the server options
    `gan-viz app` carries) on a free port with its own run store; output in a log file."""

    def __init__(self, store: Path, log: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://localhost:{self.port}/"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GAN_VIZ_STORE": str(store)}
        self.log_path = log
        self._log = open(log, "w")
        command = [sys.executable, "-m", "gan_viz", "app", "--port", str(self.port)]
        command += ["--address", "127.0.0.1", "--headless"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its training processes go in its own group
        )
        end = time.monotonic() + 120
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"gan-viz app exited: {log.read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"gan-viz app did not come up: {log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self._log.close()


def wait_until(page, condition, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        page.wait_for_timeout(250)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


def iteration(page) -> int:
    """The iteration the page's 'Iteration N · ...' line reports, -1 while it draws."""
    line = page.get_by_text(STATUS)
    with contextlib.suppress(Exception):
        if line.count():
            text = line.first.inner_text(timeout=2000)
            return int(re.match(r"Iteration ([\d,]+)", text).group(1).replace(",", ""))
    return -1


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True).first


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the select box labelled `label`."""
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label)
    box.first.locator("[role=combobox], input").first.click()
    page.get_by_role("option", name=option, exact=True).click()


def train_to(page, steps: int, seconds: float) -> None:
    """Press Train, wait until the page reports `steps` iterations, press Pause."""
    print(f"  training to iteration {steps:,}", flush=True)
    button(page, "Train").click()
    start = told = time.monotonic()
    while (now := iteration(page)) < steps:
        if time.monotonic() - start > seconds:
            raise TimeoutError(f"timed out after {seconds:.0f} s at iteration {now:,} of {steps:,}")
        if time.monotonic() - told > 30:  # a slow machine shows it is moving
            print(f"  iteration {now:,}", flush=True)
            told = time.monotonic()
        page.wait_for_timeout(250)
    button(page, "Pause").click()
    button(page, "Train").wait_for(timeout=60_000)


def plots_drawn(page, count: int) -> bool:
    """At least `count` plotly charts with data, in the page or its live-chart frames."""
    script = "() => [...document.querySelectorAll('.js-plotly-plot')]"
    script += ".filter(gd => gd.data && gd.data.length).length"
    drawn = 0
    for frame in page.frames:
        with contextlib.suppress(Exception):
            drawn += frame.evaluate(script)
    return drawn >= count


def settle(page) -> None:
    """No tooltip, focus ring or running spinner in the picture."""
    page.mouse.move(5, 5)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    spinner = page.locator("[data-testid=stStatusWidget]")
    wait_until(page, lambda: spinner.count() == 0, 60, "the page to finish running")


def save(page, out: Path, name: str, anchor=None, height: int = HEIGHT) -> Path:
    """A 1280 x `height` picture from the top of the page, or from just above `anchor`."""
    settle(page)
    top = 0.0
    if anchor is not None:
        top = max(0.0, anchor.first.bounding_box()["y"] - 24)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), clip={"x": 0, "y": top, "width": 1280, "height": height})
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path  # --out elsewhere
    print(f"{shown}: {path.stat().st_size / 1e3:.0f} kB", flush=True)
    return path


def open_page(browser, url: str):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, timeout=120_000)
    return context, page


def shoot_home(browser, app: App, out: Path) -> None:
    context, page = open_page(browser, app.url)
    page.get_by_text("Open the playground").wait_for(timeout=120_000)
    save(page, out, "home")
    context.close()


def shoot_lessons(browser, app: App, out: Path) -> None:
    """The first lesson's first step, opened by its link: text, formula, question, replay."""
    context, page = open_page(browser, app.url + "lessons?lesson=minimax&step=1")
    page.get_by_text("Step 1 of").wait_for(timeout=120_000)
    page.get_by_text("Predict first.").wait_for(timeout=60_000)
    wait_until(page, lambda: plots_drawn(page, 1), 120, "the replay")
    page.wait_for_timeout(1500)  # the replay loops: let it move past its first frame
    save(page, out, "lessons", page.get_by_text("Step 1 of"), height=1240)
    context.close()


def shoot_lessons_digits(browser, app: App, out: Path) -> None:
    """The digits lesson's first step: G's digits beside their class histogram, replaying."""
    context, page = open_page(browser, app.url + "lessons?lesson=digits&step=1")
    page.get_by_text("Step 1 of").wait_for(timeout=120_000)
    page.get_by_text("Predict first.").wait_for(timeout=60_000)
    wait_until(page, lambda: plots_drawn(page, 1), 120, "the replay")
    page.wait_for_timeout(1500)  # the replay loops: let it move past its first frame
    save(page, out, "lessons-digits", page.get_by_text("Step 1 of"), height=900)
    context.close()


def shoot_playground(browser, app: App, out: Path, steps: int) -> None:
    """fig1, trained live to `steps` iterations and paused: Goodfellow et al.'s Fig. 1."""
    context, page = open_page(browser, app.url + "playground")
    wait_until(page, lambda: iteration(page) == 0, 180, "the playground at iteration 0")
    pick(page, "Lesson preset", "Lesson · The paper's 1-D picture (Goodfellow et al. 2014, Fig. 1)")
    wait_until(page, lambda: iteration(page) == 0, 60, "the preset loaded")
    train_to(page, steps, 300)
    wait_until(page, lambda: plots_drawn(page, 2), 120, "the views and curves")
    save(page, out, "playground", page.get_by_text("Playground: watch a GAN learn"))
    context.close()


def shoot_theory_lab(browser, app: App, out: Path, steps: int) -> None:
    """Tab 1: D trained against a frozen G, converging onto D*."""
    context, page = open_page(browser, app.url + "theory_lab")
    page.get_by_text("1 · The optimal discriminator").wait_for(timeout=120_000)
    metric = page.get_by_test_id("stMetric").filter(has_text="D steps")
    value = metric.get_by_test_id("stMetricValue")

    def d_steps() -> int:
        with contextlib.suppress(Exception):
            return int(value.first.inner_text(timeout=2000).replace(",", ""))
        return -1

    wait_until(page, lambda: d_steps() == 0, 120, "the optimal-D tab")
    button(page, "Run").click()
    wait_until(page, lambda: d_steps() >= steps, 300, f"{steps} D steps")
    button(page, "Pause").click()
    button(page, "Run").wait_for(timeout=60_000)
    save(page, out, "theory-lab", button(page, "Run"))
    context.close()


def shoot_mnist(browser, app: App, out: Path, steps: int) -> None:
    """The conditional preset (digits by a few hundred iterations on a CPU), trained live."""
    context, page = open_page(browser, app.url + "mnist")
    wait_until(page, lambda: iteration(page) == 0, 900, "the MNIST page at iteration 0")
    pick(page, "Lesson preset", "Conditional GAN: ask for a digit")
    page.get_by_text("Digit to ask for").wait_for(timeout=60_000)
    train_to(page, steps, 1800)
    wait_until(page, lambda: plots_drawn(page, 3), 120, "the grid and charts")
    save(page, out, "mnist")
    context.close()


def shoot_runs(browser, app: App, out: Path) -> None:
    """The two runs of scripts/hero.sh compared on one shared slider."""
    context, page = open_page(browser, app.url + "runs")
    page.get_by_text("Open runs").wait_for(timeout=120_000)
    picker = page.locator("[data-testid=stMultiSelect]").first
    for name in ("#1 · ring-collapse", "#2 · ring-wgan-gp (a cure)"):
        picker.click()
        page.get_by_role("option", name=name).click()
        page.keyboard.press("Escape")
    titles = "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => "
    titles += "(gd.layout && gd.layout.title && gd.layout.title.text) || '')"
    wait_until(
        page,
        lambda: sum("iteration" in t for t in page.evaluate(titles)) >= 2,
        180,
        "both runs' views",
    )
    # The slider, the overlaid curves and the two views side by side: taller than the rest.
    save(page, out, "runs", page.get_by_text("Comparing"), height=1120)
    context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "hero" / "runs.sqlite")
    parser.add_argument("--steps", type=int, default=3000, help="playground iterations")
    parser.add_argument("--mnist-steps", type=int, default=400, help="MNIST iterations")
    parser.add_argument("--theory-steps", type=int, default=1000, help="theory lab D steps")
    args = parser.parse_args(argv)
    if "runs" in args.pages and not args.store.is_file():
        print(f"screenshots: no run store at {args.store}: run scripts/hero.sh first")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"screenshots: no Chromium at {CHROMIUM} (make browser installs Debian's)")
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "runs.sqlite"
        if args.store.is_file():  # a copy: pages that train record there, not in hero's
            for path in args.store.parent.iterdir():
                if path.name.startswith(args.store.name) or path.name.endswith("-weights"):
                    copy = shutil.copytree if path.is_dir() else shutil.copy2
                    copy(path, Path(scratch) / path.name)
        app = App(store, Path(scratch) / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shots = {
                    "home": lambda: shoot_home(browser, app, args.out),
                    "lessons": lambda: shoot_lessons(browser, app, args.out),
                    "lessons-digits": lambda: shoot_lessons_digits(browser, app, args.out),
                    "playground": lambda: shoot_playground(browser, app, args.out, args.steps),
                    "theory-lab": lambda: shoot_theory_lab(
                        browser, app, args.out, args.theory_steps
                    ),
                    "mnist": lambda: shoot_mnist(browser, app, args.out, args.mnist_steps),
                    "runs": lambda: shoot_runs(browser, app, args.out),
                }
                for name in args.pages:
                    print(f"{name}: opening the page", flush=True)
                    shots[name]()
                browser.close()
        except Exception:
            print((Path(scratch) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
