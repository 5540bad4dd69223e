"""Panel 4: maximum likelihood (EM) against a GAN on the same target, live."""

from __future__ import annotations

import math

import streamlit as st

from gan_viz.config import TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.plots import theory as plots
from gan_viz.theory.mle import MLEConfig, MLEvsGAN
from gan_viz.ui.theory import common

KEY = "theory.mle"
ITERATIONS_PER_FRAME = 25
MAX_ITERATIONS = 20_000
TARGETS = {
    "bimodal (1-D)": TargetConfig("bimodal"),
    "three modes (1-D)": TargetConfig("mixture", {"k": 3}),
    "ring of 8 (2-D)": TargetConfig("ring8"),
    "grid of 25 (2-D)": TargetConfig("grid25"),
}

TEXT = """
**Claim.** Maximum likelihood minimises KL(p_data‖p_model): for many samples,
(1/n) Σ log p_model(xᵢ) → E_p_data log p_model = −KL(p_data‖p_model) − H(p_data). KL with
p_data first is huge where the model misses data and cheap where the model wastes mass, so a
model too small for the data **covers** every mode. A GAN never computes a likelihood; its
generator tends to **seek** modes, like the reverse KL(p_model‖p_data).

**What to look for.** Fit fewer Gaussians than the target has modes (K = 1 on *bimodal*): EM's
curve spans both modes with mass in the valley, its KL(p_data‖model) low and its reverse KL
high. Press *Run* to train the GAN beside it and compare the bars: the GAN's order of the two
KLs is the other way round whenever it drops or thins a mode. With K = the number of modes, EM
fits well: maximum likelihood is not wrong, only its model was too small.
"""


def render() -> None:
    st.header("4 · Maximum likelihood against the GAN")
    st.markdown(TEXT)
    c1, c2 = st.columns(2)
    label = c1.selectbox("p_data", list(TARGETS), key=f"{KEY}.target")
    k = int(c2.number_input("Gaussians in the mixture (K)", value=1, step=1, key=f"{KEY}.k"))
    try:
        lab = common.session_object(
            KEY,
            (label, k),
            lambda: MLEvsGAN(TARGETS[label], MLEConfig(components=k)),
        )
    except ConfigError as err:
        common.show_error(err)
        return
    if common.run_controls(KEY, f"Train the GAN × {ITERATIONS_PER_FRAME * 20}"):
        lab.step(ITERATIONS_PER_FRAME * 20)
    common.live(KEY, lambda advance: _frame(lab, advance))


def _frame(lab: MLEvsGAN, advance: bool) -> None:
    if advance:
        lab.step(ITERATIONS_PER_FRAME)
        if lab.toy.step_count >= MAX_ITERATIONS or lab.diverged:
            common.set_running(KEY, False)
            st.rerun(scope="app")
    if lab.diverged:
        st.error(f"The GAN stopped: {lab.diverged}. Reset to start again.")
    gmm, gan = lab.gmm_score(), lab.gan_score()
    cols = st.columns(4)
    cols[0].metric("GAN iterations", f"{lab.toy.step_count:,}")
    cols[1].metric(
        "EM: mean log-likelihood",
        f"{gmm.loglik:.3f}",
        help="of held-out samples of p_data, nats per sample",
    )
    cols[2].metric("EM: KL / reverse KL", f"{gmm.kl:.3f} / {gmm.rkl:.3f}")
    cols[3].metric(
        "GAN: KL / reverse KL",
        f"{gan.kl:.3f} / {gan.rkl:.3f}",
        help="KL(p_data‖p_g) / KL(p_g‖p_data), nats at resolution h; a missed "
        "region reads large but finite (a floor of 1e-12 per cell)",
    )
    proj = common.projector()
    st.plotly_chart(
        plots.mle_densities(
            lab.axes(), lab.p_data(), gmm.density, gan.density, lab.cfg.components, proj
        ),
        key=f"{KEY}.densities",
        width="stretch",
    )
    scores = {"gmm": vars(gmm), "gan": vars(gan)}
    if any(not math.isfinite(s[k]) for s in scores.values() for k in ("kl", "rkl", "js")):
        st.warning("A divergence is not finite; the bars leave it out.")
    st.plotly_chart(plots.divergence_bars(scores, proj), key=f"{KEY}.bars", width="stretch")
