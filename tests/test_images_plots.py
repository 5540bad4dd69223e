"""Image-mode figures, tested as data: what each trace holds, reference lines, palette colours."""

import math

import numpy as np
import plotly.graph_objects as go

from gan_viz.images.mosaic import GUTTER, GUTTER_LEVEL, tile
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.plots import images as plots
from gan_viz.plots.palette import ACCENT, FAKE, REAL


def snapshot(conditional=False) -> ImageSnapshot:
    rng = np.random.default_rng(0)
    return ImageSnapshot(
        step=300,
        d_updates=300,
        g_updates=300,
        grid=rng.integers(0, 256, (16, 28, 28), dtype=np.uint8),
        grid_class=np.arange(16) % 10,
        grid_confidence=np.r_[np.full(12, 0.95), np.full(4, 0.5)].astype(np.float32),
        class_counts=np.array([100, 90, 110, 100, 100, 100, 100, 100, 100, 100]),
        recognised_counts=np.array([80, 70, 90, 80, 80, 80, 80, 80, 80, 80]),
        d_real=rng.uniform(0.4, 0.9, 250).astype(np.float32),
        d_fake=rng.uniform(0.1, 0.6, 250).astype(np.float32),
        metrics={"step": 300},
        grid_labels=np.arange(16) % 10 if conditional else None,
    )


def columns(conditional=False):
    steps = np.array([0.0, 100.0, 200.0])
    cols = {
        "step": steps,
        "fd": np.array([900.0, 300.0, 100.0]),
        "fd_floor": np.full(3, 5.0),
        "covered": np.array([0.0, 4.0, 9.0]),
        "class_kl": np.array([2.3, 0.5, 0.1]),
        "d_real": np.array([0.5, 0.7, 0.6]),
        "d_fake": np.array([0.5, 0.3, 0.4]),
        "loss_d": np.array([np.nan, 1.0, 1.2]),
        "loss_g": np.array([np.nan, 0.9, 0.8]),
        "grad_d": np.array([np.nan, 3.0, 2.0]),
        "grad_g": np.array([np.nan, 1.0, 1.5]),
    }
    shares = np.zeros((3, 10))
    shares[0, 8] = 1.0
    shares[1:] = 0.1
    cols.update({f"class_{c}": shares[:, c] for c in range(10)})
    if conditional:
        cols["label_accuracy"] = np.array([0.1, 0.5, 0.9])
    return cols


def test_mosaic_places_each_digit_in_its_tile_with_gutters():
    images = np.stack([np.full((28, 28), 10 * i, np.uint8) for i in range(5)])
    picture = tile(images, cols=3)
    assert picture.shape == (2 * 28 + GUTTER, 3 * 28 + 2 * GUTTER)
    assert (picture[:28, 30:58] == 10).all() and (picture[30:, 30:58] == 40).all()
    assert (picture[28:30] == GUTTER_LEVEL).all() and (picture[30:, 60:] == GUTTER_LEVEL).all()


def test_grid_figure_shows_the_tiled_digits_and_labels_each_with_class_and_confidence():
    snap = snapshot()
    fig = plots.grid_figure(snap, cols=4)
    (heat,) = fig.data
    assert isinstance(heat, go.Heatmap)
    np.testing.assert_array_equal(np.asarray(heat.z), tile(snap.grid, 4))
    assert (heat.zmin, heat.zmax) == (0, 255) and fig.layout.yaxis.autorange == "reversed"
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "0 95%" and texts[13] == "3 50%"
    colours = [a.font.color for a in fig.layout.annotations]
    assert colours[0] == ACCENT and colours[13] != ACCENT
    assert "75% recognised" in fig.layout.title.text and "step 300" in fig.layout.title.text
    cond = plots.grid_figure(snapshot(conditional=True), cols=4)
    assert cond.layout.annotations[7].text == "7→7 95%"


def test_evolution_strip_is_thinned_and_labelled_by_step():
    steps = np.arange(0, 4000, 100)
    images = np.zeros((len(steps), 28, 28), np.uint8)
    fig = plots.grid_evolution(steps, images, max_frames=8)
    labels = [a.text for a in fig.layout.annotations]
    assert len(labels) == 8 and labels[0] == "0" and labels[-1] == "3900"
    assert np.asarray(fig.data[0].z).shape == (28, 8 * 30 - GUTTER)
    assert np.asarray(plots.interpolation_strip(images[:5]).data[0].z).shape == (28, 5 * 30 - 2)


def test_a_judged_interpolation_is_labelled_like_the_grid_and_counts_the_recognised():
    images = np.zeros((4, 28, 28), np.uint8)
    fig = plots.interpolation_strip(
        images, classes=np.array([7, 7, 9, 9]), confidence=np.array([0.99, 0.6, 0.55, 0.97])
    )
    assert [a.text for a in fig.layout.annotations] == ["7 99%", "7 60%", "9 55%", "9 97%"]
    colours = [a.font.color for a in fig.layout.annotations]
    assert colours[0] == colours[3] == ACCENT and ACCENT not in colours[1:3]
    assert fig.layout.title.text.endswith(": 2 of 4 recognised")


def test_class_share_over_time_has_a_row_per_digit_and_a_column_per_evaluation():
    fig = plots.class_share_over_time(columns())
    (heat,) = fig.data
    z = np.asarray(heat.z)
    assert z.shape == (10, 3) and z[8, 0] == 1.0 and np.allclose(z[:, 1], 0.1)
    assert list(heat.x) == [0, 100, 200]


def test_class_histogram_and_d_outputs_use_the_palette_and_reference_lines():
    snap = snapshot()
    fig = plots.class_histogram(snap)
    assert [list(t.y) for t in fig.data] == [list(snap.class_counts), list(snap.recognised_counts)]
    assert fig.layout.shapes[0].y0 == 100.0  # uniform: 1,000 / 10
    fig = plots.d_outputs(snap)
    real, fake = fig.data
    assert real.marker.color == REAL and fake.marker.color == FAKE
    np.testing.assert_array_equal(real.x, snap.d_real)
    assert fig.layout.shapes[0].x0 == 0.5


def test_metric_curves_draw_each_metric_with_its_reference_line():
    fig = plots.image_metric_curves(columns())
    names = [t.name for t in fig.data]
    assert names[:3] == ["Fréchet distance", "real-vs-real floor", "digits covered (of 10)"]
    assert "label accuracy" not in " ".join(names).lower()
    refs = sorted(round(s.y0, 4) for s in fig.layout.shapes)
    assert refs == sorted([10.0, round(math.log(10), 4), 0.5])
    fd = next(t for t in fig.data if t.name == "Fréchet distance")
    assert list(fd.y) == [900.0, 300.0, 100.0] and fd.line.color == FAKE
    cond = plots.image_metric_curves(columns(conditional=True), log_x=True)
    assert any(t.name == "classified as the digit asked for" for t in cond.data)
    assert cond.layout.xaxis.type == "log"
