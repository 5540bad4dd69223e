"""The 2-D view: what GAN Lab draws, with the optimal discriminator beside the learned one.

- Background: D(x) over the window as a heat map, diverging around 1/2 (blue: D believes "real",
  orange: "fake", white: cannot tell). `heat="d_star"` shows instead the optimal
  D*(x) = p_data / (p_data + p_g) (Goodfellow et al. 2014, Prop. 1) at resolution h, blank where
  neither law puts mass.
- Real samples (black) and generated samples (green).
- On generated samples, arrows of G's gradient -d(loss_G)/dx: where G's next step pushes each
  sample. Their lengths are scaled so the longest spans ARROW_SHARE of the window; the gradient's
  size over time is in the gradient-norm curve.
- When z has 1 or 2 dimensions, G's image of a regular z-grid: how G folds and stretches the
  noise plane onto the data (lines of constant z1 and of constant z2).

While a run trains, the live chart draws `spec_2d(..., live=True)`: the heat map as a picture
(gan_viz.plots.raster) and what moves (the z-grid, the fake samples, the arrows) as layout
shapes, one SVG path each (gan_viz.plots.paths), so a new frame changes only the layout and the
chart updates it with `Plotly.relayout`; the real samples, the same in every frame, stay an SVG
trace drawn once. Hover on D and on the samples is then for the paused view. Paused views and
exports draw traces.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gan_viz.plots import palette
from gan_viz.plots.layout import arrows, axis, base_layout, float32, template_json
from gan_viz.plots.paths import as_shapes
from gan_viz.plots.raster import heat_image
from gan_viz.snapshot import Snapshot

ARROW_SHARE = 0.12  # the longest gradient arrow spans this share of the window's width
MAX_POINTS = 500  # real and fake samples drawn (each); live, the fakes are redrawn each frame
HEAT_NAMES = {"d": "D(x)", "d_star": "D*(x)"}


def arrow_ends(points: np.ndarray, grads: np.ndarray, width: float) -> np.ndarray:
    """Arrow tips: points + grads scaled so the longest arrow is ARROW_SHARE * width long."""
    norms = np.linalg.norm(grads, axis=1)
    top = float(norms.max()) if len(norms) else 0.0
    if not np.isfinite(top) or top <= 0:
        return points.copy()
    return points + grads * (ARROW_SHARE * width / top)


def figure_2d(snap: Snapshot, **options) -> go.Figure:
    """One snapshot of a 2-D run: heat map, samples, G's gradient arrows, warped z-grid (the
    options are spec_2d's)."""
    return go.Figure(spec_2d(snap, **options))


