"""A recorded run that plays itself: a plotly figure with its frames handed whole to the browser.

The lesson's replay must move the moment a step opens, with no training and no server round
trips per frame: the page sends the figure with all of its frames once, and this component
draws them one after the other with plotly.js (replay_chart.html), with its own play/pause and
scrubber, `loop` replaying from the start (the teaser shown before a question is answered).
Companion figures (the curves, the occupancy strip) are drawn under it in the same frame, with a
cursor at the replay's iteration, so a lesson page never loads a second plotly.js.

With `pick` set, a click on the picture is the component's value: {"x": x} for a marker on the
x axis, {"y": y} for a height (on the axes the pick names, e.g. a second panel's x2 / y2),
{"x": x, "y": y} for a point of the plane, {"modes": [k, ...]} for the ring's modes
picked so far (the click toggles the mode nearest it); each carries a `seq` so two clicks at
one place read as two. With `report_frame`, pausing or scrubbing sends {"frame": i}: where the
student stopped the replay.

The frame on screen is written to the chart element's `data-frame` attribute (and the count of
frames drawn to `data-drawn`), so a browser test can see that the replay moves.

plotly.js is the vendored replay bundle (gan_viz.ui.common.plotly_component): nothing is
fetched from the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit.components.v1 as components

from gan_viz.ui.common.plotly_component import plotly_component_folder

FRAME_MS = 55  # 18 frames a second asked, so that a slow machine still draws 15 (issue 18)
BAR_HEIGHT = 44  # the play button and scrubber under the picture

INDEX_HTML = (Path(__file__).parent / "replay_chart.html").read_text()

_component = None


def replay_chart(
    figure_json: str,
    height: int,
    key: str,
    loop: bool = False,
    frame_ms: int = FRAME_MS,
    *,
    steps: list[int] | None = None,
    companions: list[str] | None = None,
    shapes: list[dict] | None = None,
    pick: dict | None = None,
    report_frame: bool = False,
) -> dict | None:
    """Draw an animated figure (plotly JSON with frames) and play it at once.

    steps: the iteration of each frame (where the companions' cursor goes); companions: plotly
    JSON of figures drawn below; shapes: plotly shapes drawn over every frame (the student's
    marks); pick: {"kind": "x"}, {"kind": "y", "xaxis": "x2", "yaxis": "y2"}, {"kind": "xy"} or
    {"kind": "modes", "centres": [[x, y], ...], "radius": r, "picked": [k, ...]} to take the
    answer from a click; report_frame: send {"frame": i} when
    the student pauses or scrubs. Returns the last value sent."""
    global _component
    if _component is None:
        folder = plotly_component_folder("replay", INDEX_HTML, bundle="replay")
        _component = components.declare_component("gan_viz_replay", path=str(folder))
    return _component(
        figure=figure_json,
        height=int(height),
        autoplay=True,
        loop=loop,
        frame_ms=int(frame_ms),
        steps=[int(s) for s in steps] if steps is not None else None,
        companions="[" + ",".join(companions) + "]" if companions else None,
        shapes=json.dumps(shapes) if shapes else None,
        pick=pick,
        report_frame=report_frame,
        key=key,
        default=None,
    )
