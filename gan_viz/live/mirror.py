"""The page's copy of a run: its settings and everything its training process has recorded.

The training process (gan_viz.live.process) sends a frame after every record; the
worker's receiver thread adds it here, and the page reads from here (`history` is a
gan_viz.history.History, as on a ToyGAN, so the views work on either).
"""

from __future__ import annotations

import numpy as np

from gan_viz.config import RunConfig
from gan_viz.history import History
from gan_viz.live.messages import RunBegins, Status
from gan_viz.snapshot import Snapshot


class RunMirror:
    """What the page knows of the run: its settings and everything the process has recorded.

    Snapshots are kept compact: p_data (the same in every frame of a run) is shared, and p_g and
    D* are stored as float32 (what the views draw).
    """

    def __init__(self, cfg: RunConfig, begins: RunBegins, snapshots: int):
        self.run_id, self.cfg = begins.run_id, cfg
        self.dim: int = begins.dim
        self.device: str = begins.device  # e.g. "CPU (1 thread)", "CUDA: NVIDIA H100"
        self.n_modes: int | None = begins.modes  # modes of a mixture target, else None
        # A stored run that goes on here although saved on a device this machine lacks: that one.
        self.saved_on: str | None = begins.saved_on
        self.history = History(snapshots)
        self.status = Status(0, 0, 0, False, None, 0.0)
        self._p_data: np.ndarray | None = None
        self._frame: Snapshot | None = None  # the newest frame while training: sketch or snapshot

    @property
    def step_count(self) -> int:
        return self.status.step

    @property
    def d_updates(self) -> int:
        return self.status.d_updates

    @property
    def g_updates(self) -> int:
        return self.status.g_updates

    @property
    def diverged(self) -> str | None:
        return self.status.diverged

    def add(self, row: dict | None, snap: Snapshot | None, status: Status) -> None:
        """A frame from the process: a new metric row (and snapshot), or a status alone."""
        if row is not None:
            self.history.add_row(row)
        if snap is not None:
            self._compact(snap)
            self.history.add_snapshot(snap)
            self._frame = snap
        self.status = status

    def add_sketch(self, sketch: Snapshot, status: Status) -> None:
        """A sketch from the process (ToyGAN.sketch: the game drawn, nothing measured): drawn
        while training, never kept in the history."""
        self._frame = sketch
        self.status = status

    def latest_frame(self) -> Snapshot | None:
        """What the data view draws now: the last sketch or recorded snapshot, whichever came
        last (the history's latest before any came)."""
        return self._frame if self._frame is not None else self.history.latest()

    def load_past(self, store_path: str, run_id: int) -> None:
        """The rows and snapshots the run store holds for run `run_id`: the past of a stored run
        that goes on here."""
        from gan_viz.store import RunStore
        from gan_viz.store.resume import stored_history

        self.history = stored_history(RunStore(store_path), run_id, self.history.max_snapshots)
        for snap in self.history.snapshots():
            self._compact(snap)

    def _compact(self, snap: Snapshot) -> None:
        """p_data shared between frames, p_g and D* as float32: what the views draw."""
        if self._p_data is not None and np.array_equal(self._p_data, snap.p_data):
            snap.p_data = self._p_data
        self._p_data = snap.p_data
        snap.p_g = snap.p_g.astype(np.float32)
        snap.d_star = snap.d_star.astype(np.float32)