def spec_2d(
    snap: Snapshot,
    *,
    projector: bool = False,
    heat: str = "d",
    uirevision: str = "view2d",
    height: int = 560,
    title: str | None = None,
    max_points: int = MAX_POINTS,
    live: bool = False,
) -> dict:
    """figure_2d as plotly's JSON dict, built without graph objects: the live feed serialises
    it as it is (validating graph objects costs the server far more than serialising; figures:
    benchmarks/RESULTS.md, design notes).

    At most `max_points` real and fake samples are drawn (the snapshot's first ones, so the
    same samples are followed from frame to frame). `live`: the heat map as a picture and the
    rest as layout shapes (see the module's docstring).
    """
    style = palette.style(projector)
    ax, ay = snap.axes
    (x_lo, x_hi), (y_lo, y_hi) = (ax[0], ax[-1]), (ay[0], ay[-1])
    field = snap.d if heat == "d" else snap.d_star
    label = HEAT_NAMES[heat]
    colorbar = dict(
        title=dict(text=label, side="right"),
        tickvals=[0, 0.5, 1],
        thickness=14 if style.font < 18 else 22,
        len=0.8,
    )
    if live:  # the colour bar alone, on a trace that draws nothing
        heat_trace = dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="markers",
            name=label,
            showlegend=False,
            hoverinfo="skip",
            marker=dict(
                color=[0.5],
                cmin=0.0,
                cmax=1.0,
                colorscale=palette.D_COLORSCALE,
                showscale=True,
                colorbar=colorbar,
            ),
        )
    else:
        heat_trace = dict(
            type="heatmap",
            x=float32(ax),
            y=float32(ay),
            z=float32(field),
            zmin=0.0,
            zmax=1.0,
            zsmooth="best",  # as the live picture, which the browser smooths
            colorscale=palette.D_COLORSCALE,
            colorbar=colorbar,
            name=label,
            hovertemplate=f"x = %{{x:.2f}}, y = %{{y:.2f}}<br>{label} = %{{z:.3f}}<extra></extra>",
        )
    # As traces, the samples are WebGL markers (SVG markers cost the page's thread more) and the
    # grid and the arrows SVG lines (WebGL lines cost a browser without a GPU more). Live, all of
    # them are shapes instead, cheaper than either (figures: benchmarks/RESULTS.md, design notes).
    marks: list[dict] = []
    if snap.z_grid is not None:
        lines = snap.z_grid
        pieces = [np.vstack([line, [[np.nan, np.nan]]]) for line in lines]
        path = np.vstack(pieces)
        marks.append(
            dict(
                type="scatter",
                x=float32(path[:, 0]),
                y=float32(path[:, 1]),
                mode="lines",
                name="G(z-grid)",
                line=dict(color=palette.FAKE, width=max(1.0, style.line / 2)),
                opacity=0.45,
                hoverinfo="skip",
            )
        )
    size = style.marker
    # Live, the real samples (the same in every frame of a run) stay a trace, in SVG: drawn once,
    # since a frame's relayout leaves traces alone. Only what moves becomes shapes.
    real = dict(
        type="scatter" if live else "scattergl",
        x=float32(snap.real[:max_points, 0]),
        y=float32(snap.real[:max_points, 1]),
        mode="markers",
        name="real x ~ p_data",
        marker=dict(color=palette.REAL, size=size, opacity=0.55),
    )
    if live:
        real["hoverinfo"] = "skip"
    else:
        real["hovertemplate"] = "real (%{x:.2f}, %{y:.2f})<extra></extra>"
    marks.append(real)
    marks.append(
        dict(
            type="scattergl",
            x=float32(snap.fake[:max_points, 0]),
            y=float32(snap.fake[:max_points, 1]),
            mode="markers",
            name="fake G(z) ~ p_g",
            marker=dict(
                color=palette.FAKE, size=size, opacity=0.8, line=dict(color="white", width=0.5)
            ),
            hovertemplate="fake (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    if snap.g_arrows is not None and len(snap.g_arrows):
        starts = snap.fake[: len(snap.g_arrows)].astype(float)
        width = x_hi - x_lo
        ends = arrow_ends(starts, snap.g_arrows.astype(float), width)
        xs, ys = arrows(starts, ends, head=0.025 * width)
        marks.append(
            dict(
                type="scatter",
                x=float32(xs),
                y=float32(ys),
                mode="lines",
                name="G's gradient",
                line=dict(color=palette.GRADIENT, width=max(1.0, style.line / 2)),
                hoverinfo="skip",
            )
        )
    layout = base_layout(style, uirevision, height)
    layout["template"] = template_json(layout["template"])
    if live:
        stand_ins, layout["shapes"] = as_shapes([m for m in marks if m is not real], x_hi - x_lo)
        marks = [real if m is real else stand_ins.pop(0) for m in marks]
        layout["images"] = [heat_image((ax, ay), field, palette.D_COLORSCALE)]
    layout["title"] = dict(text=title or f"iteration {snap.step}", x=0.01, y=0.99)
    layout["hovermode"] = "closest"
    # A heatmap trace covers the axes' grid; the live picture lies under it, so it goes.
    grid = dict(showgrid=False) if live else {}
    layout["xaxis"] = axis(style, "x₁", range=[x_lo, x_hi], constrain="domain", **grid)
    layout["yaxis"] = axis(style, "x₂", range=[y_lo, y_hi], scaleanchor="x", scaleratio=1, **grid)
    layout["legend"]["itemsizing"] = "constant"
    return dict(data=[heat_trace, *marks], layout=layout)
