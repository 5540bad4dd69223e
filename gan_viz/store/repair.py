"""A damaged run store: telling the user what is wrong, and getting back what can be read.

A run store is one SQLite file. A disk that fills, a copy cut short or a crash of the machine
(not of a process: commits survive those) can leave it truncated or garbled; SQLite then
answers every query with "database disk image is malformed" (SQLITE_CORRUPT) or "file is not
a database" (SQLITE_NOTADB). `StoreDamaged` says so in one line with the way on, and
`recover` takes it:

    report = recover(path)   # moves the file aside, copies what SQLite still reads into a fresh one

The copy goes table by table, and within a table by ranges of row ids (or run by run), so one
unreadable page costs the rows on it, not the rest; a file cut short is read from a copy padded
to the length its header states (SQLite refuses every read of a file shorter than that). The
weights files stay where they are: runs keep their uid, so a recovered run finds its checkpoint
again. (`sqlite3`'s `.recover`
command is not in Python's module, and `iterdump` stops at the first unreadable row.)
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from gan_viz.errors import ConfigError

_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_FULL = {"SQLITE_FULL"}
CHUNK = 256  # rows copied per query; a failing chunk is retried row by row


def is_damaged(err: BaseException) -> bool:
    """Whether an sqlite3 error says the file itself is damaged (not busy, not full)."""
    if not isinstance(err, sqlite3.DatabaseError):
        return False
    name = getattr(err, "sqlite_errorname", "") or ""
    if any(name == code or name.startswith(code + "_") for code in _DAMAGED):
        return True
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


def recover_hint(path: Path) -> str:
    return (
        f"`gan-viz runs recover --store {path}` moves it aside and copies what can still be "
        "read into a fresh store"
    )


class StoreDamaged(ConfigError):
    """The run store's file is damaged: names it, says why and how to go on."""

    def __init__(self, path: Path, err: BaseException):
        self.setting, self.given = "run store", str(path)
        self.allowed = recover_hint(path)
        ValueError.__init__(self, f"the run store {path} is damaged ({err}); {recover_hint(path)}")


def describe_failure(path: Path, run_id: int | None, err: BaseException) -> str:
    """One line on a write to the store that failed: what, where, and what would help."""
    run = "" if run_id is None else f"run {run_id} "
    if is_damaged(err):
        return (
            f"could not write {run}to the run store {path}: it is damaged ({err}); "
            + recover_hint(path)
        )
    name = getattr(err, "sqlite_errorname", "") or ""
    full = name in _FULL or "disk is full" in str(err) or getattr(err, "errno", None) in (28, 27)
    hint = " (no space left: free some, or `gan-viz runs prune`)" if full else ""
    return f"could not write {run}to {path}: {err}{hint}"


@dataclass
class Recovered:
    """What `recover` did: where the damaged file went and what came back, per table."""

    moved_to: Path
    copied: dict[str, int] = field(default_factory=dict)  # rows copied, by table
    lost: dict[str, int] = field(default_factory=dict)  # rows known lost, by table
    runs_before: int | None = None  # runs the damaged file counted, if it could say

    def summary(self) -> str:
        runs = self.copied.get("runs", 0)
        before = f" of {self.runs_before}" if self.runs_before is not None else ""
        parts = [f"{n} {t}" for t, n in self.copied.items() if t != "runs"]
        lost = [f"{n} {t}" for t, n in self.lost.items() if n]
        return (
            f"recovered {runs}{before} runs ({', '.join(parts) or 'nothing else'})"
            + (f"; lost {', '.join(lost)}" if lost else "")
            + f". The damaged file is kept as {self.moved_to}"
        )


