"""A plotly chart that updates in place: one Plotly instance per chart, fed each new figure.

Why not `st.plotly_chart`: in Streamlit 1.67 a chart whose figure changes gets a new element id
and is drawn afresh, so `layout.uirevision` cannot keep a user's zoom from one live frame to
the next (streamlit/streamlit#5107; the fix, #16052, is not in 1.67). This custom component
keeps one iframe per chart key and hands every new figure to `Plotly.react`, which honours
`uirevision`; a figure identical to the last one is not drawn again. Zoom is also kept in the
tab's sessionStorage, so it survives the chart being mounted again (projector switch, page
switch) as long as its uirevision has not changed.

plotly.js comes from the plotly Python package (package_data/plotly.min.js): nothing is fetched
from the network. Streamlit serves component files only from inside the component's folder, so
the two files are copied once into a cache folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io
import streamlit.components.v1 as components

INDEX_HTML = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>gan-viz live chart</title>
<style>html, body { margin: 0; padding: 0; overflow: hidden; background: transparent; }</style>
<script src="plotly.min.js"></script>
</head>
<body>
<div id="chart"></div>
<script>
const chart = document.getElementById("chart");
let last = null, height = 0, storeKey = null, listening = false;

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

window.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "streamlit:render") return;
  const args = msg.args;
  if (args.figure === last) return;
  last = args.figure;
  const fig = JSON.parse(args.figure);
  const key = "gan-viz:" + args.name + ":" + String(fig.layout.uirevision);
  const fresh = key !== storeKey;
  storeKey = key;
  Plotly.react(chart, fig.data, fig.layout, {responsive: true, displaylogo: false});
  if (!listening) {
    chart.on("plotly_relayout", remember);
    listening = true;
  }
  if (fresh && Object.keys(saved()).length) Plotly.relayout(chart, saved());
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


def live_chart(fig: go.Figure, key: str) -> None:
    """Draw fig under `key`; the same key on the next frame updates this chart in place."""
    global _component
    if _component is None:
        _component = components.declare_component("gan_viz_live_chart", path=str(_folder()))
    height = int(fig.layout.height or 450)
    spec = plotly.io.to_json(fig, validate=False)  # the builders made it valid already
    _component(figure=spec, height=height, name=key, key=key, default=None)
