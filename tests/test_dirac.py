"""The Dirac-GAN against its oracles: autograd of L for the fields, the paper's closed forms for
the eigenvalues (Mescheder, Geiger, Nowozin 2018), and the trajectories the paper describes."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from gan_viz.errors import ConfigError
from gan_viz.theory import dirac
from gan_viz.theory.dirac import DiracConfig, DiracGame

POINTS = [(0.7, -0.4), (-1.3, 0.9), (0.2, 1.7), (2.0, -1.5)]
GAMMA, SIGMA, G0 = 0.7, 0.8, 1.0


def f(t):
    return -torch.nn.functional.softplus(-t)  # f(t) = -log(1 + exp(-t))


def _losses(method):
    """(L_D, L_G) as torch functions of (theta, psi): D ascends L_D, G descends L_G."""
    gan = lambda th, ps: f(ps * th) + f(torch.zeros(()))  # noqa: E731
    if method == "gan":
        return gan, gan
    if method == "nonsaturating":
        return gan, lambda th, ps: -f(-ps * th)
    if method == "wgan":
        w = lambda th, ps: ps * th  # noqa: E731
        return w, w
    if method == "wgan_gp":
        return (lambda th, ps: ps * th - GAMMA / 2 * (ps.abs() - G0) ** 2), lambda th, ps: ps * th
    if method in ("r1", "r2"):
        return (lambda th, ps: gan(th, ps) - GAMMA / 2 * ps**2), gan
    raise KeyError(method)


@pytest.mark.parametrize("method", ["gan", "nonsaturating", "wgan", "wgan_gp", "r1", "r2"])
def test_fields_equal_autograd_of_the_players_objectives(method):
    cfg = DiracConfig(method=method, gamma=GAMMA, g0=G0)
    loss_d, loss_g = _losses(method)
    for th0, ps0 in POINTS:
        th = torch.tensor(th0, dtype=torch.float64, requires_grad=True)
        ps = torch.tensor(ps0, dtype=torch.float64, requires_grad=True)
        (g_theta,) = torch.autograd.grad(loss_g(th, ps), th)
        (d_psi,) = torch.autograd.grad(loss_d(th, ps), ps)
        v_t, v_p = dirac.field(cfg, th0, ps0)
        assert float(v_t) == pytest.approx(-float(g_theta), abs=1e-12)
        assert float(v_p) == pytest.approx(float(d_psi), abs=1e-12)


def test_instance_noise_field_equals_quadrature_derivatives_of_the_blurred_objective():
    """L = E f(psi (theta + e)) + E f(-psi e'), e ~ N(0, sigma^2): scipy.quad, then central
    differences, against the Gauss-Hermite field."""
    cfg = DiracConfig(method="instance_noise", sigma=SIGMA)
    phi = stats.norm(0, SIGMA).pdf

    def fnum(t):
        return -np.logaddexp(0.0, -t)

    def L(th, ps):
        fake = integrate.quad(lambda e: phi(e) * fnum(ps * (th + e)), -12, 12, epsabs=1e-13)[0]
        real = integrate.quad(lambda e: phi(e) * fnum(-ps * e), -12, 12, epsabs=1e-13)[0]
        return fake + real

    eps = 1e-5
    for th, ps in POINTS:
        d_theta = (L(th + eps, ps) - L(th - eps, ps)) / (2 * eps)
        d_psi = (L(th, ps + eps) - L(th, ps - eps)) / (2 * eps)
        v_t, v_p = dirac.field(cfg, th, ps)
        assert float(v_t) == pytest.approx(-d_theta, abs=1e-6)
        assert float(v_p) == pytest.approx(d_psi, abs=1e-6)


def test_consensus_field_is_v_minus_gamma_grad_half_norm_squared():
    """Mescheder, Nowozin, Geiger 2017: w <- w + h (v - gamma grad |v|^2 / 2), by autograd."""
    cfg = DiracConfig(method="consensus", gamma=GAMMA)
    loss = _losses("gan")[0]
    for th0, ps0 in POINTS:
        th = torch.tensor(th0, dtype=torch.float64, requires_grad=True)
        ps = torch.tensor(ps0, dtype=torch.float64, requires_grad=True)
        dth, dps = torch.autograd.grad(loss(th, ps), (th, ps), create_graph=True)
        v = torch.stack([-dth, dps])
        grad = torch.autograd.grad(0.5 * (v**2).sum(), (th, ps))
        expected = v.detach().numpy() - GAMMA * np.array([float(g) for g in grad])
        np.testing.assert_allclose(np.ravel(dirac.field(cfg, th0, ps0)), expected, atol=1e-12)


def _sorted(z):
    return np.array(sorted(np.asarray(z, complex), key=lambda c: (round(c.real, 7), c.imag)))


SPECTRA = [
    ("gan", "simultaneous", 1, 1),
    ("gan", "alternating", 1, 1),
    ("gan", "alternating", 3, 2),
    ("nonsaturating", "simultaneous", 1, 1),
    ("nonsaturating", "alternating", 2, 1),
    ("wgan", "simultaneous", 1, 1),
    ("wgan", "alternating", 1, 3),
    ("r1", "simultaneous", 1, 1),
    ("r2", "alternating", 2, 2),
    ("instance_noise", "simultaneous", 1, 1),
    ("instance_noise", "alternating", 1, 1),
    ("consensus", "simultaneous", 1, 1),
]


@pytest.mark.parametrize("method,scheme,n_d,n_g", SPECTRA)
@pytest.mark.parametrize("h", [0.05, 0.2, 0.7])
def test_update_eigenvalues_match_the_closed_forms(method, scheme, n_d, n_g, h):
    cfg = DiracConfig(
        method=method, scheme=scheme, h=h, d_steps=n_d, g_steps=n_g, gamma=GAMMA, sigma=SIGMA
    )
    measured = np.linalg.eigvals(dirac.update_jacobian(cfg))
    closed = dirac.update_eigenvalues_closed_form(cfg)
    np.testing.assert_allclose(_sorted(measured), _sorted(closed), atol=2e-6)


@pytest.mark.parametrize("h", [0.1, 0.2, 0.5])
def test_the_papers_formulas_written_out(h):
    """Simultaneous: 1 +- i h f'(0), |lambda| > 1; alternating: |lambda| = 1 for a < 2;
    R1 with gamma = 1 = 2 f'(0): a double eigenvalue 1 - h/2; instance noise:
    Re lambda = 1 - h sigma^2 / 4."""
    a = 0.5
    sim = dirac.update_eigenvalues_closed_form(DiracConfig(h=h))
    np.testing.assert_allclose(_sorted(sim), _sorted([1 - 1j * h * a, 1 + 1j * h * a]))
    assert np.all(np.abs(sim) > 1)
    alt = np.linalg.eigvals(dirac.update_jacobian(DiracConfig(scheme="alternating", h=h)))
    np.testing.assert_allclose(np.abs(alt), 1.0, atol=1e-6)
    r1 = np.linalg.eigvals(dirac.update_jacobian(DiracConfig("r1", h=h, gamma=1.0)))
    np.testing.assert_allclose(r1.real, 1 - h / 2, atol=1e-4)  # a defective double root
    noisy = np.linalg.eigvals(dirac.update_jacobian(DiracConfig("instance_noise", h=h, sigma=1)))
    np.testing.assert_allclose(noisy.real, 1 - h / 4, atol=1e-6)
    np.testing.assert_allclose(np.abs(noisy.imag), h * math.sqrt(a**2 - 1 / 16), atol=1e-6)


@pytest.mark.parametrize("method", ["gan", "r1", "instance_noise", "consensus", "wgan"])
def test_closed_form_field_jacobian_equals_finite_differences_of_the_field(method):
    cfg = DiracConfig(method=method, gamma=GAMMA, sigma=SIGMA)
    e = 1e-6
    cols = [
        (np.ravel(dirac.field(cfg, *d)) - np.ravel(dirac.field(cfg, *(-np.array(d))))) / (2 * e)
        for d in ([e, 0.0], [0.0, e])
    ]
    np.testing.assert_allclose(np.stack(cols, 1), dirac.field_jacobian_closed_form(cfg), atol=1e-7)


def test_trajectories_show_what_the_paper_found():
    """500 steps of h = 0.2 from (1, 1): simultaneous spirals out, alternating circles, R1 and
    instance noise converge (Mescheder et al. 2018, Fig. 1-3)."""
    r0 = math.sqrt(2)
    d = {k: dirac.final_distance(cfg, 500) for k, cfg in dirac.REPORT_METHODS.items()}
    assert d["simultaneous"] > r0 + 0.5
    assert abs(d["alternating"] - r0) < 0.05 * r0
    assert d["r1"] < 0.05 and d["instance_noise"] < 0.05 and d["consensus"] < 0.05
    sim = DiracGame(DiracConfig())
    sim.step(500)
    r = np.hypot(*sim.points().T)
    assert np.all(np.diff(r[100:]) > 0)  # steadily outward once past the start


def test_wgan_keeps_psi_inside_the_clip():
    game = DiracGame(DiracConfig("wgan", clip=0.3, theta0=2.0, psi0=0.1))
    game.step(300)
    assert np.all(np.abs(game.points()[1:, 1]) <= 0.3 + 1e-12)


def test_a_blow_up_stops_cleanly_and_keeps_the_path():
    game = DiracGame(DiracConfig("wgan_gp", h=5.0, gamma=10.0))
    ran = game.step(1000)
    assert game.diverged and "blew up" in game.diverged and ran < 1000
    assert np.all(np.isfinite(game.points())) and len(game.points()) == ran + 1
    assert game.step(10) == 0


@pytest.mark.parametrize(
    "changes,setting",
    [
        ({"h": 0.0}, "step size h"),
        ({"h": -0.1}, "step size h"),
        ({"h": float("nan")}, "step size h"),
        ({"gamma": -1.0}, "gamma"),
        ({"sigma": -0.5}, "instance noise sigma"),
        ({"d_steps": 0, "scheme": "alternating"}, "D steps"),
        ({"d_steps": 2}, "D steps"),
        ({"method": "lsgan"}, "method"),
        ({"scheme": "leapfrog"}, "update scheme"),
        ({"clip": 0.0, "method": "wgan"}, "WGAN clip"),
    ],
)
def test_bad_settings_are_refused_with_a_message_naming_them(changes, setting):
    with pytest.raises(ConfigError) as err:
        DiracGame(DiracConfig(**changes))
    assert err.value.setting == setting
    assert "allowed" in str(err.value) and "\n" not in str(err.value)
