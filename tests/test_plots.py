"""Figure builders, tested as data: the traces, reference lines and styles the views promise
(DESIGN.md "Plot specs"), checked against the snapshot arrays they draw."""

import math

import numpy as np
import pytest

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.plots import palette
from gan_viz.plots.curves import MAX_POINTS, curves_figure, thin
from gan_viz.plots.view1d import figure_1d, z_extent
from gan_viz.plots.view2d import ARROW_SHARE, figure_2d
from gan_viz.plots.view2d import MAX_POINTS as MAX_2D
from gan_viz.snapshot import Snapshot
from gan_viz.toy import ToyGAN

TINY = dict(
    nets=NetConfig(g_hidden=8, g_depth=1, d_hidden=8, d_depth=1),
    optim=OptimConfig(batch=16),
    cadence=CadenceConfig(record_every=5, eval_samples=500, grid=32, show_samples=50),
)


UNIFORM_1D = NoiseConfig("uniform", 1)


def snapshot(target="gaussian", noise=UNIFORM_1D, steps=3) -> Snapshot:
    run = ToyGAN(RunConfig(target=TargetConfig(target), noise=noise, **TINY))
    run.train(steps)
    return run.snapshot()


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace named {name!r}"
    return found[0]


# --- 1-D --------------------------------------------------------------------------------------


def test_1d_view_draws_fig1_curves_in_the_house_colours():
    snap = snapshot()
    fig = figure_1d(snap)
    expected = {
        "p_data": (snap.p_data, palette.REAL, "dot", "y"),
        "p_g": (snap.p_g, palette.FAKE, "solid", "y"),
        "D(x)": (snap.d, palette.D, "dash", "y2"),
        "D*(x)": (snap.d_star, palette.D_STAR, "dashdot", "y2"),
    }
    for name, (values, colour, dash, yaxis) in expected.items():
        t = trace(fig, name)
        np.testing.assert_allclose(t.y, values, rtol=1e-6, equal_nan=True)
        np.testing.assert_allclose(t.x, snap.axes[0], rtol=1e-6)
        assert (t.line.color, t.line.dash, t.yaxis) == (colour, dash, yaxis)


def test_1d_view_puts_d_on_a_unit_axis_with_the_half_line():
    fig = figure_1d(snapshot())
    assert tuple(fig.layout.yaxis2.range) == (0, 1.02)
    assert fig.layout.yaxis2.overlaying == "y"
    halves = [s for s in fig.layout.shapes if s.yref == "y2" and s.y0 == s.y1 == 0.5]
    assert len(halves) == 1


def test_1d_mapping_arrows_start_on_the_z_line_and_end_at_g_of_z():
    snap = snapshot()
    fig = figure_1d(snap)
    arrows = trace(fig, "x = G(z)")
    xs, ys = np.asarray(arrows.x, float), np.asarray(arrows.y, float)
    k = len(snap.z_line)
    assert len(xs) == 3 * k
    np.testing.assert_allclose(xs[1::3], snap.x_line, rtol=1e-6)  # ends at x = G(z)
    assert np.all(ys[0::3] == 0) and np.all(ys[1::3] == 1)
    starts = xs[0::3]
    # The z-line is an increasing affine image of z: equal z gaps, equal drawn gaps.
    z_lo, z_hi = z_extent(snap.z_line)
    slope = np.diff(starts) / np.diff(snap.z_line)
    assert np.all(slope > 0) and np.allclose(slope, slope[0])
    assert (z_lo, z_hi) == (-1.0, 1.0)  # uniform noise
    assert np.all(np.asarray(arrows.marker.size)[1::3] > 0)  # an arrow head at each end
    assert np.all(np.asarray(arrows.marker.size)[0::3] == 0)


def test_1d_view_says_why_there_are_no_arrows_for_a_2d_noise():
    fig = figure_1d(snapshot(noise=NoiseConfig("normal", 2)))
    assert not [t for t in fig.data if t.name == "x = G(z)"]
    assert any("1-D z" in a.text for a in fig.layout.annotations)


def test_normal_noise_z_line_spans_its_quantiles():
    lo, hi = z_extent(np.array([-2.2, 0.0, 2.2]))
    assert lo < -2.2 and hi > 2.2 and lo == -hi


# --- 2-D --------------------------------------------------------------------------------------


