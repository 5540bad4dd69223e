"""What recording into the run store costs, and what a long run leaves on disk.

    python benchmarks/store.py [--iters 2000] [--rounds 3]      # it/s with and without the store
    python benchmarks/store.py --long 100000                     # + size of a 100k-step run,
                                                                 #   export and import times

Settings: the playground's 2-D default (`default_config("ring8")`: G and D 2 x 128 ReLU, z 2-D,
batch 256, Adam 1e-3) with the default cadence (a metric row and a snapshot every 10
iterations, 10,000 evaluation samples, a 128 x 128 grid). The training loop is `gan-viz
train`'s (gan_viz.cli.train.train_loop); the recording side is a RunRecorder fed by a
ToyFollower, as the CLI does. Rounds alternate with and without the store, each on a fresh
run from the same seed, so drift in the machine's speed hits both alike; medians are quoted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch

from gan_viz.cli.train import train_loop
from gan_viz.presets import default_config
from gan_viz.store import RunRecorder, RunStore
from gan_viz.store.archive import export_archive, import_archive
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower


class TimedFollower(ToyFollower):
    """A ToyFollower that adds up the wall time spent in it (all the store's work: copying
    rows, encoding snapshots, committing, saving weights)."""

    seconds = 0.0

    def poll(self, force: bool = False) -> None:
        start = time.perf_counter()
        super().poll(force)
        self.seconds += time.perf_counter() - start


def one_run(iters: int, store: RunStore | None) -> tuple[float, float, int | None]:
    """A fresh default ring8 run (recorded when a store is given): iterations per second,
    the share of its time spent recording, and its run id."""
    toy = ToyGAN(default_config("ring8"))
    follower = None
    if store is not None:
        rec = RunRecorder(store, "toy", toy.config_json(), name="benchmark")
        follower = TimedFollower(toy, rec)
    start = time.perf_counter()
    train_loop(toy, iters, quiet=True, follower=follower)
    seconds = time.perf_counter() - start
    if follower is None:
        return iters / seconds, 0.0, None
    return iters / seconds, follower.seconds / seconds, follower.recorder.run_id


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long", type=int, default=0, help="steps of the long run (0: none)")
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "runs.sqlite")
        plain, stored, shares = [], [], []
        for _ in range(args.rounds):
            plain.append(one_run(args.iters, None)[0])
            rate, share, _ = one_run(args.iters, store)
            stored.append(rate)
            shares.append(share)
        p, s = statistics.median(plain), statistics.median(stored)
        print(f"ring8 default cadence, {args.iters} iterations, {args.rounds} rounds (medians):")
        print(f"  without the store {p:7.1f} it/s   rounds {[round(x, 1) for x in plain]}")
        print(f"  recorded          {s:7.1f} it/s   rounds {[round(x, 1) for x in stored]}")
        print(f"  recorded / plain  {s / p:.3f}")
        print(f"  time spent in the recorder: {100 * statistics.median(shares):.1f}% of the run")

        if args.long:
            long_store = RunStore(Path(tmp) / "long.sqlite")
            start = time.perf_counter()
            rate, share, run_id = one_run(args.long, long_store)
            info, size = long_store.run(run_id), long_store.size()
            print(f"{args.long}-step run in {time.perf_counter() - start:.0f} s ({rate:.1f} it/s):")
            print(
                f"  {info.rows} metric rows ({mb(long_store.open(run_id).rows_bytes())}), "
                f"{info.snapshots} snapshots ({mb(info.snapshot_bytes)})"
            )
            print(
                f"  store on disk {mb(size.total)}: database {mb(size.database)}, "
                f"weights {mb(size.weights)}"
            )
            archive = Path(tmp) / "run.zip"
            start = time.perf_counter()
            export_archive(long_store, run_id, archive)
            seconds, packed = time.perf_counter() - start, archive.stat().st_size
            print(f"  export: {seconds:.2f} s, archive {mb(packed)}")
            start = time.perf_counter()
            import_archive(store, archive)
            print(f"  import (every array checked): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
