"""A recorded run that plays itself: a plotly animation handed whole to the browser.

The lesson's replay must move the moment a step opens, with no training and no server round
trips per frame: the page sends the figure with all of its frames once (gan_viz.export.animation
builds it, the offline HTML export's figure), and this component draws it with plotly.js and
starts `Plotly.animate` at once. `loop` replays it from the start when it ends (the teaser shown
before the question is answered). The slider under the plot is plotly's own and scrubs; the
play/pause buttons are plotly's own too.

The frame on screen is written to the chart element's `data-frame` attribute (and the count of
frames drawn to `data-drawn`), so a browser test can see that the replay moves.

plotly.js comes from the plotly Python package, as for gan_viz.ui.common.live_chart: nothing is
fetched from the network. Streamlit serves a component's files only from its own folder, so
index.html and plotly.min.js are copied once into a cache folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit.components.v1 as components

FRAME_MS = 66  # ~15 frames per second: smooth on a projector (issue 18)

INDEX_HTML = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>gan-viz replay</title>
<style>html, body { margin: 0; padding: 0; overflow: hidden; background: transparent; }</style>
<script src="plotly.min.js"></script>
</head>
<body>
<div id="chart" data-frame="" data-drawn="0"></div>
<script>
const chart = document.getElementById("chart");
// When each stage happened (ms since the epoch), for the timings in benchmarks and tests.
chart.dataset.loaded = String(Date.now());
let shown = null, height = 0, run = 0;
function send(type, data) {
  window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
}
function play(names, args, token) {
  const opts = {frame: {duration: args.frame_ms, redraw: true}, transition: {duration: 0},
                mode: "immediate"};
  Plotly.animate(chart, names, opts).then(() => {
    if (args.loop && token === run) setTimeout(() => play(names, args, token), 600);
  });
}
async function draw(args) {
  const fig = JSON.parse(args.figure);
  const frames = fig.frames || [];
  const token = ++run;
  await Plotly.newPlot(chart, fig.data, fig.layout, {responsive: true, displaylogo: false});
  chart.dataset.plotted = String(Date.now());
  chart.on("plotly_animatingframe", (e) => {
    chart.dataset.frame = e.name;
    chart.dataset.drawn = String(Number(chart.dataset.drawn) + 1);
  });
  if (!frames.length) return;
  await Plotly.addFrames(chart, frames);
  chart.dataset.frame = frames[0].name;
  if (args.autoplay) play(frames.map((f) => f.name), args, token);
}
window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render") return;
  const args = msg.args;
  if (args.figure !== shown) {
    if (!chart.dataset.received) chart.dataset.received = String(Date.now());
    shown = args.figure;
    draw(args);
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


def _folder() -> Path:
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    tag = hashlib.sha1(INDEX_HTML.encode() + plotly.__version__.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"gan-viz-replay-{tag}"
    if not (folder / "plotly.min.js").exists():
        staging = Path(tempfile.mkdtemp(prefix="gan-viz-replay-"))
        (staging / "index.html").write_text(INDEX_HTML)
        shutil.copyfile(source, staging / "plotly.min.js")
        try:
            staging.rename(folder)  # atomic: two sessions may race to create it
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def replay_chart(
    figure_json: str, height: int, key: str, loop: bool = False, frame_ms: int = FRAME_MS
) -> None:
    """Draw an animated figure (plotly JSON with frames) and play it at once."""
    global _component
    if _component is None:
        _component = components.declare_component("gan_viz_replay", path=str(_folder()))
    _component(
        figure=figure_json,
        height=int(height),
        autoplay=True,
        loop=loop,
        frame_ms=int(frame_ms),
        key=key,
        default=None,
    )


def figure_json(fig: go.Figure) -> str:
    return fig.to_json(validate=False)
