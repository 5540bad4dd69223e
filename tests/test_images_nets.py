"""Image nets at tiny width: shapes, ranges, initialisation, conditioning; and the engine's
GameTrainer driving them (labels travelling with samples) through every objective and
stabiliser, one real step each."""

import dataclasses
import math

import pytest
import torch

from gan_viz.config import ObjectiveConfig, OptimConfig
from gan_viz.images.config import ImageRunConfig, ModelConfig
from gan_viz.images.nets import (
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
    build_image_nets,
)
from gan_viz.objectives import OBJECTIVES
from gan_viz.train import GameTrainer


def nets(model="dcgan", conditional=False, width=None):
    width = width or (8 if model == "dcgan" else 20)
    cfg = ImageRunConfig(model=ModelConfig(model, width, conditional))
    return build_image_nets(cfg, torch.Generator().manual_seed(0))


@pytest.mark.parametrize("model", ["dcgan", "mlp"])
@pytest.mark.parametrize("conditional", [False, True])
def test_nets_map_z_to_flat_digits_in_tanh_range_and_digits_to_one_logit(model, conditional):
    G, D = nets(model, conditional)
    z, y = torch.randn(6, 100), torch.arange(6)
    x = G(z, y) if conditional else G(z)
    assert x.shape == (6, 784) and x.abs().max() <= 1
    v = D(x, y) if conditional else D(x)
    assert v.shape == (6,) and torch.isfinite(v).all()
    assert D.features(x).shape[0] == 6 and D.pack == 1 and not D.minibatch_std


def test_dcgan_follows_the_papers_conventions():
    G, D = nets("dcgan", width=16)
    assert isinstance(G, DCGANGenerator) and isinstance(D, DCGANDiscriminator)
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in G.modules())
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in D.modules())
    assert all(m.negative_slope == 0.2 for m in D.modules() if isinstance(m, torch.nn.LeakyReLU))
    conv = [m.weight for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    w = torch.cat([c.detach().flatten() for c in conv])
    assert float(w.mean()) == pytest.approx(0, abs=2e-3) and float(w.std()) == pytest.approx(
        0.02, rel=0.05
    )
    # 28 x 28 natively: G's stack goes 7 -> 14 -> 28
    h = G.net[:3](torch.randn(2, 100, 1, 1))
    assert h.shape == (2, 32, 7, 7)
    # one more 3 x 3 layer each that keeps the resolution: G's at 14 x 14, D's at 7 x 7
    (g3,) = [m for m in G.modules() if isinstance(m, torch.nn.Conv2d)]
    assert g3.kernel_size == (3, 3) and g3.in_channels == g3.out_channels == 16
    assert G.net[:9](torch.randn(2, 100, 1, 1)).shape == (2, 16, 14, 14)
    d3 = [m for m in D.body if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3)]
    assert len(d3) == 1 and d3[0].in_channels == d3[0].out_channels == 32
    assert D.features(torch.zeros(2, 784)).shape == (2, 32 * 7 * 7)


def test_mlp_is_the_papers_1200_1200_784_with_maxout_and_dropout():
    G, D = nets("mlp", width=1200)
    assert isinstance(G, MLPGenerator) and isinstance(D, MLPDiscriminator)
    sizes = [(m.in_features, m.out_features) for m in G.modules() if isinstance(m, torch.nn.Linear)]
    assert sizes == [(100, 1200), (1200, 1200), (1200, 784)]
    assert D.features(torch.zeros(3, 784)).shape == (3, 240)
    drop = [m.p for m in D.modules() if isinstance(m, torch.nn.Dropout)]
    assert drop == [0.2, 0.5, 0.5]


@pytest.mark.parametrize("model", ["dcgan", "mlp"])
def test_the_label_changes_what_g_makes_and_how_d_judges(model):
    G, D = nets(model, conditional=True)
    G.eval(), D.eval()
    z = torch.randn(1, 100).repeat(2, 1)
    x = G(z, torch.tensor([0, 7]))
    assert not torch.allclose(x[0], x[1])
    v = D(x[:1].repeat(2, 1), torch.tensor([0, 7]))
    assert v[0] != v[1]


def conditional_trainer(model, objective=None, optim=None):
    objective, optim = objective or ObjectiveConfig(), optim or OptimConfig(batch=8)
    G, D = nets(model, conditional=True)
    gen = torch.Generator().manual_seed(0)
    real = torch.rand(64, 784) * 2 - 1

    def sample_real(m):
        i = torch.randint(64, (m,), generator=gen)
        return real[i], i % 10

    def sample_z(m):
        return torch.randn(m, 100, generator=gen), torch.randint(10, (m,), generator=gen)

    return GameTrainer(G, D, sample_real, sample_z, objective, optim, gen)


@pytest.mark.parametrize("objective", sorted(OBJECTIVES))
def test_every_objective_steps_a_conditional_gan_with_finite_stats(objective):
    t = conditional_trainer("dcgan", ObjectiveConfig(objective))
    g_before = [p.detach().clone() for p in t.G.parameters()]
    t.step()
    t.check_finite()
    stats = t.scalar_stats()
    assert set(stats) == {"loss_d", "loss_g", "d_real", "d_fake", "grad_d", "grad_g"}
    assert all(math.isfinite(v) for v in stats.values())
    assert any(not torch.equal(a, b) for a, b in zip(g_before, t.G.parameters()))


@pytest.mark.parametrize(
    "objective, optim",
    [
        (ObjectiveConfig(r1_gamma=1.0), OptimConfig(batch=8)),
        (ObjectiveConfig(feature_matching=True), OptimConfig(batch=8)),
        (ObjectiveConfig(unrolled_steps=2), OptimConfig(batch=8)),
        (ObjectiveConfig(instance_noise=0.1, label_smoothing=0.9), OptimConfig(batch=8)),
        (ObjectiveConfig(), OptimConfig(batch=8, simultaneous=True)),
        (ObjectiveConfig(), OptimConfig(batch=8, d_steps=3, optimizer="rmsprop")),
    ],
)
@pytest.mark.parametrize("model", ["dcgan", "mlp"])
def test_every_stabiliser_carries_the_labels(model, objective, optim):
    t = conditional_trainer(model, objective, optim)
    t.step()
    t.check_finite()
    assert t.iteration == 1 and t.d_updates == optim.d_steps
    assert all(math.isfinite(v) for v in t.scalar_stats().values())


def test_labels_reach_d_in_the_trainers_d_step():
    # the same real digits under other labels must give D another loss: labels are used
    t = conditional_trainer("mlp")
    t.D.eval()
    # The paper's tiny init makes every feature ~1e-3: give the labels a loud, seeded say (with
    # unit-scale embeddings drawn from the global RNG the two losses differed by as little as
    # 3e-5, next to isclose's tolerance, and the test failed or passed with the test order).
    with torch.no_grad():
        t.D.head.embed.weight.normal_(0.0, 100.0, generator=torch.Generator().manual_seed(0))
    real, fake = torch.rand(4, 784, generator=torch.Generator().manual_seed(1)), torch.zeros(4, 784)
    y = torch.tensor([1, 2, 3, 4])
    loss_a, _, _ = t._d_loss(real, fake, y_real=y, y_fake=y)
    loss_b, _, _ = t._d_loss(real, fake, y_real=(y + 5) % 10, y_fake=y)
    assert not torch.isclose(loss_a, loss_b)
    assert dataclasses.is_dataclass(t.optim_cfg)
