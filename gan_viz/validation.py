"""The single gate for a toy run's settings: `validate` raises ConfigError naming the setting,
the value given and what is allowed, so the CLI and the app show one line instead of a traceback.

It lives apart from `config` because it consults the registries (targets, objectives, devices),
which themselves take their settings from `config`.
"""

from __future__ import annotations

import math
from typing import Any

from gan_viz.config import ACTIVATIONS, OPTIMIZERS, PRIORS, RunConfig
from gan_viz.device import check_device_name
from gan_viz.errors import ConfigError
from gan_viz.objectives import OBJECTIVES
from gan_viz.targets import TARGETS, make_target


def check(ok: bool, setting: str, given: Any, allowed: str) -> None:
    if not ok:
        raise ConfigError(setting, given, allowed)


def finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def int_in(setting: str, x: Any, lo: int, hi: int) -> None:
    ok = isinstance(x, int) and not isinstance(x, bool) and lo <= x <= hi
    check(ok, setting, x, f"a whole number from {lo} to {hi}")


def positive(setting: str, x: Any) -> None:
    check(finite(x) and x > 0, setting, x, "a finite number > 0")


def non_negative(setting: str, x: Any) -> None:
    check(finite(x) and x >= 0, setting, x, "a finite number >= 0")


# What one run may ask of a laptop (a few GB of memory, seconds per metric row). Estimates, not
# measurements: they count the nets' weights, the floats of one pass's hidden activations and the
# multiply-adds of a metric row, enough to refuse a setting that could never finish or fit.
MAX_NET_WEIGHTS = 25_000_000  # per net: x 16 bytes with its gradient and Adam's two moments
MAX_ACTIVATIONS = 100_000_000  # batch x hidden units of G and D: ~0.4 GB a pass, a few passes
MAX_ROW_FLOP = 2e12  # one metric row: ~15 s at a laptop core pair's ~150 GFLOP/s


def mlp_weights(inputs: int, hidden: int, depth: int, outputs: int) -> int:
    """Weights and biases of an MLP with `depth` hidden layers of `hidden` units."""
    sizes = [inputs] + [hidden] * depth + [outputs]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def check_footprint(cfg: RunConfig, x_dim: int) -> None:
    """Refuse sizes whose product a laptop cannot hold or finish (ConfigError naming them)."""
    n, c = cfg.nets, cfg.cadence
    g = mlp_weights(cfg.noise.dim, n.g_hidden, n.g_depth, x_dim)
    d = mlp_weights(x_dim * n.pack + 1, n.d_hidden, n.d_depth, 1)
    for name, weights, width, depth in (
        ("G", g, n.g_hidden, n.g_depth),
        ("D", d, n.d_hidden, n.d_depth),
    ):
        check(
            weights <= MAX_NET_WEIGHTS,
            f"{name} size",
            f"{weights:,} weights (width {width}, depth {depth})",
            f"at most {MAX_NET_WEIGHTS:,} weights per net (a smaller width or depth)",
        )
    units = n.g_hidden * n.g_depth + n.d_hidden * n.d_depth
    check(
        cfg.optim.batch * units <= MAX_ACTIVATIONS,
        "batch size",
        f"{cfg.optim.batch:,} x {units:,} hidden units of G and D",
        f"batch x hidden units at most {MAX_ACTIVATIONS:,} "
        f"(a batch of at most {MAX_ACTIVATIONS // units:,} with these nets)",
    )
    grid = (c.grid or (512 if x_dim == 1 else 128)) ** x_dim
    flop = 2 * (c.eval_samples * (g + 2 * d) + grid * d)  # G on z, D on real and fake, D on grid
    check(
        flop <= MAX_ROW_FLOP,
        "evaluation samples and grid",
        f"{c.eval_samples:,} samples and {grid:,} grid points through G of {g:,} and D of "
        f"{d:,} weights ({flop / 1e12:,.1f} TFLOP a metric row)",
        f"at most {MAX_ROW_FLOP / 1e12:g} TFLOP a metric row (fewer samples or smaller nets)",
    )


