"""The drawing canvas's JSON (Fabric.js 7, as streamlit-drawable-canvas sends it) read into
data coordinates: strokes where the canvas shows them, clicked points, the 1-D sketch."""

import numpy as np
import pytest

from gan_viz.config import TargetConfig
from gan_viz.drawn import check_drawing, ready_drawings
from gan_viz.targets import make_target
from gan_viz.ui.playground.drawing import (
    BASELINE,
    SIZE_1D,
    SIZE_2D,
    WINDOW_1D,
    WINDOW_2D,
    canvas_strokes,
    drawing_from_canvas,
    ready_canvas,
    sketch_from_canvas,
    to_pixels,
)


def path(points, left=None, top=None, sw=7, origin="center"):
    """A freehand stroke as Fabric 7 exports it: M, then Q commands, then L."""
    p = np.asarray(points, float)
    cmds = [["M", *p[0]]] + [["Q", *a, *(a + b) / 2] for a, b in zip(p[1:-1], p[2:])]
    cmds.append(["L", *p[-1]])
    lo, hi = p.min(0), p.max(0)
    centre = (lo + hi) / 2
    obj = {"type": "Path", "path": cmds, "originX": origin, "originY": origin}
    obj |= {"width": hi[0] - lo[0], "height": hi[1] - lo[1], "strokeWidth": sw}
    obj |= {"left": centre[0] if left is None else left, "top": centre[1] if top is None else top}
    return obj


def test_a_stroke_comes_back_where_it_was_drawn_and_where_it_was_moved():
    pts = [[50, 100], [100, 60], [150, 100]]
    (got,) = canvas_strokes({"objects": [path(pts)]})
    assert got.min(0) == pytest.approx([50, 60]) and got.max(0) == pytest.approx([150, 100])
    (moved,) = canvas_strokes({"objects": [path(pts, left=120, top=90)]})
    np.testing.assert_allclose(moved - got, np.broadcast_to([20, 10], got.shape))
    # origin top-left: (left, top) is the corner of the box that holds the stroke's width too
    corner_obj = path(pts, left=50 - 3.5, top=60 - 3.5)
    corner_obj |= {"originX": "left", "originY": "top"}
    (corner,) = canvas_strokes({"objects": [corner_obj]})
    np.testing.assert_allclose(corner, got)


def test_a_clicked_point_is_the_centre_of_its_circle():
    # the point tool's circle: origin left/centre, left = x - (radius + strokeWidth / 2)
    dot = {"type": "Circle", "left": 40 - 7, "top": 80, "radius": 3, "strokeWidth": 8}
    dot |= {"originX": "left", "originY": "center"}
    (got,) = canvas_strokes({"objects": [dot]})
    np.testing.assert_allclose(got, [[40, 80]])


def test_the_canvas_maps_onto_the_plot_window():
    top_left, centre = [0, 0], [SIZE_2D[0] / 2, SIZE_2D[1] / 2]
    obj = {"objects": [path([top_left, [1, 1], centre], sw=0)]}
    pts = drawing_from_canvas(obj, std=0.05)
    np.testing.assert_allclose(pts[0], [WINDOW_2D[0, 0], WINDOW_2D[1, 1]])
    np.testing.assert_allclose(pts[-1], [0, 0], atol=0.02)
    step = np.hypot(*np.diff(pts, axis=0).T)
    assert step.max() <= 6 / 200 + 1e-9  # resampled evenly along the stroke


@pytest.mark.parametrize("name", [n for n, (d, _, _) in ready_drawings().items() if d == 2])
def test_a_ready_drawing_on_the_canvas_reads_back_as_itself(name):
    drawn = ready_drawings()[name][1]
    got = drawing_from_canvas(ready_canvas(name), std=0.05)
    np.testing.assert_allclose(got, drawn, atol=1e-9)


@pytest.mark.parametrize("name", [n for n, (d, _, _) in ready_drawings().items() if d == 1])
def test_a_ready_sketch_on_the_canvas_reads_back_as_the_same_density(name):
    original = make_target(TargetConfig("sketch", drawing=ready_drawings()[name][1]))
    pts = check_drawing(sketch_from_canvas(ready_canvas(name)), 1)
    again = make_target(TargetConfig("sketch", drawing=pts))
    x = np.linspace(*original.window[0], 301)[:, None]
    np.testing.assert_allclose(again.pdf(x), original.pdf(x), atol=1e-9)


def test_a_sketched_curve_becomes_control_points_with_zero_below_the_axis():
    x = np.linspace(-3.9, 3.9, 400)
    height = np.where(np.abs(x) < 2, 0.5, -0.05)  # a plateau; the ends drawn below the axis
    data = np.stack([x, BASELINE + (1 - BASELINE) * height], 1)
    obj = {"objects": [path(to_pixels(data, WINDOW_1D, SIZE_1D), sw=0)]}
    pts = sketch_from_canvas(obj)
    assert 30 <= len(pts) <= 40 and np.all(np.diff(pts[:, 0]) > 0)
    assert pts[np.abs(pts[:, 0]) > 2.3, 1].max() == 0
    np.testing.assert_allclose(pts[np.abs(pts[:, 0]) < 1.7, 1], 0.5, atol=0.02)


def test_nothing_drawn_gives_no_points():
    assert drawing_from_canvas(None, 0.05).shape == (0, 2)
    assert sketch_from_canvas({"objects": []}).shape == (0, 2)
