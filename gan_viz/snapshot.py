"""Snapshot: where the game stands at one step, as plain numpy. The one thing that crosses from
the engine to everything that draws or stores."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

# Optional array fields: absent (None) when they do not apply to a run.
_OPTIONAL = ("z_line", "x_line", "z_grid", "g_arrows", "mode_counts", "mode_centres")


@dataclass
class Snapshot:
    step: int  # iterations of Algorithm 1 done
    d_updates: int  # D gradient steps done (k per iteration, plus any Step D)
    g_updates: int  # G gradient steps done
    real: np.ndarray  # (n, dim) samples of p_data, for drawing
    fake: np.ndarray  # (n, dim) samples of p_g, for drawing
    axes: list[np.ndarray]  # grid centres per axis (x, then y)
    d: np.ndarray  # D(x) in (0, 1) on the grid: (nx,) or (ny, nx)
    p_data: np.ndarray  # p_data at resolution h on the grid
    p_g: np.ndarray  # p_g at resolution h on the grid
    d_star: np.ndarray  # p_data / (p_data + p_g) on the grid
    h: float  # smoothing width of the densities and divergences
    metrics: dict[str, float] = field(default_factory=dict)
    z_line: np.ndarray | None = None  # (K,) points of the z-line (1-D data, 1-D z)
    x_line: np.ndarray | None = None  # (K,) their images G(z)
    z_grid: np.ndarray | None = None  # (L, P, 2) G's image of z-grid lines (2-D data, z <= 2)
    g_arrows: np.ndarray | None = None  # (n, dim) -grad_x of G's loss at the first fake samples
    mode_counts: np.ndarray | None = None  # (K,) high-quality fake samples nearest each mode
    mode_centres: np.ndarray | None = None  # (K, dim)

    @property
    def dim(self) -> int:
        return self.real.shape[1]

    def __repr__(self) -> str:
        """A line for a REPL: the step, the sizes and the headline metrics, no arrays."""
        grid = "x".join(str(len(a)) for a in self.axes)
        shown = ", ".join(
            f"{k}={self.metrics[k]:.4g}" for k in ("js", "kl", "v") if k in self.metrics
        )
        return (
            f"Snapshot(step={self.step}, dim={self.dim}, grid={grid}, real={len(self.real)}, "
            f"fake={len(self.fake)}, h={self.h:.3g}" + (f", {shown}" if shown else "") + ")"
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array form for np.savez / a database blob (no pickles)."""
        out: dict[str, np.ndarray] = {
            "step": np.array(self.step),
            "d_updates": np.array(self.d_updates),
            "g_updates": np.array(self.g_updates),
            "h": np.array(self.h),
            "real": self.real,
            "fake": self.fake,
            "d": self.d,
            "p_data": self.p_data,
            "p_g": self.p_g,
            "d_star": self.d_star,
            "metrics_json": np.array(json.dumps(self.metrics)),
        }
        for i, axis in enumerate(self.axes):
            out[f"axis{i}"] = axis
        for name in _OPTIONAL:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Snapshot:
        axes = [np.asarray(arrays[f"axis{i}"]) for i in range(2) if f"axis{i}" in arrays]
        kwargs = {name: np.asarray(arrays[name]) for name in _OPTIONAL if name in arrays}
        return cls(
            step=int(arrays["step"]),
            d_updates=int(arrays["d_updates"]),
            g_updates=int(arrays["g_updates"]),
            real=np.asarray(arrays["real"]),
            fake=np.asarray(arrays["fake"]),
            axes=axes,
            d=np.asarray(arrays["d"]),
            p_data=np.asarray(arrays["p_data"]),
            p_g=np.asarray(arrays["p_g"]),
            d_star=np.asarray(arrays["d_star"]),
            h=float(arrays["h"]),
            metrics=json.loads(str(arrays["metrics_json"])),
            **kwargs,
        )

    def equals(self, other: Snapshot) -> bool:
        """Field-by-field equality, arrays compared exactly (NaN equal to NaN)."""
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, list):
                if len(a) != len(b) or not all(np.array_equal(x, y) for x, y in zip(a, b)):
                    return False
            elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if a is None or b is None or not np.array_equal(a, b, equal_nan=True):
                    return False
            elif f.name == "metrics":
                if json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True):
                    return False
            elif a != b:
                return False
        return True
