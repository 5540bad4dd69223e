"""A lesson step's run that is one of the theory lab's experiments (gan_viz.theory), not a GAN
trained from a preset: its settings as a frozen dataclass, read from the step's `[steps.run]`
table and checked field by field (gan_viz.lessons.runs calls `parse`).

- mode = "dirac": the Dirac-GAN (Mescheder, Geiger, Nowozin 2018, Sec. 2), with the fields of
  gan_viz.theory.dirac.DiracConfig, `iterations`, `frames` and `span` (the pictured window).
  Deterministic: no seed.
- mode = "fgan": the f-GAN variational bound (Nowozin, Cseke, Tomioka 2016, Eq. 4) of the
  theory lab's panel (a): a critic ascends E_p[T] - E_q[f*(T)] with p = p_data (`target`, a 1-D
  Gaussian mixture) and q = p_g = N(q_mean, q_std^2) both fixed; `iterations` critic steps from
  `seed`, with the lab's CriticConfig otherwise.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from gan_viz.errors import ConfigError
from gan_viz.theory import dirac

THEORY_FORMAT = 1  # bump when a theory recording's arrays change meaning: old hashes stop matching
FGAN_TARGETS = ("bimodal", "gaussian", "mixture")  # 1-D Gaussian mixtures: D_f by quadrature

# DiracConfig fields a method ignores: a lesson that sets one says something its run does not do.
DIRAC_USED_BY = {
    "gamma": ("r1", "r2", "wgan_gp", "consensus"),
    "sigma": ("instance_noise",),
    "clip": ("wgan",),
    "g0": ("wgan_gp",),
}
# dirac.validate's names for its settings -> the lesson file's fields
_DIRAC_FIELDS = {
    "method": "method",
    "update scheme": "scheme",
    "step size h": "h",
    "D steps": "d_steps",
    "G steps": "g_steps",
    "gamma": "gamma",
    "instance noise sigma": "sigma",
    "WGAN clip": "clip",
    "WGAN-GP g0": "g0",
    "start theta": "theta0",
    "start psi": "psi0",
}


def _hash(data: dict) -> str:
    data = {**data, "format": THEORY_FORMAT}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DiracRun:
    """A Dirac-GAN run: its iterates from (theta0, psi0), a frame every iterations/frames."""

    settings: dirac.DiracConfig
    iterations: int  # updates of (theta, psi)
    frames: int  # recorded frames over the run (plus the start); divides iterations
    span: float = 2.0  # the picture shows theta and psi in [-span, span]
    mode: str = "dirac"

    def config(self) -> dirac.DiracConfig:
        return dirac.validate(self.settings)

    seeds = 0  # one run, never a many-seeds step (gan_viz.lessons.seeds)
    compare = None

    def config_hash(self) -> str:
        """What a recording must match: the settings, the length, the window, the format."""
        return _hash(
            {
                "dirac": asdict(self.config()),
                "iterations": self.iterations,
                "frames": self.frames,
                "span": self.span,
                "mode": self.mode,
            }
        )

    def describe(self) -> str:
        c = self.settings
        return f"dirac {c.method}, {c.scheme}, h {c.h:g}, {self.iterations} iterations"


@dataclass(frozen=True)
class FganRun:
    """The critic's bound on D_f(p_data || p_g) with both laws fixed, a frame every
    iterations/frames critic steps."""

    divergence: str  # a key of gan_viz.objectives.F_DIVERGENCES (kl, reverse_kl, js, gan, ...)
    target: str  # p_data, one of FGAN_TARGETS
    q_mean: float  # p_g = N(q_mean, q_std^2), fixed
    q_std: float
    seed: int  # the critic's initial weights and the samples
    iterations: int  # critic steps
    frames: int  # recorded frames over the run (plus the start); divides iterations
    mode: str = "fgan"

    def laws(self):
        """(p_data, p_g); ConfigError where D_f(p_data || p_g) is infinite."""
        from gan_viz.config import TargetConfig
        from gan_viz.targets import make_target
        from gan_viz.theory.divergences import check_defined, gaussian_law

        p, q = make_target(TargetConfig(self.target)), gaussian_law(self.q_mean, self.q_std)
        check_defined(self.divergence, p, q)
        return p, q

    def critic(self):
        from gan_viz.theory.fgan import CriticConfig

        return CriticConfig(seed=self.seed)

    seeds = 0  # one run, never a many-seeds step (gan_viz.lessons.seeds)
    compare = None

    def config_hash(self) -> str:
        """What a recording must match: the laws, the f, the critic, the length, the format."""
        return _hash(
            {
                "fgan": [self.divergence, self.target, self.q_mean, self.q_std],
                "critic": asdict(self.critic()),
                "iterations": self.iterations,
                "frames": self.frames,
                "mode": self.mode,
            }
        )

    def describe(self) -> str:
        return f"f-GAN bound, {self.divergence}, seed {self.seed}, {self.iterations} critic steps"


def _dirac(r: Any, where: str) -> DiracRun:
    settings = {f.name: f for f in fields(dirac.DiracConfig)}
    r.unknown({"mode", "iterations", "frames", "span", *settings})
    values = {}
    for name, f in settings.items():
        if name not in r.table:
            continue
        if name == "method":
            values[name] = r.choice(name, tuple(dirac.METHODS))
        elif name == "scheme":
            values[name] = r.choice(name, dirac.SCHEMES)
        else:
            values[name] = r.get(name, type(f.default))  # int or float, as its default
    method = values.get("method", dirac.DiracConfig.method)
    for name, methods in DIRAC_USED_BY.items():
        if name in values and method not in methods:
            raise ConfigError(
                f"{where}.{name}", values[name], f"only with method {', '.join(methods)}"
            )
    run = DiracRun(
        dirac.DiracConfig(**values),
        iterations=r.get("iterations", int),
        frames=r.get("frames", int, 80),
        span=r.get("span", float, 2.0),
    )
    if not 0.1 <= run.span <= 100:
        raise ConfigError(f"{where}.span", run.span, "0.1 to 100")
    try:
        run.config()
    except ConfigError as err:
        name = _DIRAC_FIELDS.get(err.setting, err.setting)
        raise ConfigError(f"{where}.{name}", err.given, err.allowed) from None
    return run


def _fgan(r: Any, where: str) -> FganRun:
    from gan_viz.objectives import F_DIVERGENCES

    r.unknown({"mode", "divergence", "target", "q_mean", "q_std", "seed", "iterations", "frames"})
    run = FganRun(
        divergence=r.choice("divergence", tuple(F_DIVERGENCES)),
        target=r.choice("target", FGAN_TARGETS),
        q_mean=r.get("q_mean", float, 0.0),
        q_std=r.get("q_std", float, 1.0),
        seed=r.get("seed", int, 0),
        iterations=r.get("iterations", int),
        frames=r.get("frames", int, 40),
    )
    if not 0 <= run.seed < 2**32:
        raise ConfigError(f"{where}.seed", run.seed, "0 to 2^32 - 1")
    if run.iterations > 10_000:  # a critic step is a few ms: recording stays under a minute
        raise ConfigError(f"{where}.iterations", run.iterations, "1 to 10,000 critic steps")
    try:
        run.laws()
    except ConfigError as err:
        field = {"p_g": "q_std", "f-divergence": "divergence"}.get(err.setting, err.setting)
        raise ConfigError(f"{where}.{field}", err.given, err.allowed) from None
    return run


PARSERS = {"dirac": _dirac, "fgan": _fgan}


def parse(r: Any, where: str) -> DiracRun | FganRun:
    """The run a `[steps.run]` table with a theory `mode` describes; `r` is format's reader
    of that table (get, choice, unknown), so every error names the file, step and field."""
    return PARSERS[r.table["mode"]](r, where)
