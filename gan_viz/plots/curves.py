"""Curves over iterations: the theory's quantities as the game goes on.

Each panel carries the reference line the theory gives (Goodfellow et al. 2014):
- JS divergence between p_data and p_g, with its ceiling log 2 (0 <= JSD <= log 2);
- KL both ways, KL(p_data || p_g) (what maximum likelihood minimises) and KL(p_g || p_data);
- V(G, D) beside C(G) = max_D V = -log 4 + 2 JSD, with the line -log 4 where both end;
- mean D on real and on generated samples, with the line 1/2 (D* = 1/2 at p_g = p_data);
- D's and G's losses, and their gradient norms (log scale: saturation shows as a fall by decades);
- for mixture targets, modes captured and the high-quality share (VEEGAN / PacGAN definitions).

Divergences can be shown in bits (divided by ln 2); V and C(G) stay in nats, as in the paper.
Long runs are thinned to at most MAX_POINTS points per curve (every k-th row, the last always
kept): a screen cannot show more, and the browser redraws them several times a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gan_viz.plots import palette
from gan_viz.plots.layout import GRID_COLOUR, base_layout, float32

MAX_POINTS = 1500  # points per curve sent to the browser
LOG2, LOG4 = math.log(2.0), math.log(4.0)


@dataclass(frozen=True)
class Series:
    column: str  # name of the History column
    name: str  # legend and hover label
    colour: str
    dash: str = "solid"


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]
    refs: tuple[tuple[float, str], ...] = ()  # (y in nats or plain units, label) lines
    log_y: bool = False
    divergence: bool = False  # in nats; converted to bits on request


PANELS: tuple[Panel, ...] = (
    Panel(
        "JS divergence",
        (Series("js", "JSD(p_data‖p_g)", palette.EXTRA[0]),),
        refs=((LOG2, "log 2"),),
        divergence=True,
    ),
    Panel(
        "KL, both ways",
        (
            Series("kl", "KL(p_data‖p_g)", palette.EXTRA[1]),
            Series("rkl", "KL(p_g‖p_data)", palette.EXTRA[0], "dash"),
        ),
        log_y=True,
        divergence=True,
    ),
    Panel(
        "V(G, D) and C(G) (nats)",
        (
            Series("v", "V(G, D)", palette.D),
            Series("c", "C(G) = max_D V", palette.D_STAR, "dashdot"),
        ),
        refs=((-LOG4, "−log 4"),),
    ),
    Panel(
        "Mean D(x)",
        (
            Series("d_real", "D(real)", palette.REAL),
            Series("d_fake", "D(fake)", palette.FAKE),
        ),
        refs=((0.5, "1/2"),),
    ),
    Panel(
        "Losses",
        (
            Series("loss_d", "D's loss", palette.D),
            Series("loss_g", "G's loss", palette.FAKE),
        ),
    ),
    Panel(
        "Gradient norms",
        (
            Series("grad_d", "‖∇D‖", palette.D),
            Series("grad_g", "‖∇G‖", palette.FAKE),
        ),
        log_y=True,
    ),
    Panel("Modes captured", (Series("modes", "modes (of all)", palette.EXTRA[0]),)),
    Panel("High-quality share", (Series("hq", "within 3 std of a mode", palette.EXTRA[1]),)),
)


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Row indices to draw: every k-th row so that at most ~max_points remain, plus the last."""
    if n <= max_points:
        return np.arange(n)
    stride = math.ceil(n / max_points)
    idx = np.arange(0, n, stride)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


MODE_PANELS = ("Modes captured", "High-quality share")


def panels_for(n_modes: int | None = None) -> list[Panel]:
    """Every panel, the mode panels only for targets of two modes or more. Panels without
    data yet (losses before the first step) are drawn empty, so the layout never jumps."""
    wanted = n_modes is not None and n_modes >= 2
    return [p for p in PANELS if wanted or p.title not in MODE_PANELS]


def _gap_px(style: palette.Style) -> float:
    """Room above a row of panels for each panel's title and its series, a line each."""
    return 4.8 * style.font + 14


def curves_height(n_modes: int | None = None, projector: bool = False) -> int:
    """The curves figure's height in pixels (what a chart fed its frames must reserve)."""
    n_rows = max(1, math.ceil(len(panels_for(n_modes)) / 2))
    row_px = 230 if projector else 175  # plot height of one row of panels
    return int(n_rows * row_px + n_rows * _gap_px(palette.style(projector)) + 40)


def _axis_name(kind: str, i: int) -> str:
    return kind if i == 0 else f"{kind}{i + 1}"


