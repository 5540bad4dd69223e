"""A regular grid over a plot window: where densities, D(x) and D*(x) are evaluated.

Arrays on a 2-D grid are indexed [iy, ix] (rows are y), the layout plotly's heat maps expect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Grid:
    edges: tuple[np.ndarray, ...]  # cell edges per axis (n_axis + 1 values), x first

    @classmethod
    def over(cls, window: np.ndarray, n: int) -> Grid:
        """n cells per axis over window, an array of shape (dim, 2) of [low, high] rows."""
        return cls(tuple(np.linspace(lo, hi, n + 1) for lo, hi in np.asarray(window, float)))

    @property
    def dim(self) -> int:
        return len(self.edges)

    @property
    def axes(self) -> tuple[np.ndarray, ...]:
        """Cell centres per axis."""
        return tuple(0.5 * (e[1:] + e[:-1]) for e in self.edges)

    @property
    def spacing(self) -> tuple[float, ...]:
        return tuple(float(e[1] - e[0]) for e in self.edges)

    @property
    def cell(self) -> float:
        """Length (1-D) or area (2-D) of one cell."""
        return float(np.prod(self.spacing))

    @property
    def shape(self) -> tuple[int, ...]:
        """Array shape of a field on this grid: (nx,) or (ny, nx)."""
        return tuple(len(e) - 1 for e in reversed(self.edges))

    def points(self) -> np.ndarray:
        """Every cell centre as an (n_cells, dim) array, in the order of `shape` flattened."""
        if self.dim == 1:
            return self.axes[0][:, None]
        xx, yy = np.meshgrid(*self.axes)  # (ny, nx) each
        return np.stack([xx.ravel(), yy.ravel()], axis=1)

    def histogram(self, samples: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Probability mass per cell (the weights, or 1/n each, summed); mass outside is dropped."""
        samples = np.asarray(samples, float).reshape(len(samples), -1)
        if weights is None:
            weights = np.full(len(samples), 1.0 / max(len(samples), 1))
        if self.dim == 1:
            mass, _ = np.histogram(samples[:, 0], bins=self.edges[0], weights=weights)
            return mass
        mass, _, _ = np.histogram2d(
            samples[:, 1], samples[:, 0], bins=(self.edges[1], self.edges[0]), weights=weights
        )
        return mass
