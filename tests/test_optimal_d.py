"""D trained against a frozen G converges to D* = p_data / (p_data + p_g) and V to C(G)
(Goodfellow et al. 2014, Prop. 1 and Thm. 1): CI-sized runs, quadrature oracles."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate

from gan_viz.config import NetConfig, NoiseConfig, OptimConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.presets import default_config
from gan_viz.targets import make_target
from gan_viz.theory.divergences import gaussian_law
from gan_viz.theory.optimal_d import GeneratorLaw, OptimalD, OptimalDConfig
from gan_viz.toy import ToyGAN

LOG4 = math.log(4.0)
P_DATA = make_target(TargetConfig("bimodal"))
P_G = gaussian_law(0.0, 1.0)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Small nets on shared cores: a second intra-op thread only waits (100x slower here)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_c_of_g_on_the_grid_equals_minus_log4_plus_2_jsd_by_quadrature():
    lab = OptimalD(P_DATA, P_G)

    def pdf(law, x):
        return law.pdf(np.array([[x]]))[0]

    def half_kl(law):
        def fn(x):
            m = 0.5 * (pdf(P_DATA, x) + pdf(P_G, x))
            return pdf(law, x) * math.log(pdf(law, x) / m)

        return integrate.quad(fn, -9, 9, points=[-2, 0, 2], limit=400)[0]

    jsd = 0.5 * half_kl(P_DATA) + 0.5 * half_kl(P_G)
    assert lab.js == pytest.approx(jsd, abs=2e-5)
    assert lab.c == pytest.approx(-LOG4 + 2 * jsd, abs=5e-5)
    # V of D* on the grid is C(G): D* is the pointwise maximiser of V
    ds = lab.d_star
    v_star = np.sum(lab.mass_data * np.log(ds)) + np.sum(lab.mass_g * np.log1p(-ds))
    assert v_star == pytest.approx(lab.c, abs=1e-9)


def test_d_converges_to_d_star_and_v_rises_to_c_in_1d():
    lab = OptimalD(P_DATA, P_G, OptimalDConfig(seed=1))
    first = lab.state()
    s = lab.train(1200, record_every=200)
    assert first.gap > 0.1 and s.gap <= 0.02
    assert abs(s.v - s.c) <= 0.01
    # No D beats D*: V <= C(G) at every record (up to the midpoint rule's error)
    assert np.all(s.history["v"] <= s.c + 1e-6)
    assert s.history["v"][-1] > s.history["v"][0]
    mass = s.p_data + s.p_g > 0.05
    assert np.max(np.abs(s.d - s.d_star)[mass]) < 0.1


def test_when_p_g_is_p_data_d_flattens_to_a_half_and_v_reaches_minus_log4():
    lab = OptimalD(P_DATA, P_DATA)
    assert lab.c == pytest.approx(-LOG4, abs=1e-12)
    np.testing.assert_allclose(lab.d_star[lab.mass_data > 0], 0.5)
    s = lab.train(800, record_every=800)
    assert abs(s.v + LOG4) <= 0.01
    assert np.max(np.abs(s.d - 0.5)[s.p_data > 0.05]) < 0.05


def test_d_converges_in_2d():
    p2 = make_target(TargetConfig("ring8", {"modes": 4, "radius": 1.5, "std": 0.4}))
    g2 = make_target(TargetConfig("gaussian2d", {"mean": [0.0, 0.0], "std": [1.2, 1.2]}))
    lab = OptimalD(p2, g2, OptimalDConfig(grid=64))
    s = lab.train(800, record_every=400)
    assert s.d.shape == s.d_star.shape == (64, 64)
    assert s.gap <= 0.03 and abs(s.v - s.c) <= 0.01


def test_a_trained_generator_can_be_frozen_as_p_g():
    cfg = default_config("gaussian").replace(
        nets=NetConfig(g_hidden=16, d_hidden=16),
        optim=OptimConfig(batch=64),
        noise=NoiseConfig("uniform", 1),
        cadence={"record_every": 50, "eval_samples": 1000},
    )
    toy = ToyGAN(cfg)
    toy.train(50)
    law = GeneratorLaw(toy, n_mass=50_000)
    toy.train(10)  # the run goes on; the law keeps the G it copied
    lab = OptimalD(toy.target, law)
    assert lab.mass_g.sum() == pytest.approx(1.0)
    s0 = lab.state()
    s = lab.train(400, record_every=400)
    assert s.gap < s0.gap and s.v > s0.v and s.v <= s.c + 1e-6


def test_bad_settings_are_refused():
    with pytest.raises(ConfigError) as err:
        OptimalD(P_DATA, P_G, OptimalDConfig(lr=-1.0))
    assert err.value.setting == "learning rate"
    with pytest.raises(ConfigError) as err:
        OptimalD(P_DATA, make_target(TargetConfig("ring8")))
    assert err.value.setting == "p_g"
