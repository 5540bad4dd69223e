"""Panel 2: f-GAN, variational divergence minimisation (Nowozin et al. 2016), live."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gan_viz.config import TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.plots import theory as plots
from gan_viz.targets import make_target
from gan_viz.theory import divergences, fgan
from gan_viz.ui.theory import common

KEY_A, KEY_B = "theory.fgan_a", "theory.fgan_b"
CRITIC_STEPS_PER_FRAME = 50
FIT_ITERATIONS_PER_FRAME = 15
MAX_CRITIC_STEPS, MAX_FIT_ITERATIONS = 4000, 3000
TARGETS = ["bimodal", "gaussian", "mixture"]  # 1-D Gaussian mixtures: D_f by quadrature

TEXT_A = """
**Claim.** Every f-divergence has a variational lower bound:
D_f(P‖Q) ≥ sup_T E_P[T] − E_Q[f\\*(T)], tight at T\\* = f′(p/q) (Nowozin et al. 2016, Eq. 4).
A critic T = g_f(V_w) trained to push the bound up *measures* D_f.

**What to look for.** With p_g fixed, the blue curve (the bound of the current critic, an
integral over a fine grid) climbs toward the orange line, D_f computed by adaptive quadrature;
it never crosses it. Below, the learned T(x) approaches T\\*(x) wherever the data are.
"""

TEXT_B = """
**Claim.** Minimising different f-divergences over the same model gives different fits. Here
G is a single Gaussian N(μ, σ²) and p_data has two modes, so no fit is perfect: KL(p_data‖G)
(what maximum likelihood minimises) punishes missing data and **spreads over both modes**;
reverse KL(G‖p_data) punishes mass where there is no data and **sits on one mode**.

