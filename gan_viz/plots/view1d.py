"""The 1-D view, drawn as Fig. 1 of Goodfellow et al. 2014.

Top: p_data (black, dotted) and p_g (green, solid) as densities on the left axis; the learned
D(x) (blue, dashed) and the optimal D*(x) = p_data / (p_data + p_g) (grey, dash-dot; Prop. 1) on
a right axis over [0, 1], with a faint line at 1/2, where both end at equilibrium (Theorem 1).

Bottom: the z-line and the x-line joined by G's mapping, the arrows of Fig. 1. Each arrow starts
at a quantile of p_z (so the arrows are equally likely) and ends at x = G(z): where arrows crowd
together G squeezes the noise and p_g is high, where they fan out p_g is low, the change of
variables p_g(x) = p_z(G^-1(x)) |dG^-1/dx| made visible. The z-line is drawn to the width of the
x window (its ends are labelled with their z values); only its order and spacing matter.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gan_viz.plots import palette
from gan_viz.plots.layout import arrow_sizes, axis, base_layout, float32, segments, template_json
from gan_viz.snapshot import Snapshot

STRIP_SHARE = 0.24  # share of the figure's height given to the z -> x strip
DENSITY_HEADROOM = 1.6  # density axis tops out at this multiple of max p_data (p_g may clip)


def z_extent(z_line: np.ndarray) -> tuple[float, float]:
    """The z range drawn: [-1, 1] for uniform noise, else symmetric around the quantiles."""
    top = float(np.max(np.abs(z_line)))
    return (-1.0, 1.0) if top <= 1.0 else (-top * 1.1, top * 1.1)


def figure_1d(snap: Snapshot, **options) -> go.Figure:
    """Fig. 1 of Goodfellow et al. 2014 for one snapshot of a 1-D run (the options are
    spec_1d's)."""
    return go.Figure(spec_1d(snap, **options))


def spec_1d(
    snap: Snapshot,
    *,
    projector: bool = False,
    uirevision: str = "view1d",
    height: int = 520,
    title: str | None = None,
) -> dict:
    """figure_1d as plotly's JSON dict, built without graph objects: the live feed serialises
    it as it is, once a frame (graph objects cost the server far more; figures:
    benchmarks/RESULTS.md, design notes).

    Axes: x/y the densities (top), y2 the discriminator on [0, 1] (top, right side), x2/y3 the
    z -> x strip (bottom); the layout is written out, not made by make_subplots.
    """
    style = palette.style(projector)
    x = snap.axes[0]
    lo, hi = float(x[0]), float(x[-1])
    line = style.line
    x32 = float32(x)

    def curve(y, name, colour, dash, axis_y):
        return dict(
            type="scatter",
            x=x32,
            y=float32(y),
            name=name,
            line=dict(color=colour, dash=dash, width=line),
            xaxis="x",
            yaxis=axis_y,
            hovertemplate=f"{name} = %{{y:.3f}}<extra></extra>",
        )

    traces = [
        curve(snap.p_data, "p_data", palette.REAL, "dot", "y"),
        curve(snap.p_g, "p_g", palette.FAKE, "solid", "y"),
        curve(snap.d, "D(x)", palette.D, "dash", "y2"),
        curve(snap.d_star, "D*(x)", palette.D_STAR, "dashdot", "y2"),
    ]
    annotations: list[dict] = []
    traces += _mapping_strip(snap, lo, hi, style, annotations)

    top = DENSITY_HEADROOM * float(np.nanmax(snap.p_data)) if np.any(snap.p_data > 0) else 1.0
    split = STRIP_SHARE
    layout = base_layout(style, uirevision, height)
    layout["template"] = template_json(layout["template"])
    layout.update(
        hovermode="x unified",
        title=dict(text=title or f"iteration {snap.step}", x=0.01, y=0.99),
        annotations=annotations,
        shapes=[
            dict(
                type="line",
                xref="x domain",
                yref="y2",
                x0=0,
                x1=1,
                y0=0.5,
                y1=0.5,
                line=dict(color=palette.ACCENT, width=max(1.0, line / 2), dash="dot"),
                opacity=0.6,
            )
        ],
        xaxis=axis(style, range=[lo, hi], anchor="y", showticklabels=False),
        yaxis=axis(style, "density", range=[0, top], domain=[split + 0.04, 1.0], anchor="x"),
        yaxis2=axis(
            style,
            "D(x)",
            range=[0, 1.02],
            tickvals=[0, 0.5, 1],
            overlaying="y",
            side="right",
            showgrid=False,
            anchor="x",
        ),
        xaxis2=axis(style, "x", range=[lo, hi], anchor="y3", matches="x"),
        yaxis3=axis(
            style,
            range=[-0.35, 1.25],
            tickvals=[0, 1],
            ticktext=["z", "x"],
            fixedrange=True,
            showgrid=False,
            showline=False,
            domain=[0.0, split],
            anchor="x2",
        ),
    )
    return dict(data=traces, layout=layout)


def _mapping_strip(
    snap: Snapshot, lo: float, hi: float, style, annotations: list[dict]
) -> list[dict]:
    """The z-line (y = 0) joined to the x-line (y = 1) by arrows z -> G(z)."""
    width = max(1.0, style.line / 2)

    def flat(xs, colour):
        return dict(
            type="scatter",
            x=xs,
            y=[1 if colour == palette.REAL else 0] * 2,
            mode="lines",
            line=dict(color=colour, width=width),
            xaxis="x2",
            yaxis="y3",
            hoverinfo="skip",
            showlegend=False,
        )

    traces = [flat([lo, hi], palette.REAL)]
    if snap.z_line is None or snap.x_line is None:
        annotations.append(
            dict(
                text="the z → x arrows need a 1-D z (set Noise dimension to 1)",
                x=0.5 * (lo + hi),
                y=0.2,
                xref="x2",
                yref="y3",
                showarrow=False,
                font=dict(size=style.font - 1, color=palette.D_STAR),
            )
        )
        return traces
    z_lo, z_hi = z_extent(snap.z_line)
    pad = 0.05 * (hi - lo)
    scale = (hi - lo - 2 * pad) / (z_hi - z_lo)
    z_pos = lo + pad + (snap.z_line - z_lo) * scale
    traces.append(flat([lo + pad, hi - pad], palette.D_STAR))
    starts = np.stack([z_pos, np.zeros_like(z_pos)], 1)
    ends = np.stack([snap.x_line, np.ones_like(z_pos)], 1)
    xs, ys = segments(starts, ends)
    traces.append(
        dict(
            type="scatter",
            x=float32(xs),
            y=float32(ys),
            mode="lines+markers",
            name="x = G(z)",
            line=dict(color=palette.FAKE, width=width),
            marker=dict(
                symbol="arrow",
                angleref="previous",
                size=arrow_sizes(len(z_pos), 3 * style.marker),
                color=palette.FAKE,
            ),
            xaxis="x2",
            yaxis="y3",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for value, pos in ((z_lo, lo + pad), (z_hi, hi - pad)):
        annotations.append(
            dict(
                text=f"z = {value:.3g}",
                x=pos,
                y=-0.08,
                xref="x2",
                yref="y3",
                yanchor="top",
                showarrow=False,
                font=dict(size=style.font - 2, color=palette.D_STAR),
            )
        )
    return traces
