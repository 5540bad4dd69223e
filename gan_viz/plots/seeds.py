"""Small multiples of one setting over many seeds: each panel one seed's G at the end of its run,
its samples over the faint real ring, titled with the modes it captures ("seed 3 · 2 of 8 modes").

A GAN's outcome depends on its seed as well as its settings; a grid of seeds shows the odds of a
setting, not one draw (issue 18). Modes captured are VEEGAN's (Srivastava et al. 2017): a mode is
captured when at least one sample within 3 std of it is nearest to it, measured on the run's own
evaluation samples (the numbers passed in), not on the few hundred drawn.

Every trace of a panel carries that panel's seed as its customdata, so a click on any point of a
panel (a fake, a real one, or the faint lattice that covers the panel for this purpose) says
which run to open. Pure function: arrays in, a plotly figure out; no torch, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots.layout import float32
from gan_viz.plots.palette import FAKE, REAL, style

PANEL_PX = 190  # a panel's height, normal; the projector's is PROJECTOR_PANEL_PX
PROJECTOR_PANEL_PX = 250
LATTICE = 9  # clickable points per side of a panel's invisible lattice
MARGIN = 1.15  # the panel's half-width as a multiple of the data's extent


def panel_title(seed: int, modes: int, n_modes: int) -> str:
    return f"seed {seed} · {modes} of {n_modes} modes"


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) for n panels: as square as possible, columns first (16 -> 4 x 4)."""
    cols = math.ceil(math.sqrt(n))
    return math.ceil(n / cols), cols


def seeds_figure(
    real: np.ndarray,
    fakes: Sequence[np.ndarray],
    modes: Sequence[int],
    seeds: Sequence[int],
    n_modes: int,
    projector: bool = False,
    title: str | None = None,
) -> go.Figure:
    """One panel per seed: `fakes[i]` (samples, 2) of seed `seeds[i]`, which captures
    `modes[i]` of `n_modes` modes, over the `real` samples (drawn faint in every panel)."""
    st = style(projector)
    n = len(seeds)
    rows, cols = grid_shape(n)
    real = np.asarray(real, float)
    extent = MARGIN * float(np.max(np.abs(real)))
    span = [-extent, extent]
    titles = [panel_title(int(s), int(m), n_modes) for s, m in zip(seeds, modes)]
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.02,
        vertical_spacing=0.28 / rows,
    )
    lattice = np.linspace(-extent, extent, LATTICE)
    lx, ly = (a.ravel() for a in np.meshgrid(lattice, lattice))
    size = st.marker * 0.5
    for i, (seed, fake) in enumerate(zip(seeds, fakes)):
        row, col = divmod(i, cols)
        fake = np.asarray(fake, float)
        hover = f"seed {seed}: click to open this run in the Playground<extra></extra>"
        where = dict(row=row + 1, col=col + 1)
        fig.add_trace(  # first, so it lies under the samples: clicks on empty space land here
            go.Scatter(
                x=float32(lx),
                y=float32(ly),
                mode="markers",
                marker=dict(size=size * 6, color=REAL, opacity=0.0),
                customdata=np.full(len(lx), seed),
                hovertemplate=hover,
                showlegend=False,
                name="panel",
            ),
            **where,
        )
        fig.add_trace(
            go.Scatter(
                x=float32(real[:, 0]),
                y=float32(real[:, 1]),
                mode="markers",
                marker=dict(size=size, color=REAL, opacity=0.12),
                customdata=np.full(len(real), seed),
                hovertemplate=hover,
                showlegend=False,
                name="real",
            ),
            **where,
        )
        fig.add_trace(
            go.Scatter(
                x=float32(fake[:, 0]),
                y=float32(fake[:, 1]),
                mode="markers",
                marker=dict(size=size, color=FAKE, opacity=0.7),
                customdata=np.full(len(fake), seed),
                hovertemplate=hover,
                showlegend=False,
                name="G(z)",
            ),
            **where,
        )
    axis = dict(range=span, showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    for i in range(n):  # square panels: each y axis scaled to its own x axis
        suffix = "" if i == 0 else str(i + 1)
        fig.layout[f"yaxis{suffix}"].update(scaleanchor=f"x{suffix}", scaleratio=1)
    fig.update_annotations(font=dict(size=st.font - 2))
    panel = PROJECTOR_PANEL_PX if projector else PANEL_PX
    top = 3 * st.font + 20 if title else 2 * st.font  # the title clear of the panels' titles
    fig.update_layout(
        template="plotly_white",
        title=dict(text=title, font=dict(size=st.font + 2)) if title else None,
        font=dict(size=st.font),
        height=rows * panel + top,
        margin=dict(l=10, r=10, t=top, b=10),
        dragmode=False,
        hovermode="closest",
        clickmode="event+select",
        showlegend=False,
    )
    return fig


def panel_seed(point: dict) -> int | None:
    """The seed of a clicked point of a seeds_figure (a Streamlit selection's point)."""
    data = point.get("customdata")
    if isinstance(data, list | tuple):
        data = data[0] if data else None
    return None if data is None else int(data)
