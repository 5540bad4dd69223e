"""f-GAN, measured: the variational bound against the true f-divergence, and the Gaussian fit per f.

Nowozin, Cseke, Tomioka 2016. For a convex f with f(1) = 0 and its Fenchel conjugate f*,

    D_f(P || Q) = integral q(x) f(p(x) / q(x)) dx  >=  sup_T  E_P[T(x)] - E_Q[f*(T(x))]   (Eq. 4)

with equality at T*(x) = f'(p(x) / q(x)). The critic is T = g_f(V_w(x)), V_w a network and g_f
the output activation that keeps T inside dom f* (gan_viz.objectives.F_DIVERGENCES).

(a) `VariationalBound`: P = p_data, Q = p_g both fixed; the critic ascends the bound on
    minibatches, and the bound of the current critic is measured by the midpoint rule on a fine
    grid with exact cell masses, next to D_f by quadrature (gan_viz.theory.divergences).
(b) `GaussianFit`: G(z) = mu + sigma z, z ~ N(0, 1), plays the saddle-point game
    min_G max_w E_P[T] - E_Q[f*(T)] (Eq. 6; G descends the bound itself, so its fixed points are
    the minimisers of D_f) against a critic; divergences.exact_fit finds the minimiser of
    D_f(p_data || N) directly. Their Sec. 4 fits a Gaussian to a mixture this way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from gan_viz.densities import Target
from gan_viz.errors import ConfigError
from gan_viz.grid import Grid
from gan_viz.nets import Discriminator, init_uniform_
from gan_viz.objectives import F_DIVERGENCES, OBJECTIVES
from gan_viz.theory.divergences import (
    as_mixture,
    check_defined,
    gaussian_law,
    integration_range,
    log_pdf,
    true_divergence,
)

# --- (a) the variational bound with p_g fixed ----------------------------------------------------


@dataclass(frozen=True)
class CriticConfig:
    hidden: int = 64  # width of V_w's hidden layers
    depth: int = 2  # number of V_w's hidden layers
    lr: float = 1e-2  # Adam's initial learning rate (Pearson's tall T* needs a brisk one)
    lr_half_life: int = 1000  # steps after which the rate has halved: lr / (1 + step / half_life)
    batch: int = 1024  # samples of P and of Q per critic step
    grid: int = 2048  # cells of the midpoint rule for the bound
    seed: int = 0  # initial weights and sampling


class VariationalBound:
    """The critic T = g_f(V_w) ascending E_P[T] - E_Q[f*(T)] with P, Q fixed; `step(n)`."""

    def __init__(self, name: str, p: Target, q: Target, cfg: CriticConfig | None = None):
        check_defined(name, p, q)
        self.name, self.p, self.q = name, p, q
        self.div = F_DIVERGENCES[name]
        self.cfg = cfg = cfg or CriticConfig()
        self.true = true_divergence(name, p, q)
        lo, hi = integration_range(p, q)
        self.grid = Grid.over(np.array([[lo, hi]]), cfg.grid)
        self.mass_p, self.mass_q = p.cell_mass(self.grid), q.cell_mass(self.grid)
        self.x_t = torch.from_numpy(self.grid.axes[0][:, None]).float()
        self.V = Discriminator(1, cfg.hidden, cfg.depth, "leaky_relu")
        init_uniform_(self.V, torch.Generator().manual_seed(cfg.seed))
        self.opt = torch.optim.Adam(self.V.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
        self.rng = np.random.default_rng([cfg.seed, 4])
        self.steps = 0
        self.diverged: str | None = None
        self.history: dict[str, list[float]] = {"step": [], "bound": []}
        self.record()

    def step(self, n: int = 1) -> int:
        loss_fn, m = OBJECTIVES[self.name].d_loss, self.cfg.batch
        done = 0
        while done < n and self.diverged is None:
            real = torch.from_numpy(self.p.sample(m, self.rng)).float()
            fake = torch.from_numpy(self.q.sample(m, self.rng)).float()
            v = self.V(torch.cat([real, fake]))
            loss = loss_fn(v[:m], v[m:], 1.0)
            if not torch.isfinite(loss):
                self.diverged = f"the critic's loss became {float(loss)} at step {self.steps}"
                break
            _set_lr(self.opt, self.cfg.lr / (1 + self.steps / self.cfg.lr_half_life))
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            self.steps += 1
            done += 1
        return done

    def critic(self) -> tuple[np.ndarray, np.ndarray]:
        """T(x) and f*(T(x)) on the grid, float64."""
        with torch.no_grad():
            v = self.V(self.x_t).double()
        return self.div.g_f(v).numpy(), self.div.f_star_g(v).numpy()

    def t_star(self) -> np.ndarray:
        """The optimal critic T*(x) = f'(p/q) on the grid (autograd of f)."""
        x = self.grid.axes[0]
        r = torch.from_numpy(np.exp(log_pdf(self.p, x) - log_pdf(self.q, x))).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.div.f(r).sum(), r)
        return grad.numpy()

    def bound(self) -> float:
        """E_P[T] - E_Q[f*(T)] of the current critic: the midpoint rule on exact cell masses."""
        return self.bound_of(*self.critic())

    def bound_of(self, t: np.ndarray, f_star_t: np.ndarray) -> float:
        """E_P[T] - E_Q[f*(T)] for any critic given by T and f*(T) on the grid's cells."""
        return float(np.sum(self.mass_p * t) - np.sum(self.mass_q * f_star_t))

    def record(self) -> float:
        b = self.bound()
        self.history["step"].append(float(self.steps))
        self.history["bound"].append(b)
        return b

    def train(self, n: int, record_every: int = 100) -> float:
        end = self.steps + n
        while self.steps < end and self.diverged is None:
            self.step(min(record_every, end - self.steps))
            self.record()
        return self.history["bound"][-1]


