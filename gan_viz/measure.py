"""Honest measurements: p_g on a grid, divergences in nats, mode metrics, W1.

Divergences at resolution h
---------------------------
p_g is only known through samples. We bin them on the grid and smooth the binned mass with a
Gaussian kernel of width h; p_data's exact cell masses (from its CDF) get the *same* smoothing.
JS, KL and reverse KL are then computed between the two smoothed laws, cell by cell, with one more
cell for the mass outside the window (so a G that throws samples off-screen is not let off).
This is the divergence between p_data * N(0, h^2) and p_g * N(0, h^2): it is 0 when p_g = p_data,
up to sampling noise (~1e-4 nats at 10k samples), unlike the unsmoothed grid estimate GAN Lab
uses, which reads 0.1-0.4 bits for equal laws. KL needs a floor: a cell where one law has no mass
counts as if it held 1e-12 of it, so a missed mode reads large but finite.

When z is 1-D, samples are G applied to the quantiles of p_z at (i + 1/2)/n: the change of
variables p_g(x) = p_z(G^-1(x)) |dG^-1/dx| integrated by the midpoint rule, with no sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, special, stats

from gan_viz.densities import Modes, Target
from gan_viz.grid import Grid

KL_FLOOR = 1e-12  # probability mass a cell is assumed to hold at least, for KL only
MODE_SAMPLES = 2500  # generated samples behind the mode metrics, as in VEEGAN and PacGAN


def default_grid(target: Target, n: int = 0) -> Grid:
    """512 cells in 1-D, 128 per axis in 2-D, over the target's window."""
    return Grid.over(target.window, n or (512 if target.dim == 1 else 128))


def default_bandwidth(grid: Grid) -> float:
    """h = 2 cells in 1-D, 1.5 cells in 2-D: small against the targets, large against the noise."""
    return (2.0 if grid.dim == 1 else 1.5) * max(grid.spacing)


def smooth(mass: np.ndarray, grid: Grid, h: float) -> np.ndarray:
    """Convolve cell masses with N(0, h^2 I); mass pushed past the window's edge is lost."""
    sigma = [h / s for s in reversed(grid.spacing)]  # array axes are (y, x)
    out = ndimage.gaussian_filter(mass, sigma=sigma, mode="constant", truncate=4.0)
    # Rounding leaves -1e-20 or denormals where the mass is nil; they would break the logs.
    return np.where(out > 1e-200, out, 0.0)


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """JSD(p||q) = 1/2 KL(p||m) + 1/2 KL(q||m), m = (p + q)/2, in nats; p, q sum to 1."""
    m = 0.5 * (p + q)
    kl_pm = np.sum(special.xlogy(p, p) - special.xlogy(p, m))
    kl_qm = np.sum(special.xlogy(q, q) - special.xlogy(q, m))
    return float(max(0.5 * (kl_pm + kl_qm), 0.0))


def kl_divergence(p: np.ndarray, q: np.ndarray, floor: float = KL_FLOOR) -> float:
    """KL(p||q) = sum p log(p/q) in nats, q floored at `floor` per cell."""
    return float(max(np.sum(special.xlogy(p, p) - special.xlogy(p, np.maximum(q, floor))), 0.0))


