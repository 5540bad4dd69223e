"""The Dirac-GAN: the smallest GAN that does not converge (Mescheder, Geiger, Nowozin 2018, Sec. 2).

Data is a point mass at 0, the generator a point mass at theta, the discriminator linear,
D_psi(x) = psi x. The paper's training objective

    L(theta, psi) = f(psi theta) + f(0),        f(t) = -log(1 + exp(-t))

is ascended by D and descended by G. Its unique equilibrium is (theta, psi) = (0, 0), and the
gradient vector field v = (-dL/dtheta, dL/dpsi) = (-psi f'(psi theta), theta f'(psi theta)) has
the Jacobian [[0, -f'(0)], [f'(0), 0]] there: eigenvalues +- i f'(0), purely imaginary, so the
continuous dynamics circle for ever. Discrete steps of size h make it worse or no better:

- simultaneous steps: the update's Jacobian I + h J has eigenvalues 1 +- i h f'(0), of modulus
  > 1: the iterates spiral out.
- alternating steps (n_d D steps, then n_g G steps): eigenvalues
  1 - a^2/2 +- sqrt((1 - a^2/2)^2 - 1) with a = sqrt(n_d n_g) h f'(0), of modulus 1 for a < 2:
  the iterates circle.

What the regularisers do to v and to the Jacobian J at the equilibrium:

- non-saturating: G ascends f(-psi theta) instead; J's eigenvalues +- i f'(0), as the GAN's.
- WGAN: f(t) = t and psi clipped to [-c, c]; eigenvalues +- i.
- WGAN-GP: f(t) = t, D's objective minus gamma/2 (|psi| - g0)^2; no Jacobian at the
  equilibrium, the penalty has a kink at psi = 0.
- R1 / R2: D's objective minus gamma/2 psi^2 (grad_x D = psi at the real and the fake point
  alike, so the two coincide here); eigenvalues -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2).
- instance noise: expectations over x + eps, eps ~ N(0, sigma^2), for real and fake;
  eigenvalues f''(0) sigma^2 +- sqrt(f''(0)^2 sigma^4 - f'(0)^2).
- consensus optimisation (Mescheder, Nowozin, Geiger 2017): both follow v - gamma grad |v|^2/2;
  eigenvalues -gamma f'(0)^2 +- i f'(0).

For the GAN f, f'(0) = 1/2 and f''(0) = -1/4. Everything here is numpy: the fields are written in
closed form (tests check them against torch autograd of L), the update's Jacobian at the
equilibrium is measured by central differences of one iteration of the actual update.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from gan_viz.errors import ConfigError

METHODS: dict[str, str] = {
    "gan": "the GAN of Goodfellow et al. 2014 (G descends L)",
    "nonsaturating": "non-saturating G: ascends f(-psi theta)",
    "wgan": "WGAN: f(t) = t, psi clipped to [-c, c]",
    "wgan_gp": "WGAN-GP: f(t) = t, penalty gamma/2 (|psi| - g0)^2",
    "r1": "R1: penalty gamma/2 |grad D|^2 on real data",
    "r2": "R2: penalty gamma/2 |grad D|^2 on generated data",
    "instance_noise": "instance noise: Gaussian blur of std sigma on D's inputs",
    "consensus": "consensus optimisation: both descend gamma |v|^2 / 2 too",
}
SCHEMES = ("simultaneous", "alternating")
HERMITE_NODES = 40  # Gauss-Hermite nodes for the instance-noise expectations (exact far beyond)
BLOW_UP = 1e6  # |theta| or |psi| beyond this counts as diverged


@dataclass(frozen=True)
class DiracConfig:
    method: str = "gan"  # a key of METHODS
    scheme: str = "simultaneous"  # simultaneous (both from the same point) | alternating (D first)
    h: float = 0.2  # step size of both players
    d_steps: int = 1  # n_d: D steps per iteration (alternating steps only)
    g_steps: int = 1  # n_g: G steps per iteration (alternating steps only)
    gamma: float = 1.0  # weight of R1/R2, WGAN-GP's penalty and consensus optimisation
    sigma: float = 1.0  # instance noise std
    clip: float = 1.0  # WGAN: |psi| <= clip (the Lipschitz constraint)
    g0: float = 1.0  # WGAN-GP: the target gradient norm
    theta0: float = 1.0  # start of G
    psi0: float = 1.0  # start of D


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x)


def validate(cfg: DiracConfig) -> DiracConfig:
    """Raise ConfigError on the first bad setting; return cfg."""
    if cfg.method not in METHODS:
        raise ConfigError("method", cfg.method, ", ".join(METHODS))
    if cfg.scheme not in SCHEMES:
        raise ConfigError("update scheme", cfg.scheme, ", ".join(SCHEMES))
    if not _finite(cfg.h) or cfg.h <= 0:
        raise ConfigError("step size h", cfg.h, "a finite number > 0")
    for name, k in (("D steps", cfg.d_steps), ("G steps", cfg.g_steps)):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 100:
            raise ConfigError(name, k, "a whole number from 1 to 100")
    if cfg.scheme == "simultaneous" and (cfg.d_steps, cfg.g_steps) != (1, 1):
        raise ConfigError(
            "D steps", cfg.d_steps, "1 with simultaneous steps (several need alternating steps)"
        )
    for name, x in (("gamma", cfg.gamma), ("instance noise sigma", cfg.sigma)):
        if not _finite(x) or x < 0:
            raise ConfigError(name, x, "a finite number >= 0")
    for name, x in (("WGAN clip", cfg.clip), ("WGAN-GP g0", cfg.g0)):
        if not _finite(x) or x <= 0:
            raise ConfigError(name, x, "a finite number > 0")
    for name, x in (("start theta", cfg.theta0), ("start psi", cfg.psi0)):
        if not _finite(x):
            raise ConfigError(name, x, "a finite number")
    return cfg


# --- f and its derivatives ---------------------------------------------------------------------


def _f1(t):
    """f'(t) = sigmoid(-t) for f(t) = -log(1 + exp(-t))."""
    return special.expit(-t)


