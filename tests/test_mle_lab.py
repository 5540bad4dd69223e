"""Maximum likelihood by EM against a GAN: the MLE's closed form, mode-covering, one yardstick."""

import math

import numpy as np
import pytest
import torch

from gan_viz.config import NetConfig, OptimConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.presets import default_config
from gan_viz.theory.mle import MLEConfig, MLEvsGAN, fit_gmm

BIMODAL = TargetConfig("bimodal")


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Small nets on shared cores: a second intra-op thread only waits (100x slower here)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _tiny_gan():
    return default_config("bimodal").replace(
        nets=NetConfig(g_hidden=16, d_hidden=16),
        optim=OptimConfig(batch=64),
        cadence={"record_every": 1000, "eval_samples": 2000},
    )


def test_em_with_one_gaussian_is_the_closed_form_mle(rng):
    """The MLE of a Gaussian is the sample mean and the (biased) sample covariance."""
    x = rng.normal([1.0, -2.0], [0.5, 2.0], size=(4000, 2))
    gm = fit_gmm(x, 1)
    np.testing.assert_allclose(gm.means_[0], x.mean(0), atol=1e-9)
    np.testing.assert_allclose(gm.covariances_[0], np.cov(x.T, bias=True), atol=1e-5)


def test_a_mixture_too_small_covers_both_modes_and_one_big_enough_fits():
    one = MLEvsGAN(BIMODAL, MLEConfig(components=1), gan=_tiny_gan())
    s = one.gmm_score()
    assert s.kl < s.rkl  # mode-covering: cheap KL(p_data || model), dear reverse KL
    mean, sd = float(one.gmm.means_[0, 0]), math.sqrt(float(one.gmm.covariances_[0, 0, 0]))
    assert abs(mean) < 0.1 and sd == pytest.approx(math.sqrt(4.25), abs=0.1)
    two = MLEvsGAN(BIMODAL, MLEConfig(components=2), gan=_tiny_gan())
    s2 = two.gmm_score()
    assert s2.kl < 0.02 and s2.rkl < 0.02 and s2.js < 0.005
    assert s2.loglik > s.loglik


def test_the_gan_trains_beside_em_and_is_measured_on_the_same_grid():
    lab = MLEvsGAN(BIMODAL, MLEConfig(components=1, gmm_samples=20000), gan=_tiny_gan())
    before = lab.gan_score()
    assert lab.step(100) == 100 and lab.toy.step_count == 100
    after = lab.gan_score()
    assert after.js < before.js
    assert after.density.shape == lab.gmm_score().density.shape == lab.p_data().shape
    report = lab.report()
    assert report["gan_steps"] == 100 and math.isnan(after.loglik)
    for model in ("gmm", "gan"):
        assert all(math.isfinite(report[model][k]) for k in ("kl", "rkl", "js"))


@pytest.mark.parametrize(
    "changes,setting",
    [({"components": 0}, "mixture components K"), ({"train_samples": 5}, "EM samples")],
)
def test_bad_settings_are_refused(changes, setting):
    with pytest.raises(ConfigError) as err:
        MLEvsGAN(BIMODAL, MLEConfig(**changes), gan=_tiny_gan())
    assert err.value.setting == setting