def synthetic_2d(n=40, z_grid=True) -> Snapshot:
    rng = np.random.default_rng(0)
    ax = np.linspace(-2, 2, 16)
    d = 1 / (1 + np.exp(-np.add.outer(ax, ax)))  # (ny, nx)
    fake = rng.normal(size=(n, 2))
    return Snapshot(
        step=7,
        d_updates=7,
        g_updates=7,
        real=rng.normal(size=(n, 2)),
        fake=fake,
        axes=[ax, ax],
        d=d,
        p_data=np.ones_like(d),
        p_g=np.ones_like(d),
        d_star=np.full_like(d, 0.25),
        h=0.1,
        z_grid=rng.normal(size=(4, 10, 2)) if z_grid else None,
        g_arrows=rng.normal(size=(n // 2, 2)),
    )


def test_2d_heat_map_is_d_on_a_diverging_scale_centred_on_half():
    snap = synthetic_2d()
    fig = figure_2d(snap)
    heat = fig.data[0]
    assert heat.type == "heatmap"
    np.testing.assert_allclose(heat.z, snap.d, rtol=1e-6)
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)
    scale = {round(stop, 3): colour for stop, colour in heat.colorscale}
    assert scale[0.5].upper() == "#F7F7F7"  # white: D cannot tell real from fake
    assert scale[0.0] != scale[1.0]
    star = figure_2d(snap, heat="d_star").data[0]
    np.testing.assert_allclose(star.z, snap.d_star, rtol=1e-6)


def test_2d_samples_and_grid_in_the_house_colours():
    snap = synthetic_2d()
    fig = figure_2d(snap)
    real, fake = trace(fig, "real x ~ p_data"), trace(fig, "fake G(z) ~ p_g")
    assert real.marker.color == palette.REAL and fake.marker.color == palette.FAKE
    np.testing.assert_allclose(np.c_[fake.x, fake.y], snap.fake, rtol=1e-6)
    grid = trace(fig, "G(z-grid)")
    lines, points = snap.z_grid.shape[:2]
    assert len(grid.x) == lines * (points + 1)  # each line, then a break
    assert not [t for t in figure_2d(synthetic_2d(z_grid=False)).data if t.name == "G(z-grid)"]


def test_2d_gradient_arrows_point_along_the_gradient_longest_scaled_to_the_window():
    snap = synthetic_2d()
    fig = figure_2d(snap)
    arrows = trace(fig, "G's gradient")
    path = np.c_[np.asarray(arrows.x, float), np.asarray(arrows.y, float)].reshape(-1, 7, 2)
    start, end, barb_a, barb_b = path[:, 0], path[:, 1], path[:, 2], path[:, 5]
    assert np.array_equal(path[:, 4], end) and np.all(np.isnan(path[:, [3, 6]]))
    drawn = end - start
    g = snap.g_arrows
    np.testing.assert_allclose(start, snap.fake[: len(g)], rtol=1e-5, atol=1e-6)
    cross = drawn[:, 0] * g[:, 1] - drawn[:, 1] * g[:, 0]
    assert np.allclose(cross, 0, atol=1e-4) and np.all(np.sum(drawn * g, 1) > 0)
    width = snap.axes[0][-1] - snap.axes[0][0]
    assert np.linalg.norm(drawn, axis=1).max() == pytest.approx(ARROW_SHARE * width, rel=1e-4)
    # The barbs sit behind the tip, one on each side of the shaft, equally long.
    for barb in (barb_a, barb_b):
        assert np.all(np.sum((barb - end) * drawn, 1) < 0)
    side_a = drawn[:, 0] * (barb_a - end)[:, 1] - drawn[:, 1] * (barb_a - end)[:, 0]
    side_b = drawn[:, 0] * (barb_b - end)[:, 1] - drawn[:, 1] * (barb_b - end)[:, 0]
    assert np.all(np.sign(side_a) == -np.sign(side_b))
    np.testing.assert_allclose(
        np.linalg.norm(barb_a - end, axis=1), np.linalg.norm(barb_b - end, axis=1), rtol=1e-4
    )


def test_2d_view_draws_at_most_max_points_samples():
    snap = synthetic_2d(n=3 * MAX_2D)
    fig = figure_2d(snap)
    assert len(trace(fig, "fake G(z) ~ p_g").x) == MAX_2D
    assert len(trace(fig, "real x ~ p_data").x) == MAX_2D


def test_2d_view_from_a_real_run_has_equal_axes():
    snap = snapshot("ring8", NoiseConfig("normal", 2))
    fig = figure_2d(snap)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.range[0] == pytest.approx(snap.axes[0][0])


# --- curves -----------------------------------------------------------------------------------


def columns(n=50, modes=True) -> dict:
    steps = np.arange(n) * 10.0
    js = np.linspace(0.6, 0.01, n)
    out = {
        "step": steps,
        "js": js,
        "kl": js * 3,
        "rkl": js * 2,
        "v": -np.log(4) + js,
        "c": -np.log(4) + 2 * js,
        "d_real": np.full(n, 0.6),
        "d_fake": np.full(n, 0.4),
        "loss_d": np.ones(n),
        "loss_g": np.ones(n),
        "grad_d": np.ones(n),
        "grad_g": np.ones(n),
    }
    if modes:
        out |= {"modes": np.full(n, 5.0), "hq": np.full(n, 0.7)}
    return out


def panel_titles(fig) -> list[str]:
    return [a.text.split("</b>")[0][3:] for a in fig.layout.annotations if a.text.startswith("<b>")]


def ref_lines(fig, yref: str) -> list[float]:
    return [s.y0 for s in fig.layout.shapes if s.yref == yref and s.x0 == 0 and s.x1 == 1]


def test_curves_carry_the_theory_reference_lines():
    fig = curves_figure(columns())
    titles = panel_titles(fig)
    js_axis = f"y{titles.index('JS divergence (nats)') + 1}".replace("y1", "y")
    assert ref_lines(fig, js_axis) == [pytest.approx(math.log(2))]
    v_axis = f"y{titles.index('V(G, D) and C(G) (nats)') + 1}"
    assert ref_lines(fig, v_axis) == [pytest.approx(-math.log(4))]
    d_axis = f"y{titles.index('Mean D(x)') + 1}"
    assert ref_lines(fig, d_axis) == [0.5]


def test_curves_show_the_values_they_are_given():
    cols = columns()
    fig = curves_figure(cols)
    for name, key in (("JSD(p_data‖p_g)", "js"), ("D(fake)", "d_fake"), ("V(G, D)", "v")):
        np.testing.assert_allclose(trace(fig, name).y, cols[key], rtol=1e-6)
        np.testing.assert_allclose(trace(fig, name).x, cols["step"])
    assert fig.layout.hovermode == "x unified"


def test_bits_divide_divergences_by_ln2_and_leave_v_in_nats():
    cols = columns()
    fig = curves_figure(cols, bits=True)
    np.testing.assert_allclose(trace(fig, "JSD(p_data‖p_g)").y, cols["js"] / math.log(2), rtol=1e-6)
    np.testing.assert_allclose(trace(fig, "V(G, D)").y, cols["v"], rtol=1e-6)
    assert ref_lines(fig, "y") == [pytest.approx(1.0)]  # log 2 nats = 1 bit


def test_mode_panels_only_for_targets_with_several_modes():
    assert "Modes captured" not in panel_titles(curves_figure(columns(), n_modes=1))
    fig = curves_figure(columns(), n_modes=8)
    titles = panel_titles(fig)
    assert "Modes captured" in titles and "High-quality share" in titles
    axis = f"y{titles.index('Modes captured') + 1}"
    assert ref_lines(fig, axis) == [8.0]


def test_log_step_axis_drops_step_zero_and_is_shared():
    fig = curves_figure(columns(), log_steps=True)
    axes = [fig.layout[k] for k in fig.layout if k.startswith("xaxis")]
    assert axes and all(a.type == "log" for a in axes)
    assert all(a.matches in (None, "x") for a in axes)
    assert min(trace(fig, "JSD(p_data‖p_g)").x) > 0


def test_now_marks_the_scrubbed_step_in_every_panel():
    fig = curves_figure(columns(), now=120)
    marks = [s for s in fig.layout.shapes if s.x0 == s.x1 == 120]
    assert len(marks) == len(panel_titles(fig))


def test_long_runs_are_thinned_keeping_the_last_row():
    idx = thin(10_000)
    assert len(idx) <= MAX_POINTS + 1 and idx[0] == 0 and idx[-1] == 9_999
    assert np.array_equal(thin(30), np.arange(30))
    fig = curves_figure(columns(5000))
    assert len(trace(fig, "JSD(p_data‖p_g)").x) <= MAX_POINTS + 1


def test_every_panel_has_its_traces_before_the_first_step():
    first = {k: v[:1] for k, v in columns().items() if k not in ("loss_d", "loss_g")}
    first["grad_d"] = first["grad_g"] = np.array([np.nan])
    fig = curves_figure(first)
    used = {t.yaxis for t in fig.data}
    assert used == {"y"} | {f"y{i}" for i in range(2, len(panel_titles(fig)) + 1)}
    assert not any("n/a" in a.text for a in fig.layout.annotations)


def test_undefined_v_is_labelled_not_hidden():
    cols = columns()
    cols["v"] = np.full_like(cols["v"], np.nan)  # e.g. a WGAN critic
    fig = curves_figure(cols)
    assert any("V(G, D) (n/a here)" in a.text for a in fig.layout.annotations)


# --- shared: projector, zoom ------------------------------------------------------------------


@pytest.mark.parametrize("build", ["1d", "2d", "curves"])
def test_projector_mode_enlarges_type_and_lines_and_keeps_zoom_key(build):
    def make(projector):
        if build == "1d":
            return figure_1d(snapshot(), projector=projector, uirevision="r7")
        if build == "2d":
            return figure_2d(synthetic_2d(), projector=projector, uirevision="r7")
        return curves_figure(columns(), projector=projector, uirevision="r7")

    normal, big = make(False), make(True)
    assert big.layout.font.size > normal.layout.font.size
    widths = [
        (a.line.width, b.line.width)
        for a, b in zip(normal.data, big.data)
        if getattr(a, "line", None) is not None and a.line.width
    ]
    assert widths and all(b > a for a, b in widths)
    assert normal.layout.uirevision == big.layout.uirevision == "r7"
