"""The playground's own settings widgets: Data, Noise, Networks and Seed (Objective and
Optimisation are shared with other pages: gan_viz.ui.common.training_settings).

Each group draws from a config section (the widgets' starting values) and returns the section
the widgets now show; see gan_viz.ui.common.widgets for the key conventions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable

import numpy as np
import streamlit as st

from gan_viz.config import (
    ACTIVATIONS,
    DRAWN_TARGETS,
    PRIORS,
    NetConfig,
    NoiseConfig,
    RunConfig,
    TargetConfig,
)
from gan_viz.presets import default_config
from gan_viz.targets import TARGETS, target_dim
from gan_viz.ui.common.help import tip
from gan_viz.ui.common.widgets import index_of, options_with
from gan_viz.ui.playground.drawing import drawing_widgets

POINTS = "points"
WIDTHS = [4, 8, 16, 32, 64, 128, 256, 512]


def targets_of(dim: int) -> list[str]:
    """Target names for a dimension, the user's own points last."""
    return [n for n, s in TARGETS.items() if s.dim == dim] + [POINTS]


def for_dimension(form: RunConfig, dim: int) -> RunConfig:
    """The settings to show after a switch to `dim`: its first target, and the noise and
    networks that suit it (a 2-D target wants a 2-D z and wider nets, see default_config)."""
    target = targets_of(dim)[0]
    suited = default_config(target)
    return form.replace(target=suited.target, noise=suited.noise, nets=suited.nets)


def _target_params(target: TargetConfig) -> dict:
    """The target's parameters as the run will see them: defaults filled in, numbers as
    floats (a widget's 2.0 is a preset's 2), a user's points by the hash of their values."""
    if target.name == POINTS:
        arr = np.ascontiguousarray(np.asarray(target.params[POINTS], float))
        return {POINTS: hashlib.sha1(arr.tobytes() + str(arr.shape).encode()).hexdigest()}
    spec = TARGETS.get(target.name)
    params = {**(spec.defaults if spec else {}), **target.params}
    return {k: np.asarray(v, float).tolist() for k, v in params.items()}


def fingerprint(cfg: RunConfig) -> str:
    """A comparable digest of a config (see _target_params for how targets compare)."""
    data = cfg.to_dict()
    data["target"]["params"] = _target_params(cfg.target)
    return json.dumps(data, sort_keys=True, default=lambda a: np.asarray(a).tolist())


def section_changes(old: RunConfig, new: RunConfig) -> list[str]:
    """Names of the top-level sections (target, noise, ..., seed) that differ."""
    a, b = json.loads(fingerprint(old)), json.loads(fingerprint(new))
    return [name for name in a if a[name] != b[name]]


def _step(value: float) -> float:
    """A +/- step of about a twentieth to a half of the value's size: 0.02 -> 0.005, 2 -> 0.5."""
    value = abs(float(value))
    return 0.1 if value == 0 else 10 ** math.floor(math.log10(value)) / 2


# --- Data ---------------------------------------------------------------------------------------


