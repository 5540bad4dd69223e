"""Two to four runs' metric curves overlaid: one panel per quantity, one colour per run.

The panels carry the theory's reference lines as the single-run curves do (Goodfellow et al.
2014): JSD(p_data‖p_g) under its ceiling log 2, V(G, D) heading for −log 4, mean D on real and
generated samples around 1/2, and G's gradient norm on a log scale (where the saturating loss
shows its fall by decades, T6). Line style tells the runs apart too, so a print in black and
white still reads.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.plots import palette
from gan_viz.plots.curves import LOG2, LOG4, thin
from gan_viz.plots.layout import GRID_COLOUR, base_layout, float32

LN10 = float(np.log(10.0))  # the class KL of a G that makes one digit only
RUN_COLOURS = (palette.D, palette.GRADIENT, palette.FAKE, palette.EXTRA[0])
RUN_DASHES = ("solid", "dash", "dot", "dashdot")
# (column, title, reference lines, log y)
COMPARED = (
    ("js", "JS divergence (nats)", ((LOG2, "log 2"),), False),
    ("v", "V(G, D)", ((-LOG4, "−log 4"),), False),
    ("d_fake", "mean D(G(z))", ((0.5, "1/2"),), False),
    ("grad_g", "G's gradient norm", (), True),
)
# The same for image runs (gan_viz.images): what a digit classifier says about G's samples.
IMAGE_COMPARED = (
    ("fd", "Fréchet distance (classifier features)", (), True),
    ("covered", "digits covered (of 10)", ((10.0, "all 10"),), False),
    ("class_kl", "KL(classes ‖ uniform), nats", ((LN10, "ln 10: one digit"),), False),
    ("d_fake", "mean D(G(z))", ((0.5, "1/2"),), False),
)


def compare_figure(
    runs: list[tuple[str, dict[str, np.ndarray]]],
    *,
    now: int | None = None,
    projector: bool = False,
    height: int = 520,
    compared: tuple = COMPARED,
) -> go.Figure:
    """`runs`: (label, metric columns as StoredRun.columns()) for each run, in order.
    `now` draws the shared slider's iteration as a vertical line on every panel. `compared`:
    the panels, (column, title, reference lines, log y); IMAGE_COMPARED for image runs."""
    style = palette.style(projector)
    panels = [p for p in compared if any(p[0] in cols for _, cols in runs)]
    rows = (len(panels) + 1) // 2
    fig = make_subplots(
        rows=max(rows, 1),
        cols=2,
        subplot_titles=[p[1] for p in panels],
        shared_xaxes=True,
        vertical_spacing=0.14,
        horizontal_spacing=0.08,
    )
    for k, (column, _title, refs, log_y) in enumerate(panels):
        row, col = k // 2 + 1, k % 2 + 1
        for i, (label, cols) in enumerate(runs):
            if column not in cols or "step" not in cols:
                continue
            y = cols[column]
            idx = thin(len(y))
            fig.add_trace(
                go.Scatter(
                    x=float32(cols["step"][idx]),
                    y=float32(y[idx]),
                    name=label,
                    legendgroup=label,
                    showlegend=k == 0,
                    line=dict(color=RUN_COLOURS[i % 4], dash=RUN_DASHES[i % 4], width=style.line),
                    hovertemplate=f"{label}<br>iteration %{{x}}: %{{y:.4g}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        for y, text in refs:
            fig.add_hline(
                y=y,
                line=dict(color=palette.ACCENT, dash="dot", width=max(1.0, style.line / 2)),
                annotation_text=text,
                annotation_position="top left",
                row=row,
                col=col,
            )
        if log_y:
            fig.update_yaxes(type="log", row=row, col=col)
        if now is not None:
            fig.add_vline(x=now, line=dict(color="#888888", width=1), row=row, col=col)
    layout = base_layout(style, "compare", height)
    layout.pop("margin")
    layout["legend"].update(y=1.1)  # above the panels' titles
    fig.update_layout(**layout, margin=dict(l=55, r=20, t=110, b=40))
    fig.update_xaxes(gridcolor=GRID_COLOUR, zeroline=False)
    fig.update_yaxes(gridcolor=GRID_COLOUR, zeroline=False)
    fig.update_xaxes(title_text="iteration", row=rows, col=1)
    return fig
