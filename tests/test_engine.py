"""Networks, objectives and Algorithm 1 at tiny width: shapes, one real step, finite metrics."""

import math

import numpy as np
import pytest
import torch

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    ObjectiveConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.errors import ConfigError, NeedsReset
from gan_viz.nets import Discriminator, Generator
from gan_viz.objectives import OBJECTIVES
from gan_viz.presets import PRESETS, default_config
from gan_viz.toy import ToyGAN
from gan_viz.validation import validate

TINY = dict(
    nets=NetConfig(g_hidden=8, g_depth=1, d_hidden=8, d_depth=1),
    optim=OptimConfig(batch=16),
    cadence=CadenceConfig(record_every=5, eval_samples=500, grid=32, show_samples=50),
)


def tiny(target="gaussian", **sections):
    cfg = RunConfig(target=TargetConfig(target), **TINY)
    return cfg.replace(**sections)


def test_generator_and_discriminator_shapes():
    g = Generator(3, 2, 8, 2, "relu")
    d = Discriminator(2, 8, 2, "tanh", pack=2, minibatch_std=True)
    x = g(torch.randn(10, 3))
    assert x.shape == (10, 2)
    assert d(x).shape == (5,)  # packed in pairs
    assert d.features(x).shape == (5, 8)


def test_packing_concatenates_consecutive_samples():
    torch.manual_seed(0)
    d = Discriminator(2, 4, 1, "relu", pack=3)
    x = torch.arange(12.0).reshape(6, 2)
    first = d.body[0]
    manual = first(torch.cat([x[0], x[1], x[2]])[None])
    # absolute tolerance: a batched and a single-row product round differently, and an output
    # near 0 (unseeded weights made one now and then) fails any relative test
    assert torch.allclose(d.body[:1](x.reshape(2, 6))[0], manual[0], atol=1e-5)


@pytest.mark.parametrize("objective", list(OBJECTIVES))
def test_every_objective_takes_a_step_with_finite_metrics(objective):
    run = ToyGAN(
        tiny("ring8", noise=NoiseConfig("normal", 2), objective=ObjectiveConfig(objective))
    )
    g0 = [p.clone() for p in run.trainer.G.parameters()]
    run.train(5)
    snap = run.history.latest()
    assert snap.step == 5 and run.diverged is None
    moved = any(not torch.equal(a, b) for a, b in zip(g0, run.trainer.G.parameters()))
    assert moved
    for key in (
        "js",
        "kl",
        "rkl",
        "w1",
        "loss_d",
        "loss_g",
        "d_real",
        "d_fake",
        "grad_d",
        "grad_g",
        "modes",
        "hq",
    ):
        assert math.isfinite(snap.metrics[key]), key
    assert math.isnan(snap.metrics["v"]) != OBJECTIVES[objective].prob_is_dstar


@pytest.mark.parametrize(
    "change",
    [
        dict(objective=ObjectiveConfig("nonsaturating", label_smoothing=0.9)),
        dict(objective=ObjectiveConfig("minimax", instance_noise=0.1, instance_noise_anneal=4)),
        dict(objective=ObjectiveConfig("nonsaturating", r1_gamma=1.0)),
        dict(objective=ObjectiveConfig("nonsaturating", feature_matching=True)),
        dict(objective=ObjectiveConfig("nonsaturating", unrolled_steps=3)),
        dict(nets=NetConfig(g_hidden=8, d_hidden=8, pack=2, minibatch_std=True)),
        dict(optim=OptimConfig(batch=16, optimizer="sgd", d_steps=3, g_steps=2)),
        dict(optim=OptimConfig(batch=16, optimizer="rmsprop", simultaneous=True)),
    ],
)
def test_stabilisers_and_schedules_train(change):
    run = ToyGAN(tiny("ring8", noise=NoiseConfig("normal", 2), **change))
    run.train(5)
    assert run.diverged is None and math.isfinite(run.history.last_row()["loss_g"])


