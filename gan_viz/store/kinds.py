"""What the store holds: the kinds of run, their statuses, a catalogue line (RunInfo), and which
snapshot class each kind's stored snapshots decode into.

The snapshot classes are named by import path, not imported here, so the store never imports
the image package to learn its snapshot type (and image mode's store module can import the store).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

# kind -> "module:Class" of its snapshot record; each has to_arrays() and from_arrays()
SNAPSHOT_CLASSES = {
    "toy": "gan_viz.snapshot:Snapshot",
    "image": "gan_viz.images.snapshot:ImageSnapshot",
}
KINDS = tuple(SNAPSHOT_CLASSES)
STATUSES = ("running", "finished", "diverged", "interrupted")


@cache
def snapshot_class(kind: str) -> type:
    """The class a stored snapshot of this kind of run decodes into."""
    module, name = SNAPSHOT_CLASSES[kind].split(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class RunInfo:
    """One line of the catalogue: what a list of runs shows."""

    id: int
    uid: str
    kind: str
    name: str
    tags: tuple[str, ...]
    note: str
    created: float  # unix seconds
    updated: float  # unix seconds of the last commit
    status: str  # running | finished | diverged | interrupted (a dead writer reads interrupted)
    message: str
    step: int
    parent: int | None
    weights_step: int | None
    rows: int  # metric rows stored
    snapshots: int  # snapshots stored
    snapshot_bytes: int  # compressed bytes of its stored snapshots

    @property
    def label(self) -> str:
        return self.name or f"run {self.id}"
