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


DRAWN_TARGETS = {"drawing": 2, "sketch": 1}  # targets whose data is `drawing`, by dimension


@dataclass(frozen=True)
class TargetConfig:
    name: str = "bimodal"  # a name from gan_viz.targets.TARGETS
    params: dict = field(default_factory=dict)  # overrides of the target's own defaults
    # A user's drawing (gan_viz.drawn): (x, y) points for "drawing", (x, height) control points
    # for "sketch"; empty for those two means the ready drawing they start from.
    drawing: tuple = ()

    def __post_init__(self):
        drawing = self.drawing
        n = len(drawing) if hasattr(drawing, "__len__") else -1
        if n == 0:
            drawing = ()
            if self.name in DRAWN_TARGETS:
                from gan_viz.drawn import default_drawing

                drawing = default_drawing(DRAWN_TARGETS[self.name])
        elif n > 0 and not (isinstance(drawing, tuple) and type(drawing[0]) is tuple):
            from gan_viz.drawn import MAX_DRAWN, as_drawing

            # Lists (from JSON) and arrays become tuples, so the config stays frozen and
            # hashable; what cannot (or is too long to look at) is left for validate to refuse.
            if n <= MAX_DRAWN:
                try:
                    drawing = as_drawing(drawing)
                except (TypeError, ValueError):
                    pass
        object.__setattr__(self, "drawing", drawing)


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
        data = dataclasses.asdict(self)
        if not data["target"]["drawing"]:  # only drawn targets have one: others' JSON as before
            del data["target"]["drawing"]
        return data

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


def validate(cfg: RunConfig) -> RunConfig:
    """Check every setting; raise ConfigError on the first bad one. Returns cfg unchanged."""
    from gan_viz.objectives import OBJECTIVES
    from gan_viz.targets import TARGETS, make_target

    _check(cfg.target.name in TARGETS, "target", cfg.target.name, ", ".join(TARGETS))
    make_target(cfg.target)  # checks the target's own parameters

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
    _int_in("evaluation samples", c.eval_samples, 100, 10**7)
    _check(
        c.grid == 0 or (isinstance(c.grid, int) and 16 <= c.grid <= 2048),
        "grid",
        c.grid,
        "0 (automatic) or a whole number from 16 to 2048",
    )
    _int_in("samples shown", c.show_samples, 1, 100_000)
    _int_in("snapshots kept", c.max_snapshots, 2, 100_000)

    _int_in("seed", cfg.seed, 0, 2**63 - 1)
    from gan_viz.device import check_device_name

    check_device_name(cfg.device)
    return cfg
