"""A class on one server: N tabs train at once; what each gets, and what a new tab waits.

Starts `gan-viz app`, opens N playground tabs (browser contexts of one Chromium), presses Train
in each, and after a warm-up reads every tab's iterations per second from its status line. Then
opens one more tab and times how long it takes to show iteration 0 (or, past the cap, the line
that it waits for a slot), and sums the memory of the server and its training processes.

    python benchmarks/load.py --sessions 1 4 8 [--cap 0] [--seconds 20]

`--cap 0` leaves the cap to the machine (GAN_VIZ_MAX_RUNS unset); `--cap N` sets it. Figures go
to benchmarks/RESULTS.md (load.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from gan_viz.live.capacity import CAP_ENV, default_cap  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    AppServer,
    button,
    chromium_path,
    status,
    wait_until,
)

WAITING = "open on this server"


def _rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _it_per_s(page) -> float:
    text = status(page)
    for part in text.split("·"):
        if "it/s" in part:
            return float(part.split("it/s")[0].strip().replace(",", ""))
    return 0.0


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.monotonic()
    page.goto(url + "playground")
    page.wait_for_function(
        f"() => document.body.innerText.includes('Iteration 0') || "
        f"document.body.innerText.includes('{WAITING}')",
        timeout=180_000,
    )
    waited = WAITING in page.inner_text("body")
    return context, page, time.monotonic() - start, waited


def measure(n: int, cap: int, seconds: float) -> dict:
    env = {"OMP_NUM_THREADS": "1"}
    if cap:
        env[CAP_ENV] = str(cap)
    server = AppServer(f"load-{n}", env=env)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            tabs = [_open(browser, server.url) for _ in range(n)]
            training = [page for _, page, _, waited in tabs if not waited]
            for page in training:
                button(page, "Train").click()
            for page in training:
                wait_until(lambda p=page: _it_per_s(p) > 0, 120, "training", page)
            time.sleep(seconds)  # a benchmark's window, not a test's wait
            rates = [_it_per_s(page) for page in training]
            memory = _rss_mb(server.process.pid)
            _, _, answer, waited = _open(browser, server.url)
            browser.close()
    finally:
        server.stop()
    return {
        "tabs": n,
        "training": len(training),
        "waiting": n - len(training),
        "it/s each (median)": statistics.median(rates) if rates else 0.0,
        "it/s all": sum(rates),
        "new tab answers (s)": answer,
        "new tab waits": waited,
        "memory MB": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--cap", type=int, default=0, help="GAN_VIZ_MAX_RUNS (0: the default)")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"cap {args.cap or f'default ({default_cap()})'}; window {args.seconds:.0f} s"
    )
    for n in args.sessions:
        row = measure(n, args.cap, args.seconds)
        print(
            " | ".join(
                f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()
            )
        )


if __name__ == "__main__":
    main()
