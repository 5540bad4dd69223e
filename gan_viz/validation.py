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


def validate(cfg: RunConfig) -> RunConfig:
    """Check every setting; raise ConfigError on the first bad one. Returns cfg unchanged."""
    check(cfg.target.name in TARGETS, "target", cfg.target.name, ", ".join(TARGETS))
    make_target(cfg.target)  # checks the target's own parameters

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
    int_in("evaluation samples", c.eval_samples, 100, 10**7)
    check(
        c.grid == 0 or (isinstance(c.grid, int) and 16 <= c.grid <= 2048),
        "grid",
        c.grid,
        "0 (automatic) or a whole number from 16 to 2048",
    )
    int_in("samples shown", c.show_samples, 1, 100_000)
    int_in("snapshots kept", c.max_snapshots, 2, 100_000)

    int_in("seed", cfg.seed, 0, 2**63 - 1)
    check_device_name(cfg.device)
    return cfg
