"""GAN objectives as small functions of D's raw outputs (logits) v.

Every objective gives D's loss (D minimises it) and G's loss (G minimises it), and says how to read
D's output as a probability D(x) in (0, 1), the estimate of D*(x) = p_data / (p_data + p_g) that
the views draw beside the true D*. Sources are in each docstring.

f-GAN (Nowozin, Cseke, Tomioka 2016): D_f(P||Q) = integral q f(p/q) >= sup_T E_P[T] - E_Q[f*(T)],
with T = g_f(v). D maximises the bound; G maximises E_Q[g_f(v)] (the paper's Sec. 3.2 heuristic,
as the non-saturating GAN). The bound is tight at T* = f'(p/q), so the density ratio D sees is
r = (f')^-1(g_f(v)), and D(x) = r / (1 + r). Note: the table's Jensen-Shannon f gives
D_f = 2 JSD, and the GAN f gives 2 JSD - log 4.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Tensor = torch.Tensor
LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Objective:
    name: str
    summary: str  # one line for lists and tooltips
    d_loss: Callable[[Tensor, Tensor, float], Tensor]  # (v_real, v_fake, real_label) -> loss
    g_loss: Callable[[Tensor], Tensor]  # v_fake -> loss
    d_prob: Callable[[Tensor], Tensor]  # v -> D(x) in (0, 1)
    prob_is_dstar: bool = True  # D(x) estimates p_data/(p_data+p_g) at D's optimum
    uses_labels: bool = False  # real label 1 can be smoothed (e.g. 0.9)
    clip: bool = False  # WGAN weight clipping after each D step
    gradient_penalty: bool = False  # WGAN-GP penalty on interpolates
    f_divergence: FDivergence | None = None


# --- the GAN of Goodfellow et al. 2014 -------------------------------------------------------


def _bce_d_loss(v_real: Tensor, v_fake: Tensor, real_label: float) -> Tensor:
    """-E_p[l log D(x) + (1 - l) log(1 - D(x))] - E_q[log(1 - D(G(z)))], D = sigmoid(v).

    With l = 1 this is -V(G, D) of Goodfellow et al. 2014, Eq. 1; l = 0.9 is one-sided label
    smoothing (Salimans et al. 2016, Sec. 3.4).
    """
    real = (
        F.softplus(-v_real)
        if real_label == 1.0
        else F.binary_cross_entropy_with_logits(
            v_real, torch.full_like(v_real, real_label), reduction="none"
        )
    )
    return real.mean() + F.softplus(v_fake).mean()


def _minimax_g_loss(v_fake: Tensor) -> Tensor:
    """E_z log(1 - D(G(z))) = -E softplus(v): the paper's G loss, which saturates when D wins."""
    return -F.softplus(v_fake).mean()


def _nonsaturating_g_loss(v_fake: Tensor) -> Tensor:
    """-E_z log D(G(z)) = E softplus(-v): strong early gradients (Goodfellow 2014, Sec. 3)."""
    return F.softplus(-v_fake).mean()


# --- f-GAN ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FDivergence:
    """One row of Nowozin et al. 2016, Tables 1 and 2, with f*(g_f(v)) written stably in v."""

    name: str
    label: str
    f: Callable[[Tensor], Tensor]  # generator f(u) of D_f, u = p/q > 0
    f_star: Callable[[Tensor], Tensor]  # Fenchel conjugate f*(t) on its domain
    g_f: Callable[[Tensor], Tensor]  # output activation: R -> dom f*
    f_star_g: Callable[[Tensor], Tensor]  # f*(g_f(v)), simplified to avoid overflow
    log_ratio: Callable[[Tensor], Tensor]  # log r with r = (f')^-1(g_f(v)), the ratio p/q


def _xlogx(u: Tensor) -> Tensor:
    return torch.xlogy(u, u)


F_DIVERGENCES: dict[str, FDivergence] = {
    d.name: d
    for d in [
        FDivergence(
            "kl",
            "Kullback-Leibler KL(P||Q)",
            _xlogx,
            lambda t: torch.exp(t - 1),
            lambda v: v,
            lambda v: torch.exp(v - 1),
            lambda v: v - 1,
        ),
        FDivergence(
            "reverse_kl",
            "reverse KL KL(Q||P)",
            lambda u: -torch.log(u),
            lambda t: -1 - torch.log(-t),
            lambda v: -torch.exp(-v),
            lambda v: v - 1,
            lambda v: v,
        ),
        FDivergence(
            "pearson",
            "Pearson chi^2",
            lambda u: (u - 1) ** 2,
            lambda t: t**2 / 4 + t,
            lambda v: v,
            lambda v: v**2 / 4 + v,
            lambda v: torch.log(torch.clamp(1 + v / 2, min=1e-6)),
        ),
        FDivergence(
            "neyman",
            "Neyman chi^2",
            lambda u: (1 - u) ** 2 / u,
            lambda t: 2 - 2 * torch.sqrt(1 - t),
            lambda v: 1 - torch.exp(-v),
            lambda v: 2 - 2 * torch.exp(-v / 2),
            lambda v: v / 2,
        ),
        FDivergence(
            "hellinger",
            "squared Hellinger",
            lambda u: (torch.sqrt(u) - 1) ** 2,
            lambda t: t / (1 - t),
            lambda v: 1 - torch.exp(-v),
            lambda v: torch.exp(v) - 1,
            lambda v: 2 * v,
        ),
        FDivergence(
            "js",
            "Jensen-Shannon (D_f = 2 JSD)",
            lambda u: -(u + 1) * torch.log((1 + u) / 2) + _xlogx(u),
            lambda t: -torch.log(2 - torch.exp(t)),
            lambda v: LOG2 - F.softplus(-v),
            lambda v: F.softplus(v) - LOG2,
            lambda v: v,
        ),
        FDivergence(
            "gan",
            "GAN (D_f = 2 JSD - log 4)",
            lambda u: _xlogx(u) - (u + 1) * torch.log(u + 1),
            lambda t: -torch.log(1 - torch.exp(t)),
            lambda v: -F.softplus(-v),
            lambda v: F.softplus(v),
            lambda v: v,
        ),
    ]
}


