"""What the theory lab's figure builders share: the layout, thinning, one palette."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gan_viz.plots.palette import style

LOG4 = math.log(4.0)
MAX_POINTS = 600  # per line: more is invisible on screen and slows the browser's redraws


def thin(x: np.ndarray, *ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every k-th point so that at most MAX_POINTS remain (live panels redraw several a second)."""
    k = max(1, -(-len(x) // MAX_POINTS))
    return (x[::k],) + tuple(y[::k] for y in ys)


def layout(fig: go.Figure, title: str, projector: bool, height: int = 380) -> go.Figure:
    s = style(projector)
    fig.update_layout(
        title={"text": title, "font": {"size": s.font + 3}},
        font={"size": s.font},
        height=height + (120 if projector else 0),
        margin={"l": 60, "r": 60, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        uirevision=title,  # zoom survives the next frame
        template="plotly_white",
    )
    return fig
