"""Drawn targets: a 2-D drawing and a 1-D sketched density, checked against quadrature and
scipy, measured by the app's own meter, refused in one line when bad, stored with the run."""

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate, stats

from gan_viz.config import RunConfig, TargetConfig
from gan_viz.drawn import (
    MAX_DRAWN,
    Sketch,
    check_drawing,
    parse_drawing_json,
    ready_drawings,
    resample_stroke,
)
from gan_viz.errors import ConfigError
from gan_viz.grid import Grid
from gan_viz.measure import DensityMeter, default_bandwidth, default_grid
from gan_viz.targets import make_target
from gan_viz.validation import validate

READY_2D = [n for n, (dim, _, _) in ready_drawings().items() if dim == 2]
READY_1D = [n for n, (dim, _, _) in ready_drawings().items() if dim == 1]
# flat parts (slope 0), a gap of zero density between two bumps, steep sides
GAPPY = ((-2.0, 0.0), (-1.5, 2.0), (-1.0, 2.0), (-0.5, 0.0), (1.0, 0.0), (1.2, 1.0), (3.0, 0.0))


def target_of(name: str):
    dim, drawing, params = ready_drawings()[name]
    return make_target(TargetConfig("drawing" if dim == 2 else "sketch", params, drawing))


def sketch(points) -> Sketch:
    return make_target(TargetConfig("sketch", drawing=points))


def test_ready_drawings_cover_both_dimensions():
    assert {"smiley", "letter_g", "two_moons"} <= set(READY_2D)
    assert {"bimodal_sketch", "skewed_sketch"} <= set(READY_1D)


# --- 1-D sketch ----------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [GAPPY, ready_drawings()["skewed_sketch"][1]])
def test_sketch_density_is_the_drawn_polyline_and_integrates_to_one(points):
    t = sketch(points)
    xs, hs = np.array(points).T
    total, _ = integrate.quad(lambda x: t.pdf(np.array([x]))[0], xs[0] - 1, xs[-1] + 1, points=xs)
    assert total == pytest.approx(1.0, abs=1e-9)
    area = np.trapezoid(hs, xs)
    np.testing.assert_allclose(t.pdf(xs[:, None]), hs / area, rtol=1e-12)
    mid = (xs[1:] + xs[:-1]) / 2  # straight between control points
    np.testing.assert_allclose(t.pdf(mid[:, None]), (hs[1:] + hs[:-1]) / 2 / area, rtol=1e-12)


def test_sketch_cell_masses_are_the_integral_of_the_density():
    t = sketch(GAPPY)
    grid = Grid.over(t.window, 37)  # cells that straddle control points
    mass = t.cell_mass(grid)
    e = grid.edges[0]
    quad = [
        integrate.quad(lambda x: t.pdf(np.array([x]))[0], a, b, points=[p for p, _ in GAPPY])[0]
        for a, b in zip(e[:-1], e[1:])
    ]
    np.testing.assert_allclose(mass, quad, atol=1e-12)
    assert mass.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("points", [GAPPY, *(ready_drawings()[n][1] for n in READY_1D)])
def test_sketch_samples_follow_the_exact_cdf(points, rng):
    t = sketch(points)
    x = t.sample(20_000, rng)[:, 0]
    assert stats.kstest(x, t.cdf).pvalue > 1e-3
    # nothing in the gap where the drawn density is zero
    assert not np.any((x > -0.5) & (x < 1.0)) if points is GAPPY else True


@pytest.mark.parametrize("name", READY_1D)
def test_sketch_samples_read_js_near_zero_through_the_apps_meter(name, rng):
    t = target_of(name)
    grid = default_grid(t)
    meter = DensityMeter(t, grid, default_bandwidth(grid))
    assert meter.measure(t.sample(10_000, rng)).js <= 0.005


# --- 2-D drawing ---------------------------------------------------------------------------------


