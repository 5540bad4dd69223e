"""The one place where pixel values meet model space.

Both generators end in tanh, so G's samples lie in [-1, 1]. Real digits are stored as MNIST's
8-bit grey levels p in {0, ..., 255} (0 = black background, 255 = ink) and enter the game as

    x = p / 127.5 - 1        in [-1, 1]   (to_model)

and leave it, for pictures and files, as

    p = round((x + 1) * 127.5), clipped to {0, ..., 255}   (to_pixels)

The classifier reads the same model space, so generated and real digits are judged alike.
"""

from __future__ import annotations

import numpy as np
import torch

SIDE = 28  # MNIST digits are 28 x 28 grey-level images
N_PIXELS = SIDE * SIDE  # 784: the dimension of x
N_CLASSES = 10  # the digits 0..9


def to_model(pixels: np.ndarray | torch.Tensor) -> torch.Tensor:
    """8-bit grey levels (any shape) -> float32 tensor in [-1, 1]."""
    p = torch.as_tensor(np.asarray(pixels) if not torch.is_tensor(pixels) else pixels)
    return p.float() / 127.5 - 1.0


def to_pixels(x: torch.Tensor | np.ndarray) -> np.ndarray:
    """Model-space values in [-1, 1] (any shape) -> uint8 grey levels; out-of-range is clipped."""
    x = x.detach().float().cpu().numpy() if torch.is_tensor(x) else np.asarray(x, np.float32)
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)
