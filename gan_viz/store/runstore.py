"""The run store: every run's settings, metric rows, thinned snapshots and weights, in one
embedded SQLite database that outlives the process (gan_viz.store.db has the file's side).

    store = RunStore()                      # $GAN_VIZ_STORE, else the user's data folder
    for info in store.runs(tag="lecture"):  # RunInfo: id, name, tags, status, step, sizes
        run = store.open(info.id)           # StoredRun: reads as a History does
        cols, snap = run.columns(), run.snapshot_at(5000)
    store.rename(12, "ring8, NS"); store.tag(12, add=["week3"]); store.delete(13)

Runs are written by a RunRecorder (gan_viz.store.recorder), read through StoredRun
(gan_viz.store.stored_run), carried elsewhere by gan_viz.store.archive.

Weights are torch files next to the database (`<name>-weights/<uid>.pt`), read back with
`torch.load(..., weights_only=True)`; snapshots are `Snapshot.to_arrays()` as `.npz` blobs, read
back with `allow_pickle=False`. Nothing is ever pickled.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gan_viz.errors import ConfigError, RunNotFound
from gan_viz.store.db import Transaction, connect, default_store_path, init_schema
from gan_viz.store.kinds import KINDS, RunInfo

if TYPE_CHECKING:
    from gan_viz.store.stored_run import StoredRun


@dataclass(frozen=True)
class StoreSize:
    database: int  # bytes of the SQLite file and its write-ahead log
    weights: int  # bytes of the weight files
    runs: int

    @property
    def total(self) -> int:
        return self.database + self.weights


def _alive(pid: int | None, host: str | None) -> bool:
    """Whether the process that writes a run still lives (unknowable on another host: yes)."""
    if pid is None:
        return False
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunStore:
    """One run store (a SQLite file and its weights folder); safe to share between threads."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path else default_store_path()
        self.weights_dir = self.path.with_name(self.path.stem + "-weights")
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            init_schema(self.connection())
        except (OSError, sqlite3.Error) as err:
            from gan_viz.store.repair import StoreDamaged, is_damaged

            if is_damaged(err):
                raise StoreDamaged(self.path, err) from None
            raise ConfigError(
                "run store", str(self.path), f"a writable SQLite file ({err})"
            ) from None

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared between threads)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = connect(self.path)
        return con

    # --- creating and editing runs ---------------------------------------------------------------

    def create_run(
        self,
        kind: str,
        settings: str | dict,
        name: str = "",
        tags: tuple[str, ...] | list[str] = (),
        note: str = "",
        parent: int | None = None,
    ) -> int:
        """A new run in status `running`, owned by this process; returns its id."""
        if kind not in KINDS:
            raise ConfigError("run kind", kind, ", ".join(KINDS))
        text = settings if isinstance(settings, str) else json.dumps(settings)
        now = time.time()
        con = self.connection()
        with Transaction(con):
            cur = con.execute(
                "INSERT INTO runs (uid, kind, name, note, created, updated, status, settings,"
                " parent, pid, host) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    kind,
                    name,
                    note,
                    now,
                    now,
                    text,
                    parent,
                    os.getpid(),
                    socket.gethostname(),
                ),
            )
            run_id = int(cur.lastrowid)
            con.execute("INSERT INTO settings_log VALUES (?, 0, 0, ?)", (run_id, text))
            con.executemany("INSERT INTO tags VALUES (?, ?)", [(run_id, t) for t in set(tags)])
        return run_id

    def _edit(self, run_id: int, sql: str, *params) -> None:
        con = self.connection()
        with Transaction(con):
            self._require(con, run_id)
            con.execute(sql, (*params, run_id))

    def rename(self, run_id: int, name: str) -> None:
        self._edit(run_id, "UPDATE runs SET name = ? WHERE id = ?", name)

    def set_note(self, run_id: int, note: str) -> None:
        self._edit(run_id, "UPDATE runs SET note = ? WHERE id = ?", note)

    def tag(self, run_id: int, add: list[str] = (), remove: list[str] = ()) -> tuple[str, ...]:
        """Add and remove tags; returns the run's tags after the change."""
        con = self.connection()
        with Transaction(con):
            self._require(con, run_id)
            con.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?)", [(run_id, t) for t in add])
            con.executemany(
                "DELETE FROM tags WHERE run_id = ? AND tag = ?", [(run_id, t) for t in remove]
            )
        return self.run(run_id).tags

    def delete(self, run_id: int) -> None:
        """The run, its rows, snapshots, tags and weights file; the space goes back to the disk.
        A run that a live process is still writing is refused: stop it first."""
        if self.run(run_id).status == "running":
            raise ConfigError("run", run_id, "a run no process is writing now (stop it first)")
        con = self.connection()
        with Transaction(con):
            uid = self._require(con, run_id)
            for table in ("rows", "snapshots", "tags", "settings_log"):
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
            con.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        self.weights_path(uid).unlink(missing_ok=True)
        for leftover in self.weights_dir.glob(f"{uid}.pt.*.tmp"):  # from a killed writer
            leftover.unlink(missing_ok=True)
        # executescript steps the pragma to the end; execute() would free a single page
        con.executescript("PRAGMA incremental_vacuum;")
        # Into the file, which shrinks, and the log emptied: waits (busy timeout) for reads
        # in flight, which are short here.
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def truncate(self, run_id: int, after_step: int) -> None:
        """Drop rows, snapshots and settings changes past `after_step`: a run resumed from a
        checkpoint trains those steps again."""
        con = self.connection()
        with Transaction(con):
            self._require(con, run_id)
            for table in ("rows", "snapshots"):
                con.execute(
                    f"DELETE FROM {table} WHERE run_id = ? AND step > ?", (run_id, after_step)
                )
            con.execute(
                "DELETE FROM settings_log WHERE run_id = ? AND step > ? AND seq > 0",
                (run_id, after_step),
            )
            latest = con.execute(
                "SELECT settings FROM settings_log WHERE run_id = ? ORDER BY seq DESC LIMIT 1",
                (run_id,),
            ).fetchone()
            con.execute(
                "UPDATE runs SET step = min(step, ?), settings = ? WHERE id = ?",
                (after_step, latest[0], run_id),
            )

    def fork(self, run_id: int, up_to_step: int, name: str) -> int:
        """A new run (parent: run_id) holding run_id's record up to a step, and its weights."""
        con = self.connection()
        uid = uuid.uuid4().hex
        with Transaction(con):
            old_uid = self._require(con, run_id)
            now = time.time()
            cur = con.execute(
                "INSERT INTO runs (uid, kind, name, note, created, updated, status, step,"
                " settings, parent, pid, host, weights_step)"
                " SELECT ?, kind, ?, note, ?, ?, 'running', min(step, ?), settings, id, ?, ?,"
                " weights_step FROM runs WHERE id = ?",
                (uid, name, now, now, up_to_step, os.getpid(), socket.gethostname(), run_id),
            )
            new_id = int(cur.lastrowid)
            for table, columns in (
                ("rows", "seq, step, data"),
                ("snapshots", "seq, step, d_updates, g_updates, tail, nbytes, data"),
                ("settings_log", "seq, step, settings"),
            ):
                con.execute(
                    f"INSERT INTO {table} (run_id, {columns}) SELECT ?, {columns} FROM {table}"
                    " WHERE run_id = ? AND (step <= ? OR seq = 0)",
                    (new_id, run_id, up_to_step),
                )
            con.execute(
                "INSERT INTO tags SELECT ?, tag FROM tags WHERE run_id = ?", (new_id, run_id)
            )
            con.execute("UPDATE snapshots SET tail = 0 WHERE run_id = ?", (new_id,))
            if self.weights_path(old_uid).exists():
                shutil.copyfile(self.weights_path(old_uid), self.weights_path(uid))
        return new_id

    def _require(self, con: sqlite3.Connection, run_id: int) -> str:
        row = con.execute("SELECT uid FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(run_id)
        return row[0]

    # --- reading ---------------------------------------------------------------------------------

    _INFO_SQL = """
        SELECT r.id, r.uid, r.kind, r.name, r.note, r.created, r.updated, r.status, r.message,
               r.step, r.parent, r.weights_step, r.pid, r.host,
               (SELECT group_concat(tag, char(10)) FROM tags WHERE run_id = r.id),
               (SELECT count(*) FROM rows WHERE run_id = r.id),
               (SELECT count(*) FROM snapshots WHERE run_id = r.id),
               (SELECT coalesce(sum(nbytes), 0) FROM snapshots WHERE run_id = r.id)
        FROM runs r"""

    def _info(self, row) -> RunInfo:
        (rid, uid, kind, name, note, created, updated, status, message, step, parent, wstep) = row[
            :12
        ]
        pid, host, tags, n_rows, n_snaps, snap_bytes = row[12:]
        if status == "running" and not _alive(pid, host):
            status, message = "interrupted", message or "its process ended without finishing"
        return RunInfo(
            rid,
            uid,
            kind,
            name,
            tuple(sorted(tags.split("\n"))) if tags else (),
            note,
            created,
            updated,
            status,
            message,
            step,
            parent,
            wstep,
            n_rows,
            n_snaps,
            snap_bytes,
        )

    def open(self, run_id: int) -> StoredRun:
        """One run's record: settings, metric rows, snapshots, weights (read on demand)."""
        from gan_viz.store.stored_run import StoredRun

        return StoredRun(self, self.run(run_id))

    def run(self, run_id: int) -> RunInfo:
        row = self.connection().execute(self._INFO_SQL + " WHERE r.id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(run_id)
        return self._info(row)

    def runs(
        self,
        name: str | None = None,
        tag: str | None = None,
        kind: str | None = None,
        status: str | None = None,
    ) -> list[RunInfo]:
        """Runs newest first; `name` matches a part of the name (any case), the rest exactly."""
        where, params = [], []
        if name:
            where.append("instr(lower(r.name), lower(?)) > 0")
            params.append(name)
        if tag:
            where.append("EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = ?)")
            params.append(tag)
        if kind:
            where.append("r.kind = ?")
            params.append(kind)
        sql = self._INFO_SQL + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.connection().execute(sql + " ORDER BY r.id DESC", params).fetchall()
        infos = [self._info(row) for row in rows]
        return [i for i in infos if status is None or i.status == status]

    # --- weights ---------------------------------------------------------------------------------

    def weights_path(self, uid: str) -> Path:
        return self.weights_dir / f"{uid}.pt"

    # --- sizes -----------------------------------------------------------------------------------

    def size(self) -> StoreSize:
        database = sum(
            p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists()
        )
        weights = (
            sum(p.stat().st_size for p in self.weights_dir.glob("*.pt"))
            if self.weights_dir.exists()
            else 0
        )
        (n_runs,) = self.connection().execute("SELECT count(*) FROM runs").fetchone()
        return StoreSize(database, weights, n_runs)

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
