"""Engine speed against a plain torch loop of the same maths, measured in the same run.

Settings (DESIGN.md, "Facts measured here"): ring8, z-dim 256, G and D 2 x 128 ReLU, batch 512,
Adam 1e-4 with betas (0.5, 0.999), k = 1. The engine records a metric row and a snapshot every
100 iterations (JS/KL on the grid, mode metrics, D on the grid); the plain loop records nothing.
Rounds alternate engine and plain loop so drift in the machine's speed hits both alike.

    python benchmarks/engine.py [--iters 1500] [--rounds 5] [--device auto]
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


def engine_config(device: str) -> RunConfig:
    return RunConfig(
        target=TargetConfig("ring8"),
        noise=NoiseConfig("normal", Z),
        nets=NetConfig(g_hidden=H, g_depth=2, d_hidden=H, d_depth=2, activation="relu"),
        optim=OptimConfig(lr_d=LR, lr_g=LR, beta1=0.5, beta2=0.999, batch=BATCH, d_steps=1),
        cadence=CadenceConfig(record_every=100, snapshot_every=1000),
        device=device,
    )


def plain_loop(iters: int, device: torch.device) -> float:
    """A textbook torch GAN loop (BCEWithLogits, detach for D's step); returns it/s."""
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(Z, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, 2))
    D = nn.Sequential(nn.Linear(2, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, 1))
    G, D = G.to(device), D.to(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones = torch.ones(BATCH, 1, device=device)
    zeros = torch.zeros(BATCH, 1, device=device)
    angles = 2 * math.pi * torch.arange(8, device=device) / 8
    centres = 2.0 * torch.stack([torch.cos(angles), torch.sin(angles)], 1)

    def sample_real() -> torch.Tensor:
        k = torch.randint(0, 8, (BATCH,), device=device)
        return centres[k] + 0.02 * torch.randn(BATCH, 2, device=device)

    def one() -> None:
        fake = G(torch.randn(BATCH, Z, device=device))
        loss_d = bce(D(sample_real()), ones) + bce(D(fake.detach()), zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = bce(D(G(torch.randn(BATCH, Z, device=device))), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    for _ in range(20):
        one()
    _sync(device)
    start = time.perf_counter()
    for _ in range(iters):
        one()
    _sync(device)
    return iters / (time.perf_counter() - start)


def engine_loop(iters: int, device: str) -> float:
    run = ToyGAN(engine_config(device))
    run.train(20)
    _sync(run.device)
    start = time.perf_counter()
    run.train(iters)
    _sync(run.device)
    return iters / (time.perf_counter() - start)


def _sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = resolve_device(args.device)
    engine, plain = [], []
    for _ in range(args.rounds):
        engine.append(engine_loop(args.iters, str(device)))
        plain.append(plain_loop(args.iters, device))
    e, p = statistics.median(engine), statistics.median(plain)
    print(
        f"machine: {platform.processor() or platform.machine()}, {describe(device)}, "
        f"torch {torch.__version__}"
    )
    print(
        f"settings: ring8, z {Z}, G/D 2x{H} ReLU, batch {BATCH}, Adam {LR:g} (0.5, 0.999), "
        f"k 1; engine records every 100 iterations; {args.rounds} rounds of {args.iters}"
    )
    print(f"engine     {e:7.1f} it/s  (rounds: {', '.join(f'{x:.0f}' for x in engine)})")
    print(f"plain loop {p:7.1f} it/s  (rounds: {', '.join(f'{x:.0f}' for x in plain)})")
    print(f"ratio engine / plain = {e / p:.2f}x  (target >= 1.0x)")


if __name__ == "__main__":
    main()
