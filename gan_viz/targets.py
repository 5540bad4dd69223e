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
from scipy import stats

from gan_viz.config import DRAWN_TARGETS, TargetConfig
from gan_viz.densities import (
    MAX_ABS,
    GaussianMixture,
    Scipy1D,
    Target,
    int_param,
    number_param,
    vector_param,
)
from gan_viz.errors import ConfigError

MAX_POINTS = 200_000
# 200,000 rows of two full-precision numbers ("-1.2345678901234567e-05,...") are ~10 MB.
MAX_POINTS_BYTES = 20_000_000
MIN_SPREAD = 1e-9  # std along an axis, relative to the data's size: below, the KDE degenerates


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
    mean, std = number_param(p, "mean"), number_param(p, "std", positive=True)
    return GaussianMixture("gaussian", p, [1.0], [[mean]], [std], _window_1d([mean], [std]))


def bimodal(p: dict) -> Target:
    w = vector_param(p, "weights", 2, positive=True)
    means, stds = vector_param(p, "means", 2), vector_param(p, "stds", 2, positive=True)
    return GaussianMixture("bimodal", p, w, means[:, None], stds, _window_1d(means, stds))


def mixture(p: dict) -> Target:
    k = int_param(p, "k", 1, 32)
    means = (
        vector_param(p, "means", k)
        if "means" in p
        else np.linspace(-2 * (k - 1), 2 * (k - 1), k) / 2
    )
    stds = vector_param(p, "stds", k, positive=True) if "stds" in p else np.full(k, 0.3)
    w = vector_param(p, "weights", k, positive=True) if "weights" in p else np.ones(k)
    return GaussianMixture("mixture", p, w, means[:, None], stds, _window_1d(means, stds))


def uniform(p: dict) -> Target:
    low, high = number_param(p, "low"), number_param(p, "high")
    if high <= low:
        raise ConfigError("high", high, f"a number > low ({low:g})")
    pad = 0.25 * (high - low)
    window = [[min(low - pad, -0.5), max(high + pad, 0.5)]]
    return Scipy1D("uniform", p, stats.uniform(loc=low, scale=high - low), window)


def lognormal(p: dict) -> Target:
    mu, sigma = number_param(p, "mu"), number_param(p, "sigma", positive=True)
    dist = stats.lognorm(s=sigma, scale=np.exp(mu))
    return Scipy1D("lognormal", p, dist, [[-0.5, max(float(dist.ppf(0.995)), 0.5)]])


def laplace(p: dict) -> Target:
    loc, scale = number_param(p, "loc"), number_param(p, "scale", positive=True)
    return Scipy1D(
        "laplace", p, stats.laplace(loc=loc, scale=scale), _window_1d([loc], [2.0 * scale])
    )


def ring8(p: dict) -> Target:
    k = int_param(p, "modes", 2, 64)
    r, s = number_param(p, "radius", positive=True), number_param(p, "std", positive=True)
    angles = 2 * np.pi * np.arange(k) / k
    means = r * np.stack([np.cos(angles), np.sin(angles)], 1)
    return GaussianMixture(
        "ring8", p, np.ones(k), means, np.full(k, s), _square_window(1.4 * r + 4 * s)
    )


def grid25(p: dict) -> Target:
    n = int_param(p, "per_side", 2, 10)
    spacing, s = number_param(p, "spacing", positive=True), number_param(p, "std", positive=True)
    c = spacing * (np.arange(n) - (n - 1) / 2)
    means = np.stack(np.meshgrid(c, c), -1).reshape(-1, 2)
    half = c[-1] + spacing * 0.75 + 4 * s
    return GaussianMixture(
        "grid25", p, np.ones(n * n), means, np.full(n * n, s), _square_window(half)
    )


def gaussian2d(p: dict) -> Target:
    mean = vector_param(p, "mean", 2)
    std = vector_param(p, "std", 2, positive=True)
    window = [[mean[a] - 4.5 * std[a], mean[a] + 4.5 * std[a]] for a in range(2)]
    window = [[min(lo, -0.5), max(hi, 0.5)] for lo, hi in window]
    return GaussianMixture("gaussian2d", p, [1.0], [mean], [std], window)


def _curve(name: str, p: dict, curve: Callable[[np.ndarray], np.ndarray], nodes: int) -> Target:
    noise = number_param(p, "noise", positive=True)
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
    turns = number_param(p, "turns", lo=0.25, hi=5)
    radius = number_param(p, "radius", positive=True)

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


def _drawing(p: dict) -> Target:
    from gan_viz.drawn import drawing_2d  # drawn builds on this module's GaussianMixture

    return drawing_2d(p)


def _sketch(p: dict) -> Target:
    from gan_viz.drawn import sketch_1d

    return sketch_1d(p)


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
    "drawing": TargetSpec(
        _drawing, 2, {"std": 0.05}, "your own drawing: its points with Gaussian noise (std)"
    ),
    "sketch": TargetSpec(_sketch, 1, {}, "your own density: a curve through sketched points"),
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
    if cfg.name in DRAWN_TARGETS:
        return spec.build({**spec.defaults, **cfg.params, "drawing": cfg.drawing})
    if cfg.drawing:
        drawn = " or ".join(DRAWN_TARGETS)
        raise ConfigError("drawing", f"points for target {cfg.name}", f"a drawing for {drawn} only")
    return spec.build({**spec.defaults, **cfg.params})


def target_dim(cfg: TargetConfig) -> int:
    spec = TARGETS[cfg.name]
    return spec.dim or parse_points(cfg.params["points"]).shape[1]
