"""Digits laid out as one picture: a grid of 28 x 28 tiles with a 2-pixel gutter, and PNG files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

GUTTER = 2  # pixels between tiles
GUTTER_LEVEL = 128  # mid grey: tiles stay distinct whether a digit's edge is black or white


def tile(images: np.ndarray, cols: int | None = None) -> np.ndarray:
    """(n, h, w) uint8 images -> one (rows * (h + g) - g, cols * (w + g) - g) uint8 picture,
    row by row; `cols` defaults to the smallest square that holds n."""
    images = np.asarray(images)
    n, h, w = images.shape
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    out = np.full((rows * (h + GUTTER) - GUTTER, cols * (w + GUTTER) - GUTTER), GUTTER_LEVEL)
    out = out.astype(np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + GUTTER) : r * (h + GUTTER) + h, c * (w + GUTTER) : c * (w + GUTTER) + w] = (
            images[i]
        )
    return out


def write_png(
    path: str | Path, images: np.ndarray, cols: int | None = None, scale: int = 2
) -> None:
    """Save digits as one grey-level PNG, each pixel drawn `scale` x `scale` (Pillow)."""
    from PIL import Image

    picture = tile(images, cols)
    if scale > 1:
        picture = np.kron(picture, np.ones((scale, scale), np.uint8))
    Image.fromarray(picture).save(path)  # 2-D uint8: a grey-level ("L") image
