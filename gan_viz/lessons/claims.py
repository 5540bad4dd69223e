"""A lesson's claims, checked on its recordings: a lesson never says what its run does not show.

A claim names a metric, a moment and a bound (`js at end < 0.05`). The metrics are the run's own
metric rows (js, kl, rkl, v, c, d_real, d_fake, loss_d, loss_g, grad_d, grad_g, modes, hq, ...;
see gan_viz.toy) and a few read off the recorded picture (1-D runs only):

- d_gap: how far D is from the optimal D* = p_data / (p_data + p_g) (Goodfellow et al. 2014,
  Prop. 1), the mean of |D(x) - D*(x)| weighted by (p_data + p_g) / 2: where either law has mass;
- d_half: how far D is from 1/2 where the data are, the mean of |D(x) - 1/2| weighted by p_data
  (Theorem 1: at the game's optimum D = 1/2 everywhere);
- g_mean: the mean of p_g, sum x p_g(x) / sum p_g(x) on the grid;

and a few read off the metric rows (any run):

- v_gap: C(G) - V(G, D), how far the learned D's value is below the best D's (Theorem 1:
  C(G) = max_D V = -log 4 + 2 JSD, so V <= C(G) up to sampling error);
- v_log4: |V(G, D) + log 4|, the distance of the value from its equilibrium -log 4;
- d_diff: |D(real) - D(fake)|, the gap between D's mean verdicts on each side;
- max_class_share (image runs): the largest share of G's digits that the classifier puts in one
  class, max_c class_c: 0.1 for a G that makes every digit equally often, 1 for one digit only
  (the class histogram of Salimans et al. 2016). With it, an image run's own rows: covered
  (digits covered, of 10), recognised (share judged with confidence > 0.9), class_kl, fd.

A Dirac-GAN run (gan_viz.lessons.theory_recording) has its own rows: theta, psi, radius (the
distance |(theta, psi)| from the equilibrium), radius_max and radius_min (over every iterate so
far), rho (the spectral radius of the update at the equilibrium), lambda_re and lambda_im (the
field's Jacobian's eigenvalues there). An f-GAN bound run has bound, d_f, shortfall and
shortfall_min (gan_viz.lessons.theory_recording).

A many-seeds step's claims read aggregates over its seeds, of its run or (`of = "compare"`) of
its second setting (gan_viz.lessons.seeds): seeds_collapsed (seeds with fewer than half of the
modes), seeds_all_modes, median_modes, min_modes, max_modes, median_hq, collapsed_max_hq (the
sharpest collapsed seed's high-quality share: near 0, its samples are off the modes altogether);
widest_hq (the high-quality share of the seed with the most modes); a table step's also
mean_modes, mean_hq, mean_mode_kl and mean_js, of any row (`of` its label).

The moment is "start" (the first frame), "end" (the last) or an iteration (the nearest frame).
"""

from __future__ import annotations

import operator

import numpy as np

from gan_viz.lessons.format import Claim
from gan_viz.lessons.recording import Replay
from gan_viz.lessons.seeds import SeedsReplay, aggregate

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
PICTURE_METRICS = ("d_gap", "d_half", "g_mean")
ROW_METRICS = {
    "v_gap": lambda row: row["c"] - row["v"],
    "v_log4": lambda row: abs(row["v"] + np.log(4.0)),
    "d_diff": lambda row: abs(row["d_real"] - row["d_fake"]),
    "max_class_share": lambda row: max(row[f"class_{c}"] for c in range(10)),
}


def frame_at(replay: Replay | SeedsReplay, at: str | int) -> int:
    if at == "start":
        return 0
    if at == "end":
        return replay.n_frames - 1
    return int(np.argmin(np.abs(replay.iterations - int(at))))


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    keep = np.isfinite(values) & (weights > 0)
    return float(np.sum(values[keep] * weights[keep]) / np.sum(weights[keep]))


def metric_value(replay: Replay, metric: str, frame: int) -> float:
    """The value of `metric` at frame `frame`; KeyError naming what exists if it is unknown."""
    if metric in PICTURE_METRICS:
        if replay.kind != "game" or replay.dim != 1:
            raise KeyError(f"{metric} is defined on 1-D runs only")
        snap = replay.snapshot(frame)
        if metric == "d_gap":
            return _weighted_mean(np.abs(snap.d - snap.d_star), snap.p_data + snap.p_g)
        if metric == "d_half":
            return _weighted_mean(np.abs(snap.d - 0.5), snap.p_data)
        return _weighted_mean(snap.axes[0], snap.p_g)
    if metric in ROW_METRICS:
        return float(ROW_METRICS[metric]({k: v[frame] for k, v in replay.columns.items()}))
    if metric not in replay.columns:
        known = ", ".join(sorted(replay.columns) + list(PICTURE_METRICS) + list(ROW_METRICS))
        raise KeyError(f"no metric {metric!r}; known: {known}")
    return float(replay.columns[metric][frame])


def check(replay: Replay | SeedsReplay, claim: Claim) -> tuple[bool, float]:
    """Whether the claim holds on the recording, and the value it read."""
    frame = frame_at(replay, claim.at)
    if isinstance(replay, SeedsReplay):
        value = aggregate(replay, claim.metric, claim.of, frame)
    else:
        value = metric_value(replay, claim.metric, frame)
    return bool(np.isfinite(value) and OPS[claim.op](value, claim.value)), value
