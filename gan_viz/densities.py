"""The laws a target can be, apart from the names they go by (gan_viz.targets): the Target base,
Gaussian mixtures with exact densities and exact cell masses, scipy's 1-D laws, the mode centres
the mode metrics need, and the readers of a target's parameters that refuse a bad one in a line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from gan_viz.errors import ConfigError
from gan_viz.grid import Grid

MAX_ABS = 1e6  # |coordinate| bound: KDE windows and grids of wider data overflow float maths


@dataclass(frozen=True)
class Modes:
    """Mode centres (K, dim) and their stds (K,): what the VEEGAN/PacGAN mode metrics need."""

    centres: np.ndarray
    stds: np.ndarray


class Target:
    """Base class: a distribution p_data on R^dim with a plot window."""

    name: str = ""
    dim: int = 1
    window: np.ndarray  # (dim, 2): [low, high] per axis
    modes: Modes | None = None
    params: dict

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """Density at points x of shape (n, dim)."""
        raise NotImplementedError

    def cell_mass(self, grid: Grid) -> np.ndarray:
        """Probability mass in each cell of grid (exact where the CDF is known)."""
        raise NotImplementedError

    def describe(self) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items() if k != "points")
        return f"{self.name}({shown})"


def _short(v) -> str:
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_short(x) for x in np.asarray(v).ravel()[:8]) + "]"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _normal_interval(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """P(a < Z < b) for standard normal Z, without the cancellation of Phi(b) - Phi(a) near 1."""
    return np.where(a > 0, special.ndtr(-a) - special.ndtr(-b), special.ndtr(b) - special.ndtr(a))


class GaussianMixture(Target):
    """p(x) = sum_k w_k N(x; mu_k, diag(s_k^2)): exact pdf, sampling and cell masses."""

    def __init__(self, name, params, weights, means, stds, window, modes: bool = True):
        self.name, self.params = name, params
        self.weights = np.asarray(weights, float) / np.sum(weights)
        self.means = np.asarray(means, float).reshape(len(self.weights), -1)
        self.dim = self.means.shape[1]
        s = np.asarray(stds, float)
        s = (
            s.reshape(len(self.weights), -1)
            if s.size == len(self.weights)
            else s.reshape(-1, self.dim)
        )
        self.stds = np.broadcast_to(s, self.means.shape).copy()
        self.window = np.asarray(window, float)
        if modes:
            self.modes = Modes(self.means.copy(), self.stds.mean(axis=1))
        self._cache: dict = {}

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        return self.means[k] + self.stds[k] * rng.standard_normal((n, self.dim))

    def pdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float).reshape(-1, self.dim)
        out = np.zeros(len(x))
        for lo in range(0, len(self.weights), 256):  # bounded memory for many components
            sl = slice(lo, lo + 256)
            z = (x[:, None, :] - self.means[None, sl]) / self.stds[None, sl]
            log_k = (
                -0.5 * (z**2).sum(-1)
                - np.log(self.stds[sl]).sum(-1)
                - 0.5 * self.dim * np.log(2 * np.pi)
            )
            out += np.exp(log_k) @ self.weights[sl]
        return out

    def cell_mass(self, grid: Grid) -> np.ndarray:
        key = tuple((e[0], e[-1], len(e)) for e in grid.edges)
        if key not in self._cache:
            per_axis = []
            for a, edges in enumerate(grid.edges):
                z = (edges[None, :] - self.means[:, a, None]) / self.stds[:, a, None]
                per_axis.append(_normal_interval(z[:, :-1], z[:, 1:]))  # (K, n_a)
            if self.dim == 1:
                mass = self.weights @ per_axis[0]
            else:
                mass = per_axis[1].T @ (self.weights[:, None] * per_axis[0])  # (ny, nx)
            self._cache = {key: mass}
        return self._cache[key]


class Scipy1D(Target):
    """A 1-D law from scipy.stats: exact pdf, CDF cell masses, inverse-CDF sampling."""

    def __init__(self, name, params, dist, window):
        self.name, self.params, self.dist = name, params, dist
        self.dim = 1
        self.window = np.asarray(window, float)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.dist.rvs(size=(n, 1), random_state=rng)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        return self.dist.pdf(np.asarray(x, float).reshape(-1))

    def cell_mass(self, grid: Grid) -> np.ndarray:
        e = grid.edges[0]
        right = e[:-1] > self.dist.median()  # sf differences keep precision in the right tail
        return np.where(right, -np.diff(self.dist.sf(e)), np.diff(self.dist.cdf(e)))


# --- parameters -------------------------------------------------------------------------------


def number_param(params: dict, key: str, *, positive: bool = False, lo=None, hi=None) -> float:
    v = params[key]
    try:
        v = float(v)
    except (TypeError, ValueError):
        raise ConfigError(key, v, "a number") from None
    if not np.isfinite(v):
        raise ConfigError(key, v, "a finite number")
    if abs(v) > MAX_ABS:  # as for points: beyond it the windows and grids overflow
        raise ConfigError(key, v, f"a number from {-MAX_ABS:g} to {MAX_ABS:g}")
    if positive and v <= 0:
        raise ConfigError(key, v, "a number > 0")
    if lo is not None and v < lo or hi is not None and v > hi:
        raise ConfigError(key, v, f"a number from {lo} to {hi}")
    return v


def vector_param(
    params: dict, key: str, n: int | None = None, positive: bool = False
) -> np.ndarray:
    v = params[key]
    try:
        arr = np.atleast_1d(np.asarray(v, float))
    except (TypeError, ValueError):
        raise ConfigError(key, v, "a list of numbers") from None
    if arr.ndim != 1 or (n is not None and len(arr) != n) or not np.all(np.isfinite(arr)):
        raise ConfigError(key, v, f"a list of {n or 'some'} finite numbers")
    if np.any(np.abs(arr) > MAX_ABS):
        raise ConfigError(key, v, f"numbers from {-MAX_ABS:g} to {MAX_ABS:g}")
    if positive and np.any(arr <= 0):
        raise ConfigError(key, v, "numbers > 0")
    return arr


def int_param(params: dict, key: str, lo: int, hi: int) -> int:
    v = params[key]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
        if isinstance(v, float) and v.is_integer() and lo <= v <= hi:
            return int(v)
        raise ConfigError(key, v, f"a whole number from {lo} to {hi}")
    return int(v)
