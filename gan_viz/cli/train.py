"""`gan-viz train`: a toy GAN run, headless.

    gan-viz train --target ring8 --objective nonsaturating --steps 5000 --seed 0 --out runs/ring

Writes config.json, metrics.csv, samples.npy and weights.pt into --out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from gan_viz.cli.common import FLAGS, SWITCHES, add_store_argument, open_store
from gan_viz.cli.outputs import WriteFailed, ensure_writable
from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.export.metrics_csv import write_metrics_csv
from gan_viz.toy import ToyGAN

MAX_SAMPLES = 1_000_000  # samples.npy: 8 MB for 2-D points, G run on them in chunks
MAX_ROWS = 2_000_000  # metric rows a run may record: ~20 float64 columns, 320 MB in memory


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that build a RunConfig; shared with other commands (e.g. sweep)."""
    parser.add_argument("--preset", help="start from a named preset (see `gan-viz presets`)")
    parser.add_argument("--target", help="target distribution (see `gan-viz targets`)")
    parser.add_argument(
        "--target-param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a target parameter, VALUE as JSON (e.g. means=[-2,2]); repeatable",
    )
    parser.add_argument("--points", metavar="CSV", help="your own points (target 'points')")
    parser.add_argument(
        "--drawing",
        metavar="JSON",
        help='your own drawing: {"dim": 2, "points": [[x, y], ...], "std": 0.05} '
        '(target drawing) or {"dim": 1, "points": [[x, height], ...]} (target sketch)',
    )
    parser.add_argument("--hidden", type=int, help="width of both G and D")
    parser.add_argument("--depth", type=int, help="hidden layers of both G and D")
    for flag, _section, _field, kind, help_text in FLAGS:
        parser.add_argument(flag, type=kind, help=help_text)
    for flag, _section, _field, help_text in SWITCHES:
        parser.add_argument(flag, action="store_true", default=None, help=help_text)
    parser.add_argument("--seed", type=int, help="random seed (default 0)")
    parser.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")


def config_from_args(args: argparse.Namespace) -> tuple[RunConfig, int | None]:
    """The RunConfig the flags ask for (a preset, then each given flag) and the preset's steps."""
    from gan_viz.presets import PRESETS, default_config
    from gan_viz.targets import TARGETS, parse_points, read_points

    cfg, steps = RunConfig(), None
    text = read_points(args.points) if args.points else None  # bounded; refused in one line
    drawn = _read_drawing(args)
    if drawn is not None:
        cfg = default_config(drawn[0])
    elif args.target in TARGETS and args.target != "points":
        cfg = default_config(args.target)
    elif args.points or args.target == "points":
        dim = parse_points(text).shape[1] if args.points else 1
        cfg = default_config("ring8" if dim == 2 else "gaussian")
    if args.preset:
        if args.preset not in PRESETS:
            raise ConfigError("preset", args.preset, ", ".join(PRESETS))
        cfg, steps = PRESETS[args.preset].config, PRESETS[args.preset].steps
    changes: dict[str, dict] = {}
    if args.target or args.target_param or args.points or drawn:
        name = args.target or ("points" if args.points else cfg.target.name)
        name = drawn[0] if drawn is not None else name
        params = {} if name != cfg.target.name else dict(cfg.target.params)
        if drawn is not None:
            params.update(drawn[2])
        for item in args.target_param:
            key, sep, raw = item.partition("=")
            if not sep:
                raise ConfigError("--target-param", item, "KEY=VALUE, e.g. std=0.1")
            try:
                params[key] = json.loads(raw)
            except json.JSONDecodeError:
                params[key] = raw
        if args.points:
            params["points"] = text
        # a drawing belongs to its own target: another target name starts without one
        drawing = cfg.target.drawing if name == cfg.target.name else ()
        drawing = drawn[1] if drawn is not None else drawing
        changes["target"] = {"name": name, "params": params, "drawing": drawing}
    if args.hidden is not None:
        changes.setdefault("nets", {}).update(g_hidden=args.hidden, d_hidden=args.hidden)
    if args.depth is not None:
        changes.setdefault("nets", {}).update(g_depth=args.depth, d_depth=args.depth)
    for flag, section, field, *_ in FLAGS + [(f, s, n, None) for f, s, n, _ in SWITCHES]:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            changes.setdefault(section, {})[field] = value
    cfg = cfg.replace(**changes)
    if args.seed is not None:
        cfg = cfg.replace(seed=args.seed)
    if args.device is not None:
        cfg = cfg.replace(device=args.device)
    return cfg, steps