def _f2(t):
    """f''(t) = -sigmoid(t) sigmoid(-t)."""
    return -special.expit(t) * special.expit(-t)


def f_prime0(method: str) -> float:
    """f'(0): 1/2 for the GAN's f, 1 for WGAN's f(t) = t."""
    return 1.0 if method in ("wgan", "wgan_gp") else 0.5


F2_0 = -0.25  # f''(0) for the GAN's f


# --- the vector field v = (-dL_G/dtheta, dL_D/dpsi) ---------------------------------------------


def _gan_field(theta, psi):
    s = _f1(psi * theta)
    return -psi * s, theta * s


def _gan_jacobian(theta, psi):
    """d v / d(theta, psi) of the GAN field, entries broadcast over arrays."""
    t = psi * theta
    s, c = _f1(t), _f2(t)
    return (-(psi**2) * c, -s - t * c), (s + t * c, theta**2 * c)


def field(cfg: DiracConfig, theta, psi):
    """The regularised gradient field (v_theta, v_psi) at (theta, psi); arrays broadcast.

    v_theta is G's descent direction, v_psi D's ascent direction. WGAN's clipping is not part
    of the field: it is a projection applied after each D step.
    """
    theta, psi = np.asarray(theta, float), np.asarray(psi, float)
    m = cfg.method
    if m in ("gan", "r1", "r2"):
        v_t, v_p = _gan_field(theta, psi)
        if m != "gan":
            v_p = v_p - cfg.gamma * psi  # d/dpsi of -gamma/2 psi^2: grad_x D = psi at 0 and theta
        return v_t, v_p
    if m == "nonsaturating":
        return -psi * _f1(-psi * theta), theta * _f1(psi * theta)
    if m == "wgan":
        return -psi, theta.copy()
    if m == "wgan_gp":
        return -psi, theta - cfg.gamma * (np.abs(psi) - cfg.g0) * np.sign(psi)
    if m == "instance_noise":
        return _noisy_field(theta, psi, cfg.sigma)
    # consensus: v - gamma J^T v (Mescheder, Nowozin, Geiger 2017, Eq. 9)
    v_t, v_p = _gan_field(theta, psi)
    (a, b), (c, d) = _gan_jacobian(theta, psi)
    return v_t - cfg.gamma * (a * v_t + c * v_p), v_p - cfg.gamma * (b * v_t + d * v_p)