def test_drawing_density_is_the_mixture_of_kernels_and_integrates_to_one():
    pts = ((0.0, 0.0), (1.0, 0.5), (-0.5, 1.0))
    t = make_target(TargetConfig("drawing", {"std": 0.2}, pts))
    x = np.random.default_rng(0).uniform(-1, 2, size=(20, 2))
    kernels = [stats.multivariate_normal(p, 0.04 * np.eye(2)).pdf(x) for p in pts]
    np.testing.assert_allclose(t.pdf(x), np.mean(kernels, 0), rtol=1e-10)
    total, _ = integrate.dblquad(
        lambda y, x: t.pdf(np.array([[x, y]]))[0], -3, 3, -3, 3, epsabs=1e-10
    )
    assert total == pytest.approx(1.0, abs=1e-6)
    inside = t.cell_mass(Grid.over(t.window, 64)).sum()
    assert inside > 0.999  # the window fits the drawing


@pytest.mark.parametrize("name", READY_2D)
def test_drawing_samples_match_the_exact_cell_masses(name, rng):
    t = target_of(name)
    grid = Grid.over(t.window, 40)
    n = 40_000
    counts = grid.histogram(t.sample(n, rng)) * n
    expected = t.cell_mass(grid) * n
    big = expected >= 5
    chi2 = ((counts[big] - expected[big]) ** 2 / expected[big]).sum()
    assert stats.chi2.sf(chi2, big.sum() - 1) > 1e-4


@pytest.mark.parametrize("name", READY_2D)
def test_drawing_samples_read_js_near_zero_through_the_apps_meter(name, rng):
    t = target_of(name)
    grid = default_grid(t)
    meter = DensityMeter(t, grid, default_bandwidth(grid))
    assert meter.measure(t.sample(10_000, rng)).js <= 0.02


def test_strokes_are_resampled_evenly_along_their_length():
    stroke = np.array([[0.0, 0.0], [0.1, 0.0], [1.0, 0.0], [1.0, 1.0]])  # uneven mouse events
    pts = resample_stroke(stroke, 0.25)
    assert len(pts) == 9
    np.testing.assert_allclose(np.hypot(*np.diff(pts, axis=0).T), 0.25)
    np.testing.assert_allclose(resample_stroke(np.array([[0.3, 0.4]]), 0.1), [[0.3, 0.4]])


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, drawing, words",
    [
        ("drawing", [[0.5, 0.5]], "a single point"),
        ("drawing", [[0.5, 0.5]] * 3, "at least 2 different points"),
        ("drawing", [[0, 0], [400, 1]], "within +-50"),
        ("drawing", [[0, 0], [1e300, 1]], "within +-50"),
        ("drawing", [[0, 0], [float("nan"), 1]], "finite numbers only"),
        ("drawing", [[0, 0, 0], [1, 1, 1]], "pairs"),
        ("drawing", [[0.0, 0.001 * i] for i in range(MAX_DRAWN + 1)], "at most 5,000 points"),
        ("sketch", [[0, 1]], "at least 2 control points"),
        ("sketch", [[0, 0], [1, 0], [2, 0]], "zero everywhere"),
        ("sketch", [[0, 1], [1, -0.5], [2, 1]], "heights >= 0"),
        ("sketch", [[0, 1], [1, 1], [1, 2]], "one height per x"),
    ],
)
def test_bad_drawings_are_refused_in_one_line(name, drawing, words):
    with pytest.raises(ConfigError) as err:
        validate(RunConfig(target=TargetConfig(name, drawing=drawing)))
    assert words in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"dim": 2, "points": []}', "no points"),
        ('{"dim": 3, "points": [[0, 0], [1, 1]]}', "dim"),
        ('{"dim": 1, "points": [[0, 0], [1, 1]], "std": 0.1}', "std only for a 2-D"),
        ('{"dim": 2, "points": [[0, 0], [1, 1]], "colour": 1}', "colour"),
        ("[1, 2", "not JSON"),
    ],
)
def test_bad_drawing_files_are_refused_in_one_line(text, words):
    with pytest.raises(ConfigError, match=words):
        parse_drawing_json(text)


