"""Cost of measuring one snapshot, 1-D and 2-D (targets: <= 20 ms in 1-D, <= 100 ms in 2-D).

A metric row (`measure` of the run as it stands: G on the evaluation noise, D on real and fake,
JS/KL/reverse KL at resolution h, W1, V, mode metrics) and a full snapshot (the row plus D on the
whole grid, the z -> x mapping and G's gradient arrows), each timed `--repeat` times;
medians printed.

    python benchmarks/measure.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from functools import partial

import torch

from gan_viz.device import describe
from gan_viz.presets import default_config
from gan_viz.toy import ToyGAN

CASES = {
    "1-D bimodal, z 1, default nets": default_config("bimodal"),
    "1-D bimodal, z 8 (sampled p_g)": default_config("bimodal").replace(noise={"dim": 8}),
    "2-D ring8, z 2, default nets": default_config("ring8"),
    "2-D ring8, z 256, 2x128 (engine benchmark nets)": default_config("ring8").replace(
        noise={"dim": 256}
    ),
}


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {describe(torch.device('cpu'))}, torch {torch.__version__}"
    )
    for name, cfg in CASES.items():
        run = ToyGAN(cfg)
        run.train(200)
        row = median_ms(partial(run.measure, run.capture(copy=False), False), args.repeat)
        snap = median_ms(run.snapshot, args.repeat)
        c = run.cfg.cadence
        print(
            f"{name:<48} row {row:6.1f} ms   snapshot {snap:6.1f} ms   "
            f"({c.eval_samples} eval samples, grid {run.grid.shape})"
        )


if __name__ == "__main__":
    main()
