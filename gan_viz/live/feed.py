"""The frame feed: the newest figure of a live view, written as a file that the live chart
(gan_viz.ui.common.live_chart) fetches on its own clock, so the page reruns only every couple of
seconds while a run trains, not once per frame.
"""

from __future__ import annotations

import gzip
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io
from _plotly_utils.utils import convert_to_base64

log = logging.getLogger(__name__)
FEED_LEASE_SECONDS = 5.0  # a feed stops when the page has not renewed it for this long
FEED_POLL_SECONDS = 0.02  # how often a feed looks for a newer snapshot
# A feed's file is gzip at level 1, served as it is: the server's middleware gzips other JSON
# at level 9 on its event loop for every request, far slower for a file barely smaller
# (figures: benchmarks/RESULTS.md, design notes).
FEED_GZIP_LEVEL = 1
STALE_FRAME_SECONDS = 3600.0  # frame files older than this (a server that died) are removed


def figure_json(fig: go.Figure | dict) -> str:
    """A figure, or a figure dict built for a live feed (spec_1d, spec_2d), as plotly.js takes
    it. A dict's numpy arrays become typed arrays in place (each feed builds a fresh dict), by
    the same function graph objects use: smaller and faster to write than lists of numbers
    (figures: benchmarks/RESULTS.md, design notes)."""
    if isinstance(fig, dict):
        convert_to_base64(fig["data"])
    return plotly.io.to_json(fig, validate=False)  # the builders made it valid already


def snapshot_token(snap) -> tuple:
    """Which snapshot this is: a new object, or the same one at another step, is a new frame."""
    return (id(snap), snap.step)


class FrameFeed:
    """The newest figure of a live view, as a file the chart fetches on its own clock.

    `follow(source, signature, build)` (the page calls it every couple of seconds while training)
    starts or renews a thread that, whenever `source()` returns something it has not drawn
    (by `token(...)`: a snapshot's step by default) or `signature` (the view's settings)
    changed, writes `build(...)` to `path`, at most once every `every` seconds; `url` is where
    the chart's iframe finds it (gzip: `read()` gives the text). A build that returns None
    writes nothing (nothing to draw yet). The thread ends, and removes the file, when the page
    stops renewing it for FEED_LEASE_SECONDS (paused, tab closed) or on `stop()`; it then holds
    nothing of the session, so a closed session's worker can still be collected.
    """

    def __init__(self, folder: Path):
        token = secrets.token_hex(16)  # the file's name: unguessable, one per session
        self.url = f"frames/{token}.json.gz"  # served as application/gzip, not gzipped again
        self.path = folder / self.url
        self.path.parent.mkdir(exist_ok=True)
        _remove_stale(self.path.parent)
        self.frames_written = 0
        self.error: str | None = None  # why the last thread ended early, until a frame is written
        self._lock = threading.Lock()
        self._job: tuple | None = None  # (source, signature, build, token, every)
        self._until = 0.0
        self._thread: threading.Thread | None = None

    def follow(
        self,
        source: Callable,
        signature: tuple,
        build: Callable[..., go.Figure | dict | None],
        token: Callable[..., Hashable] = snapshot_token,
        every: float = 0.0,
    ) -> None:
        with self._lock:
            self._job = (source, signature, build, token, every)
            self._until = time.monotonic() + FEED_LEASE_SECONDS
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="gan-viz-feed", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._until = 0.0
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def read(self) -> str:
        """The figure last written, as the chart gets it."""
        return gzip.decompress(self.path.read_bytes()).decode()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        drawn, written = None, -float("inf")
        try:
            while True:
                with self._lock:
                    if time.monotonic() > self._until:
                        self._job = None  # drop the page's objects with the thread
                        return
                    source, signature, build, token, every = self._job
                now = source() if time.monotonic() - written >= every else None
                key = None if now is None else (token(now), signature)
                if key is not None and key != drawn:
                    fig = build(now)
                    if fig is not None:
                        self._write(figure_json(fig))
                        written = time.monotonic()
                    drawn = key
                del source, build, token, now
                time.sleep(FEED_POLL_SECONDS)
        except Exception as err:  # the view stops; the page says why and its next rerun retries
            log.exception("gan-viz: the live view's feed failed")
            self.error = f"{type(err).__name__}: {err}"
        finally:
            self.path.unlink(missing_ok=True)

    def _write(self, text: str) -> None:
        """Replace the file at once: the chart reads the old frame or the new one, never half."""
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(gzip.compress(text.encode(), compresslevel=FEED_GZIP_LEVEL))
        os.replace(tmp, self.path)
        self.frames_written += 1
        self.error = None


def _remove_stale(folder: Path) -> None:
    now = time.time()
    for path in folder.glob("*.json*"):
        try:
            if now - path.stat().st_mtime > STALE_FRAME_SECONDS:
                path.unlink()
        except OSError:
            pass
