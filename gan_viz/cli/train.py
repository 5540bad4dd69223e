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

from gan_viz.config import ConfigError, RunConfig
from gan_viz.toy import ToyGAN

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
    from gan_viz.targets import TARGETS, parse_points

    cfg, steps = RunConfig(), None
    drawn = _read_drawing(args)
    if drawn is not None:
        cfg = default_config(drawn[0])
    elif args.target in TARGETS and args.target != "points":
        cfg = default_config(args.target)
    elif args.points or args.target == "points":
        try:
            dim = parse_points(Path(args.points).read_text()).shape[1] if args.points else 1
        except OSError:
            dim = 1  # the read error is reported below, with the flag's name
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
            try:
                params["points"] = Path(args.points).read_text()
            except OSError as err:
                raise ConfigError(
                    "--points", args.points, f"a readable CSV file ({err.strerror})"
                ) from None
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
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(run.config_json())
    write_metrics_csv(out / "metrics.csv", run.history.columns())
    np.save(out / "samples.npy", run.sample(n_samples))
    torch.save(run.weights(), out / "weights.pt")


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
    if steps < 0:
        raise ConfigError("--steps", steps, "a whole number >= 0")
    if args.samples < 1:
        raise ConfigError("--samples", args.samples, "a whole number >= 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError("--out", str(out), "a folder (this is a file)")
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
    write_run(toy, out, args.samples)
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
