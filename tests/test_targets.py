"""Targets: shapes, densities that integrate to one, samplers that follow their densities."""

import numpy as np
import pytest
from scipy import stats

from gan_viz.config import TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.grid import Grid
from gan_viz.targets import MAX_POINTS, TARGETS, make_target, parse_points

NAMED = [n for n in TARGETS if n != "points"]


@pytest.mark.parametrize("name", NAMED)
def test_sampler_shape_and_window(name, rng):
    t = make_target(TargetConfig(name))
    x = t.sample(5000, rng)
    assert x.shape == (5000, t.dim) and np.isfinite(x).all()
    inside = np.all((x >= t.window[:, 0]) & (x <= t.window[:, 1]), axis=1)
    assert inside.mean() > 0.99


@pytest.mark.parametrize("name", NAMED)
def test_pdf_integrates_to_one_over_a_wide_grid(name):
    t = make_target(TargetConfig(name))
    lo, hi = t.window[:, 0], t.window[:, 1]
    if t.dim == 1:
        span = hi - lo
        grid = Grid.over(np.stack([lo - 3 * span, hi + 3 * span], 1), 20_000)
    else:  # the window holds all but a sliver of the mass; cells of half the narrowest std
        narrowest = t.stds.min()
        grid = Grid.over(t.window, int(min(800, np.ceil((hi - lo).max() / (narrowest / 2)))))
    total = (t.pdf(grid.points()) * grid.cell).sum()
    assert total == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("name", NAMED)
def test_cell_masses_match_the_pdf_and_the_samples(name, rng):
    t = make_target(TargetConfig(name))
    grid = Grid.over(t.window, 40)
    mass = t.cell_mass(grid)
    assert mass.shape == grid.shape and mass.min() >= 0 and mass.sum() <= 1 + 1e-9
    n = 40_000
    counts = grid.histogram(t.sample(n, rng)) * n
    expected = mass * n
    big = expected >= 5  # a chi-square test on the cells it is valid for
    chi2 = ((counts[big] - expected[big]) ** 2 / expected[big]).sum()
    assert stats.chi2.sf(chi2, big.sum() - 1) > 1e-4


@pytest.mark.parametrize("name", [n for n in NAMED if TARGETS[n].dim == 1])
def test_1d_sampler_follows_its_pdf(name, rng):
    t = make_target(TargetConfig(name))
    x = t.sample(4000, rng)[:, 0]
    grid = np.linspace(t.window[0, 0] - 20, t.window[0, 1] + 20, 200_001)
    cdf = np.cumsum(t.pdf(grid[:, None])) * (grid[1] - grid[0])
    assert stats.kstest(x, lambda v: np.interp(v, grid, cdf)).pvalue > 0.001


def test_mixture_targets_know_their_modes():
    ring = make_target(TargetConfig("ring8"))
    assert ring.modes.centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(ring.modes.centres, axis=1), 2.0)
    np.testing.assert_allclose(ring.modes.stds, 0.02)
    grid = make_target(TargetConfig("grid25"))
    assert sorted(set(grid.modes.centres[:, 0])) == [-4, -2, 0, 2, 4]
    assert make_target(TargetConfig("two_moons")).modes is None


def test_points_from_csv_with_header_and_kde_density(rng):
    pts = rng.normal(size=(500, 2))
    text = "x,y\n" + "\n".join(f"{a},{b}" for a, b in pts)
    t = make_target(TargetConfig("points", {"points": text}))
    assert t.dim == 2 and t.params["n"] == 500
    kde = stats.gaussian_kde(pts.T)
    # per-axis Scott bandwidth: close to scipy's full-covariance KDE for near-isotropic data
    x = rng.normal(size=(50, 2))
    np.testing.assert_allclose(t.pdf(x), kde(x.T), rtol=0.15)


@pytest.mark.parametrize(
    "data, words",
    [
        ("", "empty"),
        ("x,y\n1,2\n3,oops\n", "line 2"),
        ("1,2\n3\n", "different lengths"),
        ("1,2,3\n4,5,6\n", "1 or 2 columns"),
        ("1\nnan\n2\n", "missing or infinite value in row 2"),
        ("5\n", "2 to"),
        ("1,1\n1,1\n", "vary"),
    ],
)
def test_bad_points_files_are_refused_with_a_reason(data, words):
    with pytest.raises(ConfigError) as err:
        parse_points(data)
    assert words in str(err.value)


def test_too_many_points_are_refused():
    with pytest.raises(ConfigError, match=f"at most {MAX_POINTS:,}"):
        parse_points(np.zeros((MAX_POINTS + 1, 1)))


@pytest.mark.parametrize(
    "cfg, setting",
    [
        (TargetConfig("nope"), "target"),
        (TargetConfig("gaussian", {"std": -1}), "std"),
        (TargetConfig("gaussian", {"wobble": 1}), "gaussian parameter"),
        (TargetConfig("bimodal", {"means": [1, 2, 3]}), "means"),
        (TargetConfig("uniform", {"low": 2, "high": 1}), "high"),
        (TargetConfig("points", {}), "points"),
    ],
)
def test_bad_target_settings_name_the_setting(cfg, setting):
    with pytest.raises(ConfigError) as err:
        make_target(cfg)
    assert err.value.setting == setting
