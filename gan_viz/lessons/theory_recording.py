"""A theory lab experiment recorded for a lesson: the Dirac-GAN's iterates and its field, or the
f-GAN critic's bound rising to D_f.

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

The f-GAN bound (Nowozin et al. 2016, Eq. 4; gan_viz.theory.fgan.VariationalBound) trains a
small critic with torch, on the CPU with one thread and the run's seed, so recording it twice
gives the same arrays. It keeps, on at most FGAN_POINTS points of the grid where p_data or p_g
has mass: `x`, the densities `p` and `q`, the optimal critic `t_star` = f'(p/q), and the learned
critic `t` at each frame (float32: drawn, not measured); and the metric rows bound (the critic's
E_p[T] - E_q[f*(T)], nats), d_f (D_f(p_data || p_g) by quadrature), shortfall
((d_f - bound) / |d_f|) and shortfall_min (its least over the frames so far: >= 0 says the
bound never crossed D_f), kept whole.
"""

from __future__ import annotations

import json

import numpy as np

from gan_viz.lessons.theory_runs import DiracRun, FganRun
from gan_viz.theory import dirac

FIELD_CELLS = 25  # grid points per axis of the pictured field (the theory lab's own)
FGAN_POINTS = 512  # of the critic's 2,048-cell grid: a smooth curve on screen


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
    return {
        "iteration": frames.astype(np.int64),
        "path": path,
        "field_axis": axis.astype(np.float32),
        "field": np.stack([v_theta, v_psi]).astype(np.float32),
        "eig_update": eig_update.astype(np.complex128),
        "eig_closed": eig_closed.astype(np.complex128),
        **_rows(rows),
    }


def _rows(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    names = sorted(rows)
    return {
        "metric_names": np.array(json.dumps(names)),
        "metrics": np.stack([np.asarray(rows[k], np.float64) for k in names], axis=1),
    }


def record_fgan(run: FganRun) -> dict[str, np.ndarray]:
    """Train the critic from its seed and return the recording's arrays."""
    import torch

    from gan_viz.theory.fgan import VariationalBound

    p, q = run.laws()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same sums in the same order, every time
    try:
        lab = VariationalBound(run.divergence, p, q, run.critic())
        x = lab.grid.axes[0]
        p_x, q_x = lab.mass_p / lab.grid.cell, lab.mass_q / lab.grid.cell
        where = np.flatnonzero(p_x + q_x > 1e-3 * max(p_x.max(), q_x.max()))
        keep = np.arange(where[0], where[-1] + 1)
        keep = keep[:: max(1, -(-len(keep) // FGAN_POINTS))]
        every = run.iterations // run.frames
        critics = [lab.critic()[0][keep]]
        for _ in range(run.frames):
            lab.step(every)
            lab.record()
            critics.append(lab.critic()[0][keep])
        if lab.diverged:
            raise RuntimeError(f"the recorded critic: {lab.diverged}")
        t_star = lab.t_star()[keep]
    finally:
        torch.set_num_threads(threads)
    bound = np.asarray(lab.history["bound"])
    return {
        "iteration": np.asarray(lab.history["step"], np.int64),
        "x": x[keep].astype(np.float32),
        "p": p_x[keep].astype(np.float32),
        "q": q_x[keep].astype(np.float32),
        "t_star": t_star.astype(np.float32),
        "t": np.stack(critics).astype(np.float32),
        "divergence": np.array(run.divergence),  # names the f for the pictures' labels
        **_rows(
            {
                "step": np.asarray(lab.history["step"]),
                "bound": bound,
                "d_f": np.full(len(bound), lab.true),
                "shortfall": (lab.true - bound) / abs(lab.true),
                "shortfall_min": np.minimum.accumulate((lab.true - bound) / abs(lab.true)),
            }
        ),
    }


def complete(arrays: dict[str, np.ndarray], n_frames: int, kind: str = "dirac") -> bool:
    """Whether a loaded theory recording holds what its views draw, its frames lined up."""
    if n_frames < 2:  # no frames, or no iterations at all
        return False
    if kind == "fgan":
        needed = ("x", "p", "q", "t_star", "t", "divergence")
        if any(k not in arrays for k in needed):
            return False
        n = len(arrays["x"])
        lines = [arrays[k] for k in ("p", "q", "t_star")]
        return all(a.shape == (n,) for a in lines) and arrays["t"].shape == (n_frames, n)
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