def _noisy_field(theta, psi, sigma):
    """E over eps ~ N(0, sigma^2) of the GAN field with real 0 + eps and fake theta + eps.

    L = E f(psi (theta + eps)) + E f(-psi eps'), so
    v_theta = -psi E f'(psi (theta + eps)), v_psi = E (theta + eps) f'(psi (theta + eps))
    - E eps f'(-psi eps). Expectations by Gauss-Hermite quadrature.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(HERMITE_NODES)
    weights = weights / weights.sum()
    eps = sigma * nodes.reshape((-1,) + (1,) * np.ndim(theta))
    w = weights.reshape(eps.shape)
    fake = theta + eps
    s_fake = _f1(psi * fake)
    v_t = -psi * np.sum(w * s_fake, axis=0)
    v_p = np.sum(w * fake * s_fake, axis=0) - np.sum(w * eps * _f1(-psi * eps), axis=0)
    return v_t, v_p


# --- the discrete update -----------------------------------------------------------------------


def update(cfg: DiracConfig, theta: float, psi: float) -> tuple[float, float]:
    """One iteration: a simultaneous step, or n_d D steps then n_g G steps (as Algorithm 1)."""
    h = cfg.h
    if cfg.scheme == "simultaneous":
        v_t, v_p = field(cfg, theta, psi)
        return float(theta + h * v_t), _project(cfg, float(psi + h * v_p))
    for _ in range(cfg.d_steps):
        psi = _project(cfg, float(psi + h * field(cfg, theta, psi)[1]))
    for _ in range(cfg.g_steps):
        theta = float(theta + h * field(cfg, theta, psi)[0])
    return float(theta), float(psi)


def _project(cfg: DiracConfig, psi: float) -> float:
    return float(np.clip(psi, -cfg.clip, cfg.clip)) if cfg.method == "wgan" else psi


def update_jacobian(cfg: DiracConfig, eps: float = 1e-6) -> np.ndarray | None:
    """d update / d(theta, psi) at the equilibrium (0, 0), by central differences.

    None for WGAN-GP, whose field is not differentiable at psi = 0.
    """
    if cfg.method == "wgan_gp":
        return None
    cols = []
    for e in (np.array([eps, 0.0]), np.array([0.0, eps])):
        plus, minus = np.array(update(cfg, *e)), np.array(update(cfg, *(-e)))
        cols.append((plus - minus) / (2 * eps))
    return np.stack(cols, axis=1)


def field_jacobian_closed_form(cfg: DiracConfig) -> np.ndarray | None:
    """The paper's J = dv/d(theta, psi) at (0, 0), from f'(0) and f''(0); None for WGAN-GP."""
    a = f_prime0(cfg.method)
    m = cfg.method
    if m == "wgan_gp":
        return None
    if m in ("r1", "r2"):
        return np.array([[0.0, -a], [a, -cfg.gamma]])
    if m == "instance_noise":
        return np.array([[0.0, -a], [a, 2 * cfg.sigma**2 * F2_0]])
    if m == "consensus":
        return np.array([[-cfg.gamma * a**2, -a], [a, -cfg.gamma * a**2]])
    return np.array([[0.0, -a], [a, 0.0]])


def field_eigenvalues_closed_form(cfg: DiracConfig) -> np.ndarray | None:
    """The paper's closed forms for the eigenvalues of J at the equilibrium (see the table)."""
    a, m = f_prime0(cfg.method), cfg.method
    if m == "wgan_gp":
        return None
    if m in ("r1", "r2"):
        re, disc = -cfg.gamma / 2, cfg.gamma**2 / 4 - a**2
    elif m == "instance_noise":
        re, disc = F2_0 * cfg.sigma**2, F2_0**2 * cfg.sigma**4 - a**2
    elif m == "consensus":
        re, disc = -cfg.gamma * a**2, -(a**2)
    else:
        re, disc = 0.0, -(a**2)
    root = np.sqrt(complex(disc))
    return np.array([re + root, re - root])


