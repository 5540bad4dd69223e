"""f-GAN, measured: the variational bound against the true f-divergence, and the Gaussian fit per f.

Nowozin, Cseke, Tomioka 2016. For a convex f with f(1) = 0 and its Fenchel conjugate f*,

    D_f(P || Q) = integral q(x) f(p(x) / q(x)) dx  >=  sup_T  E_P[T(x)] - E_Q[f*(T(x))]   (Eq. 4)

with equality at T*(x) = f'(p(x) / q(x)). The critic is T = g_f(V_w(x)), V_w a network and g_f
the output activation that keeps T inside dom f* (gan_viz.objectives.F_DIVERGENCES).

(a) `VariationalBound`: P = p_data, Q = p_g both fixed; the critic ascends the bound on
    minibatches, and the bound of the current critic is measured by the midpoint rule on a fine
    grid with exact cell masses, next to D_f computed by scipy.integrate.quad.
(b) `GaussianFit`: G(z) = mu + sigma z, z ~ N(0, 1), plays the saddle-point game
    min_G max_w E_P[T] - E_Q[f*(T)] (Eq. 6; G descends the bound itself, so its fixed points are
    the minimisers of D_f) against a critic; `exact_fit` finds the minimiser of D_f(p_data || N)
    by scipy.optimize on a Simpson integral. Their Sec. 4 fits a Gaussian to a mixture this way.

The laws here are 1-D Gaussian mixtures (gan_viz.targets' gaussian, bimodal and mixture), for
which D_f's integrand is written in log space and its finiteness decided from the tails:
KL both ways, squared Hellinger, JS and GAN are finite for any two of them; Pearson chi^2
= int p^2/q - 1 needs q's widest std > p's widest std / sqrt 2, and Neyman chi^2 = int q^2/p - 1
needs the converse. A divergence that is infinite has no bound to approach and no minimiser
worth the name there: `check_defined` says so in one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from scipy import integrate, optimize, special

from gan_viz.config import ConfigError
from gan_viz.grid import Grid
from gan_viz.nets import Discriminator, init_uniform_
from gan_viz.objectives import F_DIVERGENCES, OBJECTIVES
from gan_viz.targets import GaussianMixture, Target, gaussian

LOG2 = math.log(2.0)
TAIL_STDS = 12.0  # integration range: every component's mean +- 12 of its stds (mass < 1e-32 out)


def gaussian_law(mu: float, sigma: float) -> GaussianMixture:
    """N(mu, sigma^2) as a target (exact cell masses, sampling, window)."""
    if not (math.isfinite(mu) and math.isfinite(sigma) and sigma > 0):
        raise ConfigError("p_g", f"N({mu}, {sigma}^2)", "a finite mean and a std > 0")
    return gaussian({"mean": float(mu), "std": float(sigma)})


def _mixture(law: Target, role: str) -> GaussianMixture:
    if not isinstance(law, GaussianMixture) or law.dim != 1:
        raise ConfigError(
            role, law.describe(), "a 1-D Gaussian mixture (gaussian, bimodal, mixture)"
        )
    return law


def log_pdf(law: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """log p(x) of a 1-D Gaussian mixture, stable far in the tails (logsumexp)."""
    z = (np.asarray(x, float)[:, None] - law.means[None, :, 0]) / law.stds[None, :, 0]
    log_k = -0.5 * z**2 - np.log(law.stds[None, :, 0]) - 0.5 * math.log(2 * math.pi)
    return special.logsumexp(log_k, axis=1, b=law.weights[None, :])


def integrand(name: str, lp: np.ndarray, lq: np.ndarray) -> np.ndarray:
    """q f(p/q) written with log p and log q so that no ratio overflows.

    Equal to q * F_DIVERGENCES[name].f(p/q) wherever that is finite (tests check it).
    """
    p, q = np.exp(lp), np.exp(lq)
    if name == "kl":
        return p * (lp - lq)
    if name == "reverse_kl":
        return q * (lq - lp)
    if name == "pearson":
        return np.exp(2 * lp - lq) - 2 * p + q
    if name == "neyman":
        return np.exp(2 * lq - lp) - 2 * q + p
    if name == "hellinger":
        return p + q - 2 * np.exp(0.5 * (lp + lq))
    lpq = np.logaddexp(lp, lq)
    if name == "js":
        return p * (LOG2 + lp - lpq) + q * (LOG2 + lq - lpq)
    if name == "gan":
        return p * (lp - lpq) + q * (lq - lpq)
    raise ConfigError("f-divergence", name, ", ".join(F_DIVERGENCES))


def why_undefined(name: str, p: Target, q: Target) -> str | None:
    """None when D_f(p || q) is finite; else one line saying why it is infinite."""
    if name not in F_DIVERGENCES:
        raise ConfigError("f-divergence", name, ", ".join(F_DIVERGENCES))
    sp = float(_mixture(p, "p_data").stds.max())
    sq = float(_mixture(q, "p_g").stds.max())
    if name == "pearson" and not sq**2 > sp**2 / 2:
        return (
            f"Pearson chi^2 = int p_data^2/p_g - 1 is infinite here: p_g's widest std ({sq:g}) "
            f"must exceed p_data's widest std / sqrt 2 ({sp / math.sqrt(2):.3g})"
        )
    if name == "neyman" and not sp**2 > sq**2 / 2:
        return (
            f"Neyman chi^2 = int p_g^2/p_data - 1 is infinite here: p_g's widest std ({sq:g}) "
            f"must stay below sqrt 2 times p_data's widest std ({sp * math.sqrt(2):.3g})"
        )
    return None


def check_defined(name: str, p: Target, q: Target) -> None:
    """Raise ConfigError naming the f when D_f(p || q) is infinite."""
    reason = why_undefined(name, p, q)
    if reason is not None:
        allowed = [n for n in F_DIVERGENCES if why_undefined(n, p, q) is None]
        raise ConfigError("f-divergence", name, f"{', '.join(allowed)} ({reason})")


def _range(p: GaussianMixture, q: GaussianMixture, name: str = "") -> tuple[float, float]:
    """Where the integrand of D_f lives: every component's mean +- TAIL_STDS of its stds, and
    for chi^2 the Gaussian tail of p^2/q (Pearson) or q^2/p (Neyman), which is wider than
    either law when the divergence is close to infinite."""
    means = list(np.concatenate([p.means[:, 0], q.means[:, 0]]))
    stds = list(np.concatenate([p.stds[:, 0], q.stds[:, 0]]))
    if name in ("pearson", "neyman"):
        num, den = (p, q) if name == "pearson" else (q, p)
        i, j = int(np.argmax(num.stds[:, 0])), int(np.argmax(den.stds[:, 0]))
        a, b = num.stds[i, 0], den.stds[j, 0]
        precision = 2 / a**2 - 1 / b**2  # of exp(-x^2/a^2 + x^2/(2 b^2)), > 0 when finite
        if precision > 0:
            var = 1 / precision
            means.append(var * (2 * num.means[i, 0] / a**2 - den.means[j, 0] / b**2))
            stds.append(math.sqrt(var))
    means, stds = np.array(means), np.array(stds)
    return float((means - TAIL_STDS * stds).min()), float((means + TAIL_STDS * stds).max())


def true_divergence(name: str, p: Target, q: Target) -> float:
    """D_f(p || q) in nats by adaptive quadrature (scipy.integrate.quad); inf when infinite."""
    if why_undefined(name, p, q) is not None:
        return math.inf
    lo, hi = _range(p, q, name)
    breaks = sorted({float(m) for m in np.concatenate([p.means[:, 0], q.means[:, 0]])})

    def fn(x: float) -> float:
        x = np.array([x])
        return float(integrand(name, log_pdf(p, x), log_pdf(q, x))[0])

    value, _ = integrate.quad(fn, lo, hi, points=breaks, limit=500, epsabs=1e-10, epsrel=1e-9)
    return float(value)


def simpson_divergence(name: str, p: Target, q: Target, n: int = 4001) -> float:
    """D_f(p || q) by Simpson's rule on n points: fast enough for an optimiser's inner loop."""
    if why_undefined(name, p, q) is not None:
        return math.inf
    lo, hi = _range(p, q, name)
    x = np.linspace(lo, hi, n)
    return float(integrate.simpson(integrand(name, log_pdf(p, x), log_pdf(q, x)), x=x))


def divergence_landscape(
    name: str, p: Target, mus: np.ndarray, sigmas: np.ndarray, n: int = 2001
) -> np.ndarray:
    """D_f(p || N(mu, sigma^2)) on a (len(sigmas), len(mus)) grid, Simpson's rule, vectorised;
    inf where the divergence is infinite."""
    p = _mixture(p, "p_data")
    mus, sigmas = np.asarray(mus, float), np.asarray(sigmas, float)
    widest = gaussian_law(float(mus.mean()), float(sigmas.max()))
    lo, hi = _range(p, widest)
    lo, hi = (
        min(lo, mus.min() - TAIL_STDS * sigmas.max()),
        max(hi, mus.max() + TAIL_STDS * sigmas.max()),
    )
    x = np.linspace(lo, hi, n)
    lp = log_pdf(p, x)[None, None, :]
    s, m = sigmas[:, None, None], mus[None, :, None]
    lq = -0.5 * ((x[None, None, :] - m) / s) ** 2 - np.log(s) - 0.5 * math.log(2 * math.pi)
    with np.errstate(over="ignore", invalid="ignore"):
        values = integrate.simpson(integrand(name, lp, lq), x=x, axis=-1)
    defined = np.array(
        [why_undefined(name, p, gaussian_law(0.0, float(sd))) is None for sd in sigmas]
    )
    return np.where(defined[:, None], values, np.inf)


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
        lo, hi = _range(p, q)
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
        self.name, self.p, self.div = name, _mixture(p, "p_data"), F_DIVERGENCES[name]
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


def exact_fit(name: str, p: Target, mu0: float = 0.5, sigma0: float = 0.5) -> tuple[float, float]:
    """argmin over (mu, sigma) of D_f(p || N(mu, sigma^2)) by scipy.optimize (Nelder-Mead).

    Started from a spread of points; the best value wins, ties (mirror images of a symmetric
    target) go to the one nearest (mu0, sigma0), G's own start. Where D_f is infinite
    (Neyman chi^2 for a wide sigma) the objective is +inf, which Nelder-Mead simply avoids.
    """
    p = _mixture(p, "p_data")
    spread = float(np.sqrt(np.sum(p.weights * (p.means[:, 0] ** 2 + p.stds[:, 0] ** 2))))
    centre = float(np.sum(p.weights * p.means[:, 0]))
    scale = max(spread, 1e-3)

    def objective(th: np.ndarray) -> float:
        if not np.all(np.isfinite(th)) or abs(th[1]) > 20:
            return math.inf
        return simpson_divergence(name, p, gaussian_law(th[0], math.exp(th[1])))

    starts = [(mu0, sigma0), (centre, scale)] + [
        (centre + a * scale, 0.25 * scale) for a in (-1.0, 1.0)
    ]
    best: tuple[float, float, float] | None = None
    for m0, s0 in starts:
        with np.errstate(invalid="ignore"):  # inf - inf in the simplex's spread test
            res = optimize.minimize(
                objective,
                [m0, math.log(s0)],
                method="Nelder-Mead",
                options={"xatol": 1e-6, "fatol": 1e-11, "maxiter": 2000},
            )
        cand = (float(res.fun), float(res.x[0]), math.exp(float(res.x[1])))
        if not math.isfinite(cand[0]):
            continue
        if best is None or cand[0] < best[0] - 1e-7:
            best = cand
        elif abs(cand[0] - best[0]) <= 1e-7:
            near = lambda c: (c[1] - mu0) ** 2 + (c[2] - sigma0) ** 2  # noqa: E731
            best = min(best, cand, key=near)
    if best is None:
        raise ConfigError("f-divergence", name, "an f with a finite value somewhere")
    return best[1], best[2]
