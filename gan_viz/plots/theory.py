"""Figure builders for the theory lab: plain arrays in, plotly figures out (no torch, no streamlit).

One colour per thing across the app (gan_viz.plots.palette): p_data black dotted, p_g green,
D blue dashed, D* grey dash-dot, reference lines (-log 4, 1/2, the true divergence) orange.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.figure_factory as ff
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots.palette import (
    ACCENT,
    D_COLORSCALE,
    D_STAR,
    EXTRA,
    FAKE,
    GRADIENT,
    REAL,
    D,
    style,
)

LOG4 = math.log(4.0)
MAX_POINTS = 600  # per line: more is invisible on screen and slows the browser's redraws


def _thin(x: np.ndarray, *ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every k-th point so that at most MAX_POINTS remain (live panels redraw several a second)."""
    k = max(1, -(-len(x) // MAX_POINTS))
    return (x[::k],) + tuple(y[::k] for y in ys)


def _layout(fig: go.Figure, title: str, projector: bool, height: int = 380) -> go.Figure:
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


# --- panel 1: the optimal discriminator ---------------------------------------------------------


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
    x, p_data, p_g, d, d_star = _thin(x, p_data, p_g, d, d_star)
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
    fig.update_yaxes(title_text="D(x)", range=[0, 1], secondary_y=True)
    fig.update_xaxes(title_text="x")
    return _layout(fig, "D against D* with G frozen", projector)


def optimal_d_2d(
    axes: list[np.ndarray], d: np.ndarray, d_star: np.ndarray, projector: bool = False
) -> go.Figure:
    """Heat maps of the learned D, the optimal D* and their difference |D - D*|."""
    x, y = axes
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
    return _layout(fig, "D against D* in 2-D", projector, height=360)


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
    return _layout(fig, "Convergence of D", projector, height=340)


# --- panel 2: f-GAN -----------------------------------------------------------------------------


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
    return _layout(fig, f"{label}: the bound rises to D_f", projector, height=340)


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
    x, t, t_star, p, q = _thin(x, t, t_star, p, q)
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
    fig.update_yaxes(title_text="T(x)", secondary_y=True)
    return _layout(fig, "The critic against the optimal T*", projector, height=340)


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
    return _layout(fig, f"{label}: a single Gaussian fitted to p_data", projector, height=340)


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
    return _layout(fig, "G's path on the landscape of D_f (white: infinite)", projector, height=340)


# --- panel 3: Dirac-GAN -------------------------------------------------------------------------


def dirac_field(
    theta: np.ndarray,
    psi: np.ndarray,
    v_theta: np.ndarray,
    v_psi: np.ndarray,
    paths: dict[str, np.ndarray],
    projector: bool = False,
) -> go.Figure:
    """Streamlines of the gradient field over (theta, psi) and the discrete trajectories."""
    s = style(projector)
    fig = ff.create_streamline(theta, psi, v_theta, v_psi, density=1.1, arrow_scale=0.08)
    fig.data[0].update(line={"color": "#BBBBBB", "width": 1}, name="field v", hoverinfo="skip")
    colours = [D, GRADIENT, FAKE, *EXTRA]
    for i, (name, pts) in enumerate(paths.items()):
        fig.add_scatter(
            x=pts[:, 0],
            y=pts[:, 1],
            mode="lines",
            name=name,
            line={"color": colours[i % len(colours)], "width": s.line},
        )
        fig.add_scatter(
            x=pts[-1:, 0],
            y=pts[-1:, 1],
            mode="markers",
            showlegend=False,
            marker={"color": colours[i % len(colours)], "size": 2.5 * s.marker},
        )
    fig.add_scatter(
        x=[0],
        y=[0],
        mode="markers",
        name="equilibrium (0, 0)",
        marker={"color": REAL, "symbol": "star", "size": 4 * s.marker},
    )
    span = float(max(abs(theta).max(), abs(psi).max()))
    fig.update_xaxes(title_text="theta (G)", range=[-span, span])
    fig.update_yaxes(title_text="psi (D)", range=[-span, span], scaleanchor="x")
    return _layout(fig, "Dirac-GAN: the field and the iterates", projector, height=480)


def dirac_distance(paths: dict[str, np.ndarray], projector: bool = False) -> go.Figure:
    """Distance of the iterates to the equilibrium, per method (log scale)."""
    s = style(projector)
    fig = go.Figure()
    colours = [D, GRADIENT, FAKE, *EXTRA]
    for i, (name, pts) in enumerate(paths.items()):
        fig.add_scatter(
            y=np.maximum(np.hypot(pts[:, 0], pts[:, 1]), 1e-12),
            name=name,
            mode="lines",
            line={"color": colours[i % len(colours)], "width": s.line},
        )
    fig.update_yaxes(type="log", title_text="|(theta, psi)|")
    fig.update_xaxes(title_text="iteration")
    return _layout(fig, "Distance to the equilibrium", projector, height=340)


def eigenvalue_plane(
    measured: np.ndarray | None, closed_form: np.ndarray | None, projector: bool = False
) -> go.Figure:
    """The update's Jacobian eigenvalues in the complex plane, with the unit circle."""
    s = style(projector)
    fig = go.Figure()
    a = np.linspace(0, 2 * math.pi, 200)
    fig.add_scatter(
        x=np.cos(a),
        y=np.sin(a),
        mode="lines",
        name="|lambda| = 1",
        line={"color": ACCENT, "dash": "dot"},
    )
    if closed_form is not None:
        fig.add_scatter(
            x=closed_form.real,
            y=closed_form.imag,
            mode="markers",
            name="closed form",
            marker={"color": D_STAR, "size": 4 * s.marker, "symbol": "circle-open"},
        )
    if measured is not None:
        fig.add_scatter(
            x=measured.real,
            y=measured.imag,
            mode="markers",
            name="measured (finite differences)",
            marker={"color": D, "size": 2 * s.marker, "symbol": "x"},
        )
    pts = [z for z in (measured, closed_form) if z is not None]
    r = max([1.05] + [float(np.abs(z).max()) * 1.05 for z in pts])
    fig.update_xaxes(title_text="Re", range=[-r, r])
    fig.update_yaxes(title_text="Im", range=[-r, r], scaleanchor="x")
    return _layout(fig, "Eigenvalues of the update at (0, 0)", projector, height=340)


# --- panel 4: MLE against the GAN ---------------------------------------------------------------


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
        return _layout(fig, title, projector, height=340)
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
    return _layout(fig, title, projector, height=360)


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
    return _layout(fig, "Mode-covering against mode-seeking", projector, height=340)