def validate(cfg: RunConfig) -> RunConfig:
    """Check every setting; raise ConfigError on the first bad one. Returns cfg unchanged."""
    check(cfg.target.name in TARGETS, "target", cfg.target.name, ", ".join(TARGETS))
    target = make_target(cfg.target)  # checks the target's own parameters

    check(cfg.noise.prior in PRIORS, "noise prior", cfg.noise.prior, ", ".join(PRIORS))
    int_in("z dimension", cfg.noise.dim, 1, 256)

    n = cfg.nets
    int_in("G width", n.g_hidden, 1, 4096)
    int_in("G depth", n.g_depth, 0, 16)
    int_in("D width", n.d_hidden, 1, 4096)
    int_in("D depth", n.d_depth, 1, 16)
    check(n.activation in ACTIVATIONS, "activation", n.activation, ", ".join(ACTIVATIONS))
    int_in("packing degree", n.pack, 1, 4)
    check(isinstance(n.minibatch_std, bool), "minibatch std", n.minibatch_std, "true or false")

    o = cfg.objective
    check(o.name in OBJECTIVES, "objective", o.name, ", ".join(OBJECTIVES))
    ls = o.label_smoothing
    check(finite(ls) and 0.5 < ls <= 1.0, "label smoothing", ls, "a number in (0.5, 1]")
    if ls < 1.0:
        smoothable = [k for k, v in OBJECTIVES.items() if v.uses_labels]
        check(
            o.name in smoothable,
            "label smoothing",
            ls,
            f"1.0 (off) with {o.name}; smoothing applies to {', '.join(smoothable)}",
        )
    non_negative("instance noise", o.instance_noise)
    int_in("instance noise annealing steps", o.instance_noise_anneal, 0, 10**9)
    non_negative("R1 gamma", o.r1_gamma)
    non_negative("gradient penalty lambda", o.gp_lambda)
    positive("weight clip", o.clip)
    check(
        isinstance(o.feature_matching, bool),
        "feature matching",
        o.feature_matching,
        "true or false",
    )
    int_in("unrolled steps", o.unrolled_steps, 0, 50)

    p = cfg.optim
    check(p.optimizer in OPTIMIZERS, "optimizer", p.optimizer, ", ".join(OPTIMIZERS))
    positive("D learning rate", p.lr_d)
    positive("G learning rate", p.lr_g)
    check(finite(p.beta1) and 0 <= p.beta1 < 1, "beta1", p.beta1, "a number in [0, 1)")
    check(finite(p.beta2) and 0 <= p.beta2 < 1, "beta2", p.beta2, "a number in [0, 1)")
    check(finite(p.momentum) and 0 <= p.momentum < 1, "momentum", p.momentum, "a number in [0, 1)")
    int_in("batch size", p.batch, 1, 1_000_000)
    check(
        p.batch % n.pack == 0, "batch size", p.batch, f"a multiple of the packing degree {n.pack}"
    )
    int_in("D steps (k)", p.d_steps, 1, 100)
    int_in("G steps", p.g_steps, 1, 100)
    check(isinstance(p.simultaneous, bool), "simultaneous", p.simultaneous, "true or false")

    c = cfg.cadence
    int_in("record every", c.record_every, 1, 10**9)
    int_in("snapshot every", c.snapshot_every, 0, 10**9)
    int_in("evaluation samples", c.eval_samples, 100, 10**6)
    check(
        c.grid == 0 or (isinstance(c.grid, int) and 16 <= c.grid <= 2048),
        "grid",
        c.grid,
        "0 (automatic) or a whole number from 16 to 2048",
    )
    int_in("samples shown", c.show_samples, 1, 100_000)
    int_in("snapshots kept", c.max_snapshots, 2, 100_000)

    check_footprint(cfg, target.dim)

    int_in("seed", cfg.seed, 0, 2**63 - 1)
    check_device_name(cfg.device)
    return cfg
