"""Time from opening a lesson link to the replay's first moving frame, and the replay's frame rate.

Starts `gan-viz app`, visits the Lessons page once, then opens each link in a new browser
context (a cold cache, as a student's first visit) `--rounds` times: the time until the replay
chart draws its first frame, until it draws a second one (the replay moves), and, after "Skip
the question" reveals the whole run, the frames per second it plays over `--seconds`. Also
prints when the chart's iframe had loaded plotly.js, received the figure and plotted it.
Medians over the rounds. Load average is printed: on a shared machine it dominates.

    python benchmarks/lessons_open.py [--links "lessons?lesson=minimax&step=3" ...] [--rounds 5]
        [--viewport 1366x768]

Targets (issue 18): moving within 2 s of opening the link; >= 15 frames per second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM_ARGS, AppServer, chromium_path, wait_until  # noqa: E402

STAGES = "() => { const c = document.getElementById('chart'); return document.title === 'gan-viz replay' && c ? Object.assign({}, c.dataset) : null; }"  # noqa: E501


def chart_state(page) -> dict | None:
    for frame in page.frames:
        try:
            state = frame.evaluate(STAGES)
        except Exception:  # a frame navigating away
            continue
        if state and state.get("frame"):
            return state
    return None


def one_open(browser, url: str, seconds: float, viewport: dict) -> dict:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    start_epoch, start = time.time(), time.monotonic()
    page.goto(url)
    first = wait_until(lambda: chart_state(page), 120, "the replay drawn", page)
    drawn = time.monotonic() - start
    wait_until(
        lambda: int((chart_state(page) or first)["drawn"]) > int(first["drawn"]), 30, "moving"
    )
    moving = time.monotonic() - start
    state = wait_until(
        lambda: (chart_state(page) or {}).get("moving") and chart_state(page), 30, "moved"
    )
    stages = {
        k: int(state[k]) / 1000 - start_epoch for k in ("loaded", "received", "plotted", "moving")
    }
    fps = float("nan")
    skip = page.get_by_role("button", name="Skip the question")
    if skip.count():
        skip.click()
        page.get_by_text("What the run shows.").first.wait_for(timeout=60_000)
        wait_until(
            lambda: (chart_state(page) or state)["received"] != state["received"], 30, "the run"
        )
        page.wait_for_timeout(300)  # past the first frames' layout work
        n0, t0 = int(chart_state(page)["drawn"]), time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        fps = (int(chart_state(page)["drawn"]) - n0) / (time.monotonic() - t0)
    context.close()
    return dict(first_frame=drawn, moved=moving, fps=fps, **stages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", nargs="+", default=["lessons?lesson=minimax&step=3"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--viewport", default="1400x1400", help="the window, e.g. 1366x768")
    args = parser.parse_args()
    width, height = (int(v) for v in args.viewport.split("x"))
    app = AppServer("bench-lessons")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(app.url + "lessons")
            page.get_by_text("Step 1 of").first.wait_for(timeout=120_000)
            page.close()
            print("frames/s: the revealed run playing (nan: the step asks no question)")
            for link in args.links:
                runs = [
                    one_open(
                        browser, app.url + link, args.seconds, {"width": width, "height": height}
                    )
                    for _ in range(args.rounds)
                ]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                print(
                    f"{link}: in the page: iframe loaded {med['loaded']:.2f} s, figure received"
                    f" {med['received']:.2f}, first frame {med['plotted']:.2f}, second frame"
                    f" {med['moving']:.2f}; seen by polling: first {med['first_frame']:.2f},"
                    f" moving {med['moved']:.2f}; {med['fps']:.1f} frames/s;"
                    f" medians of {args.rounds}; load average {os.getloadavg()[0]:.1f}"
                )
            browser.close()
    finally:
        app.stop()


if __name__ == "__main__":
    main()