def _fgan(div: FDivergence) -> Objective:
    def d_loss(v_real: Tensor, v_fake: Tensor, real_label: float) -> Tensor:
        """-(E_P[g_f(v)] - E_Q[f*(g_f(v))]): minus the variational bound (Nowozin et al., Eq. 6)."""
        return -(div.g_f(v_real).mean() - div.f_star_g(v_fake).mean())

    def g_loss(v_fake: Tensor) -> Tensor:
        """-E_Q[g_f(v)]: G raises its samples' T (Nowozin et al. 2016, Sec. 3.2)."""
        return -div.g_f(v_fake).mean()

    return Objective(
        div.name,
        f"f-GAN, {div.label}",
        d_loss,
        g_loss,
        lambda v: torch.sigmoid(div.log_ratio(v)),
        f_divergence=div,
    )


# --- Wasserstein, least squares, hinge ---------------------------------------------------------


def _wgan_d_loss(v_real: Tensor, v_fake: Tensor, real_label: float) -> Tensor:
    """E_q[f(x)] - E_p[f(x)]: the critic maximises the Kantorovich-Rubinstein dual.

    Arjovsky, Chintala, Bottou 2017.
    """
    return v_fake.mean() - v_real.mean()


def _wgan_g_loss(v_fake: Tensor) -> Tensor:
    """-E_z f(G(z))."""
    return -v_fake.mean()


def _lsgan_d_loss(v_real: Tensor, v_fake: Tensor, real_label: float) -> Tensor:
    """1/2 E_p[(D(x) - b)^2] + 1/2 E_q[D(G(z))^2] with b = 1 (Mao et al. 2017, a=0, b=c=1).

    With these labels the optimal D is p_data / (p_data + p_g), read directly from D's output.
    """
    return 0.5 * ((v_real - real_label) ** 2).mean() + 0.5 * (v_fake**2).mean()


def _lsgan_g_loss(v_fake: Tensor) -> Tensor:
    """1/2 E_z[(D(G(z)) - 1)^2]."""
    return 0.5 * ((v_fake - 1) ** 2).mean()


def _hinge_d_loss(v_real: Tensor, v_fake: Tensor, real_label: float) -> Tensor:
    """E_p[max(0, 1 - v)] + E_q[max(0, 1 + v)] (Lim & Ye 2017; Miyato et al. 2018)."""
    return F.relu(1 - v_real).mean() + F.relu(1 + v_fake).mean()


OBJECTIVES: dict[str, Objective] = {
    "minimax": Objective(
        "minimax",
        "the paper's G loss log(1 - D(G(z))): saturates early",
        _bce_d_loss,
        _minimax_g_loss,
        torch.sigmoid,
        uses_labels=True,
    ),
    "nonsaturating": Objective(
        "nonsaturating",
        "G maximises log D(G(z)): the paper's fix",
        _bce_d_loss,
        _nonsaturating_g_loss,
        torch.sigmoid,
        uses_labels=True,
    ),
    **{name: _fgan(div) for name, div in F_DIVERGENCES.items()},
    "wgan": Objective(
        "wgan",
        "Wasserstein GAN, critic with weight clipping",
        _wgan_d_loss,
        _wgan_g_loss,
        torch.sigmoid,
        prob_is_dstar=False,
        clip=True,
    ),
    "wgan_gp": Objective(
        "wgan_gp",
        "Wasserstein GAN with gradient penalty lambda",
        _wgan_d_loss,
        _wgan_g_loss,
        torch.sigmoid,
        prob_is_dstar=False,
        gradient_penalty=True,
    ),
    "lsgan": Objective(
        "lsgan",
        "least squares GAN (labels 0/1)",
        _lsgan_d_loss,
        _lsgan_g_loss,
        lambda v: torch.clamp(v, 1e-6, 1 - 1e-6),
        uses_labels=True,
    ),
    "hinge": Objective(
        "hinge",
        "hinge loss for D, -E D(G(z)) for G",
        _hinge_d_loss,
        _wgan_g_loss,
        torch.sigmoid,
        prob_is_dstar=False,
    ),
}


def value_fn(d_real: Tensor, d_fake: Tensor, eps: float = 1e-7) -> Tensor:
    """V(G, D) = E_p log D(x) + E_q log(1 - D(x)) (Goodfellow et al. 2014, Eq. 1), D in (0, 1)."""
    d_real = d_real.clamp(eps, 1 - eps)
    d_fake = d_fake.clamp(eps, 1 - eps)
    return torch.log(d_real).mean() + torch.log1p(-d_fake).mean()
