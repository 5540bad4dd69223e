"""The store's size budget and its retention rule: which runs give way when it is full.

Every Playground run is recorded (a 2-D run of a few thousand iterations is 17-50 MB, mostly
its snapshots), so a store used for a term grows without bound. The rule:

- Only *unpinned page runs* ever give way: runs the Playground or the digits page recorded
  (tag "playground" or "mnist", the page's own name "playground: ..." / "mnist: ...") that
  nobody renamed, tagged further or wrote a note on, and that no process is writing now.
  CLI runs, imported runs and every run a user named, tagged or annotated are kept whatever
  the size.
- While the store is over its budget, those runs are first *thinned*, oldest first: their
  snapshots go except the newest, their metric rows, settings and checkpoint stay (the curves
  and `runs resume` still work; a replay shows the end). Then, if that is not enough, they are
  *dropped*, oldest first.

    plan = plan_prune(store, budget_bytes())     # what would go (a dry run prints this)
    apply(store, plan)                          # do it; the freed pages go back to the disk

The budget: `GAN_VIZ_STORE_BUDGET` (e.g. "2GB", "500MB"; a bare number is MB), else
DEFAULT_BUDGET. A new page run applies the rule when it starts (gan_viz.store.recorder).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from gan_viz.errors import ConfigError
from gan_viz.store.db import Transaction
from gan_viz.store.kinds import RunInfo
from gan_viz.store.runstore import RunStore

BUDGET_ENV = "GAN_VIZ_STORE_BUDGET"
DEFAULT_BUDGET = 2_000_000_000  # bytes: ~100 Playground runs of a few thousand iterations
PAGE_TAGS = ("playground", "mnist")  # the tag each page gives the runs it records
_UNITS = {"": 1e6, "b": 1, "kb": 1e3, "k": 1e3, "mb": 1e6, "m": 1e6, "gb": 1e9, "g": 1e9}
_UNITS |= {"tb": 1e12, "t": 1e12}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*")


def parse_size(text: str, setting: str = BUDGET_ENV) -> int:
    """'2GB', '500 MB', '1.5g', '750' (MB) -> bytes; ConfigError names what is allowed."""
    allowed = "a size such as 500MB or 2GB (a bare number is MB), at least 1MB"
    m = _SIZE.fullmatch(str(text))
    if not m or m.group(2).lower() not in _UNITS:
        raise ConfigError(setting, text, allowed)
    size = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if not 1e6 <= size <= 1e15:
        raise ConfigError(setting, text, allowed)
    return int(size)


def budget_bytes(given: str | None = None) -> int:
    """The budget: `given` (a --budget flag), else $GAN_VIZ_STORE_BUDGET, else the default."""
    if given is not None:
        return parse_size(given, "--budget")
    if os.environ.get(BUDGET_ENV):
        return parse_size(os.environ[BUDGET_ENV])
    return DEFAULT_BUDGET


def pinned(info: RunInfo) -> bool:
    """Whether a run is kept whatever the store's size (see the module's rule)."""
    if info.status == "running" or info.note:
        return True
    page = [t for t in PAGE_TAGS if t in info.tags]
    return not (len(page) == 1 and info.tags == (page[0],) and info.name.startswith(f"{page[0]}: "))


@dataclass(frozen=True)
class Step:
    """One thing the rule does to one run."""

    run: RunInfo
    action: str  # "thin" (keep rows, settings, checkpoint, newest snapshot) or "drop"
    frees: int  # bytes, estimated from what the run holds

    def describe(self) -> str:
        what = "thin (keep its curves and checkpoint)" if self.action == "thin" else "delete"
        run = self.run
        return f"{what} run {run.id} ({run.label}, {run.step} steps): ~{_mb(self.frees)}"


@dataclass(frozen=True)
class Plan:
    budget: int
    used: int  # bytes the store holds now
    steps: tuple[Step, ...]

    @property
    def after(self) -> int:
        return self.used - sum(s.frees for s in self.steps)


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def used_bytes(store: RunStore) -> int:
    """Bytes the store holds: its pages in use (free pages not counted), its log, its weights."""
    con = store.connection()
    (page_size,) = con.execute("PRAGMA page_size").fetchone()
    (pages,) = con.execute("PRAGMA page_count").fetchone()
    (free,) = con.execute("PRAGMA freelist_count").fetchone()
    size = store.size()
    wal = size.database - (store.path.stat().st_size if store.path.exists() else 0)
    return (pages - free) * page_size + max(wal, 0) + size.weights


def _run_bytes(store: RunStore, info: RunInfo) -> tuple[int, int]:
    """(bytes thinning frees, bytes dropping frees) of one run, from what it holds."""
    con = store.connection()
    (rows,) = con.execute(
        "SELECT coalesce(sum(length(data)), 0) FROM rows WHERE run_id = ?", (info.id,)
    ).fetchone()
    newest = con.execute(
        "SELECT nbytes FROM snapshots WHERE run_id = ? ORDER BY seq DESC LIMIT 1", (info.id,)
    ).fetchone()
    thin = info.snapshot_bytes - (newest[0] if newest else 0)
    weights = store.weights_path(info.uid)
    drop = info.snapshot_bytes + rows + (weights.stat().st_size if weights.exists() else 0)
    return thin, drop


def plan_prune(store: RunStore, budget: int) -> Plan:
    """What the rule does to bring the store under `budget`, oldest unpinned runs first."""
    used = used_bytes(store)
    over = used - budget
    steps: list[Step] = []
    if over <= 0:
        return Plan(budget, used, ())
    candidates = sorted((i for i in store.runs() if not pinned(i)), key=lambda i: i.created)
    sizes = {i.id: _run_bytes(store, i) for i in candidates}
    for info in candidates:  # first thin, oldest first
        if over <= 0:
            break
        if info.snapshots > 1 and sizes[info.id][0] > 0:
            steps.append(Step(info, "thin", sizes[info.id][0]))
            over -= sizes[info.id][0]
    thinned = {s.run.id: s.frees for s in steps}
    for info in candidates:  # then drop, oldest first
        if over <= 0:
            break
        frees = sizes[info.id][1] - thinned.get(info.id, 0)
        steps = [s for s in steps if s.run.id != info.id]
        steps.append(Step(info, "drop", sizes[info.id][1]))
        over -= frees
    return Plan(budget, used, tuple(steps))


def thin(store: RunStore, run_id: int) -> None:
    """Drop a run's snapshots but the newest; its rows, settings and checkpoint stay."""
    con = store.connection()
    with Transaction(con):
        con.execute(
            "DELETE FROM snapshots WHERE run_id = ? AND seq < "
            "(SELECT max(seq) FROM snapshots WHERE run_id = ?)",
            (run_id, run_id),
        )
        con.execute("UPDATE snapshots SET tail = 0 WHERE run_id = ?", (run_id,))


def apply(store: RunStore, plan: Plan) -> int:
    """Carry a plan out; returns the bytes the store holds after. Runs that changed since the
    plan was made (written again, pinned) are left alone."""
    for step in plan.steps:
        try:
            now = store.run(step.run.id)
        except ConfigError:  # deleted meanwhile
            continue
        if pinned(now):
            continue
        if step.action == "drop":
            store.delete(now.id)
        else:
            thin(store, now.id)
    con = store.connection()
    con.executescript("PRAGMA incremental_vacuum;")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return used_bytes(store)


def enforce(store: RunStore, budget: int | None = None) -> Plan:
    """Apply the rule if the store is over its budget (a page run calls this as it starts)."""
    plan = plan_prune(store, budget_bytes() if budget is None else budget)
    if plan.steps:
        apply(store, plan)
    return plan