def _read_drawing(args: argparse.Namespace) -> tuple[str, tuple, dict] | None:
    """(target name, drawing, params) from --drawing, checked before any work starts."""
    if not args.drawing:
        return None
    from gan_viz.drawn import MAX_FILE_BYTES, parse_drawing_json

    if args.points:
        raise ConfigError("--drawing", args.drawing, "either --drawing or --points, not both")
    path = Path(args.drawing)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError(
                "--drawing", f"{size:,} bytes", f"a file of at most {MAX_FILE_BYTES:,}"
            )
        dim, drawing, params = parse_drawing_json(path.read_bytes())
    except OSError as err:
        raise ConfigError(
            "--drawing", args.drawing, f"a readable JSON file ({err.strerror})"
        ) from None
    name = "drawing" if dim == 2 else "sketch"
    if args.target not in (None, name):
        raise ConfigError("--target", args.target, f"{name} (or none) with a {dim}-D --drawing")
    return name, drawing, params


def check_steps(steps: int, every: int, every_flag: str) -> None:
    """Refuse a negative --steps, or one whose metric rows (one each `every` iterations,
    ~160 bytes a row, kept in memory) would not fit a laptop."""
    if steps < 0:
        raise ConfigError("--steps", steps, "a whole number >= 0")
    if isinstance(every, int) and every > 0 and steps // every > MAX_ROWS:
        raise ConfigError(
            "--steps",
            steps,
            f"at most {MAX_ROWS * every:,} with {every_flag} {every} "
            f"({MAX_ROWS:,} metric rows, ~{MAX_ROWS * 160 / 1e6:.0f} MB in memory)",
        )


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    add_config_arguments(parser)
    parser.add_argument("--steps", type=int, help="iterations to train (default 2000)")
    parser.add_argument("--out", default="runs/latest", help="output folder (default runs/latest)")
    parser.add_argument(
        "--samples",
        type=int,
        default=10000,
        help="samples of the final generator saved to samples.npy",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")

    add_store_argument(parser)
    parser.add_argument("--no-store", action="store_true", help="do not record the run")
    parser.add_argument("--name", help="name of the run in the store (default: target, objective)")
    parser.add_argument("--tag", action="append", default=[], help="a tag for the run; repeatable")
    parser.add_argument("--note", default="", help="a note kept with the run")


def write_run(run: ToyGAN, out: Path, n_samples: int) -> None:
    """config.json, metrics.csv, samples.npy, weights.pt into `out`; WriteFailed (one line)
    names what could not be written, the rest is kept."""
    from gan_viz.cli.outputs import write_files

    write_files(
        out,
        {
            "config.json": lambda p: p.write_text(run.config_json()),
            "metrics.csv": lambda p: write_metrics_csv(p, run.history.columns()),
            "samples.npy": lambda p: np.save(p, run.sample(n_samples)),
            "weights.pt": lambda p: torch.save(run.weights(), p),
        },
    )


def _record_the_end(toy: ToyGAN) -> None:
    """A last metric row (and snapshot) where training stopped, unless one is there."""
    if toy.diverged is None and toy.history.last_row().get("step") != toy.step_count:
        toy.record()


def train_loop(toy: ToyGAN, until_step: int, quiet: bool, follower=None) -> bool:
    """Train to `until_step` iterations with a progress bar. A ToyFollower (if given) records
    the run as it goes and finishes it: finished, diverged, or interrupted by Ctrl-C. Returns
    False when the store could not take all of it (a warning line says what it holds)."""
    from tqdm import tqdm

    bar = tqdm(
        total=max(0, until_step - toy.step_count),
        unit="it",
        disable=quiet,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    chunk = max(1, min(toy.cfg.cadence.record_every, 100))
    try:
        while toy.step_count < until_step and toy.diverged is None:
            done = toy.train(min(chunk, until_step - toy.step_count))
            bar.update(done)
            last = toy.history.last_row()
            bar.set_postfix(js=f"{last.get('js', float('nan')):.3f}", refresh=False)
            if follower is not None:
                follower.poll()
        _record_the_end(toy)
    except KeyboardInterrupt:
        if follower is not None:
            _record_the_end(toy)
            follower.finish("interrupted", f"stopped by the user at step {toy.step_count}")
        raise
    finally:
        bar.close()
    if follower is None:
        return True
    return finish_recording(follower)


def finish_recording(follower) -> bool:
    """Finish a followed run; when the store could not take all of it, one warning line says
    what it holds and why. Returns whether everything is stored."""
    rec = follower.recorder
    if follower.finish() and rec.saving:
        return True
    try:
        held = f"holds it up to step {rec.store.run(rec.run_id).step}"
    except Exception:  # the store that failed may fail this read too
        held = "may hold only part of it"
    print(
        f"gan-viz: warning: run {rec.run_id} was not fully saved: the store {held} ({rec.error})",
        file=sys.stderr,
    )
    return False


def run(args: argparse.Namespace) -> int:
    cfg, preset_steps = config_from_args(args)
    steps = args.steps if args.steps is not None else (preset_steps or 2000)
    check_steps(steps, cfg.cadence.record_every, "--record-every")
    if not 1 <= args.samples <= MAX_SAMPLES:
        raise ConfigError("--samples", args.samples, f"a whole number from 1 to {MAX_SAMPLES:,}")
    out = ensure_writable(args.out, "--out")
    toy = ToyGAN(cfg)
    follower, saved = None, ""
    if not args.no_store:
        follower, saved = _start_recording(args, toy)
    stored = train_loop(toy, steps, args.quiet, follower) and (
        args.no_store or follower is not None
    )
    try:
        write_run(toy, out, args.samples)
    except WriteFailed as err:
        print(f"gan-viz train: {err}.{saved}", file=sys.stderr)
        return 1
    last = toy.history.last_row()
    summary = f"step {toy.step_count}: JS {last.get('js', float('nan')):.4f} nats"
    if "modes" in last:
        summary += f", modes {int(last['modes'])}/{len(toy.target.modes.centres)}"
    if toy.diverged:
        print(
            f"gan-viz train: {toy.diverged}; stopped, wrote what was recorded to {out}.{saved}",
            file=sys.stderr,
        )
        return 1
    if not stored and follower is not None:  # exit 1 below: a script sees the store lacks it
        saved = " The store missed part of it (see the warning)."
    print(f"{summary}. Wrote {out}/config.json, metrics.csv, samples.npy, weights.pt.{saved}")
    return 0 if stored else 1


def _start_recording(args: argparse.Namespace, toy: ToyGAN):
    """A ToyFollower recording into the store, or None (with a warning) when the store cannot
    take a new run: the training and --out go on without it."""
    import sqlite3

    from gan_viz.store import RunRecorder
    from gan_viz.store.repair import describe_failure
    from gan_viz.toy_store import ToyFollower

    def warn(line: str) -> None:
        print(f"gan-viz train: warning: {line}", file=sys.stderr)

    store = open_store(args)
    cfg = toy.cfg
    name = args.name or args.preset or f"{cfg.target.name} {cfg.objective.name}"
    try:
        rec = RunRecorder(store, "toy", toy.config_json(), name, args.tag, args.note, report=warn)
    except (sqlite3.Error, OSError) as err:
        warn(f"{describe_failure(store.path, None, err)}; training without recording")
        return None, " Not recorded in the store (see the warning)."
    print(f"gan-viz train: recording as run {rec.run_id} in {store.path}", file=sys.stderr)
    return ToyFollower(toy, rec), f" Saved as run {rec.run_id} in {store.path}."
