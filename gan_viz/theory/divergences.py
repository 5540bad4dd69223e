"""f-divergences between 1-D Gaussian mixtures, exactly: values, finiteness, minimisers.

D_f(P || Q) = integral q(x) f(p(x) / q(x)) dx (Nowozin, Cseke, Tomioka 2016, Eq. 1) for the
f of gan_viz.objectives.F_DIVERGENCES, with p and q 1-D Gaussian mixtures (gan_viz.targets'
gaussian, bimodal and mixture). The integrand is written in log space, so no ratio overflows
far in the tails; the value comes by adaptive quadrature (scipy.integrate.quad: the oracle) or
by Simpson's rule on a fine grid (fast enough for an optimiser's inner loop and a landscape).

Finiteness is decided from the tails: KL both ways, squared Hellinger, JS and GAN are finite for
any two such mixtures; Pearson chi^2 = int p^2/q - 1 needs q's widest std > p's widest std /
sqrt 2, and Neyman chi^2 = int q^2/p - 1 needs the converse. An infinite divergence has no
bound to approach and no minimiser worth the name there: `check_defined` says so in one line.

`exact_fit` minimises D_f(p || N(mu, sigma^2)) over (mu, sigma) directly (scipy.optimize): the
answer the f-GAN game's Gaussian G should reach.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, special

from gan_viz.densities import GaussianMixture, Target
from gan_viz.errors import ConfigError
from gan_viz.objectives import F_DIVERGENCES
from gan_viz.targets import gaussian

LOG2 = math.log(2.0)
TAIL_STDS = 12.0  # integration range: every component's mean +- 12 of its stds (mass < 1e-32 out)


def gaussian_law(mu: float, sigma: float) -> GaussianMixture:
    """N(mu, sigma^2) as a target (exact cell masses, sampling, window)."""
    if not (math.isfinite(mu) and math.isfinite(sigma) and sigma > 0):
        raise ConfigError("p_g", f"N({mu}, {sigma}^2)", "a finite mean and a std > 0")
    return gaussian({"mean": float(mu), "std": float(sigma)})


def as_mixture(law: Target, role: str) -> GaussianMixture:
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
    sp = float(as_mixture(p, "p_data").stds.max())
    sq = float(as_mixture(q, "p_g").stds.max())
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


def integration_range(
    p: GaussianMixture, q: GaussianMixture, name: str = ""
) -> tuple[float, float]:
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
    lo, hi = integration_range(p, q, name)
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
    lo, hi = integration_range(p, q, name)
    x = np.linspace(lo, hi, n)
    return float(integrate.simpson(integrand(name, log_pdf(p, x), log_pdf(q, x)), x=x))


def divergence_landscape(
    name: str, p: Target, mus: np.ndarray, sigmas: np.ndarray, n: int = 2001
) -> np.ndarray:
    """D_f(p || N(mu, sigma^2)) on a (len(sigmas), len(mus)) grid, Simpson's rule, vectorised;
    inf where the divergence is infinite."""
    p = as_mixture(p, "p_data")
    mus, sigmas = np.asarray(mus, float), np.asarray(sigmas, float)
    widest = gaussian_law(float(mus.mean()), float(sigmas.max()))
    lo, hi = integration_range(p, widest)
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


def exact_fit(name: str, p: Target, mu0: float = 0.5, sigma0: float = 0.5) -> tuple[float, float]:
    """argmin over (mu, sigma) of D_f(p || N(mu, sigma^2)) by scipy.optimize (Nelder-Mead).

    Started from a spread of points; the best value wins, ties (mirror images of a symmetric
    target) go to the one nearest (mu0, sigma0), G's own start. Where D_f is infinite
    (Neyman chi^2 for a wide sigma) the objective is +inf, which Nelder-Mead simply avoids.
    """
    p = as_mixture(p, "p_data")
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
