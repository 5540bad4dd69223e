"""A plotly chart that updates in place: one Plotly instance per chart, fed each new figure.

Why not `st.plotly_chart`: in Streamlit 1.67 a chart whose figure changes gets a new element id
and is drawn afresh, so `layout.uirevision` cannot keep a user's zoom from one live frame to
the next (streamlit/streamlit#5107; the fix, #16052, is not in 1.67). This custom component
keeps one iframe per chart key and hands every new figure to `Plotly.react`, which honours
`uirevision`; a figure identical to the last one is not drawn again. Zoom is also kept in the
tab's sessionStorage, so it survives the chart being mounted again (projector switch, page
switch) as long as its uirevision has not changed.

A chart can also follow a feed (gan_viz.live.feed.FrameFeed): while a run trains, the server
writes the live
view's newest figure to a file in the component's folder and the chart fetches it every frame
period itself. The page then reruns only every couple of seconds (status, heartbeat), not once per
frame: a Streamlit rerun re-renders the page's React tree, which costs the browser more than the
chart's own drawing (figures: benchmarks/RESULTS.md, design notes).

plotly.js comes from the plotly Python package (package_data/plotly.min.js): nothing is fetched
from the network. Streamlit serves component files only from inside the component's folder, so
the two files are copied once into a cache folder.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit.components.v1 as components

from gan_viz.live.feed import FrameFeed, figure_json
from gan_viz.ui.common.plotly_component import plotly_component_folder

INDEX_HTML = (Path(__file__).parent / "live_chart.html").read_text()

_component = None


def component_folder() -> Path:
    """index.html and plotly.min.js together, as Streamlit's component server needs them."""
    return plotly_component_folder("live-chart", INDEX_HTML)


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
        _component = components.declare_component(
            "gan_viz_live_chart", path=str(component_folder())
        )
    if fig is not None:
        height = int(fig.layout.height or 450)
    _component(
        figure=None if fig is None else figure_json(fig),
        feed=None if feed is None else feed.url,
        period=int(period * 1000),
        height=int(height or 450),
        name=key,
        key=key,
        default=None,
    )
