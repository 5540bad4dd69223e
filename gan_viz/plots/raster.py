"""A heat map as a picture: values on a grid coloured as plotly colours a heatmap trace, as a PNG.

Why: a live chart that moves only a layout image (and layout shapes) can be updated with
`Plotly.relayout`, which redraws just those, where a changed heatmap trace makes `Plotly.react`
replot the whole figure: its axes, legend and colour bar, so the picture costs a browser less
CPU per frame than a heatmap trace (figures: benchmarks/RESULTS.md, design notes). The browser
smooths the picture as it scales it, so the live view looks as the paused one, whose heatmap
trace has zsmooth="best". A picture has no hover; the paused view keeps the trace, which has.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from plotly.colors import hex_to_rgb


def colour_grid(
    z: np.ndarray, colorscale: list, zmin: float = 0.0, zmax: float = 1.0
) -> np.ndarray:
    """RGBA bytes (rows, cols, 4) of z on a plotly colorscale [[stop, '#RRGGBB'], ...]: each
    value linearly between the two stops around it, clipped to [zmin, zmax]; NaN transparent."""
    z = np.asarray(z, float)
    stops = np.array([float(s) for s, _ in colorscale])
    colours = np.array([hex_to_rgb(c) for _, c in colorscale], float)
    with np.errstate(invalid="ignore"):
        t = np.clip((z - zmin) / (zmax - zmin), 0.0, 1.0)
    finite = np.isfinite(t)
    t = np.where(finite, t, 0.0)
    rgba = np.zeros(z.shape + (4,), np.uint8)
    for channel in range(3):
        rgba[..., channel] = np.rint(np.interp(t, stops, colours[:, channel]))
    rgba[..., 3] = np.where(finite, 255, 0)
    return rgba


def heat_image(
    axes: tuple[np.ndarray, np.ndarray],
    z: np.ndarray,
    colorscale: list,
    zmin: float = 0.0,
    zmax: float = 1.0,
) -> dict:
    """A plotly layout image of z on the grid `axes` (x centres, y centres; z[i, j] at
    (x[j], y[i]), as a heatmap trace takes it): a PNG (data URI), each cell centred on its grid
    point as a heatmap draws it."""
    x, y = np.asarray(axes[0], float), np.asarray(axes[1], float)
    dx = (x[-1] - x[0]) / max(len(x) - 1, 1)
    dy = (y[-1] - y[0]) / max(len(y) - 1, 1)
    picture = Image.fromarray(colour_grid(z, colorscale, zmin, zmax)[::-1])  # top row first
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)  # level 1: fast enough for every frame
    source = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return dict(
        source=source,
        xref="x",
        yref="y",
        x=float(x[0] - dx / 2),
        y=float(y[-1] + dy / 2),
        sizex=float(x[-1] - x[0] + dx),
        sizey=float(y[-1] - y[0] + dy),
        sizing="stretch",
        layer="below",  # under the traces, the shapes and the axes' grid (spec_2d hides the grid)
    )
