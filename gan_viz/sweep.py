"""Sweeps: configurations x seeds, scored the way VEEGAN and PacGAN score mode collapse.

Each run trains a toy GAN for its steps, then draws `samples` (2,500, as Srivastava et al. 2017
and Lin et al. 2018 do) fresh samples of the final generator and measures (gan_viz.measure.
mode_metrics): modes captured, the share of high-quality samples (within 3 std of the nearest
mode) and the reverse KL between the high-quality samples' mode histogram and the uniform one.
`summarise` reduces the runs of each configuration to mean and standard deviation over seeds
(sample std, ddof = 1), the form of VEEGAN's Table 1 and PacGAN's Table 1.

Runs go to worker processes, each with one torch thread: on a CPU a toy run's small matmuls do
not scale past one or two threads, so W processes of one thread finish W runs in about the time
of one. Workers are spawned (not forked), so no torch thread pool is copied into a child.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np

from gan_viz.measure import MODE_SAMPLES, mode_metrics


@dataclass(frozen=True)
class SweepRun:
    label: str  # the configuration's name in the table, e.g. "ring-pacgan" or "ring8 pack=2"
    config: dict  # RunConfig.to_dict() with the seed set
    steps: int  # iterations to train
    samples: int = MODE_SAMPLES  # generated samples behind the final mode metrics


@dataclass
class RunResult:
    label: str
    seed: int
    steps: int  # iterations actually run (fewer if the run diverged)
    modes: float  # modes captured (NaN if diverged)
    n_modes: int  # modes of the target
    hq: float  # share of high-quality samples, 0..1
    mode_kl: float  # KL(high-quality mode histogram || uniform), nats; NaN without HQ samples
    js: float  # JS(p_data, p_g) at resolution h at the end, nats
    seconds: float  # wall time of the training (not the measuring), s
    diverged: str = ""  # the divergence message, if any


def run_one(run: SweepRun, threads: int | None = 1) -> RunResult:
    """Train one configuration for its steps and score its final generator."""
    import torch

    from gan_viz.config import RunConfig
    from gan_viz.toy import ToyGAN

    if threads:
        torch.set_num_threads(threads)
    cfg = RunConfig.from_dict(run.config)
    # Only the end counts: one metric row at the end instead of one every few steps.
    cfg = cfg.replace(cadence={"record_every": max(run.steps, 1), "max_snapshots": 2})
    toy = ToyGAN(cfg)
    start = time.perf_counter()
    toy.train(run.steps)
    seconds = time.perf_counter() - start
    modes = toy.target.modes
    if toy.diverged:
        return RunResult(
            run.label, cfg.seed, toy.step_count, math.nan, len(modes.centres), math.nan,
            math.nan, math.nan, seconds, toy.diverged,
        )  # fmt: skip
    x = toy.sample(run.samples, seed=cfg.seed + 101)  # fresh z, not the z behind the plots
    mm = mode_metrics(x, modes)
    js = toy.history.last_row().get("js", math.nan)
    return RunResult(
        run.label, cfg.seed, toy.step_count, float(mm["modes"]), len(modes.centres),
        mm["hq"], mm["mode_kl"], js, seconds,
    )  # fmt: skip


def default_workers(n_runs: int) -> int:
    """One single-threaded worker per core, no more than there are runs."""
    return max(1, min(os.cpu_count() or 1, n_runs))


def run_sweep(
    runs: Sequence[SweepRun],
    workers: int = 1,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Every run, in `workers` spawned processes (1 = here, in this process). Results come back
    in the order of `runs`; on_result is called as each one finishes."""
    results: list[RunResult | None] = [None] * len(runs)
    if workers <= 1:
        for i, r in enumerate(runs):
            results[i] = run_one(r, threads=None)
            if on_result:
                on_result(results[i])
        return results  # type: ignore[return-value]
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(run_one, r, 1): i for i, r in enumerate(runs)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if on_result:
                on_result(results[i])
    return results  # type: ignore[return-value]


@dataclass
class Summary:
    label: str
    n_modes: int
    seeds: int  # runs of this configuration
    diverged: int  # of which diverged (left out of the means)
    mean: dict[str, float] = field(default_factory=dict)  # modes, hq (%), mode_kl, js, seconds
    std: dict[str, float] = field(default_factory=dict)  # sample std over seeds (ddof = 1)


METRICS = ("modes", "hq", "mode_kl", "js", "seconds")


def _mean_std(values: list[float]) -> tuple[float, float]:
    v = np.asarray([x for x in values if math.isfinite(x)], float)
    if len(v) == 0:
        return math.nan, math.nan
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def summarise(results: Sequence[RunResult]) -> list[Summary]:
    """Mean and std over seeds per configuration, in the order configurations first appear.
    hq is in percent, as in the papers' tables."""
    order: list[str] = []
    by_label: dict[str, list[RunResult]] = {}
    for r in results:
        if r.label not in by_label:
            order.append(r.label)
            by_label[r.label] = []
        by_label[r.label].append(r)
    out = []
    for label in order:
        rs = by_label[label]
        ok = [r for r in rs if not r.diverged]
        s = Summary(label, rs[0].n_modes, len(rs), len(rs) - len(ok))
        for key in METRICS:
            scale = 100.0 if key == "hq" else 1.0
            s.mean[key], s.std[key] = _mean_std([scale * getattr(r, key) for r in ok])
        out.append(s)
    return out


def _pm(mean: float, std: float, digits: int) -> str:
    if not math.isfinite(mean):
        return "n/a"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


TABLE_HEADER = (
    "configuration",
    "modes captured",
    "high-quality samples (%)",
    "reverse KL (nats)",
    "JS (nats)",
    "seeds",
    "train s/run",
)


def table_rows(summaries: Sequence[Summary]) -> list[tuple[str, ...]]:
    """One row of strings per configuration, columns as TABLE_HEADER."""
    rows = []
    for s in summaries:
        seeds = f"{s.seeds}" + (f" ({s.diverged} diverged)" if s.diverged else "")
        rows.append(
            (
                s.label,
                f"{_pm(s.mean['modes'], s.std['modes'], 1)} / {s.n_modes}",
                _pm(s.mean["hq"], s.std["hq"], 1),
                _pm(s.mean["mode_kl"], s.std["mode_kl"], 2),
                _pm(s.mean["js"], s.std["js"], 3),
                seeds,
                f"{s.mean['seconds']:.0f}" if math.isfinite(s.mean["seconds"]) else "n/a",
            )
        )
    return rows


def markdown_table(summaries: Sequence[Summary]) -> str:
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(summaries)]
    return "\n".join(lines) + "\n"


def text_table(summaries: Sequence[Summary]) -> str:
    """The same table with aligned columns, for a terminal."""
    rows = [TABLE_HEADER, *table_rows(summaries)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(TABLE_HEADER))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*rows[0]), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in rows[1:]]
    return "\n".join(lines) + "\n"
