"""A recorded run that plays itself: a plotly animation handed whole to the browser.

The lesson's replay must move the moment a step opens, with no training and no server round
trips per frame: the page sends the figure with all of its frames once (gan_viz.export.animation
builds it, the offline HTML export's figure), and this component draws it with plotly.js and
starts `Plotly.animate` at once. `loop` replays it from the start when it ends (the teaser shown
before the question is answered). The slider under the plot is plotly's own and scrubs; the
play/pause buttons are plotly's own too.

The frame on screen is written to the chart element's `data-frame` attribute (and the count of
frames drawn to `data-drawn`), so a browser test can see that the replay moves.

plotly.js comes from the plotly Python package (gan_viz.ui.common.plotly_component): nothing is
fetched from the network. Streamlit serves a component's files only from its own folder, so
index.html and plotly.min.js are copied once into a cache folder.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit.components.v1 as components

from gan_viz.ui.common.plotly_component import plotly_component_folder

FRAME_MS = 66  # ~15 frames per second: smooth on a projector (issue 18)

INDEX_HTML = (Path(__file__).parent / "replay_chart.html").read_text()

_component = None


def replay_chart(
    figure_json: str, height: int, key: str, loop: bool = False, frame_ms: int = FRAME_MS
) -> None:
    """Draw an animated figure (plotly JSON with frames) and play it at once."""
    global _component
    if _component is None:
        _component = components.declare_component(
            "gan_viz_replay", path=str(plotly_component_folder("replay", INDEX_HTML))
        )
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
