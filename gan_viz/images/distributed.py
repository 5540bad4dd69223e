"""Data-parallel image runs with torch's own DistributedDataParallel, started by `torchrun`.

    torchrun --nproc_per_node N -m gan_viz train-images --model dcgan --batch 256 ...

Each of the N processes holds a replica of G and D and draws its own share m / N of every
minibatch (its own data and noise streams). DDP averages the gradients over the processes, so a
step is Algorithm 1's step on the whole minibatch m, as in one process: `--batch` means the same
thing at any N. One caveat: G's batch norm normalises each process's share with its own
statistics (as DDP does unless a model asks for SyncBatchNorm, which is GPU-only).

Only rank 0 measures (classifier, Frechet distance) and writes files; every rank takes part in
the divergence check, so all stop together. Backend: NCCL on CUDA GPUs, gloo on CPUs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from gan_viz.device import resolve_device
from gan_viz.errors import ConfigError


@dataclass(frozen=True)
class DistContext:
    rank: int  # this process, 0 .. world - 1; rank 0 measures and writes
    world: int  # number of processes
    device: torch.device  # this process's device (cuda:LOCAL_RANK, or the CPU)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, module: nn.Module) -> nn.Module:
        """The module inside DDP, for the forward pass that trains it (see gan_viz.train)."""
        ids = [self.device.index] if self.device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=ids)

    def all_true(self, flag: bool) -> bool:
        """True only if `flag` is true on every process (a collective: all must call it)."""
        t = torch.tensor([int(flag)], device=self._comm_device())
        dist.all_reduce(t, op=dist.ReduceOp.MIN)
        return bool(t.item())

    def gather_floats(self, values: list[float]) -> list[list[float]]:
        """Every process's `values`, by rank (a collective)."""
        t = torch.tensor(values, dtype=torch.float64, device=self._comm_device())
        out = [torch.empty_like(t) for _ in range(self.world)]
        dist.all_gather(out, t)
        return [o.cpu().tolist() for o in out]

    def barrier(self) -> None:
        dist.barrier()

    def _comm_device(self) -> torch.device:
        return self.device if dist.get_backend() == "nccl" else torch.device("cpu")


def launched_by_torchrun() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def init_from_env(device: str = "auto") -> DistContext:
    """Join the process group torchrun set up (env:// rendezvous)."""
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", rank))
    chosen = resolve_device(device)
    if chosen.type == "mps":
        raise ConfigError("device", device, "cpu or cuda with torchrun (MPS has no DDP backend)")
    if chosen.type == "cuda":
        if local >= torch.cuda.device_count():
            raise ConfigError(
                "--nproc_per_node",
                f"{world} (local rank {local})",
                f"at most {torch.cuda.device_count()} processes per machine, one per GPU",
            )
        chosen = torch.device("cuda", local)
        torch.cuda.set_device(chosen)
    backend = "nccl" if chosen.type == "cuda" else "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend, rank=rank, world_size=world)
    return DistContext(rank, world, chosen)


def shutdown() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def param_checksum(*modules: nn.Module) -> list[float]:
    """Sum and sum of squares of all parameters: equal on every replica that DDP kept in sync."""
    total = sq = 0.0
    with torch.no_grad():
        for m in modules:
            for p in m.parameters():
                p64 = p.detach().double()
                total += float(p64.sum())
                sq += float((p64 * p64).sum())
    return [total, sq]