def test_algorithm1_counts_k_d_steps_per_iteration():
    run = ToyGAN(tiny(optim=OptimConfig(batch=16, d_steps=3, g_steps=2)))
    run.train(4)
    assert (run.trainer.iteration, run.trainer.d_updates, run.trainer.g_updates) == (4, 12, 8)
    run.step_d()
    run.step_g()
    assert (run.trainer.iteration, run.trainer.d_updates, run.trainer.g_updates) == (4, 13, 9)


def test_step_d_changes_only_d_and_step_g_only_g():
    run = ToyGAN(tiny())
    g0 = [p.clone() for p in run.trainer.G.parameters()]
    d0 = [p.clone() for p in run.trainer.D.parameters()]
    run.step_d()
    assert all(torch.equal(a, b) for a, b in zip(g0, run.trainer.G.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(d0, run.trainer.D.parameters()))
    d1 = [p.clone() for p in run.trainer.D.parameters()]
    run.step_g()
    assert all(torch.equal(a, b) for a, b in zip(d1, run.trainer.D.parameters()))


def test_unrolling_leaves_the_real_discriminator_unchanged():
    run = ToyGAN(
        tiny("ring8", noise=NoiseConfig("normal", 2), objective=ObjectiveConfig(unrolled_steps=5))
    )
    d0 = {k: v.clone() for k, v in run.trainer.D.state_dict().items()}
    state0 = str(run.trainer.opt_d.state_dict())
    run.trainer.step_g()
    assert all(torch.equal(d0[k], v) for k, v in run.trainer.D.state_dict().items())
    assert str(run.trainer.opt_d.state_dict()) == state0


def test_unrolled_g_gradient_differs_from_plain():
    grads = []
    for u in (0, 5):
        run = ToyGAN(
            tiny(
                "ring8",
                noise=NoiseConfig("normal", 2),
                objective=ObjectiveConfig(unrolled_steps=u),
                seed=3,
            )
        )
        run.trainer.step_d()
        run.trainer.step_g()
        grads.append(run.trainer.stats["grad_g"].item())
    assert grads[0] != pytest.approx(grads[1], rel=1e-3)


def test_same_seed_same_run_and_other_seed_other_run():
    runs = [ToyGAN(tiny(seed=s)) for s in (7, 7, 8)]
    for r in runs:
        r.train(10)
    a, b, c = (r.history.columns()["js"] for r in runs)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_short_run_on_a_1d_gaussian_brings_js_below_005():
    cfg = default_config("gaussian").replace(cadence={"record_every": 250})
    run = ToyGAN(cfg)
    run.train(3000)
    js = run.history.columns()["js"]
    assert js[0] > 0.5
    assert np.median(js[-3:]) < 0.05


def test_settings_change_mid_run_without_losing_it():
    run = ToyGAN(tiny())
    run.train(5)
    new = run.cfg.replace(optim={"lr_d": 0.05, "d_steps": 2}, objective={"name": "minimax"})
    run.update(new)
    assert run.trainer.opt_d.param_groups[0]["lr"] == 0.05
    run.train(5)
    assert run.trainer.d_updates == 5 + 10 and len(run.history) == 3
    with pytest.raises(NeedsReset) as err:
        run.update(run.cfg.replace(nets={"d_hidden": 16}))
    assert "nets" in str(err.value)


def test_divergence_stops_cleanly_and_keeps_history():
    run = ToyGAN(tiny(optim=OptimConfig(batch=16, optimizer="sgd", lr_d=1e30, lr_g=1e30)))
    rows_before = len(run.history)
    run.train(50)
    assert run.diverged is not None and "diverged at iteration" in run.diverged
    assert len(run.history) >= rows_before
    assert all(torch.isfinite(v).all() for v in run.weights()["G"].values())


def test_history_keeps_every_row_and_a_bounded_number_of_snapshots():
    run = ToyGAN(
        tiny(
            cadence=CadenceConfig(
                record_every=1, eval_samples=200, grid=16, show_samples=10, max_snapshots=10
            )
        )
    )
    run.train(60)
    assert len(run.history) == 61
    steps = run.history.snapshot_steps()
    assert len(steps) <= 10 and steps[0] == 0 and steps[-1] == 60 and steps == sorted(steps)


def test_snapshot_fields_in_1d_and_2d():
    s1 = ToyGAN(tiny(noise=NoiseConfig("uniform", 1))).snapshot()
    assert s1.d.shape == s1.p_g.shape == s1.d_star.shape == (32,)
    assert s1.z_line.shape == s1.x_line.shape and s1.z_grid is None
    s2 = ToyGAN(tiny("ring8", noise=NoiseConfig("normal", 2))).snapshot()
    assert s2.d.shape == (32, 32) and s2.z_grid.shape[-1] == 2
    assert s2.g_arrows.shape == (50, 2) and s2.mode_counts.shape == (8,)
    assert np.all((s2.d > 0) & (s2.d < 1))


def test_a_captured_moment_measures_as_a_record_then_while_training_goes_on():
    # The live app measures one moment in a second thread while the run trains on: a moment
    # captured at iteration 30 and measured after 20 more iterations must give the row and
    # snapshot a record at iteration 30 gives, and capturing it must not change the training.
    cfg = tiny("ring8", noise=NoiseConfig("normal", 2))
    recorded, overlapped = ToyGAN(cfg), ToyGAN(cfg)
    for run in (recorded, overlapped):
        run.train(30, record=False)
    snap = recorded.record(snapshot=True)
    row = recorded.history.last_row()
    moment = overlapped.capture()
    overlapped.train(20, record=False)
    later_row, later_snap = overlapped.measure(moment, snapshot=True)
    assert later_snap.step == 30 and later_snap.equals(snap)
    assert later_row.pop("seconds") > 0 and row.pop("seconds") > 0
    assert later_row.keys() == row.keys()
    np.testing.assert_equal(later_row, row)
    recorded.train(20, record=False)
    for net in ("G", "D"):
        for k, v in recorded.weights()[net].items():
            assert torch.equal(v, overlapped.weights()[net][k]), (net, k)
    overlapped.commit(moment, later_row, later_snap)
    assert overlapped.history.last_row()["step"] == 30 and overlapped.history.latest().step == 30
    assert overlapped.step_count == 50


def test_snapshot_survives_a_round_trip_through_arrays():
    from gan_viz.snapshot import Snapshot

    s = ToyGAN(tiny("ring8", noise=NoiseConfig("normal", 2))).snapshot()
    assert Snapshot.from_arrays(s.to_arrays()).equals(s)


@pytest.mark.parametrize(
    "sections, setting",
    [
        (dict(optim=OptimConfig(lr_d=-1.0)), "D learning rate"),
        (dict(optim=OptimConfig(d_steps=0)), "D steps (k)"),
        (dict(optim=OptimConfig(batch=0)), "batch size"),
        (dict(noise=NoiseConfig(dim=0)), "z dimension"),
        (dict(noise=NoiseConfig(prior="cauchy")), "noise prior"),
        (dict(objective=ObjectiveConfig("nope")), "objective"),
        (dict(objective=ObjectiveConfig("wgan", label_smoothing=0.9)), "label smoothing"),
        (dict(objective=ObjectiveConfig(unrolled_steps=-1)), "unrolled steps"),
        (dict(nets=NetConfig(pack=5)), "packing degree"),
        (dict(nets=NetConfig(activation="swish")), "activation"),
        (dict(device="tpu"), "device"),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(sections, setting):
    with pytest.raises(ConfigError) as err:
        validate(RunConfig().replace(**sections))
    assert err.value.setting == setting
    assert "allowed" in str(err.value)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_valid(name):
    validate(PRESETS[name].config)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_the_finite_check_names_the_weight_that_went_bad(bad):
    from gan_viz.errors import Diverged

    run = ToyGAN(tiny("gaussian"))
    run.trainer.check_finite()  # healthy weights pass the fused check
    with torch.no_grad():
        run.trainer.D.body[0].weight[1, 0] = bad
    with pytest.raises(Diverged, match=r"a weight of D \(body\.0\.weight\) became NaN or infinite"):
        run.trainer.check_finite()
