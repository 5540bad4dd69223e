"""The run store's SQLite file: where it lives, how to connect, its tables, transactions.

Several processes write at once (app sessions, CLI runs): the database runs in WAL mode, so
readers never wait for writers, and writers queue on a busy timeout instead of failing. Every
write is one short `BEGIN IMMEDIATE` transaction, so a killed writer leaves the file as of its
last commit, and a failed one leaves it as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1
WAL_LIMIT_BYTES = 4 << 20  # write-ahead log size kept between checkpoints
BUSY_SECONDS = 60.0  # how long a writer waits for another's transaction before giving up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a stale file names no other run
    uid TEXT NOT NULL UNIQUE,              -- names the weights file, new on import
    kind TEXT NOT NULL,                    -- toy | image
    name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,                 -- unix seconds
    updated REAL NOT NULL,                 -- unix seconds of the last commit (a heartbeat)
    status TEXT NOT NULL,                  -- running | finished | diverged | interrupted
    message TEXT NOT NULL DEFAULT '',      -- why it stopped, e.g. where it diverged
    step INTEGER NOT NULL DEFAULT 0,       -- iterations done, as of the last commit
    settings TEXT NOT NULL,                -- the latest settings, JSON
    parent INTEGER,                        -- the run this one was resumed from, if a fork
    pid INTEGER,                           -- the writing process while running
    host TEXT,
    weights_step INTEGER                   -- step of the weights file, NULL when none
);
CREATE TABLE IF NOT EXISTS tags (
    run_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings_log (  -- every settings change, with the step it took effect
    run_id INTEGER NOT NULL, seq INTEGER NOT NULL, step INTEGER NOT NULL, settings TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rows (  -- metric rows as JSON objects (NaN allowed)
    run_id INTEGER NOT NULL, seq INTEGER NOT NULL, step INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL, seq INTEGER NOT NULL, step INTEGER NOT NULL,
    d_updates INTEGER NOT NULL, g_updates INTEGER NOT NULL,
    tail INTEGER NOT NULL DEFAULT 0,       -- 1: the latest frame, replaced as the run goes on
    nbytes INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS snapshots_by_run ON snapshots (run_id, seq);
"""


def default_store_path() -> Path:
    """$GAN_VIZ_STORE, else $XDG_DATA_HOME/gan-viz/runs.sqlite, else ~/.local/share/..."""
    if os.environ.get("GAN_VIZ_STORE"):
        return Path(os.environ["GAN_VIZ_STORE"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "gan-viz" / "runs.sqlite"


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we BEGIN ourselves), WAL, with a busy timeout."""
    con = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    # Before WAL mode writes the file's header, or it cannot take: lets delete() hand freed
    # pages back to the disk. A no-op on a store that has tables already.
    con.execute("PRAGMA auto_vacuum = INCREMENTAL")
    con.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a commit survives a killed process (not a power cut), without an
    # fsync per commit.
    con.execute("PRAGMA synchronous = NORMAL")
    # The log file keeps its largest size unless told: trim it after checkpoints.
    con.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
    return con


class Transaction:
    """`with Transaction(con):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    instead of one failing when it upgrades a read lock."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("BEGIN IMMEDIATE")
        return self.con

    def __exit__(self, exc_type, exc, tb) -> None:
        self.con.execute("COMMIT" if exc_type is None else "ROLLBACK")


def init_schema(con: sqlite3.Connection) -> None:
    """Create the tables of a new store; refuse a store written by a newer gan-viz."""
    with Transaction(con):
        for statement in _SCHEMA.split(";"):  # (no semicolons in the comments)
            if statement.strip():
                con.execute(statement)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            con.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"it was written by a newer gan-viz (schema {row[0]} > {SCHEMA_VERSION})"
            )
