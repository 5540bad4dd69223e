"""A plotly chart that updates in place: one Plotly instance per chart, fed each new figure.

Why not `st.plotly_chart`: in Streamlit 1.67 a chart whose figure changes gets a new element id
and is drawn afresh, so `layout.uirevision` cannot keep a user's zoom from one live frame to
the next (streamlit/streamlit#5107; the fix, #16052, is not in 1.67). This custom component
keeps one iframe per chart key and hands every new figure to `Plotly.react`, which honours
`uirevision`; a figure identical to the last one is not drawn again. Zoom is also kept in the
tab's sessionStorage, so it survives the chart being mounted again (projector switch, page
switch) as long as its uirevision has not changed.

A chart can also follow a feed (FrameFeed): while a run trains, the server writes the live
view's newest figure to a file in the component's folder and the chart fetches it every frame
period itself. The page then reruns only every couple of seconds (status, heartbeat), not once per
frame: a Streamlit rerun re-renders the page's React tree, which cost the browser more than the
chart's own drawing (measured in Chromium on the 2-D view: react-dom 27% of the renderer's
samples, plotly.js 20%).

plotly.js comes from the plotly Python package (package_data/plotly.min.js): nothing is fetched
from the network. Streamlit serves component files only from inside the component's folder, so
the two files are copied once into a cache folder.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io
import streamlit.components.v1 as components
from _plotly_utils.utils import convert_to_base64

INDEX_HTML = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>gan-viz live chart</title>
<style>
html, body { margin: 0; padding: 0; overflow: hidden; background: transparent; }
/* Round caps: a zero-length segment of a path shape is a dot (gan_viz.plots.paths). */
.shapelayer path { stroke-linecap: round; stroke-linejoin: round; }
</style>
<script src="plotly.min.js"></script>
</head>
<body>
<div id="chart"></div>
<script>
const chart = document.getElementById("chart");
let last = null, height = 0, storeKey = null, listening = false;
let name = "", feed = null, period = 150;
// What a live frame moves (gan_viz.plots.view2d, live): when nothing else changed since the last
// figure, Plotly.relayout redraws just these, where Plotly.react would replot the whole figure.
const MOVING = ["shapes", "images", "title"];
let still = null;  // the last figure without MOVING, as JSON

function send(type, data) {
  window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
}

function saved() {
  try { return JSON.parse(sessionStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
}

function remember(update) {
  // Keep axis ranges the user chose (zoom, pan, double-click reset), per chart and revision.
  const kept = saved();
  for (const [k, v] of Object.entries(update)) {
    if (/^[xy]axis\\d*\\.(range|autorange)/.test(k)) {
      if (k.endsWith(".autorange")) {
        const axis = k.split(".")[0];
        for (const old of Object.keys(kept)) if (old.startsWith(axis + ".")) delete kept[old];
      }
      kept[k] = v;
    }
  }
  try { sessionStorage.setItem(storeKey, JSON.stringify(kept)); } catch (e) {}
}

function keepHidden(fig) {
  // A legend click hides a group; plotly keeps that across Plotly.react for traces (uirevision)
  // but not for shapes, so a shape follows its group's stand-in trace.
  if (!chart.data || !chart.layout || chart.layout.uirevision !== fig.layout.uirevision) return;
  const hidden = new Set(
    chart.data.filter((t) => t.visible === "legendonly").map((t) => t.legendgroup));
  for (const shape of fig.layout.shapes || []) {
    if (shape.legendgroup && hidden.has(shape.legendgroup)) shape.visible = "legendonly";
  }
}

function draw(text) {
  const fig = JSON.parse(text);
  const key = "gan-viz:" + name + ":" + String(fig.layout.uirevision);
  const fresh = key !== storeKey;
  storeKey = key;
  keepHidden(fig);
  const rest = Object.assign({}, fig.layout);
  for (const k of MOVING) delete rest[k];
  const unmoved = JSON.stringify([fig.data, rest]);
  if (unmoved === still && !fresh) {
    const moved = {};
    for (const k of MOVING) moved[k] = fig.layout[k] || (k === "title" ? {text: ""} : []);
    Plotly.relayout(chart, moved);
  } else {
    still = unmoved;
    Plotly.react(chart, fig.data, fig.layout, {responsive: true, displaylogo: false});
  }
  if (!listening) {
    chart.on("plotly_relayout", remember);
    listening = true;
  }
  if (fresh && Object.keys(saved()).length) Plotly.relayout(chart, saved());
}

// The text of a feed's file: gzip (FrameFeed writes it so), or plain should anything on the way
// have decompressed it already.
async function unpack(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  const plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(plain).text();
}

// A feed: the newest figure of a live view, fetched from a file the server rewrites (see
// FrameFeed), so a frame costs one small request and one redraw, not a Streamlit rerun.
async function poll(url) {
  const start = performance.now();
  try {
    const response = await fetch(url, {cache: "no-store"});
    const text = response.ok ? await unpack(response) : "";
    if (url === feed && text && text !== last) {
      last = text;
      draw(text);
    }
  } catch (e) {}
  if (url === feed) setTimeout(() => poll(url), Math.max(0, period - (performance.now() - start)));
}

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render") return;
  const args = msg.args;
  name = args.name;
  period = args.period || period;
  if (args.figure && args.figure !== last) {
    last = args.figure;
    draw(last);
  }
  if ((args.feed || null) !== feed) {
    feed = args.feed || null;
    if (feed) poll(feed);
  }
  if (height !== args.height) {
    height = args.height;
    send("streamlit:setFrameHeight", {height: height});
  }
});
send("streamlit:componentReady", {apiVersion: 1});
</script>
</body>
</html>
"""

