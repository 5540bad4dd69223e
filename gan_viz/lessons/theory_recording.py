"""A theory lab experiment recorded for a lesson: the Dirac-GAN's iterates and its field.

The Dirac-GAN (Mescheder, Geiger, Nowozin 2018, Sec. 2; gan_viz.theory.dirac) is numpy and
deterministic, so its recording is exact and small. It keeps:

- `path`: every iterate (theta, psi), float64, from the start to the last iteration;
- `iteration`: the iterations of the recorded frames (the start, then every iterations/frames);
- `field_axis`, `field`: the gradient field v = (v_theta, v_psi) on a grid over the pictured
  window [-span, span]^2 (gan_viz.theory.dirac.field_grid), float32: drawn, not measured;
- `eig_update`, `eig_closed`: the eigenvalues of the update's Jacobian at the equilibrium,
  measured by central differences of one actual update and from the paper's closed form, as
  the theory lab's eigenvalue plane draws them (complex128; empty for WGAN-GP, whose field has
  a kink there);
- the metric rows, one per frame (float64), which the claims read:
  theta, psi; radius = |(theta, psi)|, the distance from the equilibrium (0, 0);
  radius_max and radius_min, the largest and smallest distance over every iterate so far (not
  only the recorded frames); rho, the spectral radius of the update's Jacobian (< 1: the
  iterates converge near (0, 0); = 1: they circle; > 1: they spiral out), and lambda_re,
  lambda_im, the largest real and imaginary parts of the eigenvalues of the field's Jacobian
  (the plain GAN: 0 and f'(0) = 1/2, a pure rotation).
"""

from __future__ import annotations

import json

import numpy as np

from gan_viz.lessons.format import DiracRun
from gan_viz.theory import dirac

FIELD_CELLS = 25  # grid points per axis of the pictured field (the theory lab's own)


def record_dirac(run: DiracRun) -> dict[str, np.ndarray]:
    """Iterate the Dirac-GAN from its start and return the recording's arrays."""
    cfg = run.config()
    game = dirac.DiracGame(cfg)
    game.step(run.iterations)
    if game.diverged:
        raise RuntimeError(f"the recorded Dirac-GAN {game.diverged}")
    path = game.points()
    every = run.iterations // run.frames
    frames = np.arange(0, run.iterations + 1, every)
    radius = np.hypot(path[:, 0], path[:, 1])
    measured = dirac.update_jacobian(cfg)
    eig_update = np.zeros(0, complex) if measured is None else np.linalg.eigvals(measured)
    closed = dirac.update_eigenvalues_closed_form(cfg)
    eig_closed = np.zeros(0, complex) if closed is None else np.asarray(closed, complex)
    field_eig = dirac.field_eigenvalues_closed_form(cfg)
    axis, _, v_theta, v_psi = dirac.field_grid(cfg, run.span, FIELD_CELLS)
    n = len(frames)
    rows = {
        "step": frames.astype(float),
        "theta": path[frames, 0],
        "psi": path[frames, 1],
        "radius": radius[frames],
        "radius_max": np.maximum.accumulate(radius)[frames],
        "radius_min": np.minimum.accumulate(radius)[frames],
        "rho": np.full(n, np.max(np.abs(eig_update)) if eig_update.size else np.nan),
        "lambda_re": np.full(n, np.nan if field_eig is None else field_eig.real.max()),
        "lambda_im": np.full(n, np.nan if field_eig is None else field_eig.imag.max()),
    }
    names = sorted(rows)
    return {
        "iteration": frames.astype(np.int64),
        "path": path,
        "field_axis": axis.astype(np.float32),
        "field": np.stack([v_theta, v_psi]).astype(np.float32),
        "eig_update": eig_update.astype(np.complex128),
        "eig_closed": eig_closed.astype(np.complex128),
        "metric_names": np.array(json.dumps(names)),
        "metrics": np.stack([rows[k] for k in names], axis=1),
    }


def complete(arrays: dict[str, np.ndarray], n_frames: int) -> bool:
    """Whether a loaded Dirac recording holds what its views draw, its frames lined up."""
    needed = ("path", "field_axis", "field", "eig_update", "eig_closed")
    if any(k not in arrays for k in needed):
        return False
    iterations = arrays["iteration"]
    path, field = arrays["path"], arrays["field"]
    cells = len(arrays["field_axis"])
    return (
        path.ndim == 2
        and path.shape[1] == 2
        and len(path) == int(iterations[-1]) + 1
        and field.shape == (2, cells, cells)
        and n_frames == len(iterations)
    )
