"""Target distributions p_data: each samples, has an exact density, and knows its plot window.

Most targets are Gaussian mixtures, which gives exact densities and exact probability masses per
grid cell (products of normal CDFs). Two targets have no closed-form density:

- `two_moons` and `spiral` are noisy curves: x = c(t) + N(0, s^2 I) with t uniform. Their density
  is the integral over t of a Gaussian centred on the curve; we evaluate it by the midpoint rule
  with `nodes` points of t, i.e. as a mixture of that many equal Gaussians. With the node spacing
  far below the noise std (defaults: arc step < 0.01, s >= 0.05) the rule's error is far below
  anything a plot or a divergence can show.
- `points` is a user's own data; its density is a Gaussian kernel density estimate with a
  per-axis bandwidth from Scott's rule (scipy.stats.gaussian_kde's factor times each axis's std),
  and sampling draws from that same KDE, so density and sampler agree.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import special, stats

from gan_viz.config import ConfigError, TargetConfig
from gan_viz.grid import Grid

MAX_POINTS = 200_000
# 200,000 rows of two full-precision numbers ("-1.2345678901234567e-05,...") are ~10 MB.
MAX_POINTS_BYTES = 20_000_000
MAX_ABS = 1e6  # |coordinate| bound: KDE windows and grids of wider data overflow float maths
MIN_SPREAD = 1e-9  # std along an axis, relative to the data's size: below, the KDE degenerates


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


def _num(params: dict, key: str, *, positive: bool = False, lo=None, hi=None) -> float:
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


def _vec(params: dict, key: str, n: int | None = None, positive: bool = False) -> np.ndarray:
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


def _int(params: dict, key: str, lo: int, hi: int) -> int:
    v = params[key]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
        if isinstance(v, float) and v.is_integer() and lo <= v <= hi:
            return int(v)
        raise ConfigError(key, v, f"a whole number from {lo} to {hi}")
    return int(v)


def _window_1d(means, stds, pad: float = 4.5) -> list:
    lo = float(np.min(np.asarray(means) - pad * np.asarray(stds)))
    hi = float(np.max(np.asarray(means) + pad * np.asarray(stds)))
    # G starts near x = 0, so keep 0 in view: the class sees p_g travel to p_data.
    lo, hi = min(lo, -0.5), max(hi, 0.5)
    return [[lo, hi]]


def _square_window(half: float) -> list:
    return [[-half, half], [-half, half]]


# --- the targets --------------------------------------------------------------------------------


def gaussian(p: dict) -> Target:
    mean, std = _num(p, "mean"), _num(p, "std", positive=True)
    return GaussianMixture("gaussian", p, [1.0], [[mean]], [std], _window_1d([mean], [std]))


def bimodal(p: dict) -> Target:
    w = _vec(p, "weights", 2, positive=True)
    means, stds = _vec(p, "means", 2), _vec(p, "stds", 2, positive=True)
    return GaussianMixture("bimodal", p, w, means[:, None], stds, _window_1d(means, stds))


def mixture(p: dict) -> Target:
    k = _int(p, "k", 1, 32)
    means = _vec(p, "means", k) if "means" in p else np.linspace(-2 * (k - 1), 2 * (k - 1), k) / 2
    stds = _vec(p, "stds", k, positive=True) if "stds" in p else np.full(k, 0.3)
    w = _vec(p, "weights", k, positive=True) if "weights" in p else np.ones(k)
    return GaussianMixture("mixture", p, w, means[:, None], stds, _window_1d(means, stds))


def uniform(p: dict) -> Target:
    low, high = _num(p, "low"), _num(p, "high")
    if high <= low:
        raise ConfigError("high", high, f"a number > low ({low:g})")
    pad = 0.25 * (high - low)
    window = [[min(low - pad, -0.5), max(high + pad, 0.5)]]
    return Scipy1D("uniform", p, stats.uniform(loc=low, scale=high - low), window)


def lognormal(p: dict) -> Target:
    mu, sigma = _num(p, "mu"), _num(p, "sigma", positive=True)
    dist = stats.lognorm(s=sigma, scale=np.exp(mu))
    return Scipy1D("lognormal", p, dist, [[-0.5, max(float(dist.ppf(0.995)), 0.5)]])


def laplace(p: dict) -> Target:
    loc, scale = _num(p, "loc"), _num(p, "scale", positive=True)
    return Scipy1D(
        "laplace", p, stats.laplace(loc=loc, scale=scale), _window_1d([loc], [2.0 * scale])
    )


def ring8(p: dict) -> Target:
    k = _int(p, "modes", 2, 64)
    r, s = _num(p, "radius", positive=True), _num(p, "std", positive=True)
    angles = 2 * np.pi * np.arange(k) / k
    means = r * np.stack([np.cos(angles), np.sin(angles)], 1)
    return GaussianMixture(
        "ring8", p, np.ones(k), means, np.full(k, s), _square_window(1.4 * r + 4 * s)
    )


def grid25(p: dict) -> Target:
    n = _int(p, "per_side", 2, 10)
    spacing, s = _num(p, "spacing", positive=True), _num(p, "std", positive=True)
    c = spacing * (np.arange(n) - (n - 1) / 2)
    means = np.stack(np.meshgrid(c, c), -1).reshape(-1, 2)
    half = c[-1] + spacing * 0.75 + 4 * s
    return GaussianMixture(
        "grid25", p, np.ones(n * n), means, np.full(n * n, s), _square_window(half)
    )


def gaussian2d(p: dict) -> Target:
    mean = _vec(p, "mean", 2)
    std = _vec(p, "std", 2, positive=True)
    window = [[mean[a] - 4.5 * std[a], mean[a] + 4.5 * std[a]] for a in range(2)]
    window = [[min(lo, -0.5), max(hi, 0.5)] for lo, hi in window]
    return GaussianMixture("gaussian2d", p, [1.0], [mean], [std], window)


def _curve(name: str, p: dict, curve: Callable[[np.ndarray], np.ndarray], nodes: int) -> Target:
    noise = _num(p, "noise", positive=True)
    t = (np.arange(nodes) + 0.5) / nodes  # midpoint rule in t, uniform law of t
    centres = curve(t)
    lo, hi = centres.min(0) - 4 * noise, centres.max(0) + 4 * noise
    mid, half = (lo + hi) / 2, (hi - lo).max() / 2 * 1.1
    window = [[mid[a] - half, mid[a] + half] for a in range(2)]
    target = GaussianMixture(
        name, p, np.ones(nodes), centres, np.full(nodes, noise), window, modes=False
    )
    target.sample = lambda n, rng: curve(rng.random(n)) + noise * rng.standard_normal((n, 2))
    return target


def two_moons(p: dict) -> Target:
    """scikit-learn's make_moons geometry, centred: half of t on each moon."""

    def curve(t: np.ndarray) -> np.ndarray:
        upper = t < 0.5
        a = np.pi * np.where(upper, 2 * t, 2 * t - 1)
        x = np.where(upper, np.cos(a), 1 - np.cos(a)) - 0.5
        y = np.where(upper, np.sin(a), 0.5 - np.sin(a)) - 0.25
        return np.stack([x, y], 1)

    return _curve("two_moons", p, curve, 1200)


