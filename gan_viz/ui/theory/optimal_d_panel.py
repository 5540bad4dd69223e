"""Panel 1: the optimal discriminator (Goodfellow et al. 2014, Prop. 1 and Thm. 1), live."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from gan_viz.config import TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.plots import theory as plots
from gan_viz.presets import default_config
from gan_viz.targets import make_target
from gan_viz.theory.divergences import gaussian_law
from gan_viz.theory.optimal_d import GeneratorLaw, OptimalD, OptimalDConfig
from gan_viz.toy import ToyGAN
from gan_viz.ui.theory import common

KEY = "theory.optimal_d"
STEPS_PER_FRAME = 60
MAX_STEPS = 5000  # the live run pauses itself here: D has long converged
TARGETS_1D = ["bimodal", "gaussian", "mixture", "uniform", "laplace", "lognormal"]
# 2-D targets with D* smooth enough for a small MLP and a 96 x 96 grid to show it
TARGETS_2D = {
    "four Gaussians": TargetConfig("ring8", {"modes": 4, "radius": 1.5, "std": 0.4}),
    "gaussian2d": TargetConfig("gaussian2d"),
    "two_moons": TargetConfig("two_moons", {"noise": 0.15}),
}
P_G_CHOICES = ["a Gaussian you choose", "p_g = p_data (Theorem 1)", "a generator trained briefly"]

TEXT = """
**Claim.** For a fixed generator, the best discriminator is
D\\*(x) = p_data(x) / (p_data(x) + p_g(x)) (Prop. 1), and at D\\* the value function equals
C(G) = −log 4 + 2·JSD(p_data‖p_g) (Thm. 1): −log 4 exactly when p_g = p_data, with D\\* = ½.

**What to look for.** Press *Run*: G is frozen, only D learns (Adam on fresh minibatches).
The blue dashed D settles onto the grey dash-dot D\\*; the gap (mean |D − D\\*| where the data
live) falls, and V(G, D) climbs to the line C(G) and stops there: no D does better.
Choose *p_g = p_data*: D flattens onto the ½ line and V reaches −log 4 ≈ −1.386.
V, C(G) and the gap are integrals on a fine grid with exact cell masses, not minibatch noise.
"""


def _build_p_g(dim: int, choice: str, p_data_cfg: TargetConfig, mean, std, trained_steps: int):
    p_data = make_target(p_data_cfg)
    if choice == P_G_CHOICES[1]:
        return p_data
    if choice == P_G_CHOICES[2]:
        cfg = default_config(p_data_cfg.name).replace(
            target=p_data_cfg, cadence={"record_every": max(trained_steps, 1), "eval_samples": 1000}
        )
        toy = ToyGAN(cfg)
        toy.train(trained_steps)
        if toy.diverged:
            raise ConfigError("trained generator", toy.diverged, "a run that stays finite")
        return GeneratorLaw(toy)
    if dim == 1:
        return gaussian_law(mean[0], std[0])
    if not (all(math.isfinite(m) for m in mean) and all(s > 0 for s in std)):
        raise ConfigError("p_g", f"N({mean}, {std})", "finite means and stds > 0")
    return make_target(TargetConfig("gaussian2d", {"mean": list(mean), "std": list(std)}))


def render() -> None:
    st.header("1 · The optimal discriminator")
    st.markdown(TEXT)
    c1, c2, c3 = st.columns(3)
    dim = (
        1
        if c1.radio("Dimension", ["1-D", "2-D"], horizontal=True, key=f"{KEY}.dim") == "1-D"
        else 2
    )
    if dim == 1:
        name = c1.selectbox("p_data", TARGETS_1D, key=f"{KEY}.target1")
        p_data_cfg = TargetConfig(name)
    else:
        label = c1.selectbox("p_data", list(TARGETS_2D), key=f"{KEY}.target2")
        p_data_cfg = TARGETS_2D[label]
    choice = c2.radio("Frozen p_g", P_G_CHOICES, key=f"{KEY}.pg")
    mean, std, trained = (0.0,) * dim, (1.0,) * dim, 300
    if choice == P_G_CHOICES[0]:
        mean = tuple(
            c2.number_input(
                f"p_g mean{'' if dim == 1 else ' ' + ax}", value=0.0, key=f"{KEY}.m{ax}"
            )
            for ax in ("xy"[:dim])
        )
        std = tuple(
            c2.number_input(
                f"p_g std{'' if dim == 1 else ' ' + ax}",
                value=1.0 if dim == 1 else 1.2,
                key=f"{KEY}.s{ax}",
            )
            for ax in ("xy"[:dim])
        )
    elif choice == P_G_CHOICES[2]:
        trained = int(
            c2.number_input("G's training iterations", 0, 5000, 300, step=100, key=f"{KEY}.trained")
        )
    lr = c3.number_input("D's learning rate", value=3e-3, format="%.4f", key=f"{KEY}.lr")
    width = c3.select_slider("D's width", [16, 32, 64, 128], value=64, key=f"{KEY}.width")
    signature = (
        dim,
        p_data_cfg.name,
        str(p_data_cfg.params),
        choice,
        mean,
        std,
        trained,
        lr,
        width,
    )
    try:
        with st.spinner("Setting up (training G first when asked)…"):
            lab = common.session_object(
                KEY,
                signature,
                lambda: OptimalD(
                    make_target(p_data_cfg),
                    _build_p_g(dim, choice, p_data_cfg, mean, std, trained),
                    OptimalDConfig(lr=lr, d_hidden=width),
                ),
            )
    except ConfigError as err:
        common.show_error(err)
        return
    if common.run_controls(KEY, f"Step D × {STEPS_PER_FRAME * 5}"):
        lab.step(STEPS_PER_FRAME * 5)
        lab.record()
    common.live(KEY, lambda advance: _frame(lab, advance))


def _frame(lab: OptimalD, advance: bool) -> None:
    if advance:
        lab.step(STEPS_PER_FRAME)
        lab.record()
        if lab.steps >= MAX_STEPS or lab.diverged:
            common.set_running(KEY, False)
            st.rerun(scope="app")
    if lab.diverged:
        st.error(f"D's training stopped: {lab.diverged}. Reset to start again.")
    s = lab.state()
    cols = st.columns(5)
    cols[0].metric("D steps", f"{s.step:,}")
    cols[1].metric(
        "gap |D − D*|",
        f"{s.gap:.4f}",
        help="sum over grid cells of (mass_data + mass_g)/2 · |D − D*|",
    )
    cols[2].metric(
        "V(G, D)",
        f"{s.v:.4f}",
        help="E_p_data log D + E_p_g log(1 − D), nats, by the midpoint rule on exact cell masses",
    )
    cols[3].metric("C(G) = −log 4 + 2 JSD", f"{s.c:.4f}")
    cols[4].metric("V − C(G)", f"{s.v - s.c:+.4f}", help="≤ 0 always; 0 at D = D*")
    proj = common.projector()
    if lab.dim == 1:
        fig = plots.optimal_d_1d(s.axes[0], s.p_data, s.p_g, s.d, s.d_star, proj)
    else:
        fig = plots.optimal_d_2d(s.axes, s.d, s.d_star, s.p_data + s.p_g, proj)
    st.plotly_chart(fig, key=f"{KEY}.fig", width="stretch")
    h = s.history
    st.plotly_chart(
        plots.optimal_d_curves(h["step"], np.maximum(h["gap"], 1e-6), h["v"], s.c, proj),
        key=f"{KEY}.curves",
        width="stretch",
    )