def check(path: Path) -> str | None:
    """None when SQLite finds the store sound (`PRAGMA quick_check`), else what is wrong."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as err:
        return str(err)
    problems = [r[0] for r in rows if r[0] != "ok"]
    return "; ".join(problems[:3]) if problems else None


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]


def _copy_rowid_table(old, new, table: str, report: Recovered) -> list[int]:
    """Copy a table with integer ids (runs, snapshots) by id ranges; returns the ids copied."""
    cols = _columns(new, table)
    names = ", ".join(cols)
    marks = ", ".join("?" * len(cols))
    try:
        low, high = old.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
    except sqlite3.DatabaseError:
        low, high = None, None
    if low is None:  # empty, or its b-tree root is unreadable: probe ids one by one
        low, high = 1, 0
    ids: list[int] = []
    lost = 0
    for start in range(low, high + 1, CHUNK):
        sql = f"SELECT {names} FROM {table} WHERE rowid BETWEEN ? AND ?"
        try:
            rows = old.execute(sql, (start, start + CHUNK - 1)).fetchall()
        except sqlite3.DatabaseError:
            rows = []
            for rid in range(start, min(start + CHUNK, high + 1)):
                try:
                    rows += old.execute(sql, (rid, rid)).fetchall()
                except sqlite3.DatabaseError:
                    lost += 1
        new.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", rows)
        ids += [r[0] for r in rows]
    report.copied[table], report.lost[table] = len(ids), lost
    return ids


def _copy_by_run(old, new, table: str, run_ids: list[int], report: Recovered) -> None:
    """Copy a table keyed by (run_id, ...) run by run; a run whose part is unreadable keeps
    what could be read before the damage."""
    cols = _columns(new, table)
    names, marks = ", ".join(cols), ", ".join("?" * len(cols))
    copied = lost_runs = 0
    for rid in run_ids:
        rows = []
        try:
            for row in old.execute(f"SELECT {names} FROM {table} WHERE run_id = ?", (rid,)):
                rows.append(row)
        except sqlite3.DatabaseError:
            lost_runs += 1
        new.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", rows)
        copied += len(rows)
    report.copied[table] = copied
    report.lost[f"runs' {table} (in part)"] = lost_runs


def recover(path: str | Path) -> Recovered:
    """Move a damaged store aside (to `<name>.damaged-<time>`) and copy what SQLite can still
    read of it into a fresh store at the same path. The weights folder stays as it is."""
    from gan_viz.store.db import Transaction, connect, init_schema

    path = Path(path).expanduser()
    if not path.exists():
        raise ConfigError("--store", str(path), "an existing run store file")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):  # the log holds commits too: it moves with the file
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(Path(f"{aside}{suffix}"))
    report = Recovered(aside)
    reading = _readable_copy(aside)
    old = sqlite3.connect(f"file:{reading}?mode=ro", uri=True)
    new = connect(path)
    try:
        init_schema(new)
        try:
            report.runs_before = old.execute("SELECT count(*) FROM runs").fetchone()[0]
        except sqlite3.DatabaseError:
            pass
        with Transaction(new):
            run_ids = _copy_rowid_table(old, new, "runs", report)
            for table in ("tags", "settings_log", "rows"):
                _copy_by_run(old, new, table, run_ids, report)
            _copy_rowid_table(old, new, "snapshots", report)
            # A snapshot of a run that was not recovered has nothing to belong to.
            new.execute("DELETE FROM snapshots WHERE run_id NOT IN (SELECT id FROM runs)")
            # A run left without its first settings cannot be resumed nor replayed.
            new.execute(
                "INSERT INTO settings_log SELECT id, 0, 0, settings FROM runs r WHERE NOT EXISTS"
                " (SELECT 1 FROM settings_log s WHERE s.run_id = r.id AND s.seq = 0)"
            )
            new.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    finally:
        old.close()
        new.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{reading}{suffix}").unlink(missing_ok=True)
    return report


def _readable_copy(aside: Path) -> Path:
    """A copy of the damaged file (and its log) to read from, padded with zeros to the size its
    header states: SQLite calls a file shorter than its header says malformed at every read,
    while a zeroed page only fails the reads that reach it."""
    import shutil

    reading = aside.with_name(aside.name + ".reading")
    shutil.copyfile(aside, reading)
    if Path(f"{aside}-wal").exists():
        shutil.copyfile(f"{aside}-wal", f"{reading}-wal")
    head = reading.read_bytes()[:100]
    if head[:16] == b"SQLite format 3\0":
        page = int.from_bytes(head[16:18], "big")
        page = 65536 if page == 1 else page
        declared = page * int.from_bytes(head[28:32], "big")
        size = reading.stat().st_size
        if size < declared:
            with reading.open("ab") as fh:
                fh.truncate(declared)
    return reading
