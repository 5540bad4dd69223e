"""The Theory lab page under Streamlit's AppTest: it loads, its step-wise objects advance, and
bad input gives a one-line message instead of a traceback. (AppTest cannot render plotly; the
figures are tested as data below, the page in a real browser in test_theory_browser.py.)"""

import math

import numpy as np
import pytest
import torch

from gan_viz.plots import theory as plots
from gan_viz.theory import dirac
from tests.pages import page_test


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def page():
    at = page_test("theory", 300).run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_the_page_shows_one_section_per_claim(page):
    assert [h.value for h in page.header] == [
        "1 · The optimal discriminator",
        "2 · f-GAN: variational divergence minimisation",
        "3 · Dirac-GAN dynamics",
        "4 · Maximum likelihood against the GAN",
    ]
    assert not page.error
    assert _metric(page, "C(G) = −log 4 + 2 JSD") == "-0.6537"
    assert _metric(page, "D_f by quadrature") == "1.6251"  # KL(bimodal || N(0, 1))


def test_stepping_d_closes_the_gap_to_d_star(page):
    gap0 = float(_metric(page, "gap |D − D*|"))
    page.button(key="theory.optimal_d.step").click().run()
    assert _metric(page, "D steps") == "300"
    assert float(_metric(page, "gap |D − D*|")) < gap0 / 3
    page.radio(key="theory.optimal_d.pg").set_value("p_g = p_data (Theorem 1)").run()
    assert float(_metric(page, "C(G) = −log 4 + 2 JSD")) == pytest.approx(-math.log(4), abs=1e-4)
    assert _metric(page, "D steps") == "0"  # a new p_g is a new experiment


def test_the_dirac_gan_runs_to_the_end_and_spirals_out(page):
    page.button(key="theory.dirac.step").click().run()
    assert float(_metric(page, "gan: distance")) > 1.41
    assert float(_metric(page, "r1: distance")) < 0.05


@pytest.mark.parametrize(
    "key,value,words",
    [
        ("theory.dirac.h", 0.0, "step size h: got 0.0"),
        ("theory.dirac.h", -0.5, "step size h: got -0.5"),
        ("theory.dirac.gamma", -1.0, "gamma: got -1.0"),
        ("theory.dirac.sigma", -0.1, "instance noise sigma: got -0.1"),
        ("theory.fgan_a.std", -1.0, "p_g: got"),
        ("theory.mle.k", 0, "mixture components K: got 0"),
    ],
)
def test_bad_input_gives_one_clear_line(page, key, value, words):
    old = page.number_input(key=key).value
    page.number_input(key=key).set_value(value).run()
    assert not page.exception
    messages = [e.value for e in page.error]
    assert any(words in m and "Allowed:" in m for m in messages), messages
    page.number_input(key=key).set_value(old).run()
    assert not page.error


def test_an_f_undefined_for_the_pair_is_refused_by_name(page):
    page.selectbox(key="theory.fgan.f").set_value("Neyman chi^2").run()
    messages = [e.value for e in page.error]
    assert any("neyman" in m and "infinite" in m for m in messages), messages
    assert not page.exception
    page.selectbox(key="theory.fgan.f").set_value("Kullback-Leibler KL(P||Q)").run()
    assert not page.error


def test_em_with_as_many_components_as_modes_fits_the_ring(page):
    page.selectbox(key="theory.mle.target").set_value("ring of 8 (2-D)").run()
    page.number_input(key="theory.mle.k").set_value(8).run()
    assert not page.exception and not page.error
    kl, rkl = (float(v) for v in _metric(page, "EM: KL / reverse KL").split(" / "))
    assert kl < 0.1 and rkl < 0.1
    gan_kl = float(_metric(page, "GAN: KL / reverse KL").split(" / ")[0])
    assert gan_kl > kl  # the untrained GAN is far off


# --- the figures, as data ---------------------------------------------------------------------


def test_optimal_d_figure_draws_d_and_d_star_on_the_right_axis():
    x = np.linspace(-3, 3, 50)
    fig = plots.optimal_d_1d(x, np.ones(50), np.ones(50), np.full(50, 0.4), np.full(50, 0.5))
    by_name = {t.name: t for t in fig.data}
    assert by_name["D(x), learned"].yaxis == "y2" and by_name["p_data"].yaxis in (None, "y")
    assert list(by_name["D*(x) = p_data / (p_data + p_g)"].y) == [0.5] * 50
    long = plots.optimal_d_1d(*(np.linspace(0, 1, 2048),) * 5)
    assert all(len(t.x) <= plots.MAX_POINTS for t in long.data if t.x is not None)
    assert fig.layout.yaxis2.range == (0, 1)


def test_dirac_figure_has_the_field_every_path_and_the_equilibrium():
    cfg = dirac.DiracConfig()
    games = {m: dirac.DiracGame(dirac.DiracConfig(m)) for m in ("gan", "r1")}
    for g in games.values():
        g.step(50)
    fig = plots.dirac_field(*dirac.field_grid(cfg), {k: g.points() for k, g in games.items()})
    names = [t.name for t in fig.data]
    assert names[0] == "field v" and "gan" in names and "r1" in names
    gan = next(t for t in fig.data if t.name == "gan")
    np.testing.assert_allclose(gan.x, games["gan"].points()[:, 0])
    assert "equilibrium (0, 0)" in names


def test_divergence_bars_show_both_models_and_three_divergences():
    fig = plots.divergence_bars(
        {"gmm": {"kl": 0.7, "rkl": 1.9, "js": 0.1}, "gan": {"kl": 3.0, "rkl": 0.2, "js": 0.2}}
    )
    assert len(fig.data) == 2
    assert list(fig.data[0].y) == [0.7, 1.9, 0.1] and list(fig.data[1].y) == [3.0, 0.2, 0.2]


def test_2d_d_star_is_blank_where_neither_law_has_mass():
    axes = [np.linspace(-2, 2, 8), np.linspace(-1, 1, 6)]
    mass = np.zeros((6, 8))
    mass[2:4, 3:5] = 1.0
    fig = plots.optimal_d_2d(axes, np.full((6, 8), 0.3), np.full((6, 8), 0.5), mass)
    d, d_star, diff = (np.asarray(t.z, float) for t in fig.data)
    assert np.all(np.isfinite(d))
    assert np.isnan(d_star[0, 0]) and d_star[2, 3] == 0.5
    np.testing.assert_allclose(diff[2:4, 3:5], 0.2)
    assert np.isnan(diff[5, 7])


def test_mle_densities_draw_three_heat_maps_on_one_scale_in_2d():
    axes = [np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)]
    fields = [np.full((4, 5), v) for v in (1.0, 2.0, 3.0)]
    fig = plots.mle_densities(axes, *fields, components=2)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert {t.zmax for t in fig.data} == {3.0}
