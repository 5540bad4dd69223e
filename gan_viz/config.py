"""Settings of a toy GAN run: one frozen dataclass per concern, validated in one place.

Every field carries a comment saying what it does. `gan_viz.validation.validate` is the single
gate that checks them against the registries (targets, objectives, devices).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from gan_viz.errors import ConfigError

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

    def __repr__(self) -> str:
        """A line for a REPL: the target and only the settings that differ from the defaults."""
        default = RunConfig()
        parts = [f"target={self.target.name}"]
        for section in dataclasses.fields(self):
            value, base = getattr(self, section.name), getattr(default, section.name)
            if section.name == "target" or value == base:
                continue
            if not dataclasses.is_dataclass(value):
                parts.append(f"{section.name}={value!r}")
                continue
            for f in dataclasses.fields(value):
                v = getattr(value, f.name)
                if v != getattr(base, f.name):
                    text = repr(v)
                    parts.append(
                        f"{section.name}.{f.name}=" + (text[:40] + "…" if len(text) > 41 else text)
                    )
        return f"RunConfig({', '.join(parts)})"

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
        if "target" in data and not data["target"]["drawing"]:  # only drawn targets: JSON as before
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
