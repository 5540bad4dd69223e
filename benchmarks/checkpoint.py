"""What one checkpoint costs, against the training it protects.

A following recorder saves a checkpoint with every commit (gan_viz.store.follower,
WEIGHTS_SECONDS = FLUSH_SECONDS), so a run resumed after a kill -9 trains again at most about
FLUSH_SECONDS. This prints the cost of one checkpoint (gan_viz.toy_store.checkpoint, then
RunRecorder.save_weights: torch.save to a file, on the training thread) and its share of the
FLUSH_SECONDS of training between two: median over --saves.

    python benchmarks/checkpoint.py [--saves 30] [--target ring8] [--hidden 128]

Settings: the playground's default for the target (`default_config`), G and D widths
overridden by --hidden; the optimiser state is Adam's after --warm iterations.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

import torch

from gan_viz.presets import default_config
from gan_viz.store import FLUSH_SECONDS, RunRecorder, RunStore
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--target", default="ring8")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cfg = default_config(args.target).replace(
        nets={"g_hidden": args.hidden, "d_hidden": args.hidden}
    )
    toy = ToyGAN(cfg)
    toy.train(args.warm)  # Adam's moments exist
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(os.path.join(folder, "runs.sqlite"))
        rec = RunRecorder(store, "toy", toy.config_json(), "bench")
        times = []
        for _ in range(args.saves):
            start = time.perf_counter()
            rec.save_weights(checkpoint(toy), toy.step_count)
            times.append(time.perf_counter() - start)
        size = max(p.stat().st_size for p in store.weights_dir.glob("*"))
        rec.finish()
    one = statistics.median(times)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, {args.threads} thread(s)")  # fmt: skip
    nets = f"G and D {cfg.nets.g_depth} x {args.hidden}"
    print(f"settings: {args.target}, {nets}, {cfg.optim.optimizer}")
    spread = f"{min(times) * 1e3:.1f}-{max(times) * 1e3:.1f}"
    print(
        f"one checkpoint: {one * 1e3:.1f} ms median ({spread}), {size / 1e3:.0f} kB; "
        f"every {FLUSH_SECONDS:.0f} s of training: {one / FLUSH_SECONDS:.2%} of it"
    )


if __name__ == "__main__":
    main()
