"""One stored run's record, read on demand: settings, metric rows, snapshots, weights.

`StoredRun` answers History's read calls (columns, last_row, snapshots, snapshot_steps,
snapshot_at, latest, len), so a view that draws a live run's History draws a stored one the
same way: replay is the playground's views over a StoredRun. Reads see new commits of a run
that is still being written (only the decoded snapshots are cached).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from gan_viz.errors import ConfigError, RunNotFound
from gan_viz.store.kinds import RunInfo, snapshot_class
from gan_viz.store.npz import from_npz

if TYPE_CHECKING:
    from gan_viz.config import RunConfig
    from gan_viz.store.runstore import RunStore

CACHED_SNAPSHOTS = 24  # decoded snapshots kept per open run (a 2-D one is ~0.5 MB)


class StoredRun:
    def __init__(self, store: RunStore, info: RunInfo):
        self.store, self.id = store, info.id
        self._info = info
        self._cache: OrderedDict[int, object] = OrderedDict()
        self._lock = threading.Lock()  # a page's threads may share one open run

    def __repr__(self) -> str:
        i = self._info
        return (
            f"StoredRun(id={i.id}, kind={i.kind!r}, name={i.label!r}, status={i.status!r}, "
            f"step={i.step}, rows={i.rows}, snapshots={i.snapshots})"
        )

    def _sql(self, sql: str, *params):
        return self.store.connection().execute(sql, (self.id, *params))

    @property
    def info(self) -> RunInfo:
        """Name, tags, status, step, sizes: as of the last refresh()."""
        return self._info

    def refresh(self) -> RunInfo:
        self._info = self.store.run(self.id)
        return self._info

    # --- settings --------------------------------------------------------------------------------

    def settings(self) -> dict:
        """The latest settings (as the run was when it last changed them)."""
        found = self._sql("SELECT settings FROM runs WHERE id = ?").fetchone()
        if found is None:
            raise RunNotFound(self.id)
        return json.loads(found[0])

    def settings_log(self) -> list[tuple[int, dict]]:
        """(step, settings) for the first settings and every change made mid-run."""
        rows = self._sql("SELECT step, settings FROM settings_log WHERE run_id = ? ORDER BY seq")
        return [(step, json.loads(text)) for step, text in rows]

    def config(self) -> RunConfig:
        """The latest settings of a toy run as a RunConfig."""
        from gan_viz.config import RunConfig

        return RunConfig.from_dict(self.settings())

    # --- metric rows -----------------------------------------------------------------------------

    def rows(self) -> list[dict]:
        """Every metric row, in order, as it was recorded."""
        return [
            json.loads(t)
            for (t,) in self._sql("SELECT data FROM rows WHERE run_id = ? ORDER BY seq")
        ]

    def columns(self) -> dict[str, np.ndarray]:
        """Metric columns as History.columns(): float64, NaN where a row lacks a metric."""
        rows = self.rows()
        names: dict[str, None] = {}
        for row in rows:
            names.update(dict.fromkeys(row))
        return {n: np.array([row.get(n, np.nan) for row in rows], dtype=float) for n in names}

    def last_row(self) -> dict:
        found = self._sql("SELECT data FROM rows WHERE run_id = ? ORDER BY seq DESC LIMIT 1")
        row = found.fetchone()
        return json.loads(row[0]) if row else {}

    def rows_bytes(self) -> int:
        """Bytes of the stored metric rows (their JSON text)."""
        return self._sql(
            "SELECT coalesce(sum(length(data)), 0) FROM rows WHERE run_id = ?"
        ).fetchone()[0]

    def __len__(self) -> int:
        return self._sql("SELECT count(*) FROM rows WHERE run_id = ?").fetchone()[0]

    # --- snapshots -------------------------------------------------------------------------------

    def snapshot_index(self) -> list[tuple[int, int, int, int]]:
        """(seq, step, d_updates, g_updates) of each stored snapshot, oldest first."""
        cur = self._sql(
            "SELECT seq, step, d_updates, g_updates FROM snapshots WHERE run_id = ? ORDER BY seq"
        )
        return [tuple(r) for r in cur]

    def snapshot_steps(self) -> list[int]:
        return [step for _, step, _, _ in self.snapshot_index()]

    def snapshot(self, seq: int):
        """The snapshot with this sequence number (see snapshot_index)."""
        with self._lock:
            if seq in self._cache:
                self._cache.move_to_end(seq)
                return self._cache[seq]
        found = self._sql("SELECT data FROM snapshots WHERE run_id = ? AND seq = ?", seq)
        row = found.fetchone()
        if row is None:
            raise ConfigError("snapshot", seq, f"a snapshot of run {self.id}")
        snap = snapshot_class(self._info.kind).from_arrays(from_npz(row[0]))
        with self._lock:
            self._cache[seq] = snap
            if len(self._cache) > CACHED_SNAPSHOTS:
                self._cache.popitem(last=False)
        return snap

    def snapshot_at(self, step: int):
        """The last snapshot taken at or before `step` (the first one if none is)."""
        index = self.snapshot_index()
        if not index:
            return None
        before = [seq for seq, s, _, _ in index if s <= step]
        return self.snapshot(before[-1] if before else index[0][0])

    def latest(self):
        index = self.snapshot_index()
        return self.snapshot(index[-1][0]) if index else None

    def snapshots(self) -> list:
        """Every stored snapshot, oldest first (all decoded: ~0.5 MB each in 2-D)."""
        return [self.snapshot(seq) for seq, *_ in self.snapshot_index()]

    # --- weights ---------------------------------------------------------------------------------

    def weights(self) -> dict | None:
        """The last saved weights (and trainer state), or None when none were saved."""
        import torch

        path = self.store.weights_path(self._info.uid)
        if not path.exists():
            return None
        return torch.load(path, map_location="cpu", weights_only=True)

    def weights_bytes(self) -> int:
        path = self.store.weights_path(self._info.uid)
        return path.stat().st_size if path.exists() else 0
