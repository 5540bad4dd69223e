"""Which torch device a run uses: `auto` takes CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import re

import torch

from gan_viz.errors import ConfigError

_NAME = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def check_device_name(name: str) -> None:
    """Refuse a device name torch would not understand, before any work starts."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError("device", name, "auto, cpu, cuda, cuda:N or mps")


def resolve_device(name: str = "auto") -> torch.device:
    """The torch device for `name`; a named device that is absent is refused with a message."""
    check_device_name(name)
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError("device", name, "auto or cpu (no CUDA device on this machine)")
        index = int(name.split(":")[1]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise ConfigError("device", name, f"cuda:0..cuda:{torch.cuda.device_count() - 1}")
    if name == "mps" and not (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        raise ConfigError("device", name, "auto or cpu (no MPS device on this machine)")
    return torch.device(name)


def describe(device: torch.device) -> str:
    """A short human name, e.g. 'CPU (2 threads)' or 'CUDA: NVIDIA H100'."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple MPS"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"
