"""Settings of a toy GAN run: one frozen dataclass per concern, validated in one place.

Every field carries a comment saying what it does. `validate` is the single gate: it raises
`ConfigError` naming the setting, the value given and what is allowed, so the CLI and the app can
show a one-line message instead of a traceback.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any


class ConfigError(ValueError):
    """An invalid setting: says which one, what was given and what is allowed."""

    def __init__(self, setting: str, given: Any, allowed: str):
        self.setting, self.given, self.allowed = setting, given, allowed
        super().__init__(f"{setting}: got {given!r}; allowed: {allowed}")


@dataclass(frozen=True)
class TargetConfig:
    name: str = "bimodal"  # a name from gan_viz.targets.TARGETS
    params: dict = field(default_factory=dict)  # overrides of the target's own defaults


@dataclass(frozen=True)
class NoiseConfig:
    prior: str = "uniform"  # p_z: "normal" N(0, I) or "uniform" U(-1, 1)^dim
    dim: int = 1  # dimension of z, 1..256


@dataclass(frozen=True)
class NetConfig:
    g_hidden: int = 64  # width of each hidden layer of G
    g_depth: int = 2  # number of hidden layers of G
    d_hidden: int = 64  # width of each hidden layer of D
    d_depth: int = 2  # number of hidden layers of D
    activation: str = "leaky_relu"  # relu | leaky_relu (slope 0.2) | tanh | elu | gelu
    pack: int = 1  # PacGAN packing degree m: D judges m samples at once (Lin et al. 2018)
    minibatch_std: bool = False  # append the minibatch std of D's features (Karras et al. 2018)


@dataclass(frozen=True)
class ObjectiveConfig:
    name: str = "nonsaturating"  # a name from gan_viz.objectives.OBJECTIVES
    label_smoothing: float = 1.0  # target for real samples in D's loss; 0.9 = one-sided smoothing
    instance_noise: float = 0.0  # std of Gaussian noise added to every input of D
    instance_noise_anneal: int = 0  # steps over which that std falls linearly to 0 (0 = constant)
    r1_gamma: float = 0.0  # R1 penalty gamma/2 * E_real |grad_x D|^2 (Mescheder et al. 2018)
    gp_lambda: float = 10.0  # WGAN-GP penalty weight (Gulrajani et al. 2017)
    clip: float = 0.01  # WGAN weight clipping bound c (Arjovsky et al. 2017)
    feature_matching: bool = False  # G matches mean D features of real data (Salimans et al. 2016)
    unrolled_steps: int = 0  # G looks through u unrolled D steps (Metz et al. 2016); 0 = off


@dataclass(frozen=True)
class OptimConfig:
    optimizer: str = "adam"  # adam | sgd | rmsprop
    lr_d: float = 3e-4  # learning rate of D
    lr_g: float = 3e-4  # learning rate of G
    beta1: float = 0.5  # Adam beta1; 0.5 as in DCGAN: the default 0.9 oscillates more
    beta2: float = 0.999  # Adam beta2
    momentum: float = 0.9  # SGD / RMSProp momentum
    batch: int = 256  # minibatch size m
    d_steps: int = 1  # k: D steps per iteration (Algorithm 1)
    g_steps: int = 1  # G steps per iteration
    simultaneous: bool = False  # one simultaneous D+G gradient step (f-GAN's single-step method)


@dataclass(frozen=True)
class CadenceConfig:
    record_every: int = 10  # iterations between metric rows (JS, KL, V, losses, modes...)
    snapshot_every: int = 0  # iterations between full snapshots kept; 0 = with every row
    eval_samples: int = 10000  # generated samples (and real ones) behind each metric row
    grid: int = 0  # grid points per axis for densities and D(x); 0 = 512 in 1-D, 128 in 2-D
    show_samples: int = 1000  # real and fake samples kept in a snapshot for drawing
    max_snapshots: int = 300  # full snapshots kept in memory; older ones are thinned


@dataclass(frozen=True)
class RunConfig:
    target: TargetConfig = field(default_factory=TargetConfig)
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    nets: NetConfig = field(default_factory=NetConfig)
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    cadence: CadenceConfig = field(default_factory=CadenceConfig)
    seed: int = 0  # same seed + same settings = same run on the same device
    device: str = "auto"  # auto (cuda, then mps, then cpu) | cpu | cuda | cuda:N | mps

    def replace(self, **sections: Any) -> RunConfig:
        """A copy with some sections replaced; a section may be given as a dict of field changes."""
        changes = {}
        for name, value in sections.items():
            current = getattr(self, name)
            if isinstance(value, dict) and dataclasses.is_dataclass(current):
                value = dataclasses.replace(current, **value)
            changes[name] = value
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        """Inverse of `to_dict`; unknown keys are refused with a clear message."""
        sections = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in sections:
                raise ConfigError("config", key, f"one of {sorted(sections)}")
            default = getattr(cls(), key)
            if dataclasses.is_dataclass(default):
                names = {f.name for f in dataclasses.fields(default)}
                unknown = set(value) - names
                if unknown:
                    raise ConfigError(key, sorted(unknown)[0], f"fields {sorted(names)}")
                kwargs[key] = type(default)(**value)
            else:
                kwargs[key] = value
        return cls(**kwargs)


ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
PRIORS = ("normal", "uniform")


def _check(ok: bool, setting: str, given: Any, allowed: str) -> None:
    if not ok:
        raise ConfigError(setting, given, allowed)


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _int_in(setting: str, x: Any, lo: int, hi: int) -> None:
    ok = isinstance(x, int) and not isinstance(x, bool) and lo <= x <= hi
    _check(ok, setting, x, f"a whole number from {lo} to {hi}")


def _positive(setting: str, x: Any) -> None:
    _check(_finite(x) and x > 0, setting, x, "a finite number > 0")


def _non_negative(setting: str, x: Any) -> None:
    _check(_finite(x) and x >= 0, setting, x, "a finite number >= 0")


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
        _check(
            weights <= MAX_NET_WEIGHTS,
            f"{name} size",
            f"{weights:,} weights (width {width}, depth {depth})",
            f"at most {MAX_NET_WEIGHTS:,} weights per net (a smaller width or depth)",
        )
    units = n.g_hidden * n.g_depth + n.d_hidden * n.d_depth
    _check(
        cfg.optim.batch * units <= MAX_ACTIVATIONS,
        "batch size",
        f"{cfg.optim.batch:,} x {units:,} hidden units of G and D",
        f"batch x hidden units at most {MAX_ACTIVATIONS:,} "
        f"(a batch of at most {MAX_ACTIVATIONS // units:,} with these nets)",
    )
    grid = (c.grid or (512 if x_dim == 1 else 128)) ** x_dim
    flop = 2 * (c.eval_samples * (g + 2 * d) + grid * d)  # G on z, D on real and fake, D on grid
    _check(
        flop <= MAX_ROW_FLOP,
        "evaluation samples and grid",
        f"{c.eval_samples:,} samples and {grid:,} grid points through G of {g:,} and D of "
        f"{d:,} weights ({flop / 1e12:,.1f} TFLOP a metric row)",
        f"at most {MAX_ROW_FLOP / 1e12:g} TFLOP a metric row (fewer samples or smaller nets)",
    )


def validate(cfg: RunConfig) -> RunConfig:
    """Check every setting; raise ConfigError on the first bad one. Returns cfg unchanged."""
    from gan_viz.objectives import OBJECTIVES
    from gan_viz.targets import TARGETS, make_target

    _check(cfg.target.name in TARGETS, "target", cfg.target.name, ", ".join(TARGETS))
    target = make_target(cfg.target)  # checks the target's own parameters

    _check(cfg.noise.prior in PRIORS, "noise prior", cfg.noise.prior, ", ".join(PRIORS))
    _int_in("z dimension", cfg.noise.dim, 1, 256)

    n = cfg.nets
    _int_in("G width", n.g_hidden, 1, 4096)
    _int_in("G depth", n.g_depth, 0, 16)
    _int_in("D width", n.d_hidden, 1, 4096)
    _int_in("D depth", n.d_depth, 1, 16)
    _check(n.activation in ACTIVATIONS, "activation", n.activation, ", ".join(ACTIVATIONS))
    _int_in("packing degree", n.pack, 1, 4)
    _check(isinstance(n.minibatch_std, bool), "minibatch std", n.minibatch_std, "true or false")

    o = cfg.objective
    _check(o.name in OBJECTIVES, "objective", o.name, ", ".join(OBJECTIVES))
    ls = o.label_smoothing
    _check(_finite(ls) and 0.5 < ls <= 1.0, "label smoothing", ls, "a number in (0.5, 1]")
    if ls < 1.0:
        smoothable = [k for k, v in OBJECTIVES.items() if v.uses_labels]
        _check(
            o.name in smoothable,
            "label smoothing",
            ls,
            f"1.0 (off) with {o.name}; smoothing applies to {', '.join(smoothable)}",
        )
    _non_negative("instance noise", o.instance_noise)
    _int_in("instance noise annealing steps", o.instance_noise_anneal, 0, 10**9)
    _non_negative("R1 gamma", o.r1_gamma)
    _non_negative("gradient penalty lambda", o.gp_lambda)
    _positive("weight clip", o.clip)
    _check(
        isinstance(o.feature_matching, bool),
        "feature matching",
        o.feature_matching,
        "true or false",
    )
    _int_in("unrolled steps", o.unrolled_steps, 0, 50)

    p = cfg.optim
    _check(p.optimizer in OPTIMIZERS, "optimizer", p.optimizer, ", ".join(OPTIMIZERS))
    _positive("D learning rate", p.lr_d)
    _positive("G learning rate", p.lr_g)
    _check(_finite(p.beta1) and 0 <= p.beta1 < 1, "beta1", p.beta1, "a number in [0, 1)")
    _check(_finite(p.beta2) and 0 <= p.beta2 < 1, "beta2", p.beta2, "a number in [0, 1)")
    _check(
        _finite(p.momentum) and 0 <= p.momentum < 1, "momentum", p.momentum, "a number in [0, 1)"
    )
    _int_in("batch size", p.batch, 1, 1_000_000)
    _check(
        p.batch % n.pack == 0, "batch size", p.batch, f"a multiple of the packing degree {n.pack}"
    )
    _int_in("D steps (k)", p.d_steps, 1, 100)
    _int_in("G steps", p.g_steps, 1, 100)
    _check(isinstance(p.simultaneous, bool), "simultaneous", p.simultaneous, "true or false")

    c = cfg.cadence
    _int_in("record every", c.record_every, 1, 10**9)
    _int_in("snapshot every", c.snapshot_every, 0, 10**9)
    _int_in("evaluation samples", c.eval_samples, 100, 10**6)
    _check(
        c.grid == 0 or (isinstance(c.grid, int) and 16 <= c.grid <= 2048),
        "grid",
        c.grid,
        "0 (automatic) or a whole number from 16 to 2048",
    )
    _int_in("samples shown", c.show_samples, 1, 100_000)
    _int_in("snapshots kept", c.max_snapshots, 2, 100_000)

    check_footprint(cfg, target.dim)

    _int_in("seed", cfg.seed, 0, 2**63 - 1)
    from gan_viz.device import check_device_name

    check_device_name(cfg.device)
    return cfg
