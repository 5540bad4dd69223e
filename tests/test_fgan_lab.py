"""f-GAN in the theory lab against its oracles: closed-form divergences between Gaussians, scipy
quadrature, moment matching, and a critic that really trains (Nowozin et al. 2016)."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate

from gan_viz.config import TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.targets import make_target
from gan_viz.theory import divergences, fgan
from gan_viz.theory.divergences import gaussian_law, integrand, log_pdf, true_divergence
from gan_viz.theory.fgan import F_DIVERGENCES, CriticConfig, FitConfig

BIMODAL = make_target(TargetConfig("bimodal"))


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Small nets on shared cores: a second intra-op thread only waits (100x slower here)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_log_space_integrand_equals_q_times_f_of_the_ratio():
    x = np.linspace(-4, 4, 41)
    p, q = BIMODAL, gaussian_law(0.3, 1.1)
    lp, lq = log_pdf(p, x), log_pdf(q, x)
    np.testing.assert_allclose(np.exp(lp), p.pdf(x[:, None]), rtol=1e-12)
    for name, div in F_DIVERGENCES.items():
        r = torch.from_numpy(np.exp(lp - lq))
        expected = np.exp(lq) * div.f(r).numpy()
        np.testing.assert_allclose(integrand(name, lp, lq), expected, rtol=1e-9, atol=1e-12)


def test_divergences_between_gaussians_match_their_closed_forms():
    m1, s1, m2, s2 = 0.4, 0.8, -0.3, 1.1
    p, q = gaussian_law(m1, s1), gaussian_law(m2, s2)
    kl = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    rkl = math.log(s1 / s2) + (s2**2 + (m1 - m2) ** 2) / (2 * s1**2) - 0.5
    bc = math.sqrt(2 * s1 * s2 / (s1**2 + s2**2)) * math.exp(
        -((m1 - m2) ** 2) / (4 * (s1**2 + s2**2))
    )
    pearson = (
        s2**2 / (s1 * math.sqrt(2 * s2**2 - s1**2)) * math.exp((m1 - m2) ** 2 / (2 * s2**2 - s1**2))
        - 1
    )
    neyman = (
        s1**2 / (s2 * math.sqrt(2 * s1**2 - s2**2)) * math.exp((m1 - m2) ** 2 / (2 * s1**2 - s2**2))
        - 1
    )
    expected = {
        "kl": kl,
        "reverse_kl": rkl,
        "hellinger": 2 - 2 * bc,
        "pearson": pearson,
        "neyman": neyman,
    }
    for name, value in expected.items():
        assert true_divergence(name, p, q) == pytest.approx(value, rel=1e-8), name
        assert divergences.simpson_divergence(name, p, q) == pytest.approx(value, rel=1e-7), name


def test_js_and_gan_divergences_are_two_jsd_and_two_jsd_minus_log4():
    q = gaussian_law(0.0, 1.0)
    m = lambda x: 0.5 * (BIMODAL.pdf(np.array([[x]]))[0] + q.pdf(np.array([[x]]))[0])  # noqa: E731

    def half_kl(law):
        return integrate.quad(
            lambda x: law.pdf(np.array([[x]]))[0] * math.log(law.pdf(np.array([[x]]))[0] / m(x)),
            -9,
            9,
            points=[-2, 0, 2],
            limit=400,
        )[0]

    jsd = 0.5 * half_kl(BIMODAL) + 0.5 * half_kl(q)
    assert true_divergence("js", BIMODAL, q) == pytest.approx(2 * jsd, rel=1e-7)
    assert true_divergence("gan", BIMODAL, q) == pytest.approx(2 * jsd - math.log(4), rel=1e-7)


def test_an_infinite_chi_square_is_refused_and_really_diverges():
    """Neyman chi^2 = int q^2/p - 1 with q wider than sqrt 2 times p: infinite. The truncated
    integral keeps growing with the range, while the defined Pearson one settles."""
    p, q = BIMODAL, gaussian_law(0.0, 1.0)
    assert divergences.why_undefined("neyman", p, q) is not None
    assert divergences.why_undefined("pearson", p, q) is None
    assert true_divergence("neyman", p, q) == math.inf
    with pytest.raises(ConfigError) as err:
        fgan.VariationalBound("neyman", p, q)
    assert err.value.setting == "f-divergence" and "Neyman" in err.value.allowed
    assert "kl" in err.value.allowed and "neyman," not in err.value.allowed

    def truncated(name, half):
        x = np.linspace(-half, half, 20001)
        return integrate.simpson(integrand(name, log_pdf(p, x), log_pdf(q, x)), x=x)

    ney = [truncated("neyman", L) for L in (6, 8, 10)]
    assert ney[0] < ney[1] < ney[2] and ney[2] > 1e6 * ney[0]
    pea = [truncated("pearson", L) for L in (6, 8, 10)]
    assert abs(pea[2] - pea[1]) < 1e-9


def test_the_grid_bound_is_tight_at_t_star_and_lower_elsewhere():
    """E_P[T*] - E_Q[f*(T*)] on the grid equals D_f by quadrature; any other T falls short."""
    q = gaussian_law(0.0, 1.0)
    for name in ("kl", "reverse_kl", "pearson", "hellinger", "js", "gan"):
        vb = fgan.VariationalBound(name, BIMODAL, q, CriticConfig(grid=4096))
        div = vb.div
        t_star = torch.from_numpy(vb.t_star())
        at_star = vb.bound_of(t_star.numpy(), div.f_star(t_star).numpy())
        assert at_star == pytest.approx(vb.true, rel=2e-4, abs=1e-6), name
        assert vb.bound() < vb.true  # the untrained critic
        # T = f'(1.3 p/q): the optimal critic for the wrong ratio, inside dom f* for every f
        x = vb.grid.axes[0]
        r = np.exp(log_pdf(vb.p, x) - log_pdf(vb.q, x))
        u = torch.from_numpy(1.3 * r).requires_grad_(True)
        (off,) = torch.autograd.grad(div.f(u).sum(), u)
        assert vb.bound_of(off.numpy(), div.f_star(off).numpy()) < at_star - 1e-3


@pytest.mark.parametrize("name", ["kl", "js"])
def test_a_trained_critic_raises_the_bound_to_the_true_divergence(name):
    vb = fgan.VariationalBound(name, BIMODAL, gaussian_law(0.0, 1.0), CriticConfig(batch=512))
    start = vb.bound()
    end = vb.train(600, record_every=200)
    assert start < end <= vb.true + 2e-3
    assert abs(end - vb.true) <= 0.05 * abs(vb.true)


def test_the_exact_kl_fit_is_moment_matching_and_reverse_kl_sits_on_a_mode():
    """argmin KL(p || N) is N(E p, Var p) (the MLE of a Gaussian); reverse KL picks a mode."""
    mean = float(np.sum(BIMODAL.weights * BIMODAL.means[:, 0]))
    var = float(np.sum(BIMODAL.weights * (BIMODAL.means[:, 0] ** 2 + BIMODAL.stds[:, 0] ** 2)))
    mu, sigma = divergences.exact_fit("kl", BIMODAL)
    assert mu == pytest.approx(mean, abs=1e-4) and sigma == pytest.approx(
        math.sqrt(var - mean**2), abs=1e-4
    )
    mu, sigma = divergences.exact_fit("reverse_kl", BIMODAL, mu0=0.5, sigma0=0.5)
    assert mu == pytest.approx(2.0, abs=0.01) and sigma == pytest.approx(0.5, abs=0.01)


def test_the_game_spreads_for_kl_and_sits_on_a_mode_for_reverse_kl():
    """A short, CI-sized f-GAN game per f from N(0.5, 0.5^2); `gan-viz theory` runs them out."""
    cfg = FitConfig(mu0=0.5, sigma0=0.5)
    kl = fgan.GaussianFit("kl", BIMODAL, cfg)
    kl.step(400)
    sigmas = np.asarray(kl.history["sigma"])
    assert sigmas[-1] > 1.3 and sigmas[200] < sigmas[-1]  # widening over both modes (2.06)
    assert abs(kl.history["mu"][-1]) < 0.45
    rkl = fgan.GaussianFit("reverse_kl", BIMODAL, cfg)
    rkl.step(300)
    mu, sigma = rkl.estimate()
    assert abs(mu - 2.0) < 0.1 and abs(sigma - 0.5) < 0.1  # on the right mode (exact: 2, 0.5)
    assert kl.diverged is None and rkl.diverged is None


def test_bad_laws_are_refused():
    with pytest.raises(ConfigError) as err:
        gaussian_law(0.0, -1.0)
    assert err.value.setting == "p_g"
    with pytest.raises(ConfigError) as err:
        fgan.VariationalBound("kl", make_target(TargetConfig("uniform")), gaussian_law(0, 1))
    assert "Gaussian mixture" in err.value.allowed
    with pytest.raises(ConfigError):
        fgan.GaussianFit("wasserstein", BIMODAL)
