"""The Playground's CSV path (an upload arrives as bytes and goes to `parse_points`) refuses
the classes of bad points the CLI refuses (issue 20, items 4-5): too many bytes or rows, binary
data, an endless line, coordinates beyond +-1e6, points that do not vary; and what it accepts,
the KDE target takes without crashing, even at the bounds."""

from __future__ import annotations

import numpy as np
import pytest

from gan_viz.config import RunConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.targets import MAX_ABS, MAX_POINTS, MAX_POINTS_BYTES, make_target, parse_points
from gan_viz.toy import ToyGAN


@pytest.mark.parametrize(
    "upload, message",
    [
        (bytes(MAX_POINTS_BYTES + 1), "more than 20 MB"),
        (b"1\n" * (MAX_POINTS_BYTES // 2 + 1), "more than 20 MB"),
        (b"1\n2\n" * 200_000, f"{MAX_POINTS + 1:,} points or more"),
        (b"1" + b",1" * 1_000_000, "line 1: 3 or more columns"),
        (b"x,y\n1,2\n3,4,5\n", "line 2: 3 or more columns"),
        (bytes(range(256)) * 4, "binary data (byte 128 is not UTF-8 text)"),
        (b"1,2\n\x00\n", "binary data (NUL bytes)"),
        (b"1e300,0\n1,2\n", "1e+300 in row 1"),
        (b"0,1\n1,-1e300\n", "-1e+300 in row 2"),
        (b"1e308\n-1e308\n", "1e+308 in row 1"),
        (b"1,2\n1e999,3\n", "infinite value in row 2"),
        (b"1,2\n1,2\n1,2\n", "all points equal"),
        (b"5\n5.000000000000001\n", "all points equal (or nearly)"),
    ],
    ids=[
        "too-many-bytes",
        "short-lines-over-bytes",
        "too-many-rows",
        "endless-line",
        "three-columns",
        "binary",
        "nul",
        "1e300",
        "minus-1e300",
        "near-float-max",
        "overflow-to-inf",
        "constant",
        "nearly-constant",
    ],
)
def test_an_upload_of_a_bad_class_is_refused_in_one_line(upload, message):
    with pytest.raises(ConfigError) as refused:
        parse_points(upload)
    text = str(refused.value)
    assert message in text and "allowed:" in text and "\n" not in text


def test_an_array_beyond_the_coordinate_bound_is_refused_too():
    with pytest.raises(ConfigError, match="coordinates from -1e"):
        parse_points(np.array([[0.0, 0.0], [1.0, 2 * MAX_ABS]]))


def test_a_utf8_file_with_a_byte_order_mark_and_windows_lines_is_read():
    points = parse_points("\ufeffx,y\r\n1,2\r\n3,5\r\n\r\n4,4\r\n".encode())
    np.testing.assert_array_equal(points, [[1, 2], [3, 5], [4, 4]])


def test_the_largest_accepted_upload_parses():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(MAX_POINTS, 2))
    text = "\n".join(f"{a!r},{b!r}" for a, b in rows.tolist()).encode()  # full precision
    assert len(text) <= MAX_POINTS_BYTES
    np.testing.assert_array_equal(parse_points(text), rows)


@pytest.mark.parametrize(
    "csv",
    [
        "-1e6,-1e6\n1e6,1e6\n0,3\n5,-1e6\n",  # the corners of the allowed box
        "1e6,-1e6\n999999,-999999\n999999.5,-999998\n",  # a tight cluster at the edge
        "\n".join(f"{t},{2 * t + 1}" for t in np.linspace(-1, 1, 40)),  # on a line: no LinAlgError
    ],
    ids=["box-corners", "cluster-at-the-edge", "collinear"],
)
def test_points_at_the_bounds_train_and_measure_finite(csv):
    target = make_target(TargetConfig("points", {"points": csv}))
    assert np.all(np.isfinite(target.window))
    cfg = RunConfig().replace(
        target={"name": "points", "params": {"points": csv}},
        nets={"g_hidden": 8, "d_hidden": 8},
        optim={"batch": 16},
        cadence={"record_every": 1, "eval_samples": 100, "grid": 16},
    )
    toy = ToyGAN(cfg)
    toy.train(2)
    row = toy.history.last_row()
    for key in ("js", "kl", "rkl", "v"):
        assert np.isfinite(row[key]), (key, row)
    assert 0 <= row["js"] <= np.log(2) + 1e-9


@pytest.mark.parametrize(
    "name, params",
    [
        ("gaussian", {"mean": 1e300}),
        ("gaussian", {"std": 1e300}),
        ("ring8", {"radius": -1e7}),
        ("bimodal", {"means": [-1e300, 1e300]}),
    ],
)
def test_target_parameters_beyond_the_same_bound_are_refused(name, params):
    with pytest.raises(ConfigError, match="from -1e\\+06 to 1e\\+06"):
        make_target(TargetConfig(name, params))
