"""Recording a run into the store as it goes: metric rows, thinned snapshots, weights.

    rec = RunRecorder(store, "toy", toy.config_json(), name="ring, NS loss", tags=["lecture"])
    rec.add_row({"step": 10, "js": 0.31, ...}); rec.add_snapshot(snap)   # cheap: buffered
    rec.save_weights(state, step)                                        # a torch file
    rec.finish("finished")                                               # or diverged, ...

Rows and snapshots are buffered and handed over every `flush_seconds` to a writer thread,
which encodes the snapshots and commits them in one short transaction: a killed process loses
at most those seconds, and the training thread never waits for zlib or the disk. Which
snapshots are kept at all is SnapshotPlan's business. The recorder knows nothing about
ToyGAN: image mode and the playground's worker feed it alike (gan_viz.toy_store follows a
ToyGAN for you).

A store that cannot be written (a full disk, a damaged file) never stops the run: the batch
stays queued and is tried again at the next commit, `saving` turns False and `problem` says
why in one line (the Playground shows it; `report`, given, hears it once: the CLI prints it).
A store damaged before the run starts makes the constructor raise StoreDamaged, a ConfigError
whose text is the line to show.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gan_viz.store.budget import PAGE_TAGS, enforce
from gan_viz.store.db import Transaction, connect
from gan_viz.store.npz import to_npz
from gan_viz.store.runstore import RunStore
from gan_viz.store.snapshot_plan import SnapshotPlan

STORE_SNAPSHOTS = 200  # snapshots a run keeps in the store (a 2-D one is ~0.3 MB compressed)
FLUSH_SECONDS = 2.0  # most a killed process can lose


@dataclass
class _Batch:
    """What one commit writes: handed from the training thread to the writer thread."""

    rows: list[tuple]  # (run_id, seq, step, json)
    snaps: list[tuple]  # (seq, step, d_updates, g_updates, snapshot, then its .npz bytes)
    drops: list[int]  # seqs of stored snapshots the plan thinned out
    tail: tuple | None  # the newest frame, as snaps
    tail_dirty: bool  # the stored tail frame is stale
    settings: list[tuple[int, int, str]]  # (seq, step, settings JSON)
    weights: tuple[Path, int] | None  # a checkpoint file to put in place after the commit
    step: int
    status: tuple[str, str] | None  # (status, message) to set
    encoded: bool = False


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
        report: Callable[[str], None] | None = None,
    ):
        """A new run, or (run_id given) more of an existing one, which becomes `running`.
        `report(line)` hears, once per spell, that the store cannot be written and why."""
        self.store, self.kind = store, kind
        self.flush_seconds = flush_seconds
        self.error: str | None = None  # the last write that failed (it is retried)
        # What fails now, by kind ("commit", "checkpoint"): cleared by the next success.
        self._failures: dict[str, str] = {}
        self.report = report  # told once that the store cannot be written (a CLI prints it)
        self._reported = False
        self._lock = threading.Lock()
        self._con: sqlite3.Connection | None = None
        try:
            self._open(settings, name, tags, note, run_id, parent, max_snapshots)
        except sqlite3.DatabaseError as err:
            from gan_viz.store.repair import StoreDamaged, is_damaged

            if self._con is not None:
                self._con.close()
            if is_damaged(err):  # the page shows this line: nothing can be recorded there
                raise StoreDamaged(store.path, err) from None
            raise
        self._rows: list[tuple] = []
        self._snaps: list[tuple] = []  # (seq, step, d_updates, g_updates, snapshot)
        self._drops: list[int] = []
        self._tail = None  # the newest snapshot not kept on the plan's grid
        self._tail_dirty = False
        self._settings: list[tuple[int, int, str]] = []  # (seq, step, settings)
        self._weights: tuple[Path, int] | None = None  # (written file, step) awaiting commit
        self._weights_serial = 0
        self._last_flush = time.monotonic()
        self._queue: queue.Queue[_Batch | None] = queue.Queue()
        self._backlog: list[_Batch] = []  # batches taken by the writer, not yet committed
        self._writer: threading.Thread | None = None
        self.finished = False

    def _open(self, settings, name, tags, note, run_id, parent, max_snapshots) -> None:
        """Create the run (or take an existing one over) and read where it stands."""
        store = self.store
        self._con = connect(store.path)
        if run_id is None:
            if set(tags) & set(PAGE_TAGS):  # a page's run: keep the store within its budget
                try:
                    enforce(store)
                except Exception:  # the budget is housekeeping, never a reason not to record
                    pass
            run_id = store.create_run(self.kind, settings, name, list(tags), note, parent)
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

    def _next(self, con, table: str) -> int:
        sql = f"SELECT coalesce(max(seq), -1) + 1 FROM {table} WHERE run_id = ?"
        return int(con.execute(sql, (self.run_id,)).fetchone()[0])

    # --- feeding ---------------------------------------------------------------------------------

    def add_row(self, row: dict, flush: bool = True) -> None:
        """A metric row ({name: number}; "step" = iterations done). NaN and inf are kept.
        `flush=False`: never hand over now (a caller that flushes itself, with weights)."""
        data = json.dumps({str(k): _plain(v) for k, v in row.items()})
        with self._lock:
            step = int(row.get("step", self.step))
            self._rows.append((self.run_id, self._row_seq, step, data))
            self._row_seq += 1
            self.step = max(self.step, step)
        if flush:
            self.maybe_flush()

    def add_rows(self, rows: Iterable[dict], flush: bool = True) -> None:
        for row in rows:
            self.add_row(row, flush)

    def add_snapshot(self, snap, flush: bool = True) -> None:
        """A snapshot (anything with step, d_updates, g_updates and to_arrays())."""
        with self._lock:
            keep, dropped = self.plan.offer(self._snap_seq, snap.step)
            if keep:  # encoded later, on the writer thread
                self._snaps.append(
                    (self._snap_seq, snap.step, snap.d_updates, snap.g_updates, snap)
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
        if flush:
            self.maybe_flush()

    def update_settings(self, settings: str | dict, step: int) -> None:
        """The settings changed mid-run (e.g. another objective from this step on)."""
        text = settings if isinstance(settings, str) else json.dumps(settings)
        with self._lock:
            self._settings.append((self._settings_seq, step, text))
            self._settings_seq += 1

    def save_weights(self, state: dict, step: int) -> None:
        """Weights (and any trainer state) as a torch file next to the database.

        Written now (the state is consistent now) to a temporary file that replaces the
        run's file only after the next commit: the checkpoint is never ahead of the stored
        rows, so a run resumed from it has no gap, and a kill mid-write leaves the old file."""
        import torch

        path = self.store.weights_path(self.uid)
        with self._lock:
            self._weights_serial += 1
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{self._weights_serial}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(state, tmp)
        except (OSError, RuntimeError) as err:  # disk full: training goes on, the old file stays
            tmp.unlink(missing_ok=True)
            self._failed("checkpoint", f"could not write run {self.run_id}'s checkpoint: {err}")
            return
        self._failures.pop("checkpoint", None)
        with self._lock:
            if self._weights is not None:
                self._weights[0].unlink(missing_ok=True)  # superseded before it was committed
            self._weights = (tmp, step)

    # --- committing ------------------------------------------------------------------------------
    # The training thread only hands batches over; a writer thread encodes snapshots (zlib) and
    # commits, in order, so training never waits on either (figures: benchmarks/RESULTS.md,
    # design notes).

    def flush_due(self) -> bool:
        """Whether `flush_seconds` passed since the last hand-over."""
        return time.monotonic() - self._last_flush >= self.flush_seconds

    def maybe_flush(self) -> None:
        """Hand what is buffered to the writer if `flush_seconds` passed since the last time."""
        if self.flush_due():
            self.flush(wait=False)

    # --- the "not saving" state -------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        """False while the store cannot be written (disk full, damaged file, ...): the run goes
        on, and what is not yet written is kept in memory and tried again at each commit."""
        return not self._failures

    @property
    def problem(self) -> str | None:
        """One line for the user while not `saving` (where, what failed, what happens now);
        None while writes succeed. The Playground shows it; the CLI prints it once."""
        if not self._failures:
            return None
        what = "; ".join(dict.fromkeys(self._failures.values()))
        return f"{what}. Not saving: training goes on, unsaved work is kept and retried"

    def _failed(self, kind: str, error: str) -> None:
        self.error = self._failures[kind] = error
        if not self._reported and self.report is not None:
            self._reported = True
            try:
                self.report(self.problem)
            except Exception:  # a broken reporter must not stop the writer
                pass

    def flush(self, status: str | None = None, message: str = "", wait: bool = True) -> bool:
        """Commit everything buffered (and a new status). With `wait`, returns when it is
        committed: False if the write failed (the writer tries again at the next flush;
        `error` says why)."""
        with self._lock:
            self._last_flush = time.monotonic()
            tail = None
            if self._tail_dirty and self._tail is not None:
                t = self._tail
                tail = (self._snap_seq, t.step, t.d_updates, t.g_updates, t)
                self._snap_seq += 1
            batch = _Batch(
                self._rows,
                self._snaps,
                self._drops,
                tail,
                self._tail_dirty,
                self._settings,
                self._weights,
                self.step,
                (status, message) if status is not None else None,
            )
            self._rows, self._snaps, self._drops, self._settings = [], [], [], []
            self._tail_dirty, self._weights = False, None
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_batches, name=f"run {self.run_id} writer", daemon=True
                )
                self._writer.start()
        self._queue.put(batch)
        return self.wait() if wait else True

    def wait(self) -> bool:
        """Block until the writer has committed every batch handed to it; False if one
        failed (it stays queued for the next flush; `error` says why)."""
        self._queue.join()
        return not self._backlog

    def _write_batches(self) -> None:
        while True:
            batch = self._queue.get()
            try:
                if batch is None:
                    return
                self._backlog.append(batch)
                self._drain()
            finally:
                self._queue.task_done()

    def _drain(self) -> None:
        import sqlite3

        while self._backlog:
            try:
                self._commit(self._backlog[0])
            except (sqlite3.Error, OSError) as err:  # busy too long, disk full: try again later
                from gan_viz.store.repair import describe_failure

                self._failed("commit", describe_failure(self.store.path, self.run_id, err))
                return
            except Exception as err:  # a batch that can never be written: do not block the rest
                self.error = f"run {self.run_id}: dropped a batch that cannot be stored ({err!r})"
            else:
                self._failures.pop("commit", None)
            self._backlog.pop(0)

    def _commit(self, b: _Batch) -> None:
        if not b.encoded:
            b.snaps = [(q, s, du, gu, to_npz(snap.to_arrays())) for q, s, du, gu, snap in b.snaps]
            if b.tail is not None:
                b.tail = (*b.tail[:4], to_npz(b.tail[4].to_arrays()))
            b.encoded = True
        c, rid = self._con, self.run_id
        with Transaction(c):
            c.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", b.rows)
            c.executemany(
                "DELETE FROM snapshots WHERE run_id = ? AND seq = ?", [(rid, q) for q in b.drops]
            )
            if b.tail_dirty:
                c.execute("DELETE FROM snapshots WHERE run_id = ? AND tail = 1", (rid,))
            new = [(*s, 0) for s in b.snaps] + ([(*b.tail, 1)] if b.tail else [])
            c.executemany(
                "INSERT INTO snapshots (run_id, seq, step, d_updates, g_updates, data, nbytes,"
                " tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(rid, q, s, du, gu, blob, len(blob), tail) for q, s, du, gu, blob, tail in new],
            )
            c.executemany(
                "INSERT INTO settings_log VALUES (?, ?, ?, ?)",
                [(rid, *entry) for entry in b.settings],
            )
            if b.settings:
                c.execute("UPDATE runs SET settings = ? WHERE id = ?", (b.settings[-1][2], rid))
            if b.weights is not None:
                c.execute("UPDATE runs SET weights_step = ? WHERE id = ?", (b.weights[1], rid))
            c.execute(
                "UPDATE runs SET updated = ?, step = ? WHERE id = ?", (time.time(), b.step, rid)
            )
            if b.status is not None:
                c.execute("UPDATE runs SET status = ?, message = ? WHERE id = ?", (*b.status, rid))
                c.execute("UPDATE snapshots SET tail = 0 WHERE run_id = ?", (rid,))
        if b.weights is not None:  # committed: never again, so no raise from here
            try:
                os.replace(b.weights[0], self.store.weights_path(self.uid))
            except OSError as err:
                self.error = f"could not put run {self.run_id}'s checkpoint in place: {err}"

    def finish(self, status: str = "finished", message: str = "") -> bool:
        """Commit what is left, mark the run finished, diverged or interrupted, and close;
        True when all of it is on disk."""
        if status not in ("finished", "diverged", "interrupted"):
            raise ValueError(f"status {status!r}")
        ok = self.flush(status, message)
        self.finished = True
        self.close()
        return ok

    def close(self) -> None:
        """Stop the writer (after what it holds) and close the connection."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> RunRecorder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.finished:
            if exc_type is None:
                self.finish("finished")
            else:
                self.finish("interrupted", f"{exc_type.__name__}: {exc}".rstrip(": "))
        self.close()
