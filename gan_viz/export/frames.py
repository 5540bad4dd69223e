"""The main view of one snapshot drawn as pixels, for GIF and MP4 frames.

Why matplotlib and not plotly's image export: kaleido drives a headless Chrome and takes seconds
per image here (measured 3.5 s for a 1920x1080 PNG), so a 60-frame GIF would take minutes;
matplotlib's Agg draws the same picture from the snapshot's arrays in tens of milliseconds.
What is drawn follows the playground's views (gan_viz.plots.view1d / view2d) in the house
palette: in 1-D, p_data (black, dotted), p_g (green), D (blue, dashed) and D* (grey, dash-dot)
with the line D = 1/2, over the z -> x mapping; in 2-D, D(x) as a heat map diverging around 1/2,
real (black) and generated (green) samples, G's gradient arrows and the warped z-grid.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display: frames are drawn off screen, also under Streamlit

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from PIL import Image  # noqa: E402

from gan_viz.plots import palette  # noqa: E402
from gan_viz.plots.view2d import MAX_POINTS, arrow_ends  # noqa: E402

D_CMAP = LinearSegmentedColormap.from_list("d", [c for _, c in palette.D_COLORSCALE])
DPI = 100


class FrameDrawer:
    """Draws snapshots into one reused matplotlib figure of width x height pixels."""

    def __init__(self, width: int = 800, height: int = 600, label: str = ""):
        self.width, self.height, self.label = width, height, label
        self.fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        # Type scales with the picture, so a small GIF and a projector PNG read alike.
        self.font = max(7.0, 11.0 * width / 800)

    def close(self) -> None:
        plt.close(self.fig)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def draw(self, snap) -> Image.Image:
        """The view of `snap` as an RGB image of the drawer's size."""
        self.fig.clf()
        if snap.real.shape[1] == 1:
            self._draw_1d(snap)
        else:
            self._draw_2d(snap)
        js = snap.metrics.get("js")
        title = f"{self.label + ': ' if self.label else ''}iteration {snap.step:,}"
        if js is not None:
            title += f"   JS = {js:.3f} nats"
        self.fig.suptitle(title, x=0.02, ha="left", fontsize=self.font * 1.15)
        self.fig.canvas.draw()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        return Image.fromarray(rgba[..., :3].copy())

    def _draw_2d(self, snap) -> None:
        f = self.font
        ax = self.fig.add_axes((0.08, 0.08, 0.8, 0.82))
        xs, ys = snap.axes
        ax.imshow(
            snap.d,
            extent=(xs[0], xs[-1], ys[0], ys[-1]),
            origin="lower",
            cmap=D_CMAP,
            vmin=0.0,
            vmax=1.0,
            aspect="equal",
            interpolation="bilinear",
        )
        lw = max(0.6, f / 14)
        if snap.z_grid is not None:
            for line in snap.z_grid:
                ax.plot(line[:, 0], line[:, 1], color=palette.FAKE, lw=lw * 0.7, alpha=0.45)
        real, fake = snap.real[:MAX_POINTS], snap.fake[:MAX_POINTS]
        size = (f / 4) ** 2
        ax.scatter(real[:, 0], real[:, 1], s=size, c=palette.REAL, alpha=0.55, lw=0)
        ax.scatter(fake[:, 0], fake[:, 1], s=size * 1.3, c=palette.FAKE, edgecolors="white", lw=0.3)
        if snap.g_arrows is not None and len(snap.g_arrows):
            starts = snap.fake[: len(snap.g_arrows)].astype(float)
            ends = arrow_ends(starts, snap.g_arrows.astype(float), float(xs[-1] - xs[0]))
            d = ends - starts
            ax.quiver(
                starts[:, 0], starts[:, 1], d[:, 0], d[:, 1], color=palette.GRADIENT,
                angles="xy", scale_units="xy", scale=1.0, width=0.002 * f / 11,
            )  # fmt: skip
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.tick_params(labelsize=f * 0.85)
        cax = self.fig.add_axes((0.9, 0.2, 0.02, 0.6))
        bar = self.fig.colorbar(ax.images[0], cax=cax, ticks=[0, 0.5, 1])
        bar.set_label("D(x)", fontsize=f)
        bar.ax.tick_params(labelsize=f * 0.85)

    def _draw_1d(self, snap) -> None:
        f = self.font
        lw = max(1.0, f / 6)
        x = snap.axes[0]
        top = self.fig.add_axes((0.08, 0.32, 0.84, 0.58))
        top.plot(x, snap.p_data, ":", color=palette.REAL, lw=lw, label="p_data")
        top.plot(x, snap.p_g, "-", color=palette.FAKE, lw=lw, label="p_g")
        peak = float(np.nanmax(snap.p_data)) if np.any(snap.p_data > 0) else 1.0
        top.set_ylim(0, 1.6 * peak)
        top.set_xlim(x[0], x[-1])
        top.set_ylabel("density", fontsize=f)
        right = top.twinx()
        right.plot(x, snap.d, "--", color=palette.D, lw=lw, label="D(x)")
        right.plot(x, snap.d_star, "-.", color=palette.D_STAR, lw=lw, label="D*(x)")
        right.axhline(0.5, color=palette.ACCENT, lw=lw / 2, ls=":")
        right.set_ylim(0, 1.02)
        right.set_yticks([0, 0.5, 1])
        right.set_ylabel("D(x)", fontsize=f)
        handles = top.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        top.legend(handles=handles, loc="upper left", ncol=4, fontsize=f * 0.85, frameon=False)
        for a in (top, right):
            a.tick_params(labelsize=f * 0.85)
        top.set_xticklabels([])
        strip = self.fig.add_axes((0.08, 0.07, 0.84, 0.22), sharex=top)
        strip.set_ylim(-0.35, 1.25)
        strip.set_yticks([0, 1], ["z", "x"])
        strip.tick_params(labelsize=f * 0.85)
        strip.axhline(1, color=palette.REAL, lw=lw / 2)
        if snap.z_line is not None and snap.x_line is not None:
            lo, hi = float(x[0]), float(x[-1])
            top_z = float(np.max(np.abs(snap.z_line)))
            z_lo, z_hi = (-1.0, 1.0) if top_z <= 1 else (-1.1 * top_z, 1.1 * top_z)
            pad = 0.05 * (hi - lo)
            z_pos = lo + pad + (snap.z_line - z_lo) * (hi - lo - 2 * pad) / (z_hi - z_lo)
            strip.axhline(0, xmin=0.05, xmax=0.95, color=palette.D_STAR, lw=lw / 2)
            for z, xg in zip(z_pos, snap.x_line, strict=True):
                strip.plot([z, xg], [0, 1], color=palette.FAKE, lw=lw / 2)
        strip.set_xlabel("x", fontsize=f)


def draw_frames(snaps: list, width: int, height: int, label: str = "") -> list[Image.Image]:
    with FrameDrawer(width, height, label) as drawer:
        return [drawer.draw(s) for s in snaps]
