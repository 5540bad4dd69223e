"""Figures of image mode: pure functions from ImageSnapshots and history columns to plotly
figures (no torch, no Streamlit), as DESIGN.md's plot specs ask: the fixed-noise grid, its
evolution strip, the class histogram over time, metric curves, D's outputs, interpolation.

Digits are drawn as grey-level heat maps of the tiled picture (gan_viz.images.mosaic), white ink
on black as in MNIST. Every figure keeps its zoom across redraws (`uirevision`).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_viz.images.measure import CONFIDENT
from gan_viz.images.mosaic import GUTTER, tile
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.plots.palette import ACCENT, D_STAR, EXTRA, FAKE, REAL, D, style

GREYS = [[0.0, "#000000"], [1.0, "#FFFFFF"]]  # grey level 0 -> black, 255 -> white
LN10 = math.log(10.0)


def _layout(fig: go.Figure, title: str, projector: bool, height: int | None = None) -> go.Figure:
    s = style(projector)
    fig.update_layout(
        title=title,
        font={"size": s.font},
        uirevision="keep",
        margin={"l": 10, "r": 10, "t": 40 + s.font, "b": 10},
        height=height,
        template="plotly_white",
    )
    return fig


def digit_grid(
    images: np.ndarray,
    cols: int | None = None,
    labels: list[str] | None = None,
    label_colours: list[str] | None = None,
    title: str = "",
    projector: bool = False,
) -> go.Figure:
    """(n, 28, 28) uint8 digits tiled into one picture, optional text over each tile."""
    images = np.asarray(images)
    n, h, w = images.shape
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    picture = tile(images, cols)
    fig = go.Figure(
        go.Heatmap(
            z=picture,
            colorscale=GREYS,
            zmin=0,
            zmax=255,
            showscale=False,
            hovertemplate="grey level %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    s = style(projector)
    for i, text in enumerate(labels or []):
        r, c = divmod(i, cols)
        fig.add_annotation(
            x=c * (w + GUTTER) + 1,
            y=r * (h + GUTTER) + 1,
            text=text,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": max(8, s.font - 3), "color": (label_colours or [ACCENT] * n)[i]},
        )
    return _layout(fig, title, projector)


def grid_figure(snap: ImageSnapshot, cols: int = 8, projector: bool = False) -> go.Figure:
    """The fixed-noise grid at one evaluation, each digit labelled with the classifier's class
    and confidence (orange when recognised, > 0.9; grey otherwise); a conditional run also shows
    the digit asked for."""
    labels, colours = _judged(snap.grid_class, snap.grid_confidence, snap.grid_labels)
    recognised = float(np.mean(snap.grid_confidence > CONFIDENT))
    title = f"Fixed-noise grid at step {snap.step}: {recognised:.0%} recognised"
    return digit_grid(snap.grid, cols, labels, colours, title, projector)


def _judged(classes, confidence, asked=None) -> tuple[list[str], list[str]]:
    """Labels "digit confidence" ("asked→digit confidence" for a conditional G), orange when
    recognised (> CONFIDENT), grey otherwise."""
    labels = [
        f"{'' if asked is None else f'{int(asked[i])}→'}{int(c)} {p:.0%}"
        for i, (c, p) in enumerate(zip(classes, confidence))
    ]
    return labels, [ACCENT if p > CONFIDENT else D_STAR for p in confidence]


def grid_evolution(
    steps: np.ndarray, images: np.ndarray, projector: bool = False, max_frames: int = 16
) -> go.Figure:
    """One grid cell over training (from ImageGAN.grid_strip), thinned to `max_frames`."""
    steps, images = np.asarray(steps), np.asarray(images)
    if len(steps) > max_frames:
        keep = np.unique(np.linspace(0, len(steps) - 1, max_frames).round().astype(int))
        steps, images = steps[keep], images[keep]
    labels = [f"{int(s)}" for s in steps]
    return digit_grid(
        images, len(images), labels, None, "One digit of the grid over training (step)", projector
    )


def interpolation_strip(
    images: np.ndarray,
    projector: bool = False,
    classes: np.ndarray | None = None,
    confidence: np.ndarray | None = None,
) -> go.Figure:
    """Digits along a path in z (from ImageGAN.interpolate), left to right; with the
    classifier's judgement (ImageGAN.judge) each is labelled as in the grid, and the title
    counts the recognised ones: the in-between digits are where a continuous G leaves one digit
    for another."""
    images = np.asarray(images)
    title = "Latent interpolation between two z"
    if classes is None or confidence is None:
        return digit_grid(images, len(images), None, None, title, projector)
    labels, colours = _judged(classes, confidence)
    sure = int((np.asarray(confidence) > CONFIDENT).sum())
    title += f": {sure} of {len(images)} recognised"
    return digit_grid(images, len(images), labels, colours, title, projector)


def class_share_over_time(columns: dict[str, np.ndarray], projector: bool = False) -> go.Figure:
    """Share of generated digits per class (rows 0-9) at each evaluation (columns): a healthy
    run is an even band near 10%; collapse shows as a few bright rows."""
    steps = np.asarray(columns["step"])
    shares = np.stack([np.asarray(columns[f"class_{c}"]) for c in range(10)])
    fig = go.Figure(
        go.Heatmap(
            x=steps,
            y=list(range(10)),
            z=shares,
            zmin=0,
            zmax=max(0.3, float(np.nanmax(shares)) if shares.size else 0.3),
            colorscale="Viridis",
            colorbar={"title": "share"},
            hovertemplate="step %{x}<br>digit %{y}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(title="digit", dtick=1)
    fig.update_xaxes(title="step")
    return _layout(fig, "Class histogram over time (uniform = 10% each)", projector)


def class_histogram(snap: ImageSnapshot, projector: bool = False) -> go.Figure:
    """Generated digits per class at one evaluation, the recognised ones (> 0.9) inside, and the
    uniform share n / 10 as a line."""
    n = int(snap.class_counts.sum())
    fig = go.Figure(
        [
            go.Bar(x=list(range(10)), y=snap.class_counts, name="classified", marker_color=FAKE),
            go.Bar(
                x=list(range(10)),
                y=snap.recognised_counts,
                name=f"recognised (> {CONFIDENT})",
                marker_color=D,
            ),
        ]
    )
    fig.add_hline(y=n / 10, line={"color": ACCENT, "dash": "dot"}, annotation_text="uniform")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="digit", dtick=1)
    fig.update_yaxes(title=f"of {n} generated digits")
    return _layout(fig, f"Classes of generated digits at step {snap.step}", projector)


def d_outputs(snap: ImageSnapshot, projector: bool = False) -> go.Figure:
    """Histograms of D(x) on real digits and on generated ones, with the 1/2 of equilibrium."""
    bins = {"start": 0.0, "end": 1.0, "size": 0.025}
    fig = go.Figure(
        [
            go.Histogram(x=snap.d_real, name="D(real)", marker_color=REAL, opacity=0.6, xbins=bins),
            go.Histogram(x=snap.d_fake, name="D(G(z))", marker_color=FAKE, opacity=0.6, xbins=bins),
        ]
    )
    fig.add_vline(x=0.5, line={"color": ACCENT, "dash": "dot"})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="D(x)", range=[0, 1])
    fig.update_yaxes(title="digits")
    return _layout(fig, f"D's outputs at step {snap.step}", projector)


# title, then (column, label, colour, reference line or None, its label) per curve
_PANELS = [
    (
        "Fréchet distance",
        [
            ("fd", "Fréchet distance", FAKE, None, None),
            ("fd_floor", "real-vs-real floor", REAL, None, None),
        ],
    ),
    ("Digits covered", [("covered", "digits covered (of 10)", FAKE, 10.0, "all 10")]),
    ("Class KL (nats)", [("class_kl", "KL(classes ‖ uniform)", FAKE, LN10, "ln 10: one digit")]),
    ("D(x)", [("d_real", "D(real)", REAL, 0.5, "1/2"), ("d_fake", "D(G(z))", FAKE, None, None)]),
    ("Losses", [("loss_d", "D loss", D, None, None), ("loss_g", "G loss", FAKE, None, None)]),
    (
        "Gradient norms",
        [("grad_d", "|grad D|", D, None, None), ("grad_g", "|grad G|", FAKE, None, None)],
    ),
    (
        "Label accuracy (conditional)",
        [("label_accuracy", "classified as the digit asked for", EXTRA[0], 1.0, "all")],
    ),
]


def image_metric_curves(
    columns: dict[str, np.ndarray], log_x: bool = False, projector: bool = False
) -> go.Figure:
    """Every per-evaluation metric over steps, one panel each, with its reference line; panels
    whose metrics the run does not record are left out."""
    s = style(projector)
    panels = [(t, curves) for t, curves in _PANELS if any(c[0] in columns for c in curves)]
    fig = make_subplots(
        rows=max(1, len(panels)),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[t for t, _ in panels],
        vertical_spacing=0.2 / max(1, len(panels)),
    )
    steps = np.asarray(columns.get("step", []))
    for row, (_, curves) in enumerate(panels, start=1):
        for name, label, colour, ref, ref_label in curves:
            if name not in columns:
                continue
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=columns[name],
                    name=label,
                    mode="lines+markers",
                    line={"color": colour, "width": s.line},
                    marker={"size": s.marker},
                ),
                row=row,
                col=1,
            )
            if ref is not None:
                fig.add_hline(
                    y=ref,
                    line={"color": ACCENT, "dash": "dot"},
                    annotation_text=ref_label,
                    row=row,
                    col=1,
                )
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_xaxes(title_text="step", row=max(1, len(panels)), col=1)
    return _layout(fig, "", projector, height=170 * max(1, len(panels)))