_component = None
log = logging.getLogger(__name__)
FEED_LEASE_SECONDS = 5.0  # a feed stops when the page has not renewed it for this long
FEED_POLL_SECONDS = 0.02  # how often a feed looks for a newer snapshot
# A feed's file is gzip at level 1, served as it is: the server's middleware gzips other JSON
# at level 9 on its event loop for every request, 11 ms for a 110 KB frame of the 2-D view
# (a twentieth of a core at 5 frames/s) against 1.4 ms here, for 44 KB against 38.
FEED_GZIP_LEVEL = 1
STALE_FRAME_SECONDS = 3600.0  # frame files older than this (a server that died) are removed


def _folder() -> Path:
    """index.html and plotly.min.js together, as Streamlit's component server needs them."""
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    tag = hashlib.sha1(INDEX_HTML.encode() + plotly.__version__.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"gan-viz-live-chart-{tag}"
    if not (folder / "plotly.min.js").exists():
        staging = Path(tempfile.mkdtemp(prefix="gan-viz-live-chart-"))
        (staging / "index.html").write_text(INDEX_HTML)
        shutil.copyfile(source, staging / "plotly.min.js")
        try:
            staging.rename(folder)  # atomic: two sessions may race to create it
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def _spec(fig: go.Figure | dict) -> str:
    """A figure, or a figure dict built for a live feed (spec_1d, spec_2d), as plotly.js takes
    it. A dict's numpy arrays become typed arrays in place (each feed builds a fresh dict), by
    the same function graph objects use: a 1-D frame's JSON then takes 37 KB and 2.5 ms, against
    72 KB and 6 ms as lists of numbers."""
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

    def __init__(self, folder: Path | None = None):
        token = secrets.token_hex(16)  # the file's name: unguessable, one per session
        self.url = f"frames/{token}.json.gz"  # served as application/gzip, not gzipped again
        self.path = (folder or _folder()) / self.url
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
                        self._write(_spec(fig))
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


def live_chart(
    fig: go.Figure | None,
    key: str,
    feed: FrameFeed | None = None,
    height: int | None = None,
    period: float = 0.15,
) -> None:
    """Draw fig under `key`; the same key on the next frame updates this chart in place. With a
    `feed` the chart fetches the feed's newest figure every `period` seconds instead (fig may
    then be None, and `height` says the chart's height)."""
    global _component
    if _component is None:
        _component = components.declare_component("gan_viz_live_chart", path=str(_folder()))
    if fig is not None:
        height = int(fig.layout.height or 450)
    _component(
        figure=None if fig is None else _spec(fig),
        feed=None if feed is None else feed.url,
        period=int(period * 1000),
        height=int(height or 450),
        name=key,
        key=key,
        default=None,
    )
