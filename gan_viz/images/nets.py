"""Generators and discriminators for 28 x 28 digits, flat in and out.

Samples travel through the trainer as flat (m, 784) vectors in [-1, 1] (gan_viz.images.pixels),
like the toy runs' (m, dim) points, so every penalty of gan_viz.train (R1, WGAN-GP, instance
noise, feature matching) applies unchanged. Convolutional nets reshape inside.

`mlp` follows Goodfellow et al. 2014 and its released pylearn2 configuration (adversarial,
mnist.yaml): G is z -> 1200 ReLU -> 1200 ReLU -> 784; D is two maxout layers of 240 units with 5
pieces, dropout 0.2 on D's input and 0.5 on its hidden layers, and weights uniform in +-0.05 (G)
and +-0.005 (D). We end G in tanh rather than the paper's sigmoid, so both models share one pixel
mapping.

`dcgan` follows Radford et al. 2016 at MNIST's native 28 x 28 (no upscaling to 64): transposed
convolutions with batch norm and ReLU in G, strided convolutions with LeakyReLU 0.2 in D, weights
N(0, 0.02). D has no batch norm: a penalty on D's gradient (R1, WGAN-GP) must see each sample
judged on its own (Gulrajani et al. 2017, Sec. 4). Each net has one more 3 x 3 convolution that
keeps the resolution, G's at 14 x 14 and D's at 7 x 7: depth where the strokes are drawn and
judged. They give more confidently classified digits and a lower Frechet distance than doubling
the width does, for less cost per iteration (figures: benchmarks/RESULTS.md, design notes).

Conditional (Mirza & Osindero 2014): G gets the one-hot digit beside z; D adds a projection term
<embed(y), h(x)> to its logit (Miyato & Koyama 2018), so it judges "is this a real *y*?".
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gan_viz.images.config import ImageRunConfig
from gan_viz.images.pixels import N_CLASSES, N_PIXELS, SIDE

Tensor = torch.Tensor

MAXOUT_PIECES = 5  # pieces per maxout unit (the paper's D)
D_INPUT_DROPOUT = 0.2  # the paper keeps D's inputs with probability 0.8
D_HIDDEN_DROPOUT = 0.5


def _with_label(z: Tensor, y: Tensor | None, n_classes: int) -> Tensor:
    if not n_classes:
        return z
    return torch.cat([z, F.one_hot(y, n_classes).to(z.dtype)], dim=1)


class _ProjectionHead(nn.Module):
    """v = w . h + b, plus <embed(y), h> when conditional (Miyato & Koyama 2018, Eq. 3)."""

    def __init__(self, features: int, n_classes: int):
        super().__init__()
        self.linear = nn.Linear(features, 1)
        self.embed = nn.Embedding(n_classes, features) if n_classes else None

    def forward(self, h: Tensor, y: Tensor | None) -> Tensor:
        v = self.linear(h).squeeze(-1)
        if self.embed is not None:
            v = v + (self.embed(y) * h).sum(dim=1)
        return v


# --- mlp: Goodfellow et al. 2014 ----------------------------------------------------------------


class Maxout(nn.Module):
    """h_i = max_j (x W_ij + b_ij) over `pieces` linear pieces (Goodfellow et al. 2013)."""

    def __init__(self, n_in: int, units: int, pieces: int):
        super().__init__()
        self.units, self.pieces = units, pieces
        self.linear = nn.Linear(n_in, units * pieces)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).view(len(x), self.units, self.pieces).amax(dim=2)


class MLPGenerator(nn.Module):
    def __init__(self, z_dim: int, hidden: int, n_classes: int = 0):
        super().__init__()
        self.z_dim, self.n_classes = z_dim, n_classes
        self.net = nn.Sequential(
            nn.Linear(z_dim + n_classes, hidden),  # (m, z [+10]) -> (m, hidden)
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, N_PIXELS),  # -> (m, 784)
            nn.Tanh(),
        )

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        return self.net(_with_label(z, y, self.n_classes))


class MLPDiscriminator(nn.Module):
    pack, minibatch_std = 1, False  # what gan_viz.train asks of a D

    def __init__(self, units: int, n_classes: int = 0):
        super().__init__()
        self.n_classes = n_classes
        self.body = nn.Sequential(
            nn.Dropout(D_INPUT_DROPOUT),
            Maxout(N_PIXELS, units, MAXOUT_PIECES),  # (m, 784) -> (m, units)
            nn.Dropout(D_HIDDEN_DROPOUT),
            Maxout(units, units, MAXOUT_PIECES),  # -> (m, units)
            nn.Dropout(D_HIDDEN_DROPOUT),
        )
        self.head = _ProjectionHead(units, n_classes)

    def features(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Last hidden layer (m, units): what feature matching compares."""
        return self.body(x.reshape(len(x), N_PIXELS))

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        return self.head(self.features(x), y)


