"""Runs that last: the SQLite run store, the recorder that fills it as a run goes, and run
archives. See gan_viz.store.runstore (reading, editing), .recorder (writing), .archive (export,
import), .db (the file), .npz (pickle-free arrays)."""

from gan_viz.errors import RunNotFound
from gan_viz.store.db import default_store_path
from gan_viz.store.kinds import KINDS, STATUSES, RunInfo, snapshot_class
from gan_viz.store.recorder import FLUSH_SECONDS, STORE_SNAPSHOTS, RunRecorder
from gan_viz.store.runstore import RunStore, StoreSize
from gan_viz.store.snapshot_plan import SnapshotPlan
from gan_viz.store.stored_run import StoredRun

__all__ = [
    "FLUSH_SECONDS",
    "KINDS",
    "STATUSES",
    "STORE_SNAPSHOTS",
    "RunInfo",
    "RunNotFound",
    "RunRecorder",
    "RunStore",
    "SnapshotPlan",
    "StoreSize",
    "StoredRun",
    "default_store_path",
    "snapshot_class",
]