**What to look for.** G plays the saddle-point game (critic up, G down the same bound) and its
(μ, σ) walks across the landscape of D_f to the cross, the minimiser that scipy.optimize finds
by direct numerical minimisation of the true D_f. Compare KL with reverse KL, then the others.
"""


@st.cache_data(show_spinner=False, max_entries=64)
def _exact(name: str, target: str, mu0: float, sigma0: float) -> tuple[float, float]:
    return divergences.exact_fit(name, make_target(TargetConfig(target)), mu0, sigma0)


@st.cache_data(show_spinner=False, max_entries=32)
def _landscape(name: str, target: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = make_target(TargetConfig(target))
    lo, hi = float(p.window[0, 0]), float(p.window[0, 1])
    mus = np.linspace(lo, hi, 61)
    sigmas = np.linspace(0.1, 0.45 * (hi - lo), 50)
    return mus, sigmas, divergences.divergence_landscape(name, p, mus, sigmas)


@st.cache_data(show_spinner=False, max_entries=8)
def _every_exact(target: str, mu0: float, sigma0: float) -> pd.DataFrame:
    rows = []
    for name, div in fgan.F_DIVERGENCES.items():
        mu, sigma = _exact(name, target, mu0, sigma0)
        rows.append({"f": div.label, "μ*": round(mu, 3), "σ*": round(sigma, 3)})
    return pd.DataFrame(rows)


def render() -> None:
    st.header("2 · f-GAN: variational divergence minimisation")
    labels = {div.label: name for name, div in fgan.F_DIVERGENCES.items()}
    c1, c2 = st.columns(2)
    name = labels[c1.selectbox("f-divergence", list(labels), key="theory.fgan.f")]
    target = c2.selectbox("p_data (a 1-D Gaussian mixture)", TARGETS, key="theory.fgan.target")
    st.subheader("(a) The bound rises to the true divergence")
    st.markdown(TEXT_A)
    _render_bound(name, target)
    st.subheader("(b) A single Gaussian fitted by the f-GAN game")
    st.markdown(TEXT_B)
    _render_fit(name, target)


def _render_bound(name: str, target: str) -> None:
    c1, c2, _ = st.columns(3)
    mean = c1.number_input("p_g mean", value=0.0, key=f"{KEY_A}.mean")
    std = c2.number_input("p_g std", value=1.0, key=f"{KEY_A}.std")
    try:
        p = make_target(TargetConfig(target))
        q = divergences.gaussian_law(mean, std)
        lab = common.session_object(
            KEY_A, (name, target, mean, std), lambda: fgan.VariationalBound(name, p, q)
        )
    except ConfigError as err:
        common.show_error(err)
        return
    if common.run_controls(KEY_A, f"Step critic × {CRITIC_STEPS_PER_FRAME * 5}"):
        lab.step(CRITIC_STEPS_PER_FRAME * 5)
        lab.record()
    common.live(KEY_A, lambda advance: _bound_frame(lab, advance))


def _bound_frame(lab: fgan.VariationalBound, advance: bool) -> None:
    if advance:
        lab.step(CRITIC_STEPS_PER_FRAME)
        lab.record()
        if lab.steps >= MAX_CRITIC_STEPS or lab.diverged:
            common.set_running(KEY_A, False)
            st.rerun(scope="app")
    if lab.diverged:
        st.error(f"The critic stopped: {lab.diverged}. Reset to start again.")
    bound = lab.history["bound"][-1]
    cols = st.columns(4)
    cols[0].metric("critic steps", f"{lab.steps:,}")
    cols[1].metric("bound E_P[T] − E_Q[f*(T)]", f"{bound:.4f}")
    cols[2].metric("D_f by quadrature", f"{lab.true:.4f}")
    gap = (lab.true - bound) / abs(lab.true) if lab.true else float("nan")
    cols[3].metric("shortfall", f"{100 * gap:.1f} %", help="(D_f − bound) / |D_f|")
    proj = common.projector()
    st.plotly_chart(
        plots.fgan_bound(
            np.asarray(lab.history["step"]),
            np.asarray(lab.history["bound"]),
            lab.true,
            lab.div.label,
            proj,
        ),
        key=f"{KEY_A}.bound",
        width="stretch",
    )
    x, cell = lab.grid.axes[0], lab.grid.cell
    t, _ = lab.critic()
    st.plotly_chart(
        plots.fgan_critic(x, t, lab.t_star(), lab.mass_p / cell, lab.mass_q / cell, proj),
        key=f"{KEY_A}.critic",
        width="stretch",
    )


def _render_fit(name: str, target: str) -> None:
    c1, c2, _ = st.columns(3)
    mu0 = c1.number_input("G's initial μ", value=0.5, key=f"{KEY_B}.mu0")
    sigma0 = c2.number_input("G's initial σ", value=0.5, key=f"{KEY_B}.sigma0")
    try:
        p = make_target(TargetConfig(target))
        divergences.gaussian_law(mu0, sigma0)
        start_reason = divergences.why_undefined(name, p, divergences.gaussian_law(mu0, sigma0))
        if start_reason is not None:
            raise ConfigError("f-divergence", name, f"an f finite at G's start ({start_reason})")
        lab = common.session_object(
            KEY_B,
            (name, target, mu0, sigma0),
            lambda: fgan.GaussianFit(name, p, fgan.FitConfig(mu0=mu0, sigma0=sigma0)),
        )
        with st.spinner("Minimising D_f directly (scipy.optimize)…"):
            exact = _exact(name, target, float(mu0), float(sigma0))
    except ConfigError as err:
        common.show_error(err)
        return
    if common.run_controls(KEY_B, f"Step game × {FIT_ITERATIONS_PER_FRAME * 10}"):
        lab.step(FIT_ITERATIONS_PER_FRAME * 10)
    common.live(KEY_B, lambda advance: _fit_frame(lab, target, exact, advance))
    if st.button("Minimise every f directly (scipy.optimize, ~15 s)", key=f"{KEY_B}.every"):
        with st.spinner("Minimising seven divergences…"):
            st.session_state[f"{KEY_B}.table"] = _every_exact(target, float(mu0), float(sigma0))
    if f"{KEY_B}.table" in st.session_state:
        st.dataframe(st.session_state[f"{KEY_B}.table"], hide_index=True)


def _fit_frame(lab: fgan.GaussianFit, target: str, exact, advance: bool) -> None:
    if advance:
        lab.step(FIT_ITERATIONS_PER_FRAME)
        if lab.iterations >= MAX_FIT_ITERATIONS or lab.diverged:
            common.set_running(KEY_B, False)
            st.rerun(scope="app")
    if lab.diverged:
        st.error(f"The game stopped: {lab.diverged}. Reset to start again.")
    mu, sigma = lab.estimate()
    cols = st.columns(4)
    cols[0].metric("iterations", f"{lab.iterations:,}")
    cols[1].metric(
        "G: (μ, σ)",
        f"({mu:.3f}, {sigma:.3f})",
        help="mean over the last 20% of iterations (Polyak averaging)",
    )
    cols[2].metric("argmin D_f: (μ*, σ*)", f"({exact[0]:.3f}, {exact[1]:.3f})")
    cols[3].metric("max error", f"{max(abs(mu - exact[0]), abs(sigma - exact[1])):.3f}")
    proj = common.projector()
    x = np.linspace(*lab.p.window[0], 600)
    st.plotly_chart(
        plots.fgan_fit(x, lab.p.pdf(x[:, None]), (mu, sigma), exact, lab.div.label, proj),
        key=f"{KEY_B}.fit",
        width="stretch",
    )
    with st.spinner("Drawing the landscape of D_f…"):
        mus, sigmas, values = _landscape(lab.name, target)
    st.plotly_chart(
        plots.fgan_landscape(
            mus,
            sigmas,
            values,
            np.asarray(lab.history["mu"]),
            np.asarray(lab.history["sigma"]),
            exact,
            proj,
        ),
        key=f"{KEY_B}.landscape",
        width="stretch",
    )
