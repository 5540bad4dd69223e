"""The optimal discriminator, measured: freeze G, train D, watch D -> D* and V -> C(G).

Goodfellow et al. 2014, Prop. 1: for a fixed G, the D that maximises
    V(G, D) = E_{p_data} log D(x) + E_{p_g} log(1 - D(x))
is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and Thm. 1: its value is
    C(G) = max_D V(G, D) = -log 4 + 2 JSD(p_data || p_g),
which is -log 4, with D* = 1/2 everywhere, exactly when p_g = p_data.

`OptimalD` trains a network D (gan_viz.nets.Discriminator) by Adam on fresh minibatches of the two
laws (the inner loop of Algorithm 1 with G frozen, for as long as one likes) and measures, by the
midpoint rule on a fine grid with exact cell masses wherever the laws have them:

- `gap`: mean |D - D*| weighted by (p_data + p_g) / 2, the laws D is trained on (where both
  vanish D is unconstrained and D* undefined, so the weight is right to ignore those places);
- `v`: V(G, D) = sum over cells of mass_data log D + mass_g log(1 - D) (log D from D's logit);
- `c`: C(G) = V(G, D*) on the same cells, which equals -log 4 + 2 JS of the cell masses.

p_g is either a chosen law (any gan_viz.targets.Target: exact cell masses) or a trained
generator (`GeneratorLaw`: cell masses from 400,000 of its samples, or from its quantile map
when z is 1-D, smoothed by the meter's kernel of width h). For a trained G, D* and C(G) are
therefore the resolution-h estimates of gan_viz.measure.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from gan_viz.densities import Target
from gan_viz.errors import ConfigError
from gan_viz.grid import Grid
from gan_viz.measure import d_star, default_bandwidth, js_divergence, smooth
from gan_viz.nets import Discriminator, init_uniform_
from gan_viz.objectives import OBJECTIVES

LOG4 = math.log(4.0)


@dataclass(frozen=True)
class OptimalDConfig:
    d_hidden: int = 64  # width of D's hidden layers
    d_depth: int = 2  # number of D's hidden layers
    activation: str = "leaky_relu"  # D's activation (gan_viz.nets)
    lr: float = 3e-3  # Adam's initial learning rate
    lr_half_life: int = 300  # steps after which the rate has halved: lr / (1 + step / half_life)
    batch: int = 1024  # m real and m generated samples per D step
    grid: int = 0  # cells per axis for the quadrature; 0 = 1024 in 1-D, 96 in 2-D
    seed: int = 0  # D's initial weights and the sampling


def validate(cfg: OptimalDConfig) -> OptimalDConfig:
    checks = [
        ("D width", cfg.d_hidden, isinstance(cfg.d_hidden, int) and 1 <= cfg.d_hidden <= 1024),
        ("D depth", cfg.d_depth, isinstance(cfg.d_depth, int) and 1 <= cfg.d_depth <= 8),
        ("learning rate", cfg.lr, _finite(cfg.lr) and cfg.lr > 0),
        ("half-life", cfg.lr_half_life, isinstance(cfg.lr_half_life, int) and cfg.lr_half_life > 0),
        ("batch size", cfg.batch, isinstance(cfg.batch, int) and 1 <= cfg.batch <= 100_000),
        ("grid", cfg.grid, cfg.grid == 0 or (isinstance(cfg.grid, int) and 16 <= cfg.grid <= 4096)),
    ]
    allowed = {
        "D width": "a whole number from 1 to 1024",
        "D depth": "a whole number from 1 to 8",
        "learning rate": "a finite number > 0",
        "half-life": "a whole number of steps > 0",
        "batch size": "a whole number from 1 to 100000",
        "grid": "0 (automatic) or a whole number from 16 to 4096",
    }
    for name, value, ok in checks:
        if not ok:
            raise ConfigError(name, value, allowed[name])
    return cfg


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class GeneratorLaw:
    """A frozen generator G as a law p_g: samples G(z), cell masses from many of them.

    Built from a trained gan_viz.toy.ToyGAN; G is copied, so the run may go on training.
    """

    def __init__(self, toy, n_mass: int = 400_000):
        self.G = copy.deepcopy(toy.trainer.G).cpu().eval().requires_grad_(False)
        self.prior, self.z_dim, self.dim = toy.cfg.noise.prior, toy.cfg.noise.dim, toy.dim
        self.n_mass = n_mass
        self.name = f"G after {toy.step_count} iterations"
        self._gen = torch.Generator().manual_seed(toy.cfg.seed + 101)
        with torch.no_grad():
            x = self._mass_samples()
        lo, hi = np.quantile(x, [0.0005, 0.9995], axis=0)
        pad = 0.1 * (hi - lo) + 1e-3
        self.window = np.stack([lo - pad, hi + pad], axis=1)

    def _z(self, n: int) -> torch.Tensor:
        if self.prior == "normal":
            return torch.randn(n, self.z_dim, generator=self._gen)
        return 2 * torch.rand(n, self.z_dim, generator=self._gen) - 1

    def _mass_samples(self) -> np.ndarray:
        if self.z_dim == 1:
            from gan_viz.toy import z_quantiles

            z = torch.from_numpy(z_quantiles(self.prior, self.n_mass)).float()[:, None]
        else:
            z = self._z(self.n_mass)
        return self.G(z).numpy().astype(float)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        with torch.no_grad():
            return self.G(self._z(n)).numpy().astype(float)

    def cell_mass(self, grid: Grid) -> np.ndarray:
        with torch.no_grad():
            mass = grid.histogram(self._mass_samples())
        return smooth(mass, grid, default_bandwidth(grid))


def union_window(*laws) -> np.ndarray:
    """The smallest box holding every law's plot window."""
    windows = np.stack([np.asarray(law.window, float) for law in laws])
    return np.stack([windows[:, :, 0].min(0), windows[:, :, 1].max(0)], axis=1)