# --- dcgan: Radford et al. 2016 at 28 x 28 ------------------------------------------------------


class DCGANGenerator(nn.Module):
    def __init__(self, z_dim: int, width: int, n_classes: int = 0):
        super().__init__()
        self.z_dim, self.n_classes = z_dim, n_classes
        c = width
        self.net = nn.Sequential(
            # (m, z [+10], 1, 1) -> (m, 2c, 7, 7): "project and reshape"
            nn.ConvTranspose2d(z_dim + n_classes, 2 * c, 7, 1, 0, bias=False),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(),
            # (m, 2c, 7, 7) -> (m, c, 14, 14)
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            # (m, c, 14, 14) -> (m, c, 14, 14): strokes drawn before the last upsampling
            nn.Conv2d(c, c, 3, 1, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            # (m, c, 14, 14) -> (m, 1, 28, 28)
            nn.ConvTranspose2d(c, 1, 4, 2, 1),
            nn.Tanh(),
        )

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        h = _with_label(z, y, self.n_classes)
        return self.net(h[:, :, None, None]).reshape(len(z), N_PIXELS)  # (m, 784)


class DCGANDiscriminator(nn.Module):
    pack, minibatch_std = 1, False  # what gan_viz.train asks of a D

    def __init__(self, width: int, n_classes: int = 0):
        super().__init__()
        self.n_classes = n_classes
        c = width
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 4, 2, 1),  # (m, 1, 28, 28) -> (m, c, 14, 14)
            nn.LeakyReLU(0.2),
            nn.Conv2d(c, 2 * c, 4, 2, 1),  # -> (m, 2c, 7, 7)
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * c, 2 * c, 3, 1, 1),  # -> (m, 2c, 7, 7): a layer that judges strokes
            nn.LeakyReLU(0.2),
            nn.Flatten(),  # -> (m, 2c * 49)
        )
        self.head = _ProjectionHead(2 * c * 7 * 7, n_classes)

    def features(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        """Last hidden layer (m, 2c * 49): what feature matching compares."""
        return self.body(x.reshape(len(x), 1, SIDE, SIDE))

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        return self.head(self.features(x), y)


# --- building ------------------------------------------------------------------------------------


def _init_paper_(net: nn.Module, bound: float, generator: torch.Generator) -> None:
    """Uniform(-bound, bound) weights and zero biases, as pylearn2's `irange`."""
    for layer in net.modules():
        if isinstance(layer, (nn.Linear, nn.Embedding)):
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                if getattr(layer, "bias", None) is not None:
                    layer.bias.zero_()


def _init_dcgan_(net: nn.Module, generator: torch.Generator) -> None:
    """Weights N(0, 0.02), batch-norm scales N(1, 0.02), biases 0 (Radford et al. 2016, Sec. 4)."""
    for layer in net.modules():
        with torch.no_grad():
            if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.Embedding)):
                layer.weight.normal_(0.0, 0.02, generator=generator)
                if getattr(layer, "bias", None) is not None:
                    layer.bias.zero_()
            elif isinstance(layer, nn.BatchNorm2d):
                layer.weight.normal_(1.0, 0.02, generator=generator)
                layer.bias.zero_()


def build_image_nets(
    cfg: ImageRunConfig, generator: torch.Generator
) -> tuple[nn.Module, nn.Module]:
    """G and D for the run's model, width and conditioning, initialised from `generator`."""
    n_classes = N_CLASSES if cfg.model.conditional else 0
    z_dim, width = cfg.noise.dim, cfg.width
    if cfg.model.name == "mlp":
        G = MLPGenerator(z_dim, width, n_classes)
        D = MLPDiscriminator(max(1, width // MAXOUT_PIECES), n_classes)
        _init_paper_(G, 0.05, generator)
        _init_paper_(D, 0.005, generator)
    else:
        G = DCGANGenerator(z_dim, width, n_classes)
        D = DCGANDiscriminator(width, n_classes)
        _init_dcgan_(G, generator)
        _init_dcgan_(D, generator)
    return G, D
