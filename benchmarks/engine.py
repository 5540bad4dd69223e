"""Engine speed against a plain torch loop of the same maths, measured in the same run.

Settings (DESIGN.md, "Facts measured here"): ring8, z-dim 256, G and D 2 x 128 ReLU, batch 512,
Adam 1e-4 with betas (0.5, 0.999), k = 1. The engine records a metric row and a snapshot every
100 iterations (JS/KL on the grid, mode metrics, D on the grid); the plain loop records nothing.
Chunks of 100 iterations alternate engine and plain loop, so drift in the machine's speed hits
both alike.

    python benchmarks/engine.py [--chunks 30] [--device auto]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import time

import torch
from torch import nn

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.device import describe, resolve_device
from gan_viz.toy import ToyGAN

Z, H, BATCH, LR = 256, 128, 512, 1e-4
CHUNK = 100  # iterations per timed chunk: one recording period


def engine_config(device: str) -> RunConfig:
    return RunConfig(
        target=TargetConfig("ring8"),
        noise=NoiseConfig("normal", Z),
        nets=NetConfig(g_hidden=H, g_depth=2, d_hidden=H, d_depth=2, activation="relu"),
        optim=OptimConfig(lr_d=LR, lr_g=LR, beta1=0.5, beta2=0.999, batch=BATCH, d_steps=1),
        cadence=CadenceConfig(record_every=100, snapshot_every=1000),
        device=device,
    )


class PlainLoop:
    """A textbook torch GAN loop (BCEWithLogits, detach for D's step), no recording."""

    def __init__(self, device: torch.device):
        torch.manual_seed(0)
        G = nn.Sequential(nn.Linear(Z, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, 2))
        D = nn.Sequential(nn.Linear(2, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, 1))
        self.G, self.D, self.device = G.to(device), D.to(device), device
        self.opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=(0.5, 0.999))
        self.bce = nn.BCEWithLogitsLoss()
        self.ones = torch.ones(BATCH, 1, device=device)
        self.zeros = torch.zeros(BATCH, 1, device=device)
        angles = 2 * math.pi * torch.arange(8, device=device) / 8
        self.centres = 2.0 * torch.stack([torch.cos(angles), torch.sin(angles)], 1)

    def sample_real(self) -> torch.Tensor:
        k = torch.randint(0, 8, (BATCH,), device=self.device)
        return self.centres[k] + 0.02 * torch.randn(BATCH, 2, device=self.device)

    def train(self, iters: int) -> None:
        G, D, bce, dev = self.G, self.D, self.bce, self.device
        for _ in range(iters):
            fake = G(torch.randn(BATCH, Z, device=dev))
            loss_d = bce(D(self.sample_real()), self.ones) + bce(D(fake.detach()), self.zeros)
            self.opt_d.zero_grad()
            loss_d.backward()
            self.opt_d.step()
            loss_g = bce(D(G(torch.randn(BATCH, Z, device=dev))), self.ones)
            self.opt_g.zero_grad()
            loss_g.backward()
            self.opt_g.step()


def timed(train, iters: int, device) -> float:
    _sync(device)
    start = time.perf_counter()
    train(iters)
    _sync(device)
    return time.perf_counter() - start


def _sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=30, help="pairs of 100-iteration chunks")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = resolve_device(args.device)
    run, plain = ToyGAN(engine_config(str(device))), PlainLoop(device)
    run.train(50)
    plain.train(50)
    # Chunks of one recording period each (100 iterations: one metric row, and a snapshot every
    # tenth chunk), engine and plain loop alternating, so a change in the machine's load hits
    # both alike; the ratio is of total times, with the median of per-pair ratios beside it.
    t_engine, t_plain, pairs = 0.0, 0.0, []
    for _ in range(args.chunks):
        e = timed(run.train, CHUNK, device)
        p = timed(plain.train, CHUNK, device)
        t_engine, t_plain = t_engine + e, t_plain + p
        pairs.append(p / e)
    iters = args.chunks * CHUNK
    print(
        f"machine: {platform.processor() or platform.machine()}, {describe(device)}, "
        f"torch {torch.__version__}"
    )
    print(
        f"settings: ring8, z {Z}, G/D 2x{H} ReLU, batch {BATCH}, Adam {LR:g} (0.5, 0.999), k 1; "
        f"engine records a metric row every 100 iterations and a snapshot every 1000; "
        f"{args.chunks} alternating chunks of {CHUNK}"
    )
    print(f"engine      {iters / t_engine:7.1f} it/s  ({len(run.history.columns()['step'])} rows)")
    print(f"plain loop  {iters / t_plain:7.1f} it/s")
    print(
        f"ratio engine / plain = {t_plain / t_engine:.2f}x  (target >= 1.0x; median of "
        f"chunk pairs {statistics.median(pairs):.2f}x)"
    )


if __name__ == "__main__":
    main()
