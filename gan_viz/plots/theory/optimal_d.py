"""Figures of the optimal-discriminator panel: D against D*, and the convergence curves."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots.palette import ACCENT, D_COLORSCALE, D_STAR, FAKE, REAL, D, style
from gan_viz.plots.theory.common import LOG4, layout, thin


def optimal_d_1d(
    x: np.ndarray,
    p_data: np.ndarray,
    p_g: np.ndarray,
    d: np.ndarray,
    d_star: np.ndarray,
    projector: bool = False,
) -> go.Figure:
    """Goodfellow et al. Fig. 1, G frozen: densities on the left axis, D and D* on the right."""
    s = style(projector)
    x, p_data, p_g, d, d_star = thin(x, p_data, p_g, d, d_star)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(
        x=x, y=p_data, name="p_data", line={"color": REAL, "dash": "dot", "width": s.line}
    )
    fig.add_scatter(x=x, y=p_g, name="p_g (frozen)", line={"color": FAKE, "width": s.line})
    fig.add_scatter(
        x=x,
        y=d,
        name="D(x), learned",
        line={"color": D, "dash": "dash", "width": s.line},
        secondary_y=True,
    )
    fig.add_scatter(
        x=x,
        y=d_star,
        name="D*(x) = p_data / (p_data + p_g)",
        line={"color": D_STAR, "dash": "dashdot", "width": s.line},
        secondary_y=True,
    )
    fig.add_hline(y=0.5, line={"color": ACCENT, "width": 1, "dash": "dot"}, secondary_y=True)
    fig.update_yaxes(title_text="density", secondary_y=False)
    # Own ticks: plotly would otherwise sync the right axis's grid to the density axis.
    fig.update_yaxes(
        title_text="D(x)",
        range=[0, 1],
        tickmode="linear",
        tick0=0,
        dtick=0.25,
        showgrid=False,
        secondary_y=True,
    )
    fig.update_xaxes(title_text="x")
    return layout(fig, "D against D* with G frozen", projector)


def optimal_d_2d(
    axes: list[np.ndarray],
    d: np.ndarray,
    d_star: np.ndarray,
    mass: np.ndarray,
    projector: bool = False,
) -> go.Figure:
    """Heat maps of the learned D, the optimal D* and their difference |D - D*|.

    D* and |D - D*| are left blank where p_data + p_g (`mass`) is below 1e-3 of its peak: there
    D* is a ratio of two vanishing densities, and no D is trained to match it.
    """
    x, y = axes
    where = mass >= 1e-3 * np.nanmax(mass)
    d_star = np.where(where, d_star, np.nan)
    fig = make_subplots(
        1, 3, subplot_titles=("D(x), learned", "D*(x)", "|D - D*|"), horizontal_spacing=0.06
    )
    common = {"x": x, "y": y, "zmin": 0.0, "zmax": 1.0}
    fig.add_heatmap(z=d, colorscale=D_COLORSCALE, showscale=False, **common, row=1, col=1)
    fig.add_heatmap(z=d_star, colorscale=D_COLORSCALE, showscale=True, **common, row=1, col=2)
    fig.add_heatmap(
        z=np.abs(d - d_star), colorscale="Greys", showscale=False, **common, row=1, col=3
    )
    for col in (1, 2, 3):
        fig.update_yaxes(scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    return layout(fig, "D against D* in 2-D (blank: no mass)", projector, height=360)


def optimal_d_curves(
    steps: np.ndarray, gap: np.ndarray, v: np.ndarray, c: float, projector: bool = False
) -> go.Figure:
    """Left: the weighted gap |D - D*| falling; right: V(G, D) rising to C(G), with -log 4."""
    s = style(projector)
    fig = make_subplots(
        1,
        2,
        subplot_titles=("mean |D - D*|, weighted by (p_data + p_g)/2", "V(G, D) rising to C(G)"),
    )
    fig.add_scatter(x=steps, y=gap, name="gap", line={"color": D, "width": s.line}, row=1, col=1)
    fig.add_scatter(
        x=steps, y=v, name="V(G, D), nats", line={"color": D, "width": s.line}, row=1, col=2
    )
    fig.add_hline(
        y=c,
        line={"color": D_STAR, "dash": "dashdot"},
        annotation_text=f"C(G) = -log 4 + 2 JSD = {c:.4f}",
        row=1,
        col=2,
    )
    fig.add_hline(
        y=-LOG4,
        line={"color": ACCENT, "dash": "dot"},
        annotation_text="-log 4",
        annotation_position="bottom right",
        row=1,
        col=2,
    )
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_xaxes(title_text="D steps")
    return layout(fig, "Convergence of D", projector, height=340)
