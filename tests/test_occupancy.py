"""The mode-occupancy heat strip, as data: arrays from a History, and the figure's traces."""

import numpy as np
import plotly.graph_objects as go
import pytest

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.history import History
from gan_viz.plots.occupancy import Occupancy, occupancy_arrays, occupancy_figure
from gan_viz.snapshot import Snapshot
from gan_viz.toy import ToyGAN


def _snap(step, counts, hq):
    z = np.zeros((4, 4))
    return Snapshot(
        step=step,
        d_updates=step,
        g_updates=step,
        real=np.zeros((3, 2)),
        fake=np.zeros((3, 2)),
        axes=[np.arange(4.0), np.arange(4.0)],
        d=z,
        p_data=z,
        p_g=z,
        d_star=z,
        h=0.1,
        metrics={"hq": hq, "modes": int((np.asarray(counts) > 0).sum())},
        mode_counts=np.asarray(counts),
        mode_centres=np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.0, -2.0]]),
    )


def test_shares_are_hq_times_the_mode_histogram_of_hq_samples():
    history = History()
    history.add_snapshot(_snap(0, [0, 0, 0, 0], 0.0))  # nothing near any mode
    history.add_snapshot(_snap(10, [900, 0, 0, 0], 0.9))  # collapsed on mode 1, 90% HQ
    history.add_snapshot(_snap(20, [0, 250, 250, 0], 0.2))  # two modes, mostly between them
    occ = occupancy_arrays(history)
    np.testing.assert_array_equal(occ.steps, [0, 10, 20])
    np.testing.assert_allclose(
        occ.share, [[0, 0, 0, 0], [0.9, 0, 0, 0], [0, 0.1, 0.1, 0]], atol=1e-12
    )
    assert occ.n_modes == 4 and occ.centres.shape == (4, 2)


def test_arrays_skip_snapshots_without_mode_counts_and_none_when_there_are_none():
    snap = _snap(5, [1, 2, 3, 4], 0.5)
    bare = _snap(6, [1, 1, 1, 1], 0.5)
    bare.mode_counts = None
    assert occupancy_arrays([bare]) is None
    occ = occupancy_arrays([snap, bare])
    assert list(occ.steps) == [5]


def test_figure_is_a_modes_by_time_heatmap_with_captured_modes_below():
    occ = Occupancy.from_counts(
        [0, 100, 200], [[5, 0, 0, 0], [0, 5, 0, 0], [2, 2, 2, 2]], [1, 1, 1]
    )
    fig = occupancy_figure(occ)
    heat, line = fig.data
    assert isinstance(heat, go.Heatmap) and isinstance(line, go.Scatter)
    np.testing.assert_array_equal(heat.x, [0, 100, 200])
    np.testing.assert_allclose(np.asarray(heat.z), [[1, 0, 0.25], [0, 1, 0.25], [0, 0, 0.25],
                                                    [0, 0, 0.25]])  # fmt: skip
    assert list(heat.y) == ["1", "2", "3", "4"]  # no centres given: numbers only
    assert heat.zmin == 0 and heat.zmax == pytest.approx(0.5)  # twice the fair share 1/4
    np.testing.assert_array_equal(line.y, [1, 1, 4])
    assert fig.layout.uirevision == "occupancy"
    big = occupancy_figure(occ, projector=True)
    assert big.layout.font.size > fig.layout.font.size


def test_a_real_run_yields_one_column_per_snapshot_matching_its_metrics():
    cfg = RunConfig(
        target=TargetConfig("ring8"),
        noise=NoiseConfig("normal", 2),
        nets=NetConfig(g_hidden=32, d_hidden=32),
        optim=OptimConfig(batch=64, lr_d=1e-3, lr_g=1e-3),
        cadence=CadenceConfig(record_every=20, eval_samples=2500, grid=32, show_samples=50),
    )
    run = ToyGAN(cfg)
    run.train(100)
    occ = occupancy_arrays(run.history)
    snaps = run.history.snapshots()
    assert list(occ.steps) == [s.step for s in snaps] == [0, 20, 40, 60, 80, 100]
    assert occ.share.shape == (6, 8)
    np.testing.assert_allclose(occ.share.sum(1), [s.metrics["hq"] for s in snaps], atol=1e-12)
    np.testing.assert_array_equal((occ.share > 0).sum(1), [s.metrics["modes"] for s in snaps])
    fig = occupancy_figure(occ)
    assert fig.data[0].y[0].startswith("1 (2.0, 0.0)")
