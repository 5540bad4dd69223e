"""Oracle tests of the theory the app shows (Goodfellow et al. 2014; Nowozin et al. 2016)."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gan_viz.measure import d_star
from gan_viz.objectives import F_DIVERGENCES, OBJECTIVES, value_fn

P = stats.norm(0.0, 1.0)
Q = stats.norm(0.7, 1.3)


def _quad(fn, lo=-15.0, hi=15.0):
    return integrate.quad(fn, lo, hi, limit=400, epsabs=1e-11)[0]


def test_d_star_is_the_pointwise_maximiser_of_v():
    """Prop. 1: y -> a log y + b log(1 - y) peaks at a / (a + b)."""
    x = np.linspace(-4, 4, 81)
    a, b = P.pdf(x), Q.pdf(x)
    best = d_star(a, b)
    for shift in (-0.05, 0.05):
        y = np.clip(best + shift, 1e-9, 1 - 1e-9)
        assert np.all(a * np.log(best) + b * np.log1p(-best) >= a * np.log(y) + b * np.log1p(-y))
    np.testing.assert_allclose(best, a / (a + b))


def test_v_at_d_star_equals_minus_log4_plus_2_jsd():
    """Thm. 1: C(G) = V(G, D*) = -log 4 + 2 JSD(p_data || p_g), both by quadrature."""
    m = lambda x: 0.5 * (P.pdf(x) + Q.pdf(x))  # noqa: E731
    jsd = 0.5 * _quad(lambda x: P.pdf(x) * np.log(P.pdf(x) / m(x))) + 0.5 * _quad(
        lambda x: Q.pdf(x) * np.log(Q.pdf(x) / m(x))
    )
    ds = lambda x: P.pdf(x) / (P.pdf(x) + Q.pdf(x))  # noqa: E731
    v_star = _quad(lambda x: P.pdf(x) * np.log(ds(x)) + Q.pdf(x) * np.log(1 - ds(x)))
    assert v_star == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-7)


def test_equal_laws_give_d_half_and_v_minus_log4():
    x = torch.from_numpy(P.rvs(size=200_000, random_state=1))
    half = torch.full_like(x, 0.5)
    assert d_star(P.pdf(x.numpy()), P.pdf(x.numpy())) == pytest.approx(0.5)
    assert float(value_fn(half, half)) == pytest.approx(-math.log(4), abs=1e-9)


V_RANGE = torch.linspace(-30, 30, 2001, dtype=torch.float64)


@pytest.mark.parametrize("name", list(F_DIVERGENCES))
def test_fgan_conjugate_is_finite_on_the_activation_range(name):
    div = F_DIVERGENCES[name]
    v = V_RANGE if name != "kl" else torch.linspace(-30, 20, 2001, dtype=torch.float64)
    t = div.g_f(v)
    assert torch.isfinite(div.f_star_g(v)).all()
    # The plain formula loses precision or overflows far out; in the middle both must agree.
    mid = v.abs() <= 10
    np.testing.assert_allclose(div.f_star(t)[mid], div.f_star_g(v)[mid], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(F_DIVERGENCES))
def test_fgan_bound_at_the_optimum_equals_the_f_divergence(name):
    """E_P[T*] - E_Q[f*(T*)] with T* = f'(p/q) equals D_f(P||Q) = E_Q f(p/q) (quadrature)."""
    div = F_DIVERGENCES[name]
    p, q = stats.norm(0.0, 1.0), stats.norm(0.5, 1.2)  # chi^2 needs light tails of p/q
    f = lambda u: float(div.f(torch.tensor(u, dtype=torch.float64)))  # noqa: E731

    def t_star(x):
        u = torch.tensor(p.pdf(x) / q.pdf(x), dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(div.f(u), u)
        return grad

    def fstar(t):
        return float(div.f_star(t))

    true = _quad(lambda x: q.pdf(x) * f(p.pdf(x) / q.pdf(x)), -12, 12)
    bound = _quad(lambda x: p.pdf(x) * float(t_star(x)) - q.pdf(x) * fstar(t_star(x)), -12, 12)
    assert bound == pytest.approx(true, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("name", list(F_DIVERGENCES))
def test_fgan_d_prob_reads_d_star_at_the_optimal_critic(name):
    """At v* with g_f(v*) = f'(r), D(x) = r / (1 + r): the same D* as the original GAN."""
    div, obj = F_DIVERGENCES[name], OBJECTIVES[name]
    lo = -1.9 if name == "pearson" else -3.0  # Pearson's T = v is a ratio only for v > -2
    v = torch.linspace(lo, 3, 61, dtype=torch.float64)
    r = torch.exp(div.log_ratio(v))
    u = r.clone().requires_grad_(True)
    (fprime,) = torch.autograd.grad(div.f(u).sum(), u)
    np.testing.assert_allclose(div.g_f(v), fprime, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(obj.d_prob(v), r / (1 + r), rtol=1e-9)
