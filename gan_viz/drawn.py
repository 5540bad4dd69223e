"""Targets a user draws: a 2-D drawing, or a 1-D density sketched by a handful of points.

2-D drawing ("drawing")
-----------------------
The drawn points c_1..c_n (strokes resampled along their length, plus clicked points) with
isotropic Gaussian noise of std s, as GAN Lab's brush (its s is 0.02 of the unit square):

    p_data(x) = 1/n sum_i N(x; c_i, s^2 I)

an equal-weight Gaussian mixture, so its density, its sampler (pick a c_i uniformly, add
N(0, s^2 I)) and its mass per grid cell (a product of normal CDF differences per axis) are all
exact, and the measurement's smoothing by h stays exact too (it convolves those cell masses).

1-D sketch ("sketch")
---------------------
Control points (x_0, h_0) .. (x_m, h_m), x increasing, h >= 0 and not all 0, joined by straight
lines and 0 outside [x_0, x_m], divided by the area under them:

    p_data(x) = (h_i + (h_{i+1} - h_i) t / w_i) / A,   x = x_i + t, 0 <= t <= w_i = x_{i+1} - x_i,
    A = sum_i (h_i + h_{i+1}) w_i / 2.

With d_i = h_i / A and slope b_i = (d_{i+1} - d_i) / w_i, the CDF inside segment i is
F(x) = F(x_i) + d_i t + b_i t^2 / 2: cell masses are its differences, exact. Sampling inverts it:
a segment with probability its area, then the root of b_i t^2 / 2 + d_i t = r in [0, w_i],
written t = 2r / (d_i + sqrt(d_i^2 + 2 b_i r)) so that no cancellation occurs when b_i ~ 0.

A drawing is part of the run's settings (`TargetConfig.drawing`, a tuple of point tuples), so
it is stored, exported and replayed with the run. `gan-viz train --drawing FILE.json` reads
{"dim": 2, "points": [[x, y], ...], "std": 0.05} or {"dim": 1, "points": [[x, h], ...]}.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

from gan_viz.densities import GaussianMixture, Target, number_param
from gan_viz.errors import ConfigError

MAX_DRAWN = 5_000  # points in a drawing (2-D) or control points in a sketch (1-D)
COORD_LIMIT = 50.0  # |coordinate| allowed: the targets' windows are a few units wide
MAX_FILE_BYTES = 2_000_000  # a drawing file larger than this is refused before it is read
READY_DIR = Path(__file__).with_name("drawings")
DEFAULTS = {2: "smiley", 1: "bimodal_sketch"}  # the drawing a target starts from


def check_drawing(drawing, dim: int) -> np.ndarray:
    """The drawing as an (n, 2) float array, or ConfigError saying what is wrong in one line.

    2-D rows are points (x, y); 1-D rows are control points (x, height), returned sorted by x.
    """
    what = "drawing" if dim == 2 else "sketch"
    n = len(drawing) if hasattr(drawing, "__len__") else -1
    if n > MAX_DRAWN:
        raise ConfigError(what, f"{n:,} points", f"at most {MAX_DRAWN:,} points")
    try:
        arr = np.asarray(drawing, float)
    except (TypeError, ValueError):
        raise ConfigError(what, "something other than points", "a list of [x, y] pairs") from None
    if arr.size == 0:
        raise ConfigError(what, "no points", f"from 2 to {MAX_DRAWN:,} points: draw something")
    if arr.ndim != 2 or arr.shape[1] != 2:
        pair = "[x, y]" if dim == 2 else "[x, height]"
        raise ConfigError(what, f"an array of shape {arr.shape}", f"a list of {pair} pairs")
    if not np.all(np.isfinite(arr)):
        raise ConfigError(what, "a missing or infinite number", "finite numbers only")
    far = np.abs(arr).max()
    if far > COORD_LIMIT:
        raise ConfigError(
            what, f"a point at {far:.3g} from 0", f"coordinates within +-{COORD_LIMIT:g}"
        )
    if dim == 2:
        if len(np.unique(arr, axis=0)) < 2:
            raise ConfigError(what, "a single point", "at least 2 different points")
        return arr
    arr = arr[np.argsort(arr[:, 0], kind="stable")]
    if len(arr) < 2:
        raise ConfigError(what, "a single point", "at least 2 control points (x, height)")
    if np.any(np.diff(arr[:, 0]) <= 0):
        x = arr[np.argmax(np.diff(arr[:, 0]) <= 0), 0]
        raise ConfigError(what, f"two control points at x = {x:g}", "one height per x")
    if np.any(arr[:, 1] < 0):
        raise ConfigError(what, f"a height of {arr[:, 1].min():g}", "heights >= 0")
    if np.sum((arr[1:, 1] + arr[:-1, 1]) * np.diff(arr[:, 0])) <= 0:
        raise ConfigError(what, "a density zero everywhere", "some height > 0")
    return arr


def drawing_2d(p: dict) -> Target:
    """The drawn points with N(0, std^2 I) noise; a square window that fits the drawing."""

    std = number_param(p, "std", lo=0.001, hi=5.0)
    pts = check_drawing(p["drawing"], 2)
    lo, hi = pts.min(0) - 4 * std, pts.max(0) + 4 * std
    mid, half = (lo + hi) / 2, (hi - lo).max() / 2 * 1.1
    window = [[mid[a] - half, mid[a] + half] for a in range(2)]
    shown = {"std": std}
    target = GaussianMixture(
        "drawing", shown, np.ones(len(pts)), pts, np.full(len(pts), std), window, modes=False
    )
    target.params = shown
    return target


class Sketch(Target):
    """A normalised piecewise-linear density through control points: exact pdf, CDF, sampler."""

    name, dim = "sketch", 1

    def __init__(self, points: np.ndarray):
        self.params = {}
        self.x = points[:, 0]
        self.width = np.diff(self.x)
        area = (points[1:, 1] + points[:-1, 1]) / 2 * self.width
        self.density = points[:, 1] / area.sum()  # p_data at the control points
        self.slope = np.diff(self.density) / self.width
        self.cum = np.concatenate([[0.0], np.cumsum(area / area.sum())])
        self.cum[-1] = 1.0
        span = self.x[-1] - self.x[0]
        lo, hi = self.x[0] - 0.1 * span, self.x[-1] + 0.1 * span
        # G starts near x = 0, so keep 0 in view, as the other 1-D targets do.
        self.window = np.array([[min(lo, -0.5), max(hi, 0.5)]])

    def pdf(self, x: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(x, float).reshape(-1), self.x, self.density, 0.0, 0.0)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float).reshape(-1)
        i = np.clip(np.searchsorted(self.x, x, side="right") - 1, 0, len(self.width) - 1)
        t = np.clip(x - self.x[i], 0.0, self.width[i])
        f = self.cum[i] + self.density[i] * t + 0.5 * self.slope[i] * t**2
        return np.clip(np.where(x >= self.x[-1], 1.0, f), 0.0, 1.0)

    def cell_mass(self, grid) -> np.ndarray:
        return np.diff(self.cdf(grid.edges[0]))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        u = rng.random(n)
        # side="right": a segment of zero area (cum[i] == cum[i+1]) is never picked
        i = np.clip(np.searchsorted(self.cum, u, side="right") - 1, 0, len(self.width) - 1)
        r = u - self.cum[i]
        d, b = self.density[i], self.slope[i]
        root = d + np.sqrt(np.maximum(d**2 + 2 * b * r, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(root > 0, 2 * r / root, 0.0)
        return (self.x[i] + np.clip(t, 0.0, self.width[i]))[:, None]


def sketch_1d(p: dict) -> Target:
    return Sketch(check_drawing(p["drawing"], 1))


# --- ready drawings and drawing files ------------------------------------------------------------


def parse_drawing_json(text: str | bytes) -> tuple[int, tuple, dict]:
    """(dim, drawing, target params) from a drawing file's text, or ConfigError in one line."""
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError("drawing file", f"{len(text):,} bytes", f"at most {MAX_FILE_BYTES:,}")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ConfigError("drawing file", f"not JSON ({err.msg})", 'e.g. {"dim": 2, ...}') from None
    if not isinstance(data, dict):
        raise ConfigError("drawing file", type(data).__name__, 'an object like {"dim": 2, ...}')
    allowed = {"dim", "points", "std", "note"}
    unknown = set(data) - allowed
    if unknown:
        raise ConfigError("drawing file", f"key {sorted(unknown)[0]!r}", ", ".join(sorted(allowed)))
    dim = data.get("dim")
    if dim not in (1, 2) or isinstance(dim, bool):
        raise ConfigError("drawing file dim", dim, "1 (a sketched density) or 2 (a drawing)")
    pts = check_drawing(data.get("points", []), dim)
    params = {}
    if "std" in data:
        if dim == 1:
            raise ConfigError("drawing file", "std with dim 1", "std only for a 2-D drawing")
        params["std"] = data["std"]
    return dim, as_drawing(pts), params