def update_eigenvalues_closed_form(cfg: DiracConfig) -> np.ndarray | None:
    """Eigenvalues of the update's Jacobian at the equilibrium, from the closed-form J.

    Simultaneous: 1 + h lambda(J). Alternating without a regulariser on D's diagonal: the
    paper's 1 - a^2/2 +- sqrt((1 - a^2/2)^2 - 1), a = sqrt(n_d n_g) h f'(0); otherwise the
    eigenvalues of the product of the linearised step matrices, (I + h G)^n_g (I + h D)^n_d.
    """
    J = field_jacobian_closed_form(cfg)
    if J is None:
        return None
    h = cfg.h
    if cfg.scheme == "simultaneous":
        return 1 + h * field_eigenvalues_closed_form(cfg)
    if cfg.method in ("gan", "nonsaturating", "wgan"):
        a = np.sqrt(cfg.d_steps * cfg.g_steps) * h * f_prime0(cfg.method)
        root = np.sqrt(complex((1 - a**2 / 2) ** 2 - 1))
        return np.array([1 - a**2 / 2 + root, 1 - a**2 / 2 - root])
    d_step = np.array([[1.0, 0.0], [h * J[1, 0], 1 + h * J[1, 1]]])
    g_step = np.array([[1 + h * J[0, 0], h * J[0, 1]], [0.0, 1.0]])
    M = np.linalg.matrix_power(g_step, cfg.g_steps) @ np.linalg.matrix_power(d_step, cfg.d_steps)
    return np.linalg.eigvals(M)


def verdict(eigenvalues: np.ndarray | None, tol: float = 1e-9) -> str:
    """What the spectral radius rho of the update's Jacobian says about local convergence."""
    if eigenvalues is None:
        return "no Jacobian (the field has a kink at the equilibrium)"
    rho = float(np.max(np.abs(eigenvalues)))
    if rho < 1 - tol:
        return f"converges (rho = {rho:.4f} < 1)"
    if rho > 1 + tol:
        return f"spirals out (rho = {rho:.4f} > 1)"
    return "circles (rho = 1)"


# --- a trajectory, step by step ----------------------------------------------------------------


class DiracGame:
    """Iterates of the update from (theta0, psi0); `step(n)` advances, `path` holds them all."""

    def __init__(self, cfg: DiracConfig):
        self.cfg = validate(cfg)
        self.path = [(float(cfg.theta0), float(cfg.psi0))]
        self.diverged: str | None = None

    @property
    def iterations(self) -> int:
        return len(self.path) - 1

    def step(self, n: int = 1) -> int:
        """Run up to n iterations; stops when the iterates blow up. Returns how many ran."""
        done = 0
        theta, psi = self.path[-1]
        while done < n and self.diverged is None:
            theta, psi = update(self.cfg, theta, psi)
            if not (np.isfinite(theta) and np.isfinite(psi)) or max(abs(theta), abs(psi)) > BLOW_UP:
                self.diverged = f"blew up at iteration {self.iterations + 1}"
                break
            self.path.append((theta, psi))
            done += 1
        return done

    def points(self) -> np.ndarray:
        """(iterations + 1, 2) array of (theta, psi)."""
        return np.asarray(self.path)

    def distance(self) -> float:
        """Distance of the latest iterate to the equilibrium (0, 0)."""
        return float(np.hypot(*self.path[-1]))


def final_distance(cfg: DiracConfig, iterations: int = 500) -> float:
    """Distance to (0, 0) after `iterations`; inf when the iterates blew up."""
    game = DiracGame(cfg)
    game.step(iterations)
    return float("inf") if game.diverged else game.distance()


# The report's methods: the GAN under both schemes, every other method with simultaneous steps.
REPORT_METHODS: dict[str, DiracConfig] = {
    "simultaneous": DiracConfig("gan", "simultaneous"),
    "alternating": DiracConfig("gan", "alternating"),
    "nonsaturating": DiracConfig("nonsaturating"),
    "wgan": DiracConfig("wgan"),
    "wgan_gp": DiracConfig("wgan_gp"),
    "r1": DiracConfig("r1", gamma=1.0),
    "instance_noise": DiracConfig("instance_noise", sigma=1.0),
    "consensus": DiracConfig("consensus", gamma=1.0),
}


def field_grid(cfg: DiracConfig, span: float = 2.0, n: int = 25) -> tuple[np.ndarray, ...]:
    """theta axis, psi axis, and v_theta, v_psi on the grid, shaped (n_psi, n_theta)."""
    axis = np.linspace(-span, span, n)
    tt, pp = np.meshgrid(axis, axis)
    v_t, v_p = field(validate(cfg), tt, pp)
    return axis, axis, np.asarray(v_t), np.asarray(v_p)
