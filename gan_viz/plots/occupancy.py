"""Mode occupancy over time: a heat strip of modes x iterations (issue: mode collapse, T10).

Each column is one snapshot; each row one mode of the target; the colour is the share of G's
samples that are high-quality samples of that mode (within 3 std of it, VEEGAN's definition, the
same samples behind `modes` and `hq`). A generator that covers the data shows every row at the
fair share 1/K; a collapsed one lights one or two rows at a time, and a class watches the bright
cell hop from mode to mode (the "Helvetica scenario": Goodfellow et al. 2014, Sec. 6;
Goodfellow 2016, NIPS tutorial, Sec. 5.1.1).

share_k = hq * counts_k / sum(counts): counts are the high-quality samples nearest each mode
(Snapshot.mode_counts) and hq the share of high-quality samples among all evaluated ones, so the
shares sum to hq, not to 1: a generator whose samples sit between modes reads dark everywhere.

Pure functions: arrays or snapshots in, a plotly figure out; no torch, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gan_viz.plots.palette import FAKE, REAL, style
from gan_viz.snapshot import Snapshot

# White for an empty mode, the colour of generated samples for an occupied one.
OCCUPANCY_COLORSCALE = [[0.0, "#FFFFFF"], [1.0, FAKE]]


@dataclass
class Occupancy:
    steps: np.ndarray  # (T,) iterations of the snapshots
    share: np.ndarray  # (T, K) share of G's samples that are high-quality samples of mode k
    centres: np.ndarray | None = None  # (K, dim) mode centres, for the row labels

    @property
    def n_modes(self) -> int:
        return self.share.shape[1]

    @classmethod
    def from_counts(
        cls,
        steps: Iterable[int],
        counts: np.ndarray,
        hq: Iterable[float],
        centres: np.ndarray | None = None,
    ) -> Occupancy:
        """From per-mode counts of high-quality samples (T, K) and the high-quality share (T,)."""
        counts = np.asarray(counts, float)
        hq = np.nan_to_num(np.asarray(list(hq), float))
        total = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, counts / total, 0.0) * hq[:, None]
        return cls(np.asarray(list(steps), int), share, centres)


def occupancy_arrays(source: Iterable[Snapshot] | object) -> Occupancy | None:
    """The occupancy of a History (or of a list of snapshots) as arrays.

    Only snapshots that carry mode counts are used (targets with modes); None when there are none.
    A History thins its old snapshots, so old time is sampled more sparsely than recent time.
    """
    snaps = source.snapshots() if hasattr(source, "snapshots") else list(source)
    snaps = [s for s in snaps if s.mode_counts is not None]
    if not snaps:
        return None
    return Occupancy.from_counts(
        [s.step for s in snaps],
        np.stack([np.asarray(s.mode_counts) for s in snaps]),
        [s.metrics.get("hq", np.nan) for s in snaps],
        snaps[-1].mode_centres,
    )


def occupancy_height(k: int, projector: bool = False) -> int:
    """The occupancy figure's height in pixels for k modes."""
    return int(260 + 14 * k) if not projector else int(320 + 20 * k)


def mode_labels(centres: np.ndarray | None, k: int) -> list[str]:
    """'1 (2.0, 0.0)', ...: the mode's number and its centre, rounded."""
    if centres is None:
        return [str(i + 1) for i in range(k)]
    return [
        f"{i + 1} (" + ", ".join(f"{c:.1f}" for c in np.ravel(centre)) + ")"
        for i, centre in enumerate(centres)
    ]


def occupancy_figure(
    occ: Occupancy, projector: bool = False, title: str | None = None
) -> go.Figure:
    """The heat strip: x = iteration, y = mode, colour = share of samples on that mode.

    The colour scale runs from 0 to 2/K (twice the fair share), so a covering generator reads
    mid-tone on every row and a collapsed one saturates its few rows; the hover text gives
    the exact share. A line under the strip counts the modes captured (share > 0) per snapshot.
    """
    st = style(projector)
    k = occ.n_modes
    labels = mode_labels(occ.centres, k)
    fair = 1.0 / k
    fig = go.Figure(
        go.Heatmap(
            x=occ.steps,
            y=labels,
            z=occ.share.T,
            zmin=0.0,
            zmax=min(1.0, 2.0 * fair),
            colorscale=OCCUPANCY_COLORSCALE,
            colorbar=dict(
                title=dict(text="share of samples", side="right"),
                tickvals=[0.0, fair, min(1.0, 2.0 * fair)],
                ticktext=["0", f"1/{k} (fair)", f"≥ {min(1.0, 2.0 * fair):.2g}"],
            ),
            hovertemplate="iteration %{x}<br>mode %{y}<br>%{z:.1%} of samples<extra></extra>",
            name="occupancy",
        )
    )
    captured = (occ.share > 0).sum(axis=1)
    fig.add_trace(
        go.Scatter(
            x=occ.steps,
            y=captured,
            yaxis="y2",
            mode="lines",
            line=dict(color=REAL, width=st.line),
            name="modes captured",
            hovertemplate="iteration %{x}<br>%{y} modes captured<extra></extra>",
        )
    )
    fig.update_layout(
        title=title or "Mode occupancy: where G's high-quality samples sit",
        font=dict(size=st.font),
        xaxis=dict(title="iteration", domain=[0, 1], anchor="y2"),  # ticks under both panels
        yaxis=dict(title="mode (centre)", domain=[0.3, 1.0], type="category", automargin=True),
        yaxis2=dict(
            title="captured",
            domain=[0.0, 0.2],
            range=[0, k + 0.5],
            anchor="x",
            dtick=max(1, k // 4),
        ),
        showlegend=False,
        uirevision="occupancy",
        margin=dict(l=10, r=10, t=50, b=40),
        height=occupancy_height(k, projector),
    )
    return fig
