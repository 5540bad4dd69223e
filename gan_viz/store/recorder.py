"""Recording a run into the store as it goes: metric rows, thinned snapshots, weights.

    rec = RunRecorder(store, "toy", toy.config_json(), name="ring, NS loss", tags=["lecture"])
    rec.add_row({"step": 10, "js": 0.31, ...}); rec.add_snapshot(snap)   # cheap: buffered
    rec.save_weights(state, step)                                        # a torch file
    rec.finish("finished")                                               # or diverged, ...

Rows and snapshots are buffered and committed together every `flush_seconds` (one short
transaction), so a killed process loses at most that much, and training does not wait on the
disk at every record. The recorder knows nothing about ToyGAN: image mode and the playground's
worker feed it the same way (gan_viz.toy_store follows a ToyGAN for you).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterable

from gan_viz.store.db import Transaction, connect
from gan_viz.store.npz import to_npz
from gan_viz.store.runstore import RunStore

STORE_SNAPSHOTS = 200  # snapshots a run keeps in the store (a 2-D one is ~0.27 MB compressed)
FLUSH_SECONDS = 2.0  # most a killed process can lose


class SnapshotPlan:
    """Which snapshots a run keeps: at most `limit`, spread evenly over the steps run so far.

    An offered snapshot is kept when it is at least `stride` steps past the last kept one.
    When more than `limit` are kept, every second one goes (the first and the newest stay) and
    the stride becomes the mean gap of those left. So a run of any length keeps between
    limit/2 and limit snapshots evenly spread over all of it, and writes only about
    limit/2 per doubling of its length. Evenly, not denser near the end as History's memory
    thinning: a replay's timeline slider is linear in steps. The recorder also keeps the
    newest snapshot as a "tail" frame, so the end of a run is always there to see.
    """

    def __init__(self, limit: int, kept: Iterable[tuple[int, int]] = ()):
        if limit < 2:
            raise ValueError("a run keeps at least 2 snapshots")
        self.limit = limit
        self.kept = list(kept)  # (seq, step), oldest first
        self.stride = self._mean_gap() if len(self.kept) > limit // 2 else 0.0

    def _mean_gap(self) -> float:
        if len(self.kept) < 2:
            return 0.0
        return (self.kept[-1][1] - self.kept[0][1]) / (len(self.kept) - 1)

    def offer(self, seq: int, step: int) -> tuple[bool, list[int]]:
        """Whether to keep this snapshot, and the seqs of kept ones to drop now."""
        if self.kept and step - self.kept[-1][1] < self.stride:
            return False, []
        self.kept.append((seq, step))
        if len(self.kept) <= self.limit:
            return True, []
        last = len(self.kept) - 1
        dropped = [self.kept[i][0] for i in range(1, last, 2)]
        self.kept = [k for i, k in enumerate(self.kept) if i % 2 == 0 or i == last]
        self.stride = self._mean_gap()
        return True, dropped


def _plain(value):
    """A metric value as a JSON number (numpy scalars and 0-d arrays included)."""
    if isinstance(value, (bool, int, float)):
        return value
    try:
        return value.item()
    except AttributeError:
        raise TypeError(f"metric value {value!r} is not a number") from None


class RunRecorder:
    """Writes one run into a RunStore as it goes. Thread-safe; all writes are buffered."""

    def __init__(
        self,
        store: RunStore,
        kind: str,
        settings: str | dict,
        name: str = "",
        tags: Iterable[str] = (),
        note: str = "",
        *,
        run_id: int | None = None,
        parent: int | None = None,
        max_snapshots: int = STORE_SNAPSHOTS,
        flush_seconds: float = FLUSH_SECONDS,
    ):
        """A new run, or (run_id given) more of an existing one, which becomes `running`."""
        self.store, self.kind = store, kind
        self.flush_seconds = flush_seconds
        self.error: str | None = None  # the last write that failed (it is retried)
        self._lock = threading.Lock()
        self._con = connect(store.path)
        if run_id is None:
            run_id = store.create_run(kind, settings, name, list(tags), note, parent)
        self.run_id = run_id
        self.uid = store.run(run_id).uid
        c = self._con
        with Transaction(c):
            c.execute(
                "UPDATE runs SET status = 'running', message = '', pid = ?, host = ? WHERE id = ?",
                (os.getpid(), socket.gethostname(), run_id),
            )
        self._row_seq = self._next(c, "rows")
        self._snap_seq = self._next(c, "snapshots")
        self._settings_seq = self._next(c, "settings_log")
        kept = c.execute(
            "SELECT seq, step FROM snapshots WHERE run_id = ? AND tail = 0 ORDER BY seq", (run_id,)
        ).fetchall()
        self.plan = SnapshotPlan(max_snapshots, kept)
        (self.step,) = c.execute("SELECT step FROM runs WHERE id = ?", (run_id,)).fetchone()
        self._rows: list[tuple] = []
        self._snaps: list[tuple] = []  # (seq, step, d_updates, g_updates, blob)
        self._drops: list[int] = []
        self._tail = None  # the newest snapshot not kept on the plan's grid
        self._tail_dirty = False
        self._settings: list[tuple[int, str]] = []
        self._weights_step: int | None = None
        self._last_flush = time.monotonic()
        self.finished = False

    def _next(self, con, table: str) -> int:
        sql = f"SELECT coalesce(max(seq), -1) + 1 FROM {table} WHERE run_id = ?"
        return int(con.execute(sql, (self.run_id,)).fetchone()[0])

    # --- feeding ---------------------------------------------------------------------------------

    def add_row(self, row: dict) -> None:
        """A metric row ({name: number}; "step" = iterations done). NaN and inf are kept."""
        data = json.dumps({str(k): _plain(v) for k, v in row.items()})
        with self._lock:
            step = int(row.get("step", self.step))
            self._rows.append((self.run_id, self._row_seq, step, data))
            self._row_seq += 1
            self.step = max(self.step, step)
        self.maybe_flush()

    def add_rows(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.add_row(row)

    def add_snapshot(self, snap) -> None:
        """A snapshot (anything with step, d_updates, g_updates and to_arrays())."""
        with self._lock:
            keep, dropped = self.plan.offer(self._snap_seq, snap.step)
            if keep:
                blob = to_npz(snap.to_arrays())
                self._snaps.append(
                    (self._snap_seq, snap.step, snap.d_updates, snap.g_updates, blob)
                )
                self._snap_seq += 1
                pending = {s[0] for s in self._snaps}
                self._snaps = [s for s in self._snaps if s[0] not in dropped]
                self._drops += [seq for seq in dropped if seq not in pending]
                self._tail = None  # the kept one is newer than any tail
            else:
                self._tail = snap
            self._tail_dirty = True
            self.step = max(self.step, snap.step)
        self.maybe_flush()

    def update_settings(self, settings: str | dict, step: int) -> None:
        """The settings changed mid-run (e.g. another objective from this step on)."""
        text = settings if isinstance(settings, str) else json.dumps(settings)
        with self._lock:
            self._settings.append((step, text))

    def save_weights(self, state: dict, step: int) -> None:
        """Weights (and any trainer state) as a torch file next to the database, replaced
        atomically so a kill mid-write leaves the previous file."""
        import torch

        path = self.store.weights_path(self.uid)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)
        with self._lock:
            self._weights_step = step

    # --- committing ------------------------------------------------------------------------------

    def maybe_flush(self) -> bool:
        """Commit if `flush_seconds` passed since the last commit; True if it did."""
        if time.monotonic() - self._last_flush < self.flush_seconds:
            return False
        return self.flush()

    def flush(self, status: str | None = None, message: str = "") -> bool:
        """Commit everything buffered now (and a new status). False if the write failed: the
        data stays buffered and the next flush tries again; `error` says why."""
        import sqlite3

        with self._lock:
            self._last_flush = time.monotonic()
            tail_blob = None
            if self._tail_dirty and self._tail is not None:
                t = self._tail
                tail_blob = (
                    self._snap_seq,
                    t.step,
                    t.d_updates,
                    t.g_updates,
                    to_npz(t.to_arrays()),
                )
            try:
                self._commit(tail_blob, status, message)
            except (sqlite3.Error, OSError) as err:
                self.error = f"could not write run {self.run_id} to {self.store.path}: {err}"
                return False
            if tail_blob is not None:
                self._snap_seq += 1
            self._rows, self._snaps, self._drops, self._settings = [], [], [], []
            self._tail_dirty, self._weights_step = False, None
            return True

    def _commit(self, tail_blob, status: str | None, message: str) -> None:
        c, rid = self._con, self.run_id
        with Transaction(c):
            c.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", self._rows)
            c.executemany(
                "DELETE FROM snapshots WHERE run_id = ? AND seq = ?",
                [(rid, seq) for seq in self._drops],
            )
            if self._tail_dirty:
                c.execute("DELETE FROM snapshots WHERE run_id = ? AND tail = 1", (rid,))
            new = [(*s, 0) for s in self._snaps] + ([(*tail_blob, 1)] if tail_blob else [])
            c.executemany(
                "INSERT INTO snapshots (run_id, seq, step, d_updates, g_updates, data, nbytes,"
                " tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(rid, q, s, du, gu, b, len(b), tail) for q, s, du, gu, b, tail in new],
            )
            for step, text in self._settings:
                c.execute(
                    "INSERT INTO settings_log VALUES (?, ?, ?, ?)",
                    (rid, self._settings_seq, step, text),
                )
                c.execute("UPDATE runs SET settings = ? WHERE id = ?", (text, rid))
                self._settings_seq += 1
            if self._weights_step is not None:
                c.execute(
                    "UPDATE runs SET weights_step = ? WHERE id = ?", (self._weights_step, rid)
                )
            c.execute(
                "UPDATE runs SET updated = ?, step = ? WHERE id = ?", (time.time(), self.step, rid)
            )
            if status is not None:
                c.execute(
                    "UPDATE runs SET status = ?, message = ? WHERE id = ?", (status, message, rid)
                )
                c.execute("UPDATE snapshots SET tail = 0 WHERE run_id = ?", (rid,))

    def finish(self, status: str = "finished", message: str = "") -> bool:
        """Commit what is left and mark the run finished, diverged or interrupted."""
        if status not in ("finished", "diverged", "interrupted"):
            raise ValueError(f"status {status!r}")
        ok = self.flush(status, message)
        self.finished = ok
        return ok

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> RunRecorder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.finished:
            if exc_type is None:
                self.finish("finished")
            else:
                self.finish("interrupted", f"{exc_type.__name__}: {exc}".rstrip(": "))
        self.close()