def as_drawing(points) -> tuple:
    """Points as the frozen, hashable, JSON-friendly tuple of pairs TargetConfig keeps."""
    return tuple((float(a), float(b)) for a, b in np.asarray(points, float))


@cache
def ready_drawings() -> dict[str, tuple[int, tuple, dict]]:
    """The drawings that ship with gan-viz, by name: (dim, drawing, params)."""
    return {
        path.stem: parse_drawing_json(path.read_text()) for path in sorted(READY_DIR.glob("*.json"))
    }


def default_drawing(dim: int) -> tuple:
    return ready_drawings()[DEFAULTS[dim]][1]


def resample_stroke(stroke: np.ndarray, step: float) -> np.ndarray:
    """Points every `step` along a polyline (its first point included), so that a stroke drawn
    slowly and one drawn fast weigh the same per unit of length; a single point stays one."""
    stroke = np.asarray(stroke, float).reshape(-1, 2)
    seg = np.hypot(*np.diff(stroke, axis=0).T)
    length = np.concatenate([[0.0], np.cumsum(seg)])
    if length[-1] <= 0:
        return stroke[:1]
    at = np.arange(0.0, length[-1] + 1e-12, step)
    return np.stack([np.interp(at, length, stroke[:, a]) for a in range(2)], 1)
