"""The record of a run: every metric row, and a bounded set of full snapshots.

Metric rows are kept in growing float64 columns (a million rows of 20 metrics is 160 MB; the
default cadence writes one row per 10 iterations). Snapshots are thinned: when more than
`max_snapshots` are held, every second one of the older half is dropped, so recent history is
dense, old history sparse, and memory stays bounded however long the run goes.

Reads and writes take a lock: a training thread appends while the page thread draws.
"""

from __future__ import annotations

import bisect
import threading

import numpy as np

from gan_viz.snapshot import Snapshot


class History:
    def __init__(self, max_snapshots: int = 300):
        self.max_snapshots = max_snapshots
        self._lock = threading.Lock()
        self._columns: dict[str, np.ndarray] = {}
        self._n = 0
        self._snapshots: list[Snapshot] = []

    # --- metric rows -----------------------------------------------------------------------------

    def add_row(self, row: dict[str, float]) -> None:
        """Append a row; a metric first seen now reads NaN in earlier rows."""
        with self._lock:
            capacity = len(next(iter(self._columns.values()))) if self._columns else 0
            if self._n == capacity:
                capacity = max(64, 2 * capacity)
                for name, col in self._columns.items():
                    grown = np.full(capacity, np.nan)
                    grown[: self._n] = col[: self._n]
                    self._columns[name] = grown
            for name, value in row.items():
                if name not in self._columns:
                    self._columns[name] = np.full(capacity, np.nan)
                self._columns[name][self._n] = value
            self._n += 1

    def __len__(self) -> int:
        return self._n

    def columns(self) -> dict[str, np.ndarray]:
        """A copy of every column, each of length len(self)."""
        with self._lock:
            return {name: col[: self._n].copy() for name, col in self._columns.items()}

    def last_row(self) -> dict[str, float]:
        with self._lock:
            if self._n == 0:
                return {}
            return {name: float(col[self._n - 1]) for name, col in self._columns.items()}

    # --- snapshots -------------------------------------------------------------------------------

    def add_snapshot(self, snap: Snapshot) -> None:
        with self._lock:
            self._snapshots.append(snap)
            if len(self._snapshots) > self.max_snapshots:
                old = len(self._snapshots) // 2
                kept_old = self._snapshots[:old:2]  # keeps the very first snapshot
                self._snapshots = kept_old + self._snapshots[old:]

    def snapshots(self) -> list[Snapshot]:
        with self._lock:
            return list(self._snapshots)

    def snapshot_steps(self) -> list[int]:
        with self._lock:
            return [s.step for s in self._snapshots]

    def snapshot_at(self, step: int) -> Snapshot | None:
        """The last snapshot taken at or before `step` (the first one if none is)."""
        with self._lock:
            if not self._snapshots:
                return None
            steps = [s.step for s in self._snapshots]
            i = bisect.bisect_right(steps, step) - 1
            return self._snapshots[max(i, 0)]

    def latest(self) -> Snapshot | None:
        with self._lock:
            return self._snapshots[-1] if self._snapshots else None
