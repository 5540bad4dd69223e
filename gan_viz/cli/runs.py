"""`gan-viz runs`: the run store from the command line.

    gan-viz runs list [--name TEXT] [--tag TAG] [--kind toy] [--status finished]
    gan-viz runs show 12
    gan-viz runs export 12 [-o run.zip] [--format archive|csv|json]
    gan-viz runs export 12 --format html|gif|mp4|png [--frames 60] [--max-mb 5] [--width 800]
                           [--chart view|curves] [--step 5000]
    gan-viz runs import run.zip [--name NAME]
    gan-viz runs rename 12 "ring8, non-saturating" | tag 12 lecture [--remove] | note 12 "..."
    gan-viz runs delete 12 [13 ...]
    gan-viz runs resume 12 --steps 5000 [--new] [--lr-g 1e-4 ...]
    gan-viz runs prune [--dry-run] [--budget 2GB]
    gan-viz runs recover

Every sub-command takes --store PATH (default: $GAN_VIZ_STORE, else the user's data folder).
A store that SQLite finds damaged is named, with `runs recover` as the way on.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
import time
from pathlib import Path

from gan_viz.cli.common import FLAGS, SWITCHES, add_store_argument, open_store
from gan_viz.cli.outputs import WriteFailed, ensure_writable, write_file
from gan_viz.cli.runs_care import BUDGET_HELP, prune, recover
from gan_viz.errors import ConfigError

# What a resumed run may change: the networks, target and noise it was trained with stay.
RESUME_SECTIONS = ("objective", "optim", "cadence")

ACTIONS = {
    "list": "list stored runs, newest first",
    "show": "one run: settings, last metrics, sizes",
    "export": "write a run as an archive (.zip), its metrics (CSV), its settings (JSON), an "
    "interactive HTML animation, a GIF or MP4 of its main view, or a PNG of a chart",
    "import": "add the run in an archive to the store",
    "rename": "give a run a name",
    "tag": "add (or --remove) tags",
    "note": "set a run's note",
    "delete": "delete runs, their snapshots and weights",
    "resume": "train a stored run further, from its last saved weights",
    "prune": "bring the store within its size budget: thin, then delete, the oldest unpinned "
    "Playground and digits-page runs (named, tagged, annotated and CLI runs are kept)",
    "recover": "move a damaged store aside and copy what can still be read into a fresh one",
}


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    add_store_argument(parser)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = {a: sub.add_parser(a, help=h, description=h) for a, h in ACTIONS.items()}
    for action, sp in p.items():
        add_store_argument(sp, default=argparse.SUPPRESS)  # after the action too
        if action not in ("list", "import", "delete", "prune", "recover"):
            sp.add_argument("run", metavar="ID", help="run id (see `gan-viz runs list`)")
    p["list"].add_argument("--name", help="only runs whose name contains this (any case)")
    p["list"].add_argument("--tag", help="only runs with this tag")
    p["list"].add_argument("--kind", help="only toy or image runs")
    p["list"].add_argument("--status", help="only running, finished, diverged or interrupted")
    p["list"].add_argument("--budget", help=BUDGET_HELP)
    p["prune"].add_argument("--budget", help=BUDGET_HELP)
    p["prune"].add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be thinned or deleted, change nothing",
    )
    p["recover"].add_argument(
        "--force", action="store_true", help="recover even a store SQLite finds sound"
    )
    p["export"].add_argument("-o", "--out", help="output file (default run-ID.zip / .csv / .json)")
    p["export"].add_argument(
        "--format", default="archive", help="archive (default), csv, json, html, gif, mp4 or png"
    )
    p["export"].add_argument(
        "--frames", default="60", help="html/gif/mp4: frames, spread evenly over the run (60)"
    )
    p["export"].add_argument(
        "--max-mb", help="gif: size limit in MB (the picture shrinks to fit; default none)"
    )
    p["export"].add_argument(
        "--width", help="gif/mp4/png: width in px (gif 800, mp4 1280, png 1920 x 1080)"
    )
    p["export"].add_argument("--chart", default="view", help="png: view (default) or curves")
    p["export"].add_argument("--step", help="png: the iteration shown (default: the last)")
    p["export"].add_argument("--force", action="store_true", help="replace an existing file")
    p["import"].add_argument("archive", help="a run archive made by `gan-viz runs export`")
    p["import"].add_argument("--name", help="name the imported run (default: its own)")
    p["rename"].add_argument("name", help="the new name")
    p["tag"].add_argument("tags", nargs="+", metavar="TAG")
    p["tag"].add_argument("--remove", action="store_true", help="remove these tags instead")
    p["note"].add_argument("note", help="the note (replaces any note)")
    p["delete"].add_argument("runs", nargs="+", metavar="ID")
    p["resume"].add_argument("--steps", default="2000", help="iterations to add (default 2000)")
    p["resume"].add_argument("--new", action="store_true", help="continue in a new run (a fork)")
    p["resume"].add_argument("--name", help="name of the run that goes on")
    p["resume"].add_argument("--quiet", action="store_true", help="no progress bar")
    p["resume"].add_argument(
        "--cache-dir",
        help="image runs: the digit classifier's cache folder (default $GAN_VIZ_CACHE or "
        "~/.cache/gan-viz)",
    )
    for flag, section, _field, kind, help_text in FLAGS:
        if section in RESUME_SECTIONS:
            p["resume"].add_argument(flag, type=kind, help=f"{help_text}, from here on")
    for flag, section, _field, help_text in SWITCHES:
        if section in RESUME_SECTIONS:
            p["resume"].add_argument(flag, action="store_true", default=None, help=help_text)


def _run_id(text: str, store) -> int:
    try:
        run_id = int(text)
    except ValueError:
        run_id = None
    if run_id is None or not 1 <= run_id < 2**63:  # SQLite's integers are 64-bit
        raise ConfigError("run id", text, "a whole number from `gan-viz runs list`")
    store.run(run_id)  # RunNotFound names the id
    return run_id


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def _list(store, args) -> int:
    from gan_viz.store import KINDS, STATUSES

    if args.kind and args.kind not in KINDS:
        raise ConfigError("--kind", args.kind, ", ".join(KINDS))
    if args.status and args.status not in STATUSES:
        raise ConfigError("--status", args.status, ", ".join(STATUSES))
    infos = store.runs(name=args.name, tag=args.tag, kind=args.kind, status=args.status)
    if infos:
        print(
            f"{'id':>5}  {'kind':<5} {'status':<11} {'steps':>7} {'snaps':>5} {'size':>8}  "
            f"{'created':<16}  name [tags]"
        )
    for i in infos:
        tags = f" [{', '.join(i.tags)}]" if i.tags else ""
        print(
            f"{i.id:>5}  {i.kind:<5} {i.status:<11} {i.step:>7} {i.snapshots:>5} "
            f"{_mb(i.snapshot_bytes):>8}  {_when(i.created):<16}  {i.name}{tags}"
        )
    from gan_viz.store.budget import budget_bytes, used_bytes

    budget = budget_bytes(args.budget)
    size = store.size()
    used = used_bytes(store)
    over = "; over budget: `gan-viz runs prune`" if used > budget else ""
    print(
        f"{len(infos)} of {size.runs} runs; {store.path}: {_mb(size.total)} "
        f"(database {_mb(size.database)}, weights {_mb(size.weights)}); "
        f"holds {_mb(used)} of a {_mb(budget)} budget{over}"
    )
    return 0


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _short(v) -> str:
    text = json.dumps(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _show(store, args) -> int:
    run = store.open(_run_id(args.run, store))
    i = run.info
    print(f"run {i.id}: {i.label}")
    print(
        f"  {i.kind} run, {i.status}, {i.step} steps; created {_when(i.created)}, "
        f"last written {_when(i.updated)}"
    )
    for label, value in (("tags", ", ".join(i.tags)), ("note", i.note), ("message", i.message)):
        if value:
            print(f"  {label}: {value}")
    if i.parent is not None:
        print(f"  continues run {i.parent}")
    steps = run.snapshot_steps()
    span = f", steps {steps[0]}-{steps[-1]}" if steps else ""
    weights = (
        f"at step {i.weights_step} ({_mb(run.weights_bytes())})"
        if i.weights_step is not None
        else "none"
    )
    print(
        f"  stored: {i.rows} metric rows ({_mb(run.rows_bytes())}), "
        f"{i.snapshots} snapshots ({_mb(i.snapshot_bytes)}"
        f"{span}), weights {weights}"
    )
    log = run.settings_log()
    for (_, before), (step, after) in zip(log, log[1:]):
        a, b = _flat(before), _flat(after)
        changes = [
            f"{k} {_short(a.get(k))} -> {_short(b.get(k))}" for k in b if a.get(k) != b.get(k)
        ]
        print(f"  changed at step {step}: {'; '.join(changes)}")
    last = run.last_row()
    if last:
        print(f"  last metrics (step {last.get('step', float('nan')):.0f}):")
        items = [f"{k} {v:.4g}" for k, v in last.items() if k != "step"]
        for start in range(0, len(items), 6):
            print("    " + "   ".join(items[start : start + 6]))
    print("  settings:")
    for key, value in _flat(log[-1][1] if log else run.settings()).items():
        print(f"    {key} = {_short(value)}")
    return 0


def _export(store, args) -> int:
    run_id = _run_id(args.run, store)
    formats = {"archive": ".zip", "csv": ".csv", "json": ".json"}
    formats.update(html=".html", gif=".gif", mp4=".mp4", png=".png")
    if args.format not in formats:
        raise ConfigError("--format", args.format, ", ".join(formats))
    media = _media_options(args) if args.format in ("html", "gif", "mp4", "png") else None
    kind = store.run(run_id).kind
    if media is not None and kind != "toy":  # the animations draw the toy views
        article = "an" if kind[0] in "aeiou" else "a"
        raise ConfigError("--format", args.format, f"archive, csv or json for {article} {kind} run")
    out = Path(args.out or f"run-{run_id}{formats[args.format]}")
    if out.exists() and not args.force:
        raise ConfigError("--out", str(out), "a new file (it exists; --force replaces it)")
    if not out.parent.is_dir():
        raise ConfigError("--out", str(out), "a file in an existing folder")
    ensure_writable(out, "--out", kind="file")
    start = time.perf_counter()
    if args.format == "archive":
        from gan_viz.store.archive import export_archive

        def write(path: Path) -> None:
            export_archive(store, run_id, path)
    elif args.format == "csv":
        from gan_viz.export.metrics_csv import write_metrics_csv

        columns = store.open(run_id).columns()
        if not columns:
            raise ConfigError("run", run_id, "a run with metric rows (this one has none)")

        def write(path: Path) -> None:
            write_metrics_csv(path, columns)
    elif args.format == "json":

        def write(path: Path) -> None:
            path.write_text(json.dumps(store.open(run_id).settings(), indent=2))
    else:

        def write(path: Path) -> None:
            _export_media(store, run_id, path, args.format, media)

    try:
        write_file(out, write)
    except WriteFailed as err:
        print(f"gan-viz runs: {err}; run {run_id} is unchanged in the store", file=sys.stderr)
        return 1
    print(f"wrote {out} ({_mb(out.stat().st_size)}) in {time.perf_counter() - start:.2f} s")
    return 0


def _number(flag: str, text: str | None, kind, low: float, allowed: str, high=math.inf):
    if text is None:
        return None
    try:
        value = kind(text)
    except (ValueError, OverflowError):
        raise ConfigError(flag, text, allowed) from None
    if not low <= value <= high:
        raise ConfigError(flag, text, allowed)
    return value


def _media_options(args) -> dict:
    """--frames, --max-mb, --width, --chart, --step, checked before anything is drawn."""
    from gan_viz.export.png import CHARTS

    if args.chart not in CHARTS:
        raise ConfigError("--chart", args.chart, " or ".join(CHARTS))
    from gan_viz.export import MAX_FRAMES
    from gan_viz.export.movie import MAX_WIDTH

    max_mb = _number("--max-mb", args.max_mb, float, 0.01, "a size in MB of at least 0.01")
    frames = _number(
        "--frames", args.frames, int, 2, f"a whole number from 2 to {MAX_FRAMES}", MAX_FRAMES
    )
    top = 8000 if args.format == "png" else MAX_WIDTH
    width = _number(
        "--width", args.width, int, 160, f"a whole number of pixels from 160 to {top}", top
    )
    return dict(
        frames=frames,
        max_bytes=None if max_mb is None else int(max_mb * 1e6),
        width=width,
        chart=args.chart,
        step=_number("--step", args.step, int, 0, "an iteration number, 0 or more"),
    )


def _export_media(store, run_id: int, out: Path, fmt: str, o: dict) -> None:
    width = {} if o["width"] is None else {"width": o["width"]}
    if fmt == "html":
        from gan_viz.export.animation import export_html

        export_html(store, run_id, out, frames=o["frames"])
    elif fmt == "gif":
        from gan_viz.export.movie import export_gif

        export_gif(store, run_id, out, frames=o["frames"], max_bytes=o["max_bytes"], **width)
    elif fmt == "mp4":
        from gan_viz.export.movie import export_mp4

        export_mp4(store, run_id, out, frames=o["frames"], **width)
    else:
        from gan_viz.export.png import PROJECTOR, export_png

        if o["width"] is not None:  # keep 16:9
            width["height"] = round(o["width"] * PROJECTOR[1] / PROJECTOR[0])
        export_png(store, run_id, out, chart=o["chart"], step=o["step"], **width)


def _import(store, args) -> int:
    from gan_viz.store.archive import import_archive

    start = time.perf_counter()
    run_id = import_archive(store, args.archive, name=args.name)
    i = store.run(run_id)
    print(
        f"imported {args.archive} as run {run_id} ({i.label}): {i.rows} metric rows, "
        f"{i.snapshots} snapshots, in {time.perf_counter() - start:.2f} s"
    )
    return 0


def _rename(store, args) -> int:
    run_id = _run_id(args.run, store)
    store.rename(run_id, args.name)
    print(f"run {run_id} is now named {args.name!r}")
    return 0


def _tag(store, args) -> int:
    run_id = _run_id(args.run, store)
    if args.remove:
        tags = store.tag(run_id, remove=args.tags)
    else:
        tags = store.tag(run_id, add=args.tags)
    print(f"run {run_id} tags: {', '.join(tags) or '(none)'}")
    return 0


def _note(store, args) -> int:
    run_id = _run_id(args.run, store)
    store.set_note(run_id, args.note)
    print(f"run {run_id} note set")
    return 0


def _delete(store, args) -> int:
    ids = [_run_id(text, store) for text in args.runs]  # all checked before any is deleted
    for run_id in ids:
        label = store.run(run_id).label
        store.delete(run_id)
        print(f"deleted run {run_id} ({label})")
    return 0


def _resume(store, args) -> int:
    run_id = _run_id(args.run, store)
    try:
        steps = int(args.steps)
        assert steps >= 0
    except (ValueError, AssertionError):
        raise ConfigError("--steps", args.steps, "a whole number >= 0") from None
    kind = store.run(run_id).kind
    changes: dict[str, dict] = {}
    for flag, section, field, *_ in FLAGS + SWITCHES:
        value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if section in RESUME_SECTIONS and value is not None:
            if kind == "image" and section == "cadence":  # the toy cadence's flags
                raise ConfigError(flag, value, "not for an image run (its cadence stays)")
            changes.setdefault(section, {})[field] = value
    go_on = {"new_run": args.new, "name": args.name, "changes": changes}
    from gan_viz.store.resume import lacked_device

    lacked = lacked_device(store, run_id)
    go_on["device"] = "auto" if lacked else None
    if lacked:
        print(
            f"gan-viz runs: run {run_id} was trained on {lacked}, which this machine lacks; "
            "it goes on with auto",
            file=sys.stderr,
        )
    if kind == "image":
        from gan_viz.cli.train_images import summarise, train_loop
        from gan_viz.images.store import ImageFollower as Follower
        from gan_viz.images.store import resume

        run, rec = resume(store, run_id, cache_dir=args.cache_dir, **go_on)
    else:
        from gan_viz.cli.train import train_loop
        from gan_viz.toy_store import ToyFollower as Follower
        from gan_viz.toy_store import resume

        run, rec = resume(store, run_id, **go_on)

        def summarise(toy) -> str:
            js = toy.history.last_row().get("js", float("nan"))
            return f"step {toy.step_count}: JS {js:.4f} nats"

    start = run.step_count
    print(
        f"gan-viz runs: run {run_id} goes on from step {start} as run {rec.run_id}", file=sys.stderr
    )
    stored = train_loop(run, start + steps, args.quiet, Follower(run, rec))
    if run.diverged:
        print(f"gan-viz runs: {run.diverged}; saved as run {rec.run_id}", file=sys.stderr)
        return 1
    if stored is False:  # a warning said what the store holds
        print(f"{summarise(run)}. The store missed part of it (see the warning).")
        return 1
    print(f"{summarise(run)}. Saved as run {rec.run_id} in {store.path}.")
    return 0


HANDLERS = {
    "list": _list,
    "show": _show,
    "export": _export,
    "import": _import,
    "rename": _rename,
    "tag": _tag,
    "note": _note,
    "delete": _delete,
    "resume": _resume,
    "prune": prune,
}


def run(args: argparse.Namespace) -> int:
    if args.action == "recover":  # opens no store: it may not open
        return recover(args)
    store = open_store(args, must_exist=args.action != "import")
    try:
        return HANDLERS[args.action](store, args)
    except sqlite3.DatabaseError as err:  # found mid-command: the file's pages, not its header
        from gan_viz.store.repair import StoreDamaged, is_damaged

        if is_damaged(err):
            raise StoreDamaged(store.path, err) from None
        raise ConfigError(
            "run store", str(store.path), f"a store it can read and write ({err})"
        ) from None
