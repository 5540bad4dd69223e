"""What a toy run from a stranger's archive must look like before it enters the store.

Each check raises `Refused` with a sentence a user can act on. Settings go through the same
`validate` as a run started here. The settings then say what every snapshot holds (`Expect`):
its grid size per axis, how many samples it shows, the target's dimension and modes; each
array's header is checked against that before its data is read (so a member that claims a
4096 x 4096 grid for a run of 128 is refused unread), its shape exactly after, and its values
(finite, coordinates within +-MAX_COORD, D and D* in [0, 1], densities >= 0). The weights are
checked finite, then loaded into a ToyGAN built from the settings and take one training step,
so a file that would only fail later, mid-lesson, fails now.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.snapshot import Snapshot
from gan_viz.store.npz import BlobError
from gan_viz.validation import validate


class Refused(ValueError):
    """Part of an archive is not what a gan-viz run holds."""


_INTS = ("step", "d_updates", "g_updates")
_GRIDDED = ("d", "p_data", "p_g", "d_star")
_REQUIRED = {*_INTS, "h", "real", "fake", *_GRIDDED, "metrics_json", "axis0"}
_OPTIONAL = {"axis1", "z_line", "x_line", "z_grid", "g_arrows", "mode_counts", "mode_centres"}
# Absolute caps whatever the settings say (validate's own limits; a 2048^2 grid is ~130 MB):
MAX_POINTS = 100_000  # samples in one snapshot array
MAX_GRID = 2048  # grid points per axis
MAX_SNAPSHOT_BYTES = 256 << 20  # one snapshot's arrays, unpacked
MAX_COORD = 1e6  # |coordinate| of a sample, grid point, arrow or mapped z (targets span ~10)
MAX_DENSITY = 1e12  # a density on the grid (a Dirac at resolution h stays far below)
MAX_TEXT = 1 << 20  # bytes of the metrics JSON in one snapshot
Z_LINE = 1000  # points of the 1-D z-line (41 drawn)
Z_GRID = 100 * 100  # points of the 2-D warped z-grid (22 x 60 drawn)


@dataclass(frozen=True)
class Expect:
    """What a run's settings say its snapshots hold; several values where the settings
    changed mid-run (a grid or sample count per settings in the run's log)."""

    dim: int
    grids: frozenset[int]  # grid points per axis
    counts: frozenset[int]  # real (and fake) samples shown
    modes: int  # the target's modes (0: none)

    def limits(self) -> dict[str, int]:
        """Most elements each array may have."""
        cells, n = max(self.grids) ** self.dim, max(self.counts)
        return {
            **dict.fromkeys(_INTS + ("h",), 1),
            "real": n * self.dim,
            "fake": n * self.dim,
            "g_arrows": n * self.dim,
            **dict.fromkeys(_GRIDDED, cells),
            "axis0": max(self.grids),
            "axis1": max(self.grids),
            "z_line": Z_LINE,
            "x_line": Z_LINE,
            "z_grid": Z_GRID * 2,
            "mode_counts": self.modes,
            "mode_centres": self.modes * self.dim,
        }

    def max_bytes(self) -> int:
        """Most bytes a snapshot's arrays may unpack to (float64 throughout, the text, slack)."""
        return min(8 * sum(self.limits().values()) + MAX_TEXT + (64 << 10), MAX_SNAPSHOT_BYTES)

    def check_header(self, name: str, shape: tuple, dtype: np.dtype) -> None:
        """Refuse an array before its data is read: unknown, or more than the settings allow."""
        limit = self.limits().get(name)
        if limit is None and name != "metrics_json":
            raise BlobError(f"unknown array {name!r}")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if name == "metrics_json":
            if shape != () or dtype.itemsize > MAX_TEXT:
                raise BlobError(f"metrics_json is {dtype}{list(shape)}, not a short text")
        elif count > limit:
            raise BlobError(
                f"{name} has shape {list(shape)}; these settings draw at most {limit} values"
            )


def expect_from(configs: list[RunConfig]) -> Expect:
    """What the snapshots of a run with these settings (its whole log) may hold."""
    from gan_viz.measure import default_grid
    from gan_viz.targets import make_target

    dims, grids, counts, modes = set(), set(), set(), 0
    for cfg in configs:
        target = make_target(cfg.target)
        dims.add(target.dim)
        grids.add(min(len(default_grid(target, cfg.cadence.grid).axes[0]), MAX_GRID))
        counts.add(min(cfg.cadence.show_samples, cfg.cadence.eval_samples, MAX_POINTS))
        if target.modes is not None:
            modes = max(modes, len(target.modes.centres))
    if len(dims) != 1:
        raise Refused("its settings change the target's dimension mid-run")
    return Expect(dims.pop(), frozenset(grids), frozenset(counts), modes)


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


def _bounded(name: str, a: np.ndarray, low: float, high: float, nan_ok: bool = False) -> None:
    """Every value finite (NaN too where `nan_ok`) and within [low, high]."""
    values = a[~np.isnan(a)] if nan_ok else a
    if nan_ok and values.size == 0 and a.size:
        raise Refused(f"{name} is NaN everywhere")
    if not np.isfinite(values).all():
        raise Refused(f"{name} holds NaN or infinite values")
    if values.size and (values.min() < low or values.max() > high):
        raise Refused(f"{name} holds values outside [{low:g}, {high:g}]")


def check_snapshot(arrays: dict[str, np.ndarray], expect: Expect) -> Snapshot:
    """A Snapshot of a run with these settings (`expect`), or Refused saying why not."""
    dim = expect.dim
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
    if h.shape != () or h.dtype.kind != "f" or not (math.isfinite(float(h)) and 0 < h < MAX_COORD):
        raise Refused("h is not a positive number")
    counts = sorted(expect.counts)
    for name in ("real", "fake", "g_arrows"):
        if name in arrays:
            a = arrays[name]
            _float(name, a, 2)
            fits = a.shape[0] in counts if name != "g_arrows" else a.shape[0] <= counts[-1]
            if a.shape[1] != dim or not fits:
                raise Refused(
                    f"{name} has shape {list(a.shape)}; these settings show {counts} "
                    f"samples of a {dim}-D target"
                )
            _bounded(name, a, -MAX_COORD, MAX_COORD)
    axes = ["axis0", "axis1"][:dim]
    if ("axis1" in arrays) != (dim == 2):
        raise Refused(f"its grid axes do not fit a {dim}-D target")
    for name in axes:
        _float(name, arrays[name], 1)
        if len(arrays[name]) not in expect.grids:
            raise Refused(
                f"{name} has {len(arrays[name])} points; these settings use a grid of "
                f"{sorted(expect.grids)}"
            )
        _bounded(name, arrays[name], -MAX_COORD, MAX_COORD)
    grid = tuple(len(arrays[a]) for a in reversed(axes))  # (ny, nx) in 2-D
    for name in _GRIDDED:
        _float(name, arrays[name], dim)
        if arrays[name].shape != grid:
            raise Refused(f"{name} has shape {list(arrays[name].shape)}, the grid is {list(grid)}")
    _bounded("d", arrays["d"], 0.0, 1.0)
    _bounded("d_star", arrays["d_star"], 0.0, 1.0, nan_ok=True)  # NaN where p_data = p_g = 0
    _bounded("p_data", arrays["p_data"], 0.0, MAX_DENSITY)
    _bounded("p_g", arrays["p_g"], 0.0, MAX_DENSITY)
    if ("z_line" in arrays) != ("x_line" in arrays):
        raise Refused("z_line and x_line come together")
    if "z_line" in arrays:
        _float("z_line", arrays["z_line"], 1)
        _float("x_line", arrays["x_line"], 1)
        if arrays["z_line"].shape != arrays["x_line"].shape:
            raise Refused("z_line and x_line differ in length")
        _bounded("z_line", arrays["z_line"], -MAX_COORD, MAX_COORD)
        _bounded("x_line", arrays["x_line"], -MAX_COORD, MAX_COORD)
    if "z_grid" in arrays:
        _float("z_grid", arrays["z_grid"], 3)
        if arrays["z_grid"].shape[2] != 2:
            raise Refused(f"z_grid has shape {list(arrays['z_grid'].shape)}")
        _bounded("z_grid", arrays["z_grid"], -MAX_COORD, MAX_COORD)
    if ("mode_counts" in arrays) != ("mode_centres" in arrays):
        raise Refused("mode_counts and mode_centres come together")
    if "mode_counts" in arrays:
        counts_, centres = arrays["mode_counts"], arrays["mode_centres"]
        _float("mode_centres", centres, 2)
        if (
            counts_.dtype.kind not in "iu"
            or counts_.shape != (len(centres),)
            or centres.shape != (expect.modes, dim)
            or (counts_ < 0).any()
        ):
            raise Refused("mode_counts and mode_centres do not match the target's modes")
        _bounded("mode_centres", centres, -MAX_COORD, MAX_COORD)
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


def weights_bytes(cfg: RunConfig) -> int:
    """Most bytes a checkpoint of a run with these settings may unpack to: G's and D's
    parameters, twice more for Adam's moments, float64 at worst, plus the counters and
    random generators' states. Counted on torch's meta device: nothing is allocated."""
    import torch

    from gan_viz.nets import Discriminator, Generator

    n, dim = cfg.nets, target_dim(cfg)
    with torch.device("meta"):
        g = Generator(cfg.noise.dim, dim, n.g_hidden, n.g_depth, n.activation)
        d = Discriminator(dim, n.d_hidden, n.d_depth, n.activation, n.pack, n.minibatch_std)
    params = sum(p.numel() for net in (g, d) for p in net.parameters())
    return 3 * 8 * params + (1 << 20)


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
    for net in ("G", "D"):
        if not isinstance(state[net], dict):
            raise Refused(f"weights: {net} is not a set of named tensors")
        for key, value in state[net].items():
            if not isinstance(value, torch.Tensor):
                raise Refused(f"weights: {net}.{key} is not a tensor")
            if value.is_floating_point() and not bool(torch.isfinite(value).all()):
                raise Refused(f"weights: {net}.{key} holds NaN or infinite values")
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
