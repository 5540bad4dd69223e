"""Wall time of each mode-collapse preset, run as `gan-viz train --preset NAME` runs it.

The issue asks each preset to finish in under 2 minutes on a 2-core CPU. This runs every preset
of the "mode collapse" group for its full steps with its own cadence (metric rows and snapshots
as the app records them), in this process, and prints seconds per run, iterations per second and
the budget ratio (time / 120 s; < 1 passes), with the machine and the settings. Medians over
--rounds. The reference measured in the same run is each target's collapse preset (the same
data and networks without a cure), so a cure's cost also reads as a ratio to it.

    python benchmarks/collapse_presets.py [--rounds 1] [--threads 2] [--only ring-unrolled]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import torch

from gan_viz.device import describe, resolve_device
from gan_viz.presets import PRESETS
from gan_viz.toy import ToyGAN

BUDGET_S = 120.0


def time_preset(name: str) -> tuple[float, int]:
    preset = PRESETS[name]
    start = time.perf_counter()
    run = ToyGAN(preset.config)
    done = run.train(preset.steps)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", action="append", default=[], help="preset name; repeatable")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    names = args.only or [n for n, p in PRESETS.items() if p.group == "mode collapse"]
    device = resolve_device(PRESETS[names[0]].config.device)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, {args.threads} threads, device {describe(device)}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    head = ("preset", "steps", "median s", "it/s", "vs 120 s", "vs collapse")
    print(f"{head[0]:<16} {head[1]:>6} {head[2]:>9} {head[3]:>7} {head[4]:>9} {head[5]:>12}")
    medians: dict[str, float] = {}
    for name in names:
        times, steps = [], 0
        for _ in range(args.rounds):
            seconds, steps = time_preset(name)
            times.append(seconds)
        med = medians[name] = statistics.median(times)
        ref = medians.get(name.split("-")[0] + "-collapse")
        ratio = f"{med / ref:>12.2f}" if ref else f"{'n/a':>12}"
        print(
            f"{name:<16} {steps:>6} {med:>9.1f} {steps / med:>7.0f} {med / BUDGET_S:>9.2f}{ratio}"
        )


if __name__ == "__main__":
    main()
