"""Maximum likelihood against a GAN on the same target: mode-covering against mode-seeking.

Maximum likelihood picks theta* = argmax (1/n) sum_i log p_model(x_i; theta); as n grows this is
argmax E_{p_data} log p_model = argmin KL(p_data || p_model) (e.g. Goodfellow, Bengio, Courville
2016, Deep Learning, Sec. 5.5). KL(p_data || p_model) is large wherever the model
misses data, and cheap wherever the model puts mass the data lacks: a model too small for the
data spreads over every mode, with mass in between (mode-covering). The GAN's generator is never
asked for a likelihood: its game minimises JS (at the optimal D) and, in practice, behaves like
a reverse KL(p_model || p_data), which is cheap where the model misses data (mode-seeking).

`MLEvsGAN` fits a Gaussian mixture with `components` Gaussians by EM (scikit-learn's
GaussianMixture, Dempster, Laird, Rubin 1977) to samples of the target, and trains a toy GAN
(gan_viz.toy.ToyGAN, the playground's default settings for the target) step by step beside it.
Both are measured with the same yardstick, the GAN's own DensityMeter (divergences in nats at
resolution h, gan_viz.measure): the GAN as its run measures itself (G at the quantiles of a 1-D
z, else 10,000 samples), the mixture through 200,000 of its samples; plus the mean
log-likelihood of held-out data for the mixture (a GAN has no density to score).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from gan_viz.config import RunConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.measure import Densities
from gan_viz.presets import default_config
from gan_viz.targets import make_target
from gan_viz.toy import ToyGAN


@dataclass(frozen=True)
class MLEConfig:
    components: int = 1  # K: Gaussians in the mixture fitted by EM
    train_samples: int = 5000  # samples of p_data EM fits (and the held-out set's size)
    gmm_samples: int = 200_000  # samples of the mixture behind its density and divergences
    seed: int = 0  # EM's initialisation, the data drawn, and the GAN's seed


def validate(cfg: MLEConfig) -> MLEConfig:
    if not (isinstance(cfg.components, int) and 1 <= cfg.components <= 32):
        raise ConfigError("mixture components K", cfg.components, "a whole number from 1 to 32")
    if not (isinstance(cfg.train_samples, int) and 100 <= cfg.train_samples <= 1_000_000):
        raise ConfigError("EM samples", cfg.train_samples, "a whole number from 100 to 1000000")
    if not (isinstance(cfg.gmm_samples, int) and 1000 <= cfg.gmm_samples <= 2_000_000):
        raise ConfigError("mixture samples", cfg.gmm_samples, "from 1000 to 2000000")
    return cfg


@dataclass
class ModelScore:
    """One model measured against p_data (nats)."""

    kl: float  # KL(p_data || model): large when the model misses data
    rkl: float  # KL(model || p_data): large when the model puts mass where no data is
    js: float  # JSD(p_data || model)
    loglik: float  # mean log-likelihood of held-out data; NaN for the GAN (no density)
    density: np.ndarray  # the model's density on the grid, at resolution h


def fit_gmm(samples: np.ndarray, components: int, seed: int = 0) -> SkGaussianMixture:
    """A K-component Gaussian mixture by EM (full covariances, k-means start, 5 restarts)."""
    gm = SkGaussianMixture(components, covariance_type="full", n_init=5, random_state=seed)
    return gm.fit(samples)


class MLEvsGAN:
    """EM's mixture (fitted once) beside a GAN that trains `step(n)` iterations at a time."""

    def __init__(
        self,
        target: TargetConfig,
        cfg: MLEConfig | None = None,
        gan: RunConfig | None = None,
    ):
        self.cfg = cfg = validate(cfg or MLEConfig())
        self.target = make_target(target)
        gan = gan or default_config(target.name).replace(target=target, seed=cfg.seed)
        self.toy = ToyGAN(gan)
        rng = np.random.default_rng([cfg.seed, 9])
        self.train_data = self.target.sample(cfg.train_samples, rng)
        self.held_out = self.target.sample(cfg.train_samples, rng)
        self.gmm = fit_gmm(self.train_data, cfg.components, cfg.seed)
        gmm_samples, _ = self.gmm.sample(cfg.gmm_samples)
        perm = np.random.default_rng([cfg.seed, 10]).permutation(len(gmm_samples))
        self.gmm_samples = gmm_samples[perm]  # sklearn returns them grouped by component
        self._gmm_score = self._score(
            self.toy.meter.measure(self.gmm_samples),
            float(self.gmm.score(self.held_out)),
        )

    def step(self, n: int) -> int:
        """n more GAN iterations (Algorithm 1); returns how many ran (fewer if it diverged)."""
        return self.toy.train(n)

    @property
    def diverged(self) -> str | None:
        return self.toy.diverged

    @staticmethod
    def _score(d: Densities, loglik: float) -> ModelScore:
        return ModelScore(d.kl, d.rkl, d.js, loglik, d.p_g)

    def gmm_score(self) -> ModelScore:
        return self._gmm_score

    def gan_score(self) -> ModelScore:
        """The GAN as its own run measures it (gan_viz.toy: noise-free quantiles of z in 1-D)."""
        snap = self.toy.snapshot()
        m = snap.metrics
        return ModelScore(m["kl"], m["rkl"], m["js"], float("nan"), snap.p_g)

    def axes(self) -> list[np.ndarray]:
        return list(self.toy.grid.axes)

    def p_data(self) -> np.ndarray:
        """p_data on the grid at resolution h (the same smoothing the models get)."""
        return self.toy.meter.data_mass / self.toy.grid.cell

    def report(self) -> dict:
        """Both models' numbers as plain floats (what `gan-viz theory` prints)."""
        out = {"target": self.target.describe(), "components": self.cfg.components}
        out["gan_steps"] = self.toy.step_count
        for name, s in (("gmm", self.gmm_score()), ("gan", self.gan_score())):
            out[name] = {"kl": s.kl, "rkl": s.rkl, "js": s.js}
            if name == "gmm":
                out[name]["loglik"] = s.loglik
        return out