def test_a_drawing_on_another_target_or_a_bad_std_is_refused():
    with pytest.raises(ConfigError, match="a drawing for drawing or sketch only"):
        make_target(TargetConfig("ring8", drawing=((0.0, 0.0), (1.0, 1.0))))
    with pytest.raises(ConfigError, match="std"):
        make_target(TargetConfig("drawing", {"std": 0.0}))


def test_check_drawing_sorts_control_points_by_x():
    got = check_drawing([[2, 0], [0, 0], [1, 1]], 1)
    np.testing.assert_array_equal(got, [[0, 0], [1, 1], [2, 0]])


# --- a drawing is part of the run's settings -----------------------------------------------------


def test_config_with_a_drawing_is_frozen_hashable_and_round_trips_json():
    cfg = RunConfig(target=TargetConfig("drawing", {"std": 0.1}, [[0, 0], [1, 2]]))
    assert cfg.target.drawing == ((0.0, 0.0), (1.0, 2.0))
    hash(cfg.target.drawing)
    again = RunConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert again == cfg
    # no drawing given: the ready one, written out in the settings
    assert (
        RunConfig(target=TargetConfig("sketch")).target.drawing
        == (ready_drawings()["bimodal_sketch"][1])
    )


def test_train_with_a_drawing_file_stores_the_drawing_with_the_run(tmp_path):
    from gan_viz.store import RunStore

    drawing = {"dim": 2, "points": [[0, 0], [1, 0], [1, 1], [0.2, 0.9]], "std": 0.1}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(drawing))
    r = subprocess.run(
        [sys.executable, "-m", "gan_viz", "train", "--drawing", str(path), "--steps", "20",
         "--hidden", "16", "--record-every", "10", "--quiet", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    written = json.loads((tmp_path / "o" / "config.json").read_text())
    assert written["target"]["drawing"] == drawing["points"]
    store = RunStore()
    (info,) = store.runs()
    cfg = store.open(info.id).config()
    assert cfg.target == TargetConfig("drawing", {"std": 0.1}, drawing["points"])
    x = np.array([[0.5, 0.5], [1.0, 1.0]])
    np.testing.assert_allclose(make_target(cfg.target).pdf(x), target_of_points(drawing).pdf(x))


def target_of_points(drawing: dict):
    return make_target(TargetConfig("drawing", {"std": drawing["std"]}, drawing["points"]))


def test_a_bad_drawing_file_stops_the_cli_with_one_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"dim": 1, "points": [[0, 0], [1, 0]]}')
    r = subprocess.run(
        [sys.executable, "-m", "gan_viz", "train", "--drawing", str(path), "--steps", "5",
         "--out", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 2 and "zero everywhere" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_drawn_run_exports_imports_and_resumes_with_its_drawing(tmp_path):
    import torch
    from store_helpers import tiny_config

    from gan_viz.store import RunRecorder, RunStore
    from gan_viz.store.archive import export_archive, import_archive
    from gan_viz.toy import ToyGAN
    from gan_viz.toy_store import ToyFollower, resume

    drawing = ((0.0, 0.0), (0.5, 1.0), (1.0, 0.0), (1.5, 1.0))
    cfg = tiny_config("drawing").replace(target={"params": {"std": 0.07}, "drawing": drawing})
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        mine = RunStore(tmp_path / "mine.sqlite")
        toy = ToyGAN(cfg)
        rec = RunRecorder(mine, "toy", toy.config_json(), "a zigzag", [], "")
        follow = ToyFollower(toy, rec, poll_seconds=0.0)
        toy.train(10)
        follow.finish()
        theirs = RunStore(tmp_path / "theirs.sqlite")
        new_id = import_archive(theirs, export_archive(mine, rec.run_id, tmp_path / "run.zip"))
        assert theirs.open(new_id).config().target == cfg.target
        again, _ = resume(theirs, new_id)
        assert again.target.describe() == "drawing(std=0.07)"
        np.testing.assert_array_equal(again.target.means, np.array(drawing))
        again.train(5)
        assert again.step_count == 15
    finally:
        torch.set_num_threads(threads)
