"""Shared by the run-store tests: small real runs, and a numpy-only snapshot for writer
processes that should not spend seconds importing torch (this module imports no torch)."""

from __future__ import annotations

import numpy as np

from gan_viz.presets import default_config
from gan_viz.snapshot import Snapshot


def tiny_config(target: str = "ring8", **cadence):
    """A real run, small enough to train in well under a second."""
    return default_config(target).replace(
        nets={"g_hidden": 16, "d_hidden": 16},
        optim={"batch": 64},
        cadence={
            "record_every": 5,
            "eval_samples": 500,
            "grid": 32,
            "show_samples": 100,
            **cadence,
        },
    )


def fake_snapshot(step: int, grid: int = 16, seed: int = 0) -> Snapshot:
    """A 2-D snapshot of random numbers (incompressible: sizes are honest)."""
    rng = np.random.default_rng([seed, step])
    axis = np.linspace(-3, 3, grid)
    return Snapshot(
        step=step,
        d_updates=step,
        g_updates=step,
        real=rng.normal(size=(50, 2)).astype(np.float32),
        fake=rng.normal(size=(50, 2)).astype(np.float32),
        axes=[axis, axis],
        d=rng.random((grid, grid)).astype(np.float32),
        p_data=rng.random((grid, grid)),
        p_g=rng.random((grid, grid)),
        d_star=rng.random((grid, grid)),
        h=0.1,
        metrics={"js": float(rng.random()), "v": float("nan")},
    )
