"""What the `gan-viz` commands share: the flags that set a run's settings and the run store flag."""

from __future__ import annotations

import argparse
from pathlib import Path

from gan_viz.errors import ConfigError

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


def add_store_argument(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        default=default,
        help="run store (SQLite file); default $GAN_VIZ_STORE, else "
        "$XDG_DATA_HOME/gan-viz/runs.sqlite (~/.local/share/gan-viz/runs.sqlite)",
    )


def open_store(args: argparse.Namespace, must_exist: bool = False):
    """The store --store names (made if missing, unless `must_exist`: a typo in a path to
    read from should not answer with an empty store), else the default one."""
    from gan_viz.store import RunStore

    path = getattr(args, "store", None)
    if must_exist and path and not Path(path).expanduser().exists():
        raise ConfigError("--store", path, "an existing run store (`gan-viz train` makes one)")
    return RunStore(path)