def _set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for group in opt.param_groups:
        group["lr"] = lr


# --- (b) a single Gaussian G fitted by the f-GAN game ------------------------------------------


@dataclass(frozen=True)
class FitConfig:
    mu0: float = 0.5  # G's initial mean (off 0, so a symmetric target does not leave G on a ridge)
    sigma0: float = 0.5  # G's initial std (narrow: every f, Neyman chi^2 too, is finite there)
    critic: CriticConfig = CriticConfig(lr=3e-3)  # V_w; its rate follows lr_half_life below
    lr_g: float = 1e-2  # Adam's initial learning rate for (mu, log sigma)
    lr_half_life: int = 2500  # G's and the critic's rates halve after this many iterations
    d_steps: int = 3  # critic steps per G step (k of Algorithm 1)
    g_batch: int = 4096  # samples per G step: E_Q[f*(T)] is heavy-tailed for KL and chi^2
    average_last: float = 0.2  # report the mean of G over this last fraction of iterations


class GaussianFit:
    """G = N(mu, sigma^2) against a critic in the f-GAN saddle-point game; `step(n)` iterations."""

    def __init__(self, name: str, p: Target, cfg: FitConfig | None = None):
        if name not in F_DIVERGENCES:
            raise ConfigError("f-divergence", name, ", ".join(F_DIVERGENCES))
        self.cfg = cfg = cfg or FitConfig()
        self.name, self.p, self.div = name, as_mixture(p, "p_data"), F_DIVERGENCES[name]
        gaussian_law(cfg.mu0, cfg.sigma0)  # checks the start
        self.mu = torch.tensor(float(cfg.mu0), requires_grad=True)
        self.log_sigma = torch.tensor(math.log(cfg.sigma0), requires_grad=True)
        c = cfg.critic
        self.V = Discriminator(1, c.hidden, c.depth, "leaky_relu")
        gen = torch.Generator().manual_seed(c.seed)
        init_uniform_(self.V, gen)
        self.z_gen = torch.Generator().manual_seed(c.seed + 1)
        self.opt_d = torch.optim.Adam(self.V.parameters(), lr=c.lr, betas=(0.5, 0.999))
        self.opt_g = torch.optim.Adam([self.mu, self.log_sigma], lr=cfg.lr_g, betas=(0.5, 0.999))
        self.rng = np.random.default_rng([c.seed, 5])
        self.iterations = 0
        self.diverged: str | None = None
        self.history: dict[str, list[float]] = {"step": [], "mu": [], "sigma": []}
        self._log()

    @property
    def sigma(self) -> float:
        return math.exp(self.log_sigma.item())

    def _fake(self, m: int) -> torch.Tensor:
        z = torch.randn(m, 1, generator=self.z_gen)
        return self.mu + torch.exp(self.log_sigma) * z

    def step(self, n: int = 1) -> int:
        """n iterations: k critic steps up the bound, then one G step down the bound."""
        c, loss_fn = self.cfg.critic, OBJECTIVES[self.name].d_loss
        m, done = c.batch, 0
        while done < n and self.diverged is None:
            _set_lr(self.opt_d, c.lr / (1 + self.iterations / self.cfg.lr_half_life))
            for _ in range(self.cfg.d_steps):
                real = torch.from_numpy(self.p.sample(m, self.rng)).float()
                with torch.no_grad():
                    fake = self._fake(m)
                v = self.V(torch.cat([real, fake]))
                loss = loss_fn(v[:m], v[m:], 1.0)
                self.opt_d.zero_grad(set_to_none=True)
                loss.backward()
                self.opt_d.step()
            # G descends the bound; only -E_Q[f*(T)] depends on G.
            self.V.requires_grad_(False)
            loss_g = -self.div.f_star_g(self.V(self._fake(self.cfg.g_batch))).mean()
            self.V.requires_grad_(True)
            _set_lr(self.opt_g, self.cfg.lr_g / (1 + self.iterations / self.cfg.lr_half_life))
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            self.iterations += 1
            done += 1
            if not (torch.isfinite(loss) and torch.isfinite(loss_g) and abs(self.mu) < 1e4):
                self.diverged = f"the game blew up at iteration {self.iterations}"
            self._log()
        return done

    def _log(self) -> None:
        self.history["step"].append(float(self.iterations))
        self.history["mu"].append(self.mu.item())
        self.history["sigma"].append(self.sigma)

    def estimate(self) -> tuple[float, float]:
        """(mu, sigma) averaged over the last `average_last` of the iterations (Polyak)."""
        n = len(self.history["mu"])
        tail = max(1, int(round(self.cfg.average_last * n)))
        return (
            float(np.mean(self.history["mu"][-tail:])),
            float(np.mean(self.history["sigma"][-tail:])),
        )
