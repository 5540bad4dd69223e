"""Each lesson preset shows what its caption promises, checked on the numbers the curves draw.

Short runs of the real presets (the iteration counts where the effect is already plain), with
the metric row taken only at the end: these are the claims a teacher reads out in class.
"""

import math

import numpy as np
import pytest
import torch

from gan_viz.presets import PRESETS
from gan_viz.toy import ToyGAN

pytestmark = pytest.mark.slow
LOG2, LOG4 = math.log(2), math.log(4)


@pytest.fixture(autouse=True)
def one_thread():
    """Toy nets train fastest on one thread (as the app's training process does); on a busy
    machine two threads' OpenMP barriers make these runs 10x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run(name: str, steps: int, record_every: int = 10**6, seed: int = 0) -> ToyGAN:
    cfg = PRESETS[name].config.replace(
        seed=seed, cadence={"record_every": record_every, "eval_samples": 4000}
    )
    game = ToyGAN(cfg)
    game.train(steps)
    game.record()
    assert game.diverged is None
    return game


def test_fig1_p_g_reaches_p_data_and_d_flattens_to_half():
    last = run("fig1", 1200).history.last_row()
    assert last["js"] < 0.1
    assert abs(last["d_real"] - 0.5) < 0.05 and abs(last["d_fake"] - 0.5) < 0.05


def test_saturating_loss_starves_g_and_the_nonsaturating_switch_wakes_it():
    game = run("saturating", 300)
    stuck = game.history.last_row()
    assert stuck["js"] > 0.65  # p_g has not left its start: JS ~ log 2
    assert stuck["d_fake"] < 0.01 and stuck["grad_g"] < 1e-2
    game.update(game.cfg.replace(objective={"name": "nonsaturating"}))
    game.train(600)
    game.record()
    awake = game.history.last_row()
    assert game.diverged is None and awake["js"] < 0.15


def test_nonsaturating_loss_moves_p_g_onto_p_data_within_a_few_hundred_iterations():
    last = run("nonsaturating", 500).history.last_row()
    assert last["js"] < 0.1


def test_strong_discriminator_sits_on_d_star_and_g_stalls_on_one_mode():
    game = run("strong-d", 300, record_every=50)
    rows = game.history.columns()
    late = rows["step"] >= 150
    # D near its optimum: V(G, D) close to C(G) = max_D V = -log 4 + 2 JSD.
    assert np.all(np.abs(rows["v"][late] - rows["c"][late]) < 0.06)
    # G covers one of the two modes and stays there: JS near the one-missed-mode value.
    assert np.all((rows["js"][late] > 0.15) & (rows["js"][late] < 0.3))


def test_learning_rates_out_of_balance_keep_the_game_swinging():
    rows = run("lr-imbalance", 2000, record_every=25).history.columns()
    late = rows["step"] >= 1000
    assert np.median(rows["js"][late]) > 0.25
    assert np.std(rows["w1"][late]) > 0.1  # p_g keeps moving back and forth
    gap = np.sign(rows["d_real"][late] - rows["d_fake"][late])
    assert np.sum(gap[1:] != gap[:-1]) >= 5  # D keeps changing its mind


def test_equilibrium_reaches_half_zero_and_minus_log_four():
    game = run("equilibrium", 2500)
    last = game.history.last_row()
    assert last["js"] < 0.02
    assert abs(last["v"] + LOG4) < 0.01
    assert abs(last["d_real"] - 0.5) < 0.03 and abs(last["d_fake"] - 0.5) < 0.03
    snap = game.snapshot()
    where_data = snap.p_data > 0.05 * snap.p_data.max()
    assert np.all(np.abs(snap.d[where_data] - 0.5) < 0.06)  # D(x) flat on the 1/2 line
