"""`gan-viz train`: a toy GAN run, headless.

    gan-viz train --target ring8 --objective nonsaturating --steps 5000 --seed 0 --out runs/ring

Writes config.json, metrics.csv, samples.npy and weights.pt into --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch

from gan_viz.cli.outputs import WriteFailed, ensure_writable
from gan_viz.config import ConfigError, RunConfig
from gan_viz.toy import ToyGAN

MAX_SAMPLES = 1_000_000  # samples.npy: 8 MB for 2-D points, G run on them in chunks
MAX_ROWS = 2_000_000  # metric rows a run may record: ~20 float64 columns, 320 MB in memory

# flag -> (section, field, type, help); None means "not given" so presets and defaults show through
FLAGS: list[tuple[str, str, str, type, str]] = [
    ("--objective", "objective", "name", str, "GAN objective (see `gan-viz objectives`)"),
    ("--z-dim", "noise", "dim", int, "dimension of the noise z (1..256)"),
    ("--prior", "noise", "prior", str, "noise prior p_z: normal or uniform"),
    ("--g-hidden", "nets", "g_hidden", int, "width of G's hidden layers"),
    ("--g-depth", "nets", "g_depth", int, "number of G's hidden layers"),
    ("--d-hidden", "nets", "d_hidden", int, "width of D's hidden layers"),
    ("--d-depth", "nets", "d_depth", int, "number of D's hidden layers"),
    ("--activation", "nets", "activation", str, "relu, leaky_relu, tanh, elu or gelu"),
    ("--pack", "nets", "pack", int, "PacGAN packing degree (1..4)"),
    ("--optimizer", "optim", "optimizer", str, "adam, sgd or rmsprop"),
    ("--lr-d", "optim", "lr_d", float, "learning rate of D"),
    ("--lr-g", "optim", "lr_g", float, "learning rate of G"),
    ("--beta1", "optim", "beta1", float, "Adam beta1"),
    ("--beta2", "optim", "beta2", float, "Adam beta2"),
    ("--momentum", "optim", "momentum", float, "SGD/RMSProp momentum"),
    ("--batch", "optim", "batch", int, "minibatch size m"),
    ("--d-steps", "optim", "d_steps", int, "k: D steps per iteration"),
    ("--g-steps", "optim", "g_steps", int, "G steps per iteration"),
    ("--label-smoothing", "objective", "label_smoothing", float, "real label, e.g. 0.9"),
    ("--instance-noise", "objective", "instance_noise", float, "std of noise added to D's inputs"),
    (
        "--instance-noise-anneal",
        "objective",
        "instance_noise_anneal",
        int,
        "steps over which instance noise falls to 0",
    ),
    ("--r1", "objective", "r1_gamma", float, "R1 penalty gamma"),
    ("--gp-lambda", "objective", "gp_lambda", float, "WGAN-GP penalty weight"),
    ("--clip", "objective", "clip", float, "WGAN weight clipping bound"),
    ("--unrolled", "objective", "unrolled_steps", int, "unrolled D steps for G (0 = off)"),
    ("--record-every", "cadence", "record_every", int, "iterations between metric rows"),
    ("--eval-samples", "cadence", "eval_samples", int, "samples behind each metric row"),
]
SWITCHES = [
    ("--simultaneous", "optim", "simultaneous", "simultaneous D/G updates instead of k-then-1"),
    ("--feature-matching", "objective", "feature_matching", "feature matching loss for G"),
    ("--minibatch-std", "nets", "minibatch_std", "minibatch std feature in D"),
]


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
    if args.target in TARGETS and args.target != "points":
        cfg = default_config(args.target)
    elif args.points or args.target == "points":
        dim = parse_points(text).shape[1] if args.points else 1
        cfg = default_config("ring8" if dim == 2 else "gaussian")
    if args.preset:
        if args.preset not in PRESETS:
            raise ConfigError("preset", args.preset, ", ".join(PRESETS))
        cfg, steps = PRESETS[args.preset].config, PRESETS[args.preset].steps
    changes: dict[str, dict] = {}
    if args.target or args.target_param or args.points:
        name = args.target or ("points" if args.points else cfg.target.name)
        params = {} if name != cfg.target.name else dict(cfg.target.params)
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
        changes["target"] = {"name": name, "params": params}
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
    from gan_viz.cli.runs import add_store_argument

    add_store_argument(parser)
    parser.add_argument("--no-store", action="store_true", help="do not record the run")
    parser.add_argument("--name", help="name of the run in the store (default: target, objective)")
    parser.add_argument("--tag", action="append", default=[], help="a tag for the run; repeatable")
    parser.add_argument("--note", default="", help="a note kept with the run")


def write_metrics_csv(path: Path, columns: dict[str, np.ndarray]) -> None:
    first = ["step", "js", "kl", "rkl", "v", "loss_d", "loss_g", "d_real", "d_fake"]
    names = [n for n in first if n in columns] + [n for n in columns if n not in first]
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for i in range(len(columns["step"])):
            row = []
            for n in names:
                value = columns[n][i]
                row.append(
                    int(value)
                    if n in ("step", "d_updates", "g_updates", "modes") and np.isfinite(value)
                    else f"{value:.6g}"
                )
            writer.writerow(row)


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


def train_loop(toy: ToyGAN, until_step: int, quiet: bool, follower=None) -> None:
    """Train to `until_step` iterations with a progress bar. A ToyFollower (if given) records
    the run as it goes and finishes it: finished, diverged, or interrupted by Ctrl-C."""
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
    if follower is not None:
        follower.finish()
        if follower.recorder.error:
            print(f"gan-viz: warning: {follower.recorder.error}", file=sys.stderr)


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
        from gan_viz.cli.runs import open_store
        from gan_viz.store import RunRecorder
        from gan_viz.toy_store import ToyFollower

        store = open_store(args)
        name = args.name or args.preset or f"{cfg.target.name} {cfg.objective.name}"
        rec = RunRecorder(store, "toy", toy.config_json(), name, args.tag, args.note)
        follower = ToyFollower(toy, rec)
        saved = f" Saved as run {rec.run_id} in {store.path}."
        print(f"gan-viz train: recording as run {rec.run_id} in {store.path}", file=sys.stderr)
    train_loop(toy, steps, args.quiet, follower)
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
    print(f"{summary}. Wrote {out}/config.json, metrics.csv, samples.npy, weights.pt.{saved}")
    return 0
