"""ImageSnapshot: one evaluation of an image run, as plain numpy (no torch, no pickles)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

_OPTIONAL = ("grid_labels",)


@dataclass
class ImageSnapshot:
    step: int  # iterations of Algorithm 1 done
    d_updates: int  # D gradient steps done
    g_updates: int  # G gradient steps done
    grid: np.ndarray  # (k, 28, 28) uint8: G's digits from the run's fixed noise (same z always)
    grid_class: np.ndarray  # (k,) the classifier's digit for each grid image
    grid_confidence: np.ndarray  # (k,) its max-softmax probability
    class_counts: np.ndarray  # (10,) generated digits per class (argmax), of eval_samples
    recognised_counts: np.ndarray  # (10,) of those, the ones recognised with confidence > 0.9
    d_real: np.ndarray  # (r,) D(x) in (0, 1) on fixed real training digits
    d_fake: np.ndarray  # (r,) D(G(z)) on as many generated digits
    metrics: dict[str, float] = field(default_factory=dict)  # the history row of this step
    grid_labels: np.ndarray | None = None  # (k,) the digit asked of a conditional G per cell

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array form for np.savez / a database blob (no pickles)."""
        out = {
            f.name: np.asarray(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "metrics" and getattr(self, f.name) is not None
        }
        out["metrics_json"] = np.array(json.dumps(self.metrics, sort_keys=True))
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> ImageSnapshot:
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name == "metrics" or f.name not in arrays:
                continue
            value = np.array(arrays[f.name])  # a copy: the snapshot owns its arrays
            kwargs[f.name] = int(value) if f.name in ("step", "d_updates", "g_updates") else value
        return cls(metrics=json.loads(str(arrays["metrics_json"])), **kwargs)

    def equals(self, other: ImageSnapshot) -> bool:
        """Field-by-field equality, arrays compared exactly (NaN equal to NaN)."""
        a, b = self.to_arrays(), other.to_arrays()
        if a.keys() != b.keys():
            return False
        return all(np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f") for k in a)
