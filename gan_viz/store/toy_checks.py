"""What a toy run from a stranger's archive must look like before it enters the store.

Each check raises `Refused` with a sentence a user can act on. Settings go through the same
`validate` as a run started here; every snapshot array is checked for type and shape against
the run's target (a grid-shaped D, samples with the target's dimension, ...); the weights are
loaded into a ToyGAN built from the settings and take one training step, so a file that would
only fail later, mid-lesson, fails now.
"""

from __future__ import annotations

import json
import math

import numpy as np

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.snapshot import Snapshot
from gan_viz.validation import validate


class Refused(ValueError):
    """Part of an archive is not what a gan-viz run holds."""


_INTS = ("step", "d_updates", "g_updates")
_GRIDDED = ("d", "p_data", "p_g", "d_star")
_REQUIRED = {*_INTS, "h", "real", "fake", *_GRIDDED, "metrics_json", "axis0"}
_OPTIONAL = {"axis1", "z_line", "x_line", "z_grid", "g_arrows", "mode_counts", "mode_centres"}
MAX_POINTS = 1_000_000  # samples in one snapshot array
MAX_GRID = 4096  # grid points per axis


def check_settings(settings) -> RunConfig:
    """The run's settings as a valid RunConfig (checked as if run here on the CPU)."""
    if not isinstance(settings, dict):
        raise Refused(f"settings are a {type(settings).__name__}, not a JSON object")
    try:
        cfg = RunConfig.from_dict(settings)
        validate(cfg.replace(device="cpu"))
    except ConfigError as err:
        raise Refused(f"settings: {err}") from None
    except (TypeError, ValueError, AttributeError) as err:
        raise Refused(f"settings do not fit gan-viz's ({err})") from None
    return cfg


def target_dim(cfg: RunConfig) -> int:
    from gan_viz.targets import make_target

    return make_target(cfg.target).dim


def _float(name: str, a: np.ndarray, ndim: int) -> None:
    if a.dtype.kind != "f" or a.ndim != ndim:
        raise Refused(f"{name} is {a.dtype}{list(a.shape)}, not a {ndim}-D float array")


def check_snapshot(arrays: dict[str, np.ndarray], dim: int) -> Snapshot:
    """A Snapshot of a run whose samples have `dim` coordinates, or Refused saying why not."""
    names = set(arrays)
    if _REQUIRED - names:
        raise Refused(f"it lacks {sorted(_REQUIRED - names)[0]!r}")
    if names - _REQUIRED - _OPTIONAL:
        raise Refused(f"unknown array {sorted(names - _REQUIRED - _OPTIONAL)[0]!r}")
    for name in _INTS:
        a = arrays[name]
        if a.shape != () or a.dtype.kind not in "iu" or int(a) < 0:
            raise Refused(f"{name} is {a.dtype}{list(a.shape)}, not a count >= 0")
    h = arrays["h"]
    if h.shape != () or h.dtype.kind != "f" or not (math.isfinite(float(h)) and float(h) > 0):
        raise Refused("h is not a positive number")
    for name in ("real", "fake", "g_arrows"):
        if name in arrays:
            a = arrays[name]
            _float(name, a, 2)
            if a.shape[1] != dim or a.shape[0] > MAX_POINTS:
                raise Refused(f"{name} has shape {list(a.shape)}; the target is {dim}-D")
    axes = ["axis0", "axis1"][:dim]
    if ("axis1" in arrays) != (dim == 2):
        raise Refused(f"its grid axes do not fit a {dim}-D target")
    for name in axes:
        _float(name, arrays[name], 1)
        if not 2 <= len(arrays[name]) <= MAX_GRID:
            raise Refused(f"{name} has {len(arrays[name])} points")
    grid = tuple(len(arrays[a]) for a in reversed(axes))  # (ny, nx) in 2-D
    for name in _GRIDDED:
        _float(name, arrays[name], dim)
        if arrays[name].shape != grid:
            raise Refused(f"{name} has shape {list(arrays[name].shape)}, the grid is {list(grid)}")
    if ("z_line" in arrays) != ("x_line" in arrays):
        raise Refused("z_line and x_line come together")
    if "z_line" in arrays:
        _float("z_line", arrays["z_line"], 1)
        _float("x_line", arrays["x_line"], 1)
        if arrays["z_line"].shape != arrays["x_line"].shape:
            raise Refused("z_line and x_line differ in length")
    if "z_grid" in arrays:
        _float("z_grid", arrays["z_grid"], 3)
        if arrays["z_grid"].shape[2] != 2:
            raise Refused(f"z_grid has shape {list(arrays['z_grid'].shape)}")
    if ("mode_counts" in arrays) != ("mode_centres" in arrays):
        raise Refused("mode_counts and mode_centres come together")
    if "mode_counts" in arrays:
        counts, centres = arrays["mode_counts"], arrays["mode_centres"]
        _float("mode_centres", centres, 2)
        if (
            counts.dtype.kind not in "iu"
            or counts.shape != (len(centres),)
            or centres.shape[1] != dim
        ):
            raise Refused("mode_counts and mode_centres do not match")
    text = arrays["metrics_json"]
    if text.shape != () or text.dtype.kind != "U":
        raise Refused("metrics_json is not a text")
    try:
        metrics = json.loads(str(text))
    except ValueError:
        raise Refused("metrics_json is not JSON") from None
    check_metrics(metrics)
    return Snapshot.from_arrays(arrays)


def check_metrics(row) -> None:
    """A metric row: a JSON object of names to numbers."""
    if not isinstance(row, dict) or len(row) > 1000:
        raise Refused("a metric row is not an object of at most 1000 names")
    for key, value in row.items():
        if len(key) > 100 or isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Refused(f"metric {key[:100]!r} is {type(value).__name__}, not a number")


def check_weights(state, cfg: RunConfig) -> None:
    """The weights load into networks built from the settings and train one step."""
    import torch

    from gan_viz.store.resume import restore
    from gan_viz.toy import ToyGAN

    if not isinstance(state, dict) or not {"G", "D", *_INTS[1:], "iteration"} <= set(state):
        raise Refused("weights lack G, D or the step counters")
    for key in ("iteration", *_INTS[1:]):
        if isinstance(state[key], bool) or not isinstance(state[key], int) or state[key] < 0:
            raise Refused(f"weights: {key} is not a count >= 0")
    cheap = cfg.replace(device="cpu", cadence={"eval_samples": 100, "grid": 16})
    toy = ToyGAN(cheap)
    try:
        restore(toy, state)
        for opt in (toy.trainer.opt_d, toy.trainer.opt_g):
            for group in opt.param_groups:
                for p in group["params"]:
                    for value in opt.state.get(p, {}).values():
                        if (
                            isinstance(value, torch.Tensor)
                            and value.ndim
                            and value.shape != p.shape
                        ):
                            raise Refused("optimiser state does not fit the networks")
        toy.trainer.step()
    except Refused:
        raise
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError, AttributeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise Refused(f"weights do not fit the settings ({first[:200]})") from None
