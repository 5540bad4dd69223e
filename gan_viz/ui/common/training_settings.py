"""Objective and Optimisation widgets, shared by every page that trains a GAN.

Each page passes a key prefix of its own (e.g. "pg.3" for the playground's third set of
widgets, "mnist.0" for image mode) and the config the widgets start from; a field whose widget
is not drawn (it does not apply to the chosen objective or optimiser) keeps that config's value.
Validation stays in `gan_viz.validation.validate`. Choices from a list are select boxes, not select
sliders: Streamlit 1.67 resets a select slider to its first option when a click reruns the page
before the slider has appeared (seen in Chromium on a slow first load).

    objective = objective_widgets("mnist.0", run_cfg.objective)
    optim = optim_widgets("mnist.0", run_cfg.optim)
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from gan_viz.config import OPTIMIZERS, ObjectiveConfig, OptimConfig
from gan_viz.objectives import OBJECTIVES
from gan_viz.ui.common.help import tip
from gan_viz.ui.common.widgets import index_of, lr_label, options_with

LEARNING_RATES = [1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2]
LEARNING_RATES += [2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0]
BATCHES = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]


def objective_widgets(prefix: str, base: ObjectiveConfig) -> ObjectiveConfig:
    """The objective and its stabilisers."""

    def key(name: str) -> str:
        return f"{prefix}.objective.{name}"

    names = list(OBJECTIVES)
    name = st.selectbox(
        "Objective",
        names,
        index=index_of(names, base.name),
        key=key("name"),
        format_func=lambda n: f"{n}: {OBJECTIVES[n].summary}",
        help=tip("objective"),
    )
    obj = OBJECTIVES[name]
    values = dataclasses.asdict(base) | {"name": name}
    st.caption("Stabilisers")
    if obj.uses_labels:
        values["label_smoothing"] = st.number_input(
            "Real label (1 = no smoothing)",
            min_value=0.55,
            max_value=1.0,
            value=float(base.label_smoothing),
            step=0.05,
            format="%.2f",
            key=key("label_smoothing"),
            help=tip("label_smoothing"),
        )
    else:
        values["label_smoothing"] = 1.0
    c1, c2 = st.columns(2)
    values["instance_noise"] = c1.number_input(
        "Instance noise σ",
        min_value=0.0,
        max_value=10.0,
        value=float(base.instance_noise),
        step=0.05,
        format="%.2f",
        key=key("instance_noise"),
        help=tip("instance_noise"),
    )
    values["instance_noise_anneal"] = c2.number_input(
        "…annealed over",
        min_value=0,
        max_value=10**7,
        value=int(base.instance_noise_anneal),
        step=500,
        key=key("instance_noise_anneal"),
        help=tip("instance_noise_anneal"),
    )
    c1, c2 = st.columns(2)
    values["r1_gamma"] = c1.number_input(
        "R1 γ",
        min_value=0.0,
        max_value=1000.0,
        value=float(base.r1_gamma),
        step=0.1,
        format="%.2f",
        key=key("r1_gamma"),
        help=tip("r1_gamma"),
    )
    values["unrolled_steps"] = c2.number_input(
        "Unrolled steps",
        min_value=0,
        max_value=50,
        value=int(base.unrolled_steps),
        step=1,
        key=key("unrolled_steps"),
        help=tip("unrolled_steps"),
    )
    if obj.gradient_penalty:
        values["gp_lambda"] = st.number_input(
            "Gradient penalty λ",
            min_value=0.0,
            max_value=1000.0,
            value=float(base.gp_lambda),
            step=1.0,
            format="%.1f",
            key=key("gp_lambda"),
            help=tip("gp_lambda"),
        )
    if obj.clip:
        values["clip"] = st.number_input(
            "Weight clip c",
            min_value=1e-4,
            max_value=10.0,
            value=float(base.clip),
            step=0.005,
            format="%.3f",
            key=key("clip"),
            help=tip("clip"),
        )
    values["feature_matching"] = st.toggle(
        "Feature matching",
        value=bool(base.feature_matching),
        key=key("feature_matching"),
        help=tip("feature_matching"),
    )
    return ObjectiveConfig(**values)


def optim_widgets(prefix: str, base: OptimConfig) -> OptimConfig:
    """Optimiser, both learning rates, betas or momentum, batch m, k and the schedule."""

    def key(name: str) -> str:
        return f"{prefix}.optim.{name}"

    values = dataclasses.asdict(base)
    values["optimizer"] = st.selectbox(
        "Optimiser",
        list(OPTIMIZERS),
        index=index_of(list(OPTIMIZERS), base.optimizer),
        key=key("optimizer"),
        help=tip("optimizer"),
    )
    for name, label in (("lr_d", "D learning rate η_D"), ("lr_g", "G learning rate η_G")):
        current = getattr(base, name)
        rates = options_with(LEARNING_RATES, current)
        values[name] = st.selectbox(
            label,
            rates,
            index=rates.index(current),
            format_func=lr_label,
            key=key(name),
            help=tip(name),
        )
    c1, c2 = st.columns(2)
    if values["optimizer"] == "adam":
        values["beta1"] = c1.number_input(
            "β₁",
            min_value=0.0,
            max_value=0.999,
            value=float(base.beta1),
            step=0.05,
            format="%.3f",
            key=key("beta1"),
            help=tip("beta1"),
        )
        values["beta2"] = c2.number_input(
            "β₂",
            min_value=0.0,
            max_value=0.9999,
            value=float(base.beta2),
            step=0.001,
            format="%.4f",
            key=key("beta2"),
            help=tip("beta2"),
        )
    else:
        values["momentum"] = c1.number_input(
            "Momentum μ",
            min_value=0.0,
            max_value=0.999,
            value=float(base.momentum),
            step=0.05,
            format="%.3f",
            key=key("momentum"),
            help=tip("momentum"),
        )
    batches = options_with(BATCHES, base.batch)
    values["batch"] = st.selectbox(
        "Batch size m",
        batches,
        index=batches.index(base.batch),
        key=key("batch"),
        help=tip("batch"),
    )
    c1, c2 = st.columns(2)
    values["d_steps"] = c1.number_input(
        "k (D steps)",
        min_value=1,
        max_value=100,
        value=int(base.d_steps),
        step=1,
        key=key("d_steps"),
        help=tip("d_steps"),
    )
    values["g_steps"] = c2.number_input(
        "G steps",
        min_value=1,
        max_value=100,
        value=int(base.g_steps),
        step=1,
        key=key("g_steps"),
        help=tip("g_steps"),
    )
    values["simultaneous"] = st.toggle(
        "Simultaneous D and G steps",
        value=bool(base.simultaneous),
        key=key("simultaneous"),
        help=tip("simultaneous"),
    )
    return OptimConfig(**values)
