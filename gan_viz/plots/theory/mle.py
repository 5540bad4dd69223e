"""Figures of the MLE-against-GAN panel: the three densities and the divergence bars."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots.palette import EXTRA, FAKE, REAL, D, style
from gan_viz.plots.theory.common import layout


def mle_densities(
    axes: list[np.ndarray],
    p_data: np.ndarray,
    gmm: np.ndarray,
    gan: np.ndarray,
    components: int,
    projector: bool = False,
) -> go.Figure:
    """p_data, the EM mixture and the GAN's p_g: lines in 1-D, three heat maps in 2-D."""
    s = style(projector)
    title = "Maximum likelihood (EM) against the GAN"
    if len(axes) == 1:
        x = axes[0]
        fig = go.Figure()
        fig.add_scatter(
            x=x, y=p_data, name="p_data", line={"color": REAL, "dash": "dot", "width": s.line}
        )
        fig.add_scatter(
            x=x,
            y=gmm,
            name=f"EM, {components} Gaussian(s)",
            line={"color": EXTRA[0], "width": s.line},
        )
        fig.add_scatter(x=x, y=gan, name="GAN p_g", line={"color": FAKE, "width": s.line})
        fig.update_xaxes(title_text="x")
        fig.update_yaxes(title_text="density")
        return layout(fig, title, projector, height=340)
    fig = make_subplots(
        1, 3, subplot_titles=("p_data", f"EM, K = {components}", "GAN p_g"), horizontal_spacing=0.05
    )
    top = float(max(p_data.max(), gmm.max(), gan.max()))
    for col, z in enumerate((p_data, gmm, gan), start=1):
        fig.add_heatmap(
            x=axes[0],
            y=axes[1],
            z=z,
            zmin=0,
            zmax=top,
            colorscale="Greys",
            showscale=False,
            row=1,
            col=col,
        )
        fig.update_yaxes(scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    return layout(fig, title, projector, height=360)


def divergence_bars(scores: dict[str, dict[str, float]], projector: bool = False) -> go.Figure:
    """KL(p_data || model), KL(model || p_data) and JS per model, side by side (nats)."""
    labels = {"kl": "KL(p_data || model)", "rkl": "KL(model || p_data)", "js": "JSD"}
    colours = {"gmm": EXTRA[0], "gan": FAKE}
    fig = go.Figure()
    for model, values in scores.items():
        fig.add_bar(
            x=list(labels.values()),
            y=[values[k] for k in labels],
            name=model.upper() if model == "gan" else "EM (maximum likelihood)",
            marker_color=colours.get(model, D),
            text=[f"{values[k]:.3f}" for k in labels],
            textposition="outside",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="nats")
    return layout(fig, "Mode-covering against mode-seeking", projector, height=340)