@dataclass
class OptimalDState:
    """Where D stands, as numpy: fields on the grid ((nx,) or (ny, nx)) and the numbers."""

    step: int
    axes: list[np.ndarray]  # grid centres per axis
    p_data: np.ndarray  # density of p_data on the grid
    p_g: np.ndarray  # density of p_g on the grid
    d: np.ndarray  # the learned D(x)
    d_star: np.ndarray  # p_data / (p_data + p_g), NaN where both vanish
    gap: float  # sum of (mass_data + mass_g)/2 |D - D*|
    v: float  # V(G, D), nats
    c: float  # C(G) = V(G, D*) = -log 4 + 2 JSD, nats
    js: float  # JSD(p_data || p_g), nats
    history: dict[str, np.ndarray] = field(default_factory=dict)  # step, gap, v per record


class OptimalD:
    """D trained against a frozen p_g, one Adam step at a time (`step(n)`, then `state()`)."""

    def __init__(self, p_data: Target, p_g, cfg: OptimalDConfig | None = None):
        self.cfg = validate(cfg or OptimalDConfig())
        if p_g.dim != p_data.dim:
            raise ConfigError("p_g", f"{p_g.dim}-D", f"a {p_data.dim}-D law like p_data")
        self.p_data, self.p_g, self.dim = p_data, p_g, p_data.dim
        c = self.cfg
        self.grid = Grid.over(union_window(p_data, p_g), c.grid or (1024 if self.dim == 1 else 96))
        mass_data, mass_g = p_data.cell_mass(self.grid), p_g.cell_mass(self.grid)
        self.mass_data = mass_data / mass_data.sum()
        self.mass_g = mass_g / mass_g.sum()
        self.d_star = d_star(self.mass_data, self.mass_g)
        self.js = js_divergence(self.mass_data.ravel(), self.mass_g.ravel())
        self.c = -LOG4 + 2 * self.js
        self.points = torch.from_numpy(self.grid.points()).float()
        torch_gen = torch.Generator().manual_seed(c.seed)
        self.D = Discriminator(self.dim, c.d_hidden, c.d_depth, c.activation)
        init_uniform_(self.D, torch_gen)
        self.opt = torch.optim.Adam(self.D.parameters(), lr=c.lr, betas=(0.5, 0.999))
        self.rng = np.random.default_rng([c.seed, 3])
        self.steps = 0
        self.diverged: str | None = None
        self._history: dict[str, list[float]] = {"step": [], "gap": [], "v": []}
        self.record()

    def lr_now(self) -> float:
        return self.cfg.lr / (1 + self.steps / self.cfg.lr_half_life)

    def step(self, n: int = 1) -> int:
        """n Adam steps of D on fresh minibatches (D ascends V); returns how many ran."""
        loss_fn = OBJECTIVES["minimax"].d_loss
        m = self.cfg.batch
        done = 0
        while done < n and self.diverged is None:
            real = torch.from_numpy(self.p_data.sample(m, self.rng)).float()
            fake = torch.from_numpy(self.p_g.sample(m, self.rng)).float()
            v = self.D(torch.cat([real, fake]))
            loss = loss_fn(v[:m], v[m:], 1.0)
            if not torch.isfinite(loss):
                self.diverged = f"D's loss became {float(loss)} at step {self.steps}"
                break
            for group in self.opt.param_groups:
                group["lr"] = self.lr_now()
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            self.steps += 1
            done += 1
        return done

    def _measure(self) -> tuple[np.ndarray, float, float]:
        with torch.no_grad():
            logit = self.D(self.points).double()
        log_d = -torch.nn.functional.softplus(-logit).numpy().reshape(self.grid.shape)
        log_1md = -torch.nn.functional.softplus(logit).numpy().reshape(self.grid.shape)
        d = np.exp(log_d)
        weight = 0.5 * (self.mass_data + self.mass_g)
        gap = float(np.nansum(weight * np.abs(d - self.d_star)))
        v = float(np.sum(self.mass_data * log_d) + np.sum(self.mass_g * log_1md))
        return d, gap, v

    def record(self) -> tuple[float, float]:
        """Measure gap and V now and append them to the history; returns (gap, v)."""
        _, gap, v = self._measure()
        for key, value in (("step", self.steps), ("gap", gap), ("v", v)):
            self._history[key].append(float(value))
        return gap, v

    def state(self) -> OptimalDState:
        d, gap, v = self._measure()
        cell = self.grid.cell
        return OptimalDState(
            step=self.steps,
            axes=list(self.grid.axes),
            p_data=self.mass_data / cell,
            p_g=self.mass_g / cell,
            d=d,
            d_star=self.d_star,
            gap=gap,
            v=v,
            c=self.c,
            js=self.js,
            history={k: np.asarray(vals) for k, vals in self._history.items()},
        )

    def train(self, n: int, record_every: int = 100) -> OptimalDState:
        """Run n more D steps, recording every `record_every`; returns the final state."""
        end = self.steps + n
        while self.steps < end and self.diverged is None:
            self.step(min(record_every, end - self.steps))
            self.record()
        return self.state()
