"""MLP generator and discriminator for the toy targets.

G: z (dim_z) -> [Linear, act] x depth -> Linear -> x (dim).
D: x (dim * pack) -> [Linear, act] x depth -> (minibatch std) -> Linear -> logit v.

Weights start from PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
drawn from the run's own torch.Generator so that two runs built at once in one process (two
browser tabs) do not share the global random state.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from gan_viz.config import NetConfig

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "gelu": nn.GELU,
}


def mlp(sizes: list[int], activation: str) -> nn.Sequential:
    """Linear layers between consecutive sizes, the activation after every layer but the last."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=False)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def init_uniform_(module: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default Linear init, from a given generator."""
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            bound = 1.0 / math.sqrt(layer.in_features)
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)


class Generator(nn.Module):
    def __init__(self, z_dim: int, x_dim: int, hidden: int, depth: int, activation: str):
        super().__init__()
        self.z_dim, self.x_dim = z_dim, x_dim
        self.net = mlp([z_dim] + [hidden] * depth + [x_dim], activation)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """Returns logits v of shape (batch / pack,).

    pack = m > 1 is PacGAN (Lin et al. 2018): m consecutive samples are concatenated and judged
    together, so a collapsed G is easy to spot. `minibatch_std` appends the mean over features of
    the batch std of the last hidden layer (Karras et al. 2018, Sec. 3): a D that sees no spread in
    a fake batch can punish it.
    """

    def __init__(
        self,
        x_dim: int,
        hidden: int,
        depth: int,
        activation: str,
        pack: int = 1,
        minibatch_std: bool = False,
    ):
        super().__init__()
        self.x_dim, self.pack, self.minibatch_std = x_dim, pack, minibatch_std
        self.body = mlp([x_dim * pack] + [hidden] * depth, activation)
        self.body.append(_ACTIVATIONS[activation]())
        self.head = nn.Linear(hidden + int(minibatch_std), 1)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Last hidden layer, (batch / pack, hidden): what feature matching compares."""
        return self.body(x.reshape(-1, self.x_dim * self.pack))

    def forward(self, x: torch.Tensor, std_from: torch.Tensor | None = None) -> torch.Tensor:
        """std_from: a batch whose spread the minibatch-std feature reports (default: x itself)."""
        h = self.features(x)
        if self.minibatch_std:
            ref = h if std_from is None else self.features(std_from)
            s = ref.std(dim=0, unbiased=False).mean() if len(ref) > 1 else ref.new_zeros(())
            h = torch.cat([h, s.expand(len(h), 1)], dim=1)
        return self.head(h).squeeze(-1)


def build_nets(
    cfg: NetConfig, z_dim: int, x_dim: int, generator: torch.Generator
) -> tuple[Generator, Discriminator]:
    g = Generator(z_dim, x_dim, cfg.g_hidden, cfg.g_depth, cfg.activation)
    d = Discriminator(x_dim, cfg.d_hidden, cfg.d_depth, cfg.activation, cfg.pack, cfg.minibatch_std)
    init_uniform_(g, generator)
    init_uniform_(d, generator)
    return g, d
