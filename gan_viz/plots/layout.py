"""What every figure shares: fonts and line widths (normal or projector), margins, hover, and
the `uirevision` that keeps a user's zoom while live frames replace the data.

Plotly keeps zoom, pan and legend clicks across `Plotly.react` updates as long as
`layout.uirevision` stays the same; the builders take it as an argument so a page can keep one
value per view for the whole run and change it (e.g. on Reset) to re-fit the axes.
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.io

from gan_viz.plots.palette import Style

GRID_COLOUR = "#E5E5E5"  # faint axis grid: the data, not the scaffolding, should catch the eye
LABEL_COLOUR = "#222222"


def base_layout(style: Style, uirevision: str, height: int) -> dict:
    """Layout keys shared by all views; projector mode enlarges type and margins."""
    big = style.font >= 18
    return dict(
        template="plotly_white",
        height=height,
        uirevision=uirevision,
        font=dict(size=style.font, color=LABEL_COLOUR),
        # Room at the top for the title and, below it, a legend of up to two lines.
        margin=dict(l=70 if big else 55, r=30, t=int(5 * style.font) + 20, b=50 if big else 40),
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.02,
            xanchor="left",
            x=0.0,
            font=dict(size=style.font - 1),
        ),
        hoverlabel=dict(font=dict(size=style.font)),
    )


@functools.cache
def template_json(name: str) -> dict:
    """A named plotly template as plotly.js takes it: a figure dict built without graph objects
    must carry the template itself, since only plotly's Python side knows templates by name.
    Shared between calls: read it, never change it."""
    return plotly.io.templates[name].to_plotly_json()


def axis(style: Style, title: str | None = None, **extra) -> dict:
    """An axis in the house style: faint grid, labelled in the figure's font."""
    out = dict(gridcolor=GRID_COLOUR, zeroline=False, linecolor="#888888", showline=True)
    if title is not None:
        out["title"] = dict(text=title, font=dict(size=style.font))
    out.update(extra)
    return out


def float32(values) -> np.ndarray:
    """Arrays shipped to the browser as float32: plotly encodes numpy arrays as binary, and
    half the bytes per live frame costs nothing a screen can show."""
    return np.asarray(values, dtype=np.float32)


def segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line segments start -> end as one x and one y array with NaN breaks, so a single trace
    draws them all (one trace per segment would cost plotly a trace object each)."""
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    n = len(starts)
    xs = np.full(3 * n, np.nan)
    ys = np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = starts[:, 0], ends[:, 0]
    ys[0::3], ys[1::3] = starts[:, 1], ends[:, 1]
    return xs, ys


def arrow_sizes(n: int, head: float) -> np.ndarray:
    """Marker sizes for `segments`: an arrow head (marker symbol 'arrow', angleref 'previous')
    at each segment's end, nothing at its start."""
    sizes = np.zeros(3 * n)
    sizes[1::3] = head
    return sizes


def arrows(
    starts: np.ndarray, ends: np.ndarray, head: float, aspect: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Arrows start -> end drawn as lines only, each a shaft and two barbs at its tip, in one
    x and one y array with NaN breaks: a single trace, and no marker per arrow for the browser
    to place and rotate (that was a third of the 2-D view's drawing time).

    `head` is the barb length in data units (at most 40 % of the arrow); `aspect` is how many
    y units a x unit is drawn as, so barbs look symmetric on axes of unequal scale.
    """
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    d = ends - starts
    d[:, 1] /= aspect
    length = np.hypot(d[:, 0], d[:, 1])
    unit = d / np.where(length > 0, length, 1.0)[:, None]
    barb = np.minimum(head, 0.4 * length)[:, None]
    cos, sin = np.cos(np.radians(25)), np.sin(np.radians(25))
    left = np.stack([unit[:, 0] * cos - unit[:, 1] * sin, unit[:, 0] * sin + unit[:, 1] * cos], 1)
    right = np.stack([unit[:, 0] * cos + unit[:, 1] * sin, -unit[:, 0] * sin + unit[:, 1] * cos], 1)
    tips = [ends - barb * left * [1, aspect], ends - barb * right * [1, aspect]]
    n = len(starts)
    path = np.full((n, 7, 2), np.nan)
    path[:, 0], path[:, 1], path[:, 2] = starts, ends, tips[0]
    path[:, 4], path[:, 5] = ends, tips[1]
    flat = path.reshape(-1, 2)
    return flat[:, 0], flat[:, 1]
