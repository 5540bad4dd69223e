"""The live 2-D view (spec_2d(live=True)): a heat map picture and path shapes, checked against
the snapshot they draw and against plotly's own colouring, and the promise the live chart's fast
path rests on: between frames of a run only the layout's shapes, images and title change."""

import base64
import io
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from PIL import Image
from plotly.colors import sample_colorscale

from gan_viz.config import NoiseConfig, RunConfig, TargetConfig
from gan_viz.plots import palette
from gan_viz.plots.paths import decimals_for, dots_path, polyline_path
from gan_viz.plots.raster import colour_grid, heat_image
from gan_viz.plots.view2d import MAX_POINTS, figure_2d, spec_2d
from gan_viz.toy import ToyGAN
from tests.test_plots import TINY, synthetic_2d

MOVING = (
    "shapes",
    "images",
    "title",
)  # what the live chart relayouts
NUMBER = r"-?\d+(?:\.\d+)?"


def pieces(path: str) -> list[np.ndarray]:
    """An SVG path of M/L commands back as its polylines."""
    out = []
    for command, x, y in re.findall(rf"([ML])({NUMBER}),({NUMBER})", path):
        if command == "M":
            out.append([])
        out[-1].append((float(x), float(y)))
    return [np.array(p) for p in out]


def shapes_named_or_none(spec: dict, name: str) -> list[dict]:
    return [s for s in spec["layout"]["shapes"] if s["name"] == name]


def shapes_named(spec: dict, name: str) -> list[dict]:
    found = shapes_named_or_none(spec, name)
    assert found, f"no shape named {name!r}"
    return found


def test_colour_grid_colours_as_plotly_samples_the_d_colorscale_and_leaves_nan_clear():
    z = np.array([[0.0, 0.1, 0.25, 0.5], [0.6, 0.77, 1.0, np.nan]])
    rgba = colour_grid(z, palette.D_COLORSCALE)
    expected = sample_colorscale(palette.D_COLORSCALE, z[np.isfinite(z)].tolist())
    got = rgba[np.isfinite(z)]
    for colour, pixel in zip(expected, got):
        rgb = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
        assert pixel[:3] == pytest.approx(rgb, abs=1.0)
        assert pixel[3] == 255
    assert rgba[1, 3, 3] == 0  # NaN: transparent
    # Out of range values take the end colours, as plotly's zmin/zmax clip them.
    ends = colour_grid(np.array([[-3.0, 7.0]]), palette.D_COLORSCALE)
    assert np.array_equal(ends[0, 0], colour_grid(np.array([[0.0]]), palette.D_COLORSCALE)[0, 0])
    assert np.array_equal(ends[0, 1], colour_grid(np.array([[1.0]]), palette.D_COLORSCALE)[0, 0])


def test_heat_image_puts_each_cell_on_its_grid_point_with_the_top_row_at_the_highest_y():
    x, y = np.linspace(-2.0, 2.0, 5), np.linspace(0.0, 3.0, 4)
    z = np.add.outer(y / 3, 0 * x) * 0.9  # rises with y only
    z[0, 0] = 1.0  # one marked corner: the lowest y, the lowest x
    image = heat_image((x, y), z, palette.D_COLORSCALE)
    assert (image["xref"], image["yref"], image["sizing"]) == ("x", "y", "stretch")
    # Cells centred on their points: the picture reaches half a cell beyond the first and last.
    assert image["x"] == pytest.approx(-2.5) and image["sizex"] == pytest.approx(5.0)
    assert image["y"] == pytest.approx(3.5) and image["sizey"] == pytest.approx(4.0)
    png = base64.b64decode(image["source"].removeprefix("data:image/png;base64,"))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    assert pixels.shape == (4, 5, 4)
    np.testing.assert_array_equal(pixels, colour_grid(z, palette.D_COLORSCALE)[::-1])
    assert np.array_equal(pixels[-1, 0], colour_grid(np.array([[1.0]]), palette.D_COLORSCALE)[0, 0])


def test_polyline_path_keeps_each_piece_between_nan_breaks():
    xs = np.array([0.0, 1.0, 2.0, np.nan, 5.0, 6.0, np.nan, np.nan, -1.25])
    ys = np.array([0.0, 1.0, 0.5, np.nan, 5.0, 4.0, np.nan, 3.0, 2.5])
    got = pieces(polyline_path(xs, ys, 3))
    assert len(got) == 3
    np.testing.assert_allclose(got[0], [[0, 0], [1, 1], [2, 0.5]])
    np.testing.assert_allclose(got[1], [[5, 5], [6, 4]])
    np.testing.assert_allclose(got[2], [[-1.25, 2.5]])


def test_dots_path_is_a_zero_length_segment_at_each_finite_point():
    xs, ys = np.array([0.5, np.nan, -2.0]), np.array([1.0, 2.0, 3.0])
    got = pieces(dots_path(xs, ys, 2))
    assert [p.tolist() for p in got] == [[[0.5, 1.0], [0.5, 1.0]], [[-2.0, 3.0], [-2.0, 3.0]]]


def test_coordinates_resolve_a_hundred_thousandth_of_the_window():
    assert decimals_for(6.0) == 5 and decimals_for(600.0) == 3 and decimals_for(0.06) == 7
    assert decimals_for(0.0) == decimals_for(float("nan")) == 5


