"""Unrolled D steps (Metz et al. 2016) against torch's own optimisers, the oracle for each rule."""

import copy

import pytest
import torch
from torch.func import functional_call

from gan_viz.config import NoiseConfig, ObjectiveConfig, OptimConfig, RunConfig, TargetConfig
from gan_viz.nets import Discriminator
from gan_viz.toy import ToyGAN
from gan_viz.train import make_optimizer
from gan_viz.unrolled import unroll


def _loss(D, params, real, fake):
    v = functional_call(D, params, (torch.cat([real, fake]),))
    m = len(real)
    return torch.nn.functional.softplus(-v[:m]).mean() + torch.nn.functional.softplus(v[m:]).mean()


@pytest.mark.parametrize(
    "optim",
    [
        OptimConfig(optimizer="adam", lr_d=1e-2, beta1=0.5),
        OptimConfig(optimizer="sgd", lr_d=5e-2, momentum=0.9),
        OptimConfig(optimizer="sgd", lr_d=5e-2, momentum=0.0),
        OptimConfig(optimizer="rmsprop", lr_d=1e-3, momentum=0.5),
    ],
    ids=["adam", "sgd-momentum", "sgd", "rmsprop"],
)
@pytest.mark.parametrize("warm", [0, 2], ids=["fresh-state", "after-2-steps"])
def test_unrolled_steps_match_the_optimisers_own_steps(optim, warm):
    """K unrolled steps land exactly where K steps of D's optimiser on the same batch land,
    starting from the optimiser's current state (moments, step count)."""
    gen = torch.Generator().manual_seed(0)
    D = Discriminator(2, 16, 2, "relu")
    opt = make_optimizer(D.parameters(), optim.lr_d, optim)
    params = dict(D.named_parameters())
    for _ in range(warm):  # give the optimiser some state of its own first
        real, fake = torch.randn(32, 2, generator=gen), torch.randn(32, 2, generator=gen)
        opt.zero_grad()
        _loss(D, params, real, fake).backward()
        opt.step()
    real, fake = torch.randn(32, 2, generator=gen), torch.randn(32, 2, generator=gen)

    twin = copy.deepcopy(D)
    twin_opt = make_optimizer(twin.parameters(), optim.lr_d, optim)
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))
    before = {k: v.detach().clone() for k, v in D.state_dict().items()}

    got = unroll(lambda p: _loss(D, p, real, fake), dict(D.named_parameters()), opt, 3)
    for _ in range(3):
        twin_opt.zero_grad()
        _loss(twin, dict(twin.named_parameters()), real, fake).backward()
        twin_opt.step()

    for name, p in twin.named_parameters():
        torch.testing.assert_close(got[name], p, rtol=1e-5, atol=1e-6)
        assert not torch.equal(got[name], before[name])  # the copy did move
    assert all(torch.equal(before[k], v) for k, v in D.state_dict().items())  # D did not


def test_unrolled_weights_stay_clipped_for_wgan():
    D = Discriminator(2, 8, 1, "relu")
    opt = torch.optim.SGD(D.parameters(), lr=10.0)
    real, fake = torch.randn(16, 2), torch.randn(16, 2) + 1
    got = unroll(
        lambda p: functional_call(D, p, (fake,)).mean() - functional_call(D, p, (real,)).mean(),
        dict(D.named_parameters()),
        opt,
        2,
        clip=0.01,
    )
    assert all(v.abs().max() <= 0.01 for v in got.values())


def test_generator_gradient_flows_through_every_unrolled_step():
    """d theta_D^K / d theta_G is not zero: the look-ahead term of Metz et al. Eq. 7 exists."""
    gen = torch.Generator().manual_seed(1)
    D = Discriminator(2, 16, 1, "relu")
    opt = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))
    shift = torch.zeros(2, requires_grad=True)  # a one-parameter "generator": fake = z + shift
    real, z = torch.randn(64, 2, generator=gen), torch.randn(64, 2, generator=gen)
    params = unroll(lambda p: _loss(D, p, real, z + shift), dict(D.named_parameters()), opt, 3)
    # G's loss here does not see the fakes directly, only through the unrolled D's weights
    (grad,) = torch.autograd.grad(functional_call(D, params, (real,)).sum(), shift)
    assert grad.abs().sum() > 0


def test_unrolled_g_step_with_feature_matching_uses_the_unrolled_features():
    cfg = RunConfig(
        target=TargetConfig("ring8"),
        noise=NoiseConfig("normal", 2),
        objective=ObjectiveConfig(feature_matching=True, unrolled_steps=3),
        optim=OptimConfig(batch=32),
    )
    grads = []
    for u in (0, 3):
        run = ToyGAN(cfg.replace(objective={"unrolled_steps": u}))
        run.trainer.step_d()
        run.trainer.step_g()
        grads.append(run.trainer.stats["grad_g"].item())
    assert grads[0] != pytest.approx(grads[1], rel=1e-3)