def d_star(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g) (Goodfellow et al. 2014, Prop. 1); NaN where both are 0."""
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 1e-12 * max(total.max(), 1e-300), p_data / total, np.nan)


@dataclass
class Densities:
    p_data: np.ndarray  # density of p_data at resolution h on the grid
    p_g: np.ndarray  # density of p_g at resolution h on the grid
    d_star: np.ndarray  # p_data / (p_data + p_g) from those two
    outside_data: float  # mass of p_data outside the window
    outside_g: float  # mass of p_g outside the window
    js: float
    kl: float
    rkl: float


class DensityMeter:
    """Compares generated samples with p_data on one grid at one resolution h."""

    def __init__(self, target: Target, grid: Grid, h: float):
        self.target, self.grid, self.h = target, grid, h
        self.data_mass = smooth(target.cell_mass(grid), grid, h)

    def measure(self, samples: np.ndarray, weights: np.ndarray | None = None) -> Densities:
        g_mass = smooth(self.grid.histogram(samples, weights), self.grid, self.h)
        p = np.append(self.data_mass.ravel(), max(1.0 - self.data_mass.sum(), 0.0))
        q = np.append(g_mass.ravel(), max(1.0 - g_mass.sum(), 0.0))
        p, q = p / p.sum(), q / q.sum()
        cell = self.grid.cell
        p_data, p_g = self.data_mass / cell, g_mass / cell
        return Densities(
            p_data,
            p_g,
            d_star(p_data, p_g),
            float(p[-1]),
            float(q[-1]),
            js_divergence(p, q),
            kl_divergence(p, q),
            kl_divergence(q, p),
        )


def mode_metrics(samples: np.ndarray, modes: Modes) -> dict:
    """VEEGAN (Srivastava et al. 2017) / PacGAN (Lin et al. 2018) mode statistics.

    A sample is high-quality if it lies within 3 std of its nearest mode centre; a mode is
    captured if at least one high-quality sample is nearest to it. `mode_kl` is
    KL(histogram of high-quality samples over modes || uniform) in nats (PacGAN's reverse KL);
    NaN when no sample is high-quality.
    """
    x = np.asarray(samples, float)
    d2 = ((x[:, None, :] - modes.centres[None]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    dist = np.sqrt(d2[np.arange(len(x)), nearest])
    hq = dist <= 3.0 * modes.stds[nearest]
    counts = np.bincount(nearest[hq], minlength=len(modes.centres))
    k = len(modes.centres)
    if counts.sum() > 0:
        share = counts / counts.sum()
        mode_kl = float(np.sum(special.xlogy(share, share * k)))
    else:
        mode_kl = float("nan")
    return {
        "modes": int((counts > 0).sum()),
        "hq": float(hq.mean()),
        "mode_kl": mode_kl,
        "counts": counts,
    }


def wasserstein1(fake: np.ndarray, real: np.ndarray, projections: int = 32, seed: int = 0) -> float:
    """W1 between two sample sets.

    1-D: exact between the empirical laws (scipy.stats.wasserstein_distance). 2-D: the sliced
    W1, the mean over `projections` fixed directions of the 1-D W1 of the projections; a lower
    bound of W1 that ranks runs the same way and costs a sort per direction.
    """
    if fake.shape[1] == 1:
        return float(stats.wasserstein_distance(fake[:, 0], real[:, 0]))
    return SlicedW1(real, projections, seed)(fake)


class SlicedW1:
    """Sliced W1 against a fixed reference set, its sorted projections computed once.

    A run measures its generator against the same real evaluation set at every record, so the
    reference half of the sorting is paid once (half the cost of each `wasserstein1` call).
    """

    def __init__(self, real: np.ndarray, projections: int = 32, seed: int = 0):
        angles = np.pi * (np.arange(projections) + np.random.default_rng(seed).random())
        angles /= projections
        self.dirs = np.stack([np.cos(angles), np.sin(angles)], 1).astype(np.float32)
        self.real = real.astype(np.float32)
        self.real_sorted = np.sort(self._project(self.real), axis=1)

    def _project(self, x: np.ndarray) -> np.ndarray:
        """(projections, n): contiguous rows sort fastest. Written out rather than a matmul:
        a BLAS call here wakes the BLAS thread pool, which then fights torch's threads for the
        cores and runs far slower right after a training chunk (figures: benchmarks/RESULTS.md,
        design notes)."""
        x = x.astype(np.float32, copy=False)
        return self.dirs[:, 0, None] * x[None, :, 0] + self.dirs[:, 1, None] * x[None, :, 1]

    def __call__(self, fake: np.ndarray) -> float:
        n = min(len(fake), len(self.real))
        a = np.sort(self._project(fake[:n]), axis=1)
        b = self.real_sorted
        if n < len(self.real):  # fewer fake samples: compare with as many reference points
            b = np.sort(self._project(self.real[:n]), axis=1)
        return float(np.abs(a - b).mean(dtype=np.float64))