def spiral(p: dict) -> Target:
    """An Archimedean spiral r = radius * t, angle = turns * 2 pi * t, t uniform on (0, 1)."""
    turns = _num(p, "turns", lo=0.25, hi=5)
    radius = _num(p, "radius", positive=True)

    def curve(t: np.ndarray) -> np.ndarray:
        a = 2 * np.pi * turns * t
        return radius * t[:, None] * np.stack([np.cos(a), np.sin(a)], 1)

    return _curve("spiral", p, curve, int(1500 * max(turns, 1)))


def _points_text(data: str | bytes) -> str:
    """CSV bytes or text as text, refused (ConfigError) when too long or not text at all."""
    if len(data) > MAX_POINTS_BYTES:
        # a bounded read stops at one byte past the limit: the true size is unknown
        over = f"more than {MAX_POINTS_BYTES / 1e6:.0f} MB"
        raise ConfigError(
            "points file",
            f"{len(data):,} bytes ({over})" if len(data) > MAX_POINTS_BYTES + 1 else over,
            f"a CSV of at most {MAX_POINTS_BYTES / 1e6:.0f} MB ({MAX_POINTS:,} points)",
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ConfigError(
                "points file",
                f"binary data (byte {err.start} is not UTF-8 text)",
                "a text CSV of one or two numeric columns",
            ) from None
    if "\x00" in data:
        raise ConfigError(
            "points file", "binary data (NUL bytes)", "a text CSV of one or two numeric columns"
        )
    return data


def read_points(path: str | Path) -> str:
    """The text of a points CSV file, reading at most MAX_POINTS_BYTES + 1 bytes whatever the
    file is (/dev/zero included); ConfigError names the file and what is wrong."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_POINTS_BYTES + 1)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ConfigError("--points", str(path), f"a readable CSV file ({reason})") from None
    return _points_text(data)


def parse_points(data: str | bytes | np.ndarray | list) -> np.ndarray:
    """A user's points as an (n, dim) float array; CSV text or an array. Raises ConfigError.

    CSV is parsed by hand so that a message can name the bad line. Every limit is checked
    before anything is held whole: at most MAX_POINTS_BYTES of text, MAX_POINTS rows of one or
    two columns (the lines are read one by one, and the reading stops past the limit), and
    coordinates within +-MAX_ABS: beyond that the KDE's bandwidth, window and grid overflow.
    """
    if isinstance(data, (str, bytes)):
        text = _points_text(data)
        lines = (m.group() for m in re.finditer(r"[^\r\n]+", text))
        lines = (ln for ln in lines if ln.strip())
        first = next(lines, None)
        if first is None:
            raise ConfigError("points file", "an empty file", "one or two numeric columns")
        try:
            float(first.split(",", 1)[0])
            lines = itertools.chain([first], lines)
        except ValueError:
            pass  # a header row
        rows = []
        for i, ln in enumerate(lines):
            cells = ln.split(",", 2)  # at most 3 pieces however long the line
            if len(cells) > 2:
                raise ConfigError(
                    "points file", f"line {i + 1}: 3 or more columns", "1 or 2 columns"
                )
            try:
                rows.append([float(c) for c in cells])
            except ValueError:
                raise ConfigError(
                    "points file",
                    f"line {i + 1}: {ln[:40]!r}",
                    "numbers separated by commas",
                ) from None
            if len(rows) > MAX_POINTS:
                raise ConfigError(
                    "points", f"{MAX_POINTS + 1:,} points or more", f"at most {MAX_POINTS:,} points"
                )
        if len({len(r) for r in rows}) > 1:
            raise ConfigError("points file", "rows of different lengths", "1 or 2 columns")
        arr = np.asarray(rows, float) if rows else np.zeros((0, 1))
    else:
        arr = np.asarray(data, float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] not in (1, 2):
        raise ConfigError("points", f"shape {arr.shape}", "1 or 2 columns (1-D or 2-D points)")
    if len(arr) < 2:
        raise ConfigError("points", f"{len(arr)} points", f"from 2 to {MAX_POINTS:,} points")
    if len(arr) > MAX_POINTS:
        raise ConfigError("points", f"{len(arr):,} points", f"at most {MAX_POINTS:,} points")
    if not np.all(np.isfinite(arr)):
        bad = int(np.argwhere(~np.isfinite(arr))[0, 0])
        raise ConfigError(
            "points", f"a missing or infinite value in row {bad + 1}", "finite numbers only"
        )
    if np.any(np.abs(arr) > MAX_ABS):
        row, col = np.argwhere(np.abs(arr) > MAX_ABS)[0]
        raise ConfigError(
            "points",
            f"{arr[row, col]:.3g} in row {row + 1}",
            f"coordinates from {-MAX_ABS:g} to {MAX_ABS:g} (rescale the data)",
        )
    spread = arr.std(axis=0)
    if np.any(spread <= MIN_SPREAD * np.maximum(1.0, np.abs(arr).max(axis=0))):
        raise ConfigError(
            "points",
            "all points equal (or nearly) along an axis",
            f"points that vary along each axis (a spread over {MIN_SPREAD:g} of their size)",
        )
    return arr


def points(p: dict) -> Target:
    arr = parse_points(p["points"])
    # Scott's rule n^(-1/(d+4)), as scipy's gaussian_kde computes it, without building its
    # covariance: that is singular (LinAlgError) for 2-D points on a line, which the per-axis
    # bandwidths below handle fine.
    factor = len(arr) ** (-1.0 / (arr.shape[1] + 4))
    bw = factor * arr.std(axis=0, ddof=1)
    lo, hi = arr.min(0) - 3 * bw, arr.max(0) + 3 * bw
    window = [[min(lo[a], -0.5), max(hi[a], 0.5)] for a in range(arr.shape[1])]
    shown = {k: v for k, v in p.items() if k != "points"} | {"n": len(arr)}
    target = GaussianMixture(
        "points", shown, np.ones(len(arr)), arr, bw[None, :], window, modes=False
    )
    target.params = shown
    target.data = arr
    return target


@dataclass(frozen=True)
class TargetSpec:
    build: Callable[[dict], Target]
    dim: int
    defaults: dict
    summary: str


TARGETS: dict[str, TargetSpec] = {
    "gaussian": TargetSpec(
        gaussian,
        1,
        {"mean": 2.0, "std": 0.5},
        "one Gaussian: the bump of Goodfellow et al.'s Fig. 1",
    ),
    "bimodal": TargetSpec(
        bimodal,
        1,
        {"weights": [0.5, 0.5], "means": [-2.0, 2.0], "stds": [0.5, 0.5]},
        "two Gaussians: where a GAN picks one mode or both",
    ),
    "mixture": TargetSpec(mixture, 1, {"k": 3}, "k Gaussians in a row (means/stds/weights)"),
    "uniform": TargetSpec(uniform, 1, {"low": 1.0, "high": 3.0}, "flat between low and high"),
    "lognormal": TargetSpec(
        lognormal, 1, {"mu": 0.0, "sigma": 0.5}, "skewed to the right, positive only"
    ),
    "laplace": TargetSpec(laplace, 1, {"loc": 0.0, "scale": 0.5}, "sharp peak, heavy tails"),
    "ring8": TargetSpec(
        ring8,
        2,
        {"modes": 8, "radius": 2.0, "std": 0.02},
        "8 tight Gaussians on a circle: the mode-collapse classic",
    ),
    "grid25": TargetSpec(
        grid25, 2, {"per_side": 5, "spacing": 2.0, "std": 0.05}, "25 Gaussians on a 5x5 grid"
    ),
    "gaussian2d": TargetSpec(
        gaussian2d, 2, {"mean": [1.0, 1.0], "std": [0.5, 0.3]}, "one axis-aligned 2-D Gaussian"
    ),
    "two_moons": TargetSpec(two_moons, 2, {"noise": 0.08}, "two interleaved half circles"),
    "spiral": TargetSpec(
        spiral, 2, {"turns": 1.5, "radius": 2.0, "noise": 0.06}, "a noisy Archimedean spiral"
    ),
    "points": TargetSpec(points, 0, {}, "your own 1-D or 2-D points (CSV), density by a KDE"),
}


def make_target(cfg: TargetConfig) -> Target:
    """Build the target named in cfg; unknown names or bad parameters raise ConfigError."""
    if cfg.name not in TARGETS:
        raise ConfigError("target", cfg.name, ", ".join(TARGETS))
    spec = TARGETS[cfg.name]
    if cfg.name == "points" and "points" not in cfg.params:
        raise ConfigError("points", "nothing", "a CSV file or an array of 1-D or 2-D points")
    allowed = set(spec.defaults) | ({"points"} if cfg.name == "points" else set())
    if cfg.name == "mixture":
        allowed |= {"means", "stds", "weights"}
    unknown = set(cfg.params) - allowed
    if unknown:
        raise ConfigError(
            f"{cfg.name} parameter", sorted(unknown)[0], ", ".join(sorted(allowed)) or "none"
        )
    return spec.build({**spec.defaults, **cfg.params})


def target_dim(cfg: TargetConfig) -> int:
    spec = TARGETS[cfg.name]
    return spec.dim or parse_points(cfg.params["points"]).shape[1]
