"""Measurements against oracles: quadrature, scipy, hand-made sample sets."""

import numpy as np
import pytest
from scipy import integrate, stats

from gan_viz.config import TargetConfig
from gan_viz.densities import Modes
from gan_viz.grid import Grid
from gan_viz.measure import (
    DensityMeter,
    default_bandwidth,
    default_grid,
    js_divergence,
    kl_divergence,
    mode_metrics,
    wasserstein1,
)
from gan_viz.targets import TARGETS, make_target


def _quad_divergences(p, q, lo=-20, hi=20):
    m = lambda x: 0.5 * (p.pdf(x) + q.pdf(x))  # noqa: E731
    kl = lambda a, b: integrate.quad(  # noqa: E731
        lambda x: a.pdf(x) * (np.log(a.pdf(x)) - np.log(b(x))), lo, hi, limit=400
    )[0]
    js = 0.5 * kl(p, m) + 0.5 * kl(q, m)
    return js, kl(p, q.pdf), kl(q, p.pdf)


@pytest.mark.parametrize("target", [n for n, s in TARGETS.items() if s.dim == 1])
def test_samples_of_p_data_read_js_near_zero_in_1d(target, rng):
    t = make_target(TargetConfig(target))
    grid = default_grid(t)
    meter = DensityMeter(t, grid, default_bandwidth(grid))
    assert meter.measure(t.sample(10_000, rng)).js <= 0.005


@pytest.mark.parametrize("target", [n for n, s in TARGETS.items() if s.dim == 2])
def test_samples_of_p_data_read_js_near_zero_in_2d(target, rng):
    t = make_target(TargetConfig(target))
    grid = default_grid(t)
    meter = DensityMeter(t, grid, default_bandwidth(grid))
    assert meter.measure(t.sample(10_000, rng)).js <= 0.02


def _kl_gauss(m1, s1, m2, s2):
    return np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


def test_js_and_kl_of_two_gaussians_match_quadrature_from_samples(rng):
    """p_g known only through 200k samples. KL(p_data||p_g) weighs p_g's sparse tails, so the
    sample estimate is held to 0.05 nats; JS and KL(p_g||p_data) to 0.005."""
    p, q = stats.norm(0.0, 1.0), stats.norm(1.0, 0.8)
    js, kl, rkl = _quad_divergences(p, q)
    assert kl == pytest.approx(_kl_gauss(0, 1, 1, 0.8), abs=1e-6)
    t = make_target(TargetConfig("gaussian", {"mean": 0.0, "std": 1.0}))
    grid = Grid.over(np.array([[-6.0, 7.0]]), 1024)
    meter = DensityMeter(t, grid, h=0.02)
    got = meter.measure(q.rvs(size=(200_000, 1), random_state=rng))
    assert got.js == pytest.approx(js, abs=0.005)
    assert got.kl == pytest.approx(kl, abs=0.05)
    assert got.rkl == pytest.approx(rkl, abs=0.005)


def test_js_and_kl_of_exact_masses_match_quadrature():
    p, q = stats.norm(-0.5, 1.0), stats.norm(1.0, 1.5)
    js, kl, rkl = _quad_divergences(p, q)
    assert rkl == pytest.approx(_kl_gauss(1, 1.5, -0.5, 1), abs=1e-6)
    edges = np.linspace(-20, 20, 40_001)

    def masses(d):  # cdf differences on the left, sf differences on the right: no cancellation
        return np.where(edges[:-1] < d.mean(), np.diff(d.cdf(edges)), -np.diff(d.sf(edges)))

    pm, qm = masses(p), masses(q)
    assert js_divergence(pm, qm) == pytest.approx(js, abs=1e-4)
    # 40,000 cells reach far into the tails: lower the floor that guards the app's coarse grids
    assert kl_divergence(pm, qm, floor=1e-300) == pytest.approx(kl, abs=1e-4)
    assert kl_divergence(qm, pm, floor=1e-300) == pytest.approx(rkl, abs=1e-4)


def test_js_is_bounded_by_log2_for_disjoint_laws(rng):
    t = make_target(TargetConfig("gaussian", {"mean": 2.0, "std": 0.1}))
    grid = default_grid(t)
    got = DensityMeter(t, grid, default_bandwidth(grid)).measure(np.full((1000, 1), -0.3))
    assert got.js == pytest.approx(np.log(2), abs=1e-6)
    assert got.kl > 5  # a missed mode: large, finite thanks to the documented floor


def test_samples_off_the_window_count_as_outside_mass():
    t = make_target(TargetConfig("gaussian"))
    grid = default_grid(t)
    got = DensityMeter(t, grid, default_bandwidth(grid)).measure(np.full((100, 1), 1e6))
    assert got.outside_g == pytest.approx(1.0)
    assert got.js == pytest.approx(np.log(2), abs=1e-3)


def test_d_star_on_the_grid_is_half_where_the_laws_agree(rng):
    t = make_target(TargetConfig("bimodal"))
    grid = default_grid(t)
    got = DensityMeter(t, grid, default_bandwidth(grid)).measure(t.sample(100_000, rng))
    dense = got.p_data > 0.1 * got.p_data.max()
    assert np.nanmax(np.abs(got.d_star[dense] - 0.5)) < 0.05


RING = Modes(
    centres=2.0 * np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4]),
    stds=np.full(8, 0.02),
)


def test_mode_metrics_all_modes(rng):
    k = rng.integers(0, 8, 2500)
    x = RING.centres[k] + 0.02 * rng.standard_normal((2500, 2))
    m = mode_metrics(x, RING)
    assert m["modes"] == 8 and m["hq"] > 0.98 and m["mode_kl"] < 0.01


def test_mode_metrics_one_mode(rng):
    x = RING.centres[3] + 0.02 * rng.standard_normal((2500, 2))
    m = mode_metrics(x, RING)
    assert m["modes"] == 1 and m["counts"][3] == m["counts"].sum()
    assert m["mode_kl"] == pytest.approx(np.log(8), abs=1e-9)


def test_mode_metrics_samples_far_from_every_mode(rng):
    x = 0.1 * rng.standard_normal((2500, 2))  # the ring's centre: no mode within 3 std
    m = mode_metrics(x, RING)
    assert m["modes"] == 0 and m["hq"] == 0.0 and np.isnan(m["mode_kl"])


def test_w1_in_1d_is_scipys(rng):
    a, b = rng.normal(0, 1, (5000, 1)), rng.normal(0.5, 1, (5000, 1))
    assert wasserstein1(a, b) == stats.wasserstein_distance(a[:, 0], b[:, 0])


def test_sliced_w1_of_a_shift_is_the_mean_projected_shift(rng):
    a = rng.normal(0, 1, (20_000, 2))
    shift = np.array([1.0, 0.0])
    # E|<shift, u>| over directions u uniform on the half circle = 2/pi |shift|
    assert wasserstein1(a + shift, a) == pytest.approx(2 / np.pi, rel=0.03)