def test_live_2d_spec_draws_the_snapshot_as_a_picture_and_shapes_and_is_a_valid_figure():
    snap = synthetic_2d(n=3 * MAX_POINTS)
    spec = spec_2d(snap, live=True)
    fig = go.Figure(spec)  # plotly's own validation of every key of the dict
    assert [t.name for t in fig.data] == [
        "D(x)",
        "G(z-grid)",
        "real x ~ p_data",
        "fake G(z) ~ p_g",
        "G's gradient",
    ]
    assert fig.data[0].marker.showscale and list(fig.data[0].marker.colorscale[1]) == [
        0.5,
        "#F7F7F7",
    ]
    for stand_in in (fig.data[1], *fig.data[3:]):
        assert stand_in.legendgroup == stand_in.name and list(stand_in.x) == [None]
    # The picture is D on the grid.
    (image,) = spec["layout"]["images"]
    expected = heat_image(snap.axes, snap.d, palette.D_COLORSCALE)
    assert image == expected
    # It lies under the real samples' trace, and over the axes' grid only by hiding it.
    assert image["layer"] == "below" and not fig.layout.xaxis.showgrid
    assert fig.layout.yaxis.showgrid is False
    # The real samples, the same in every frame, stay an SVG trace; the fakes are outlined dots.
    real = fig.data[2]
    assert real.type == "scatter" and real.mode == "markers" and real.hoverinfo == "skip"
    assert real.marker.color == palette.REAL and not shapes_named_or_none(spec, real.name)
    np.testing.assert_allclose(np.c_[real.x, real.y], snap.real[:MAX_POINTS], atol=1e-6)
    outline, fake = shapes_named(spec, "fake G(z) ~ p_g")
    assert outline["path"] == fake["path"] and outline["line"]["width"] > fake["line"]["width"]
    assert fake["line"]["color"] == palette.FAKE
    np.testing.assert_allclose(
        [p[0] for p in pieces(fake["path"])], snap.fake[:MAX_POINTS], atol=1e-4
    )
    # The grid's lines and the arrows, one path each, as the traces of the paused view draw them.
    paused = figure_2d(snap)
    for name in ("G(z-grid)", "G's gradient"):
        (shape,) = shapes_named(spec, name)
        drawn = next(t for t in paused.data if t.name == name)
        xs, ys = np.asarray(drawn.x, float), np.asarray(drawn.y, float)
        breaks = np.flatnonzero(np.isnan(xs))
        expected_pieces = [p for p in np.split(np.c_[xs, ys], breaks) if len(p)]
        expected_pieces = [p[~np.isnan(p[:, 0])] for p in expected_pieces]
        got = pieces(shape["path"])
        assert len(got) == len([p for p in expected_pieces if len(p)])
        np.testing.assert_allclose(np.vstack(got), np.vstack(expected_pieces), atol=1e-4)
    assert all(s["legendgroup"] == s["name"] for s in spec["layout"]["shapes"])


def test_frames_of_a_live_2d_run_differ_only_in_shapes_picture_and_title():
    run = ToyGAN(RunConfig(target=TargetConfig("ring8"), noise=NoiseConfig("normal", 2), **TINY))
    first = spec_2d(run.snapshot(), live=True, uirevision="run1")
    run.train(5)
    later = spec_2d(run.snapshot(), live=True, uirevision="run1")

    def still(spec):
        return go.Figure(
            data=spec["data"], layout={k: v for k, v in spec["layout"].items() if k not in MOVING}
        ).to_plotly_json()

    assert still(first) == still(later)
    for key in MOVING:
        assert first["layout"][key] != later["layout"][key], key
    # The D* map changes the colour bar, so the chart replots for it.
    star = spec_2d(run.snapshot(), live=True, uirevision="run1", heat="d_star")
    assert still(star) != still(later)


@pytest.mark.parametrize("z_dim,pack", [(2, 1), (1, 2)])
def test_a_view_is_the_recorded_snapshots_picture_without_its_measurements(z_dim, pack):
    # Between records the live 2-D view draws ToyGAN.sketch: it must be the very picture a record
    # at that iteration would draw (the same fakes, D, arrows and z-mapping, to the bit), and it
    # must not pass for a measurement.
    cfg = RunConfig(target=TargetConfig("ring8"), noise=NoiseConfig("normal", z_dim), **TINY)
    run = ToyGAN(cfg.replace(nets={"pack": pack, "minibatch_std": pack == 2}))
    run.train(7, record=False)
    view = run.sketch()
    snap = run.record(snapshot=True)
    assert (view.step, view.d_updates, view.g_updates) == (7, snap.d_updates, snap.g_updates)
    for name in ("real", "fake", "d", "g_arrows", "z_grid"):
        np.testing.assert_array_equal(getattr(view, name), getattr(snap, name), err_msg=name)
    assert view.metrics == {} and view.mode_counts is None
    assert view.p_g.size == view.d_star.size == view.p_data.size == 0
    same = [plotly.io.to_json(spec_2d(s, live=True), validate=False) for s in (view, snap)]
    assert same[0] == same[1]