def data_widgets(
    prefix: str,
    base: TargetConfig,
    upload: Callable[[int], np.ndarray | None],
    on_dim_change: Callable[[], None] | None = None,
) -> tuple[int, TargetConfig | None]:
    """Dimension, target and its parameters. `upload(dim)` draws the CSV uploader and returns
    the points to use (or None). Returns (dim, target config); the config is None when the
    user's points are chosen but none of that dimension is loaded."""
    dims = ["1-D", "2-D"]
    dim_label = st.radio(
        "Dimension",
        dims,
        index=target_dim(base) - 1,
        key=f"{prefix}.dim",
        horizontal=True,
        on_change=on_dim_change,
        help=tip("dim"),
    )
    dim = int(dim_label[0])
    names = targets_of(dim)
    name = st.selectbox(
        "Target p_data",
        names,
        index=index_of(names, base.name),
        key=f"{prefix}.target.{dim}",
        format_func=lambda n: f"{n}: {TARGETS[n].summary}",
        help=tip("target"),
    )
    if name in DRAWN_TARGETS:
        return dim, drawing_widgets(f"{prefix}.target", name, base)
    if name == POINTS:
        points = upload(dim)
        if points is None or points.shape[1] != dim:
            return dim, None
        return dim, TargetConfig(POINTS, {POINTS: points})
    defaults = {**TARGETS[name].defaults, **(base.params if base.name == name else {})}
    params = {}
    for pname, default in defaults.items():
        k = f"{prefix}.target.{name}.{pname}"
        if isinstance(default, (list, tuple, np.ndarray)):
            values = np.asarray(default, float).ravel()
            cols = st.columns(len(values))
            params[pname] = [
                col.number_input(
                    f"{pname}[{i + 1}]",
                    value=float(v),
                    step=_step(v),
                    format="%.3g",
                    key=f"{k}.{i}",
                )
                for i, (col, v) in enumerate(zip(cols, values))
            ]
        elif isinstance(default, int) and not isinstance(default, bool):
            params[pname] = st.number_input(pname, value=default, step=1, key=k)
        else:
            params[pname] = st.number_input(
                pname, value=float(default), step=_step(default), format="%.3g", key=k
            )
    return dim, TargetConfig(name, params)


# --- Noise, Networks, Seed ----------------------------------------------------------------------


def noise_widgets(prefix: str, base: NoiseConfig) -> NoiseConfig:
    c1, c2 = st.columns(2)
    prior = c1.selectbox(
        "Prior p_z",
        list(PRIORS),
        index=index_of(list(PRIORS), base.prior),
        key=f"{prefix}.noise.prior",
        help=tip("prior"),
    )
    dim = c2.number_input(
        "z dimension",
        min_value=1,
        max_value=256,
        value=int(base.dim),
        step=1,
        key=f"{prefix}.noise.dim",
        help=tip("z_dim"),
    )
    return NoiseConfig(prior, int(dim))


def nets_widgets(prefix: str, base: NetConfig) -> NetConfig:
    values = dataclasses.asdict(base)
    c1, c2 = st.columns(2)
    for col, net in ((c1, "g"), (c2, "d")):
        widths = options_with(WIDTHS, values[f"{net}_hidden"])
        values[f"{net}_hidden"] = col.selectbox(
            f"{net.upper()} width",
            widths,
            index=widths.index(values[f"{net}_hidden"]),
            key=f"{prefix}.nets.{net}_hidden",
            help=tip(f"{net}_hidden"),
        )
        values[f"{net}_depth"] = col.number_input(
            f"{net.upper()} depth",
            min_value=0 if net == "g" else 1,
            max_value=8,
            value=int(values[f"{net}_depth"]),
            step=1,
            key=f"{prefix}.nets.{net}_depth",
            help=tip(f"{net}_depth"),
        )
    values["activation"] = st.selectbox(
        "Activation",
        list(ACTIVATIONS),
        index=index_of(list(ACTIVATIONS), base.activation),
        key=f"{prefix}.nets.activation",
        help=tip("activation"),
    )
    c1, c2 = st.columns(2)
    values["pack"] = c1.number_input(
        "PacGAN packing",
        min_value=1,
        max_value=4,
        value=int(base.pack),
        step=1,
        key=f"{prefix}.nets.pack",
        help=tip("pack"),
    )
    values["minibatch_std"] = c2.toggle(
        "Minibatch std",
        value=bool(base.minibatch_std),
        key=f"{prefix}.nets.minibatch_std",
        help=tip("minibatch_std"),
    )
    return NetConfig(**values)


def seed_widget(prefix: str, base: int) -> int:
    return int(
        st.number_input(
            "Seed",
            min_value=0,
            max_value=2**31 - 1,
            value=int(base),
            step=1,
            key=f"{prefix}.seed",
            help=tip("seed"),
        )
    )
