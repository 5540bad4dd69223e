"""A run's metric rows as CSV: one row per recorded step, the columns a reader looks for first."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# kind of run -> (columns first, in this order; columns written as whole numbers)
COLUMNS = {
    "toy": (
        ["step", "js", "kl", "rkl", "v", "loss_d", "loss_g", "d_real", "d_fake"],
        ("step", "d_updates", "g_updates", "modes"),
    ),
    "image": (
        ["step", "loss_d", "loss_g", "covered", "class_kl", "fd", "fd_floor"],
        ("step", "d_updates", "g_updates", "covered"),
    ),
}


def write_metrics_csv(path: Path, columns: dict[str, np.ndarray], kind: str = "toy") -> None:
    """The `kind`'s first columns in order, then the rest; whole-number columns as integers
    where finite, every other value to 6 significant digits."""
    first, ints = COLUMNS[kind]
    names = [n for n in first if n in columns] + [n for n in columns if n not in first]
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for i in range(len(columns["step"])):
            writer.writerow(
                int(v) if n in ints and np.isfinite(v) else f"{v:.6g}"
                for n, v in ((n, columns[n][i]) for n in names)
            )