def curves_figure(
    columns: dict[str, np.ndarray],
    *,
    projector: bool = False,
    log_steps: bool = False,
    bits: bool = False,
    now: int | None = None,
    n_modes: int | None = None,
    uirevision: str = "curves",
    height: int | None = None,
) -> go.Figure:
    """Every panel of PANELS that has data, two per row, sharing one step axis.

    `now` draws a vertical line at that step (the snapshot the views show while scrubbing).
    `n_modes`: the target's number of modes; with two or more, the mode panels are drawn, the
    count against a line at all of them.
    """
    style = palette.style(projector)
    steps = np.asarray(columns.get("step", np.zeros(0)), float)
    keep = thin(len(steps))
    if log_steps:
        keep = keep[steps[keep] > 0]
    x = float32(steps[keep])
    panels = panels_for(n_modes)
    n_rows = max(1, math.ceil(len(panels) / 2))
    gap_px = _gap_px(style)
    total = height or curves_height(n_modes, projector)
    inner = total - 40 - int(gap_px)  # the plotting area, between the margins
    gap_y, gap_x = gap_px / inner, 0.12
    row_h = (1 - gap_y * (n_rows - 1)) / n_rows
    unit = "bits" if bits else "nats"
    layout = base_layout(style, uirevision, total)
    layout.update(hovermode="x unified", showlegend=False, annotations=[], shapes=[])
    layout["margin"].update(t=int(gap_px), b=40)  # the first row's titles, as between rows
    traces = []
    for i, panel in enumerate(panels):
        row, col = divmod(i, 2)
        top = 1 - row * (row_h + gap_y)
        left = col * (0.5 + gap_x / 2)
        xa, ya = _axis_name("xaxis", i), _axis_name("yaxis", i)
        xref, yref = _axis_name("x", i), _axis_name("y", i)
        bottom = row == n_rows - 1 or i >= len(panels) - 2  # nothing drawn below this panel
        layout[xa] = dict(
            domain=[left, left + 0.5 - gap_x / 2],
            anchor=yref,
            matches="x" if i else None,
            type="log" if log_steps else "linear",
            gridcolor=GRID_COLOUR,
            showline=True,
            linecolor="#888888",
            zeroline=False,
            # The panels share one step axis, so it is labelled once, under each column: every
            # axis's labels are measured and laid out again at each redraw (every couple of
            # seconds while training), and these were 10-20% of the figure's browser time.
            showticklabels=bottom,
            title=dict(text="iteration") if bottom else None,
        )
        layout[ya] = dict(
            domain=[max(0.0, top - row_h), min(1.0, top)],
            anchor=xref,
            type="log" if panel.log_y else "linear",
            gridcolor=GRID_COLOUR,
            zeroline=False,
            exponentformat="power" if panel.log_y else "B",
        )
        if panel.log_y:
            layout[ya]["dtick"] = 1  # a label per decade: minor labels crowd a small panel
        scale = 1 / LOG2 if (panel.divergence and bits) else 1.0
        title = panel.title + (f" ({unit})" if panel.divergence else "")
        names = []
        for s in panel.series:
            # A column not recorded yet (losses before the first step) still gets its trace:
            # plotly draws a subplot only for axes some trace uses.
            values = np.asarray(columns.get(s.column, np.full(len(steps), np.nan)), float)
            y = values[keep] * scale
            undefined = len(values) > 1 and not np.any(np.isfinite(values))  # e.g. V of a critic
            names.append(f"{s.name} (n/a here)" if undefined else s.name)
            traces.append(
                go.Scatter(
                    x=x,
                    y=float32(y),
                    name=s.name,
                    mode="lines",
                    line=dict(color=s.colour, dash=s.dash, width=style.line * 0.75),
                    xaxis=xref,
                    yaxis=yref,
                    hovertemplate=f"{s.name} = %{{y:.4g}}<extra></extra>",
                )
            )
        legend = "<br>".join(
            f"<span style='color:{s.colour}'>━━</span> {name}"
            for s, name in zip(panel.series, names)
        )
        layout["annotations"].append(
            dict(
                text=f"<b>{title}</b><br>{legend}",
                align="left",
                xref=f"{xref} domain",
                yref=f"{yref} domain",
                x=0,
                y=1.0,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=style.font - 1),
            )
        )
        refs = panel.refs
        if panel.title == MODE_PANELS[0] and n_modes:
            refs = ((float(n_modes), f"all {n_modes}"),)
        for value, label in refs:
            y_ref = value * scale
            layout["shapes"].append(
                dict(
                    type="line",
                    xref=f"{xref} domain",
                    yref=yref,
                    x0=0,
                    x1=1,
                    y0=y_ref,
                    y1=y_ref,
                    line=dict(color=palette.ACCENT, width=style.line * 0.6, dash="dot"),
                )
            )
            layout["annotations"].append(
                dict(
                    text=label if not (panel.divergence and bits) else f"{label} = 1 bit",
                    xref=f"{xref} domain",
                    yref=yref,
                    x=1,
                    y=y_ref,
                    xanchor="right",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=style.font - 2, color=palette.ACCENT),
                )
            )
        if now is not None:
            layout["shapes"].append(
                dict(
                    type="line",
                    xref=xref,
                    yref=f"{yref} domain",
                    x0=now,
                    x1=now,
                    y0=0,
                    y1=1,
                    line=dict(color=palette.GRADIENT, width=style.line * 0.6),
                )
            )
    for key in [k for k, v in layout.items() if k.startswith("xaxis") and v.get("matches") is None]:
        layout[key].pop("matches", None)
    for key in [k for k, v in layout.items() if k.startswith("xaxis") and v.get("title") is None]:
        layout[key].pop("title", None)
    return go.Figure(data=traces, layout=layout)
