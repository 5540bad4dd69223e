"""Figures of the Dirac-GAN panel: the field and the iterates, distances, eigenvalues."""

from __future__ import annotations

import math

import numpy as np
import plotly.figure_factory as ff
import plotly.graph_objects as go

from gan_viz.plots.palette import ACCENT, D_STAR, EXTRA, FAKE, GRADIENT, REAL, D, style
from gan_viz.plots.theory.common import layout


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
    return layout(fig, "Dirac-GAN: the field and the iterates", projector, height=480)


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
    return layout(fig, "Distance to the equilibrium", projector, height=340)


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
    return layout(fig, "Eigenvalues of the update at (0, 0)", projector, height=340)
