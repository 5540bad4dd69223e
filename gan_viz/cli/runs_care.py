"""`gan-viz runs prune` and `gan-viz runs recover`: keeping the run store within its budget,
and getting a damaged one back (gan_viz.store.budget, gan_viz.store.repair)."""

from __future__ import annotations

from pathlib import Path

from gan_viz.errors import ConfigError

BUDGET_HELP = (
    "the store's size budget, e.g. 500MB or 2GB (a bare number is MB); default "
    "$GAN_VIZ_STORE_BUDGET, else 2GB. Over it, the oldest Playground and digits-page runs that "
    "nobody renamed, tagged or annotated lose their snapshots but the newest (their curves and "
    "checkpoint stay), then, if that is not enough, are deleted; a new page run applies this "
    "as it starts"
)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def prune(store, args) -> int:
    """`gan-viz runs prune`: the budget's rule, now (or only said, with --dry-run)."""
    from gan_viz.store.budget import apply, budget_bytes, plan_prune

    plan = plan_prune(store, budget_bytes(args.budget))
    head = f"{store.path} holds {_mb(plan.used)} of a {_mb(plan.budget)} budget"
    if not plan.steps:
        print(f"{head}: nothing to prune")
        return 0
    for step in plan.steps:
        print(("would " if args.dry_run else "") + step.describe())
    if args.dry_run:
        print(f"{head}; pruning would leave ~{_mb(plan.after)} (--dry-run: nothing changed)")
        return 0
    after = apply(store, plan)
    print(f"{head.replace(' holds ', ' held ')}; now {_mb(after)}")
    return 0


def recover(args) -> int:
    """`gan-viz runs recover`: a damaged store moved aside, what reads copied to a fresh one."""
    from gan_viz.store import default_store_path
    from gan_viz.store.repair import check, recover

    path = Path(args.store).expanduser() if getattr(args, "store", None) else default_store_path()
    if not path.exists():
        raise ConfigError("--store", str(path), "an existing run store file")
    problem = check(path)
    if problem is None and not args.force:
        print(f"{path}: SQLite finds this store sound; nothing to recover (--force does it anyway)")
        return 0
    report = recover(path)
    print(f"{path}: {problem or 'recovered on request'}; {report.summary()}")
    return 0
