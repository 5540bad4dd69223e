"""Figures of the f-GAN panel: the bound against D_f, the critic against T*, the Gaussian fits."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots.palette import ACCENT, D_STAR, FAKE, GRADIENT, REAL, D, style
from gan_viz.plots.theory.common import layout, thin


def fgan_bound(
    steps: np.ndarray, bound: np.ndarray, true: float, label: str, projector: bool = False
) -> go.Figure:
    """The variational lower bound of the critic rising to the true D_f (quadrature)."""
    s = style(projector)
    fig = go.Figure()
    fig.add_scatter(
        x=steps,
        y=bound,
        name="E_p[T] - E_q[f*(T)], the critic's bound",
        line={"color": D, "width": s.line},
    )
    fig.add_hline(
        y=true,
        line={"color": ACCENT, "dash": "dash", "width": s.line},
        annotation_text=f"D_f by quadrature = {true:.4f}",
    )
    fig.update_xaxes(title_text="critic steps")
    fig.update_yaxes(title_text="nats")
    return layout(fig, f"{label}: the bound rises to D_f", projector, height=340)


def fgan_critic(
    x: np.ndarray,
    t: np.ndarray,
    t_star: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    projector: bool = False,
) -> go.Figure:
    """The learned critic T(x) beside the optimal T*(x) = f'(p/q), over the two densities."""
    s = style(projector)
    x, t, t_star, p, q = thin(x, t, t_star, p, q)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(x=x, y=p, name="p_data", line={"color": REAL, "dash": "dot", "width": s.line})
    fig.add_scatter(x=x, y=q, name="p_g (fixed)", line={"color": FAKE, "width": s.line})
    fig.add_scatter(
        x=x,
        y=t,
        name="T(x), learned",
        line={"color": D, "dash": "dash", "width": s.line},
        secondary_y=True,
    )
    fig.add_scatter(
        x=x,
        y=t_star,
        name="T*(x) = f'(p/q)",
        line={"color": D_STAR, "dash": "dashdot", "width": s.line},
        secondary_y=True,
    )
    # T* runs off to +-infinity where one law vanishes; show the range where both have mass.
    mass = (p + q) > 1e-3 * max(p.max(), q.max())
    finite = np.concatenate([t_star[mass], t[mass]])
    finite = finite[np.isfinite(finite)]
    if finite.size:
        lo, hi = np.percentile(finite, [1, 99])
        pad = 0.1 * (hi - lo) + 1e-3
        fig.update_yaxes(range=[lo - pad, hi + pad], secondary_y=True)
    fig.update_yaxes(title_text="density", secondary_y=False)
    fig.update_yaxes(title_text="T(x)", tickmode="auto", showgrid=False, secondary_y=True)
    # The integration range reaches far into the tails; show where the two laws have mass.
    inside = x[(p + q) > 1e-3 * max(p.max(), q.max())]
    if inside.size:
        pad = 0.1 * (inside[-1] - inside[0])
        fig.update_xaxes(range=[inside[0] - pad, inside[-1] + pad])
    return layout(fig, "The critic against the optimal T*", projector, height=340)


def fgan_fit(
    x: np.ndarray,
    p_data: np.ndarray,
    learned: tuple[float, float],
    exact: tuple[float, float],
    label: str,
    projector: bool = False,
) -> go.Figure:
    """p_data with the Gaussian G learned by the game and the exact minimiser of D_f."""
    s = style(projector)

    def normal(mu, sigma):
        return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))

    fig = go.Figure()
    fig.add_scatter(
        x=x, y=p_data, name="p_data", line={"color": REAL, "dash": "dot", "width": s.line}
    )
    fig.add_scatter(
        x=x,
        y=normal(*learned),
        name=f"G by the game: N({learned[0]:.2f}, {learned[1]:.2f}^2)",
        line={"color": FAKE, "width": s.line},
    )
    fig.add_scatter(
        x=x,
        y=normal(*exact),
        name=f"argmin D_f: N({exact[0]:.2f}, {exact[1]:.2f}^2)",
        line={"color": D_STAR, "dash": "dashdot", "width": s.line},
    )
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(title_text="density")
    return layout(fig, f"{label}: a single Gaussian fitted to p_data", projector, height=340)


def fgan_landscape(
    mus: np.ndarray,
    sigmas: np.ndarray,
    values: np.ndarray,
    path_mu: np.ndarray,
    path_sigma: np.ndarray,
    exact: tuple[float, float],
    projector: bool = False,
) -> go.Figure:
    """D_f(p_data || N(mu, sigma^2)) over (mu, sigma) as contours, with G's path and argmin."""
    s = style(projector)
    fig = go.Figure()
    shown = np.where(np.isfinite(values), values, np.nan)
    fig.add_contour(
        x=mus,
        y=sigmas,
        z=np.log10(np.maximum(shown - np.nanmin(shown), 0) + 1e-3),
        colorscale="Blues",
        reversescale=True,
        showscale=False,
        name="log10(D_f - min)",
        contours={"coloring": "heatmap"},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=path_mu,
        y=path_sigma,
        name="G's (mu, sigma)",
        mode="lines",
        line={"color": FAKE, "width": s.line},
    )
    fig.add_scatter(
        x=[exact[0]],
        y=[exact[1]],
        name="argmin D_f",
        mode="markers",
        marker={"color": GRADIENT, "size": 4 * s.marker, "symbol": "x"},
    )
    fig.update_xaxes(title_text="mu")
    fig.update_yaxes(title_text="sigma")
    return layout(
        fig,
        "G's path on the landscape of D_f (darker: smaller; white: infinite)",
        projector,
        height=340,
    )
