"""A many-seeds step's recording: one setting (and optionally a second) trained from N seeds,
kept as the grid of small multiples draws it, and the per-seed aggregates its claims read.

A GAN's fate is partly a lottery: the same settings from another seed may land on other modes,
or on fewer. A many-seeds step shows the odds, not one draw. For each setting s and seed i the
recording keeps (one .npz per step, no pickles):

- `fake[s, i]`: the run's last shown samples (SHOWN_SAMPLES of them, float16);
- `modes[s, i, t]`, `hq[s, i, t]`: its modes captured and high-quality share at each frame t,
  measured on the run's own 2,500 evaluation samples (VEEGAN, Srivastava et al. 2017; PacGAN,
  Lin et al. 2018: a sample is high-quality within 3 std of its nearest mode, a mode is captured
  when one high-quality sample is nearest to it), float32; and, as their tables add, `mode_kl`
  (the reverse KL of the high-quality samples' mode histogram from uniform) and `js`;
- `n_modes[s]`: the modes of setting s's target (a table's rows may train on other targets);
- the first setting's real samples and mode centres once, the frames' iterations, the seeds and
  the labels.

Determinism: each run is the engine's ToyGAN on the CPU with one torch thread, seeded from its
seed, as record_step's; recording twice gives the same arrays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gan_viz.lessons.format import Step
from gan_viz.lessons.stored import H16, SHOWN_SAMPLES, RecordingProblem, open_recording

# A seed whose G makes fewer than half of the target's modes at the end has collapsed.
COLLAPSED_SHARE = 0.5


@dataclass
class SeedsReplay:
    """A loaded many-seeds recording; setting s is 0 (the step's run) or 1 (its compare)."""

    arrays: dict[str, np.ndarray]
    labels: list[str]

    @property
    def iterations(self) -> np.ndarray:
        return self.arrays["iteration"]

    @property
    def n_frames(self) -> int:
        return len(self.arrays["iteration"])

    @property
    def seeds(self) -> list[int]:
        return [int(s) for s in self.arrays["seeds"]]

    @property
    def n_modes(self) -> int:
        """The first setting's target's modes (the grids' setting)."""
        return len(self.arrays["mode_centres"])

    def modes_of(self, setting: int) -> int:
        """How many modes setting `setting`'s target has."""
        n = self.arrays.get("n_modes")
        return self.n_modes if n is None else int(n[setting])

    def setting(self, of: str) -> int:
        """The setting a claim's `of` names: run, compare, or a table row's label."""
        if of == "run":
            return 0
        index = 1 if of == "compare" else self.labels.index(of) if of in self.labels else -1
        if not 0 < index < len(self.labels):
            raise KeyError(f"no setting {of!r}; the step has {', '.join(self.labels)}")
        return index

    def modes(self, setting: int, frame: int = -1) -> np.ndarray:
        """(seeds,) modes captured by each seed's G at `frame`."""
        return self.arrays["modes"][setting, :, frame]

    def hq(self, setting: int, frame: int = -1) -> np.ndarray:
        return self.arrays["hq"][setting, :, frame]

    def column(self, name: str, setting: int, frame: int = -1) -> np.ndarray:
        """(seeds,) a recorded metric (modes, hq, mode_kl, js) of each seed at `frame`."""
        if name not in self.arrays:
            raise KeyError(f"the recording has no {name}: record the step again")
        return self.arrays[name][setting, :, frame]


def collapsed(modes: np.ndarray, n_modes: int) -> np.ndarray:
    """Which seeds have collapsed: fewer than half of the modes captured."""
    return np.asarray(modes) < COLLAPSED_SHARE * n_modes


# Per-setting aggregates over the seeds at one frame, for the claims.
AGGREGATES = {
    "seeds_collapsed": lambda r, s, t: float(np.sum(collapsed(r.modes(s, t), r.modes_of(s)))),
    "seeds_all_modes": lambda r, s, t: float(np.sum(r.modes(s, t) >= r.modes_of(s))),
    "median_modes": lambda r, s, t: float(np.median(r.modes(s, t))),
    "min_modes": lambda r, s, t: float(np.min(r.modes(s, t))),
    "max_modes": lambda r, s, t: float(np.max(r.modes(s, t))),
    "median_hq": lambda r, s, t: float(np.median(r.hq(s, t))),
    # How sharp the collapsed seeds are: a collapse onto a few modes is sharp (most samples on
    # them); a G whose samples have not reached the data yet captures few modes with ~0 here.
    "collapsed_max_hq": lambda r, s, t: _collapsed_max_hq(r, s, t),
    # How sharp the seed with the most modes is: near 0, its "modes" are a thin spread, not cover.
    "widest_hq": lambda r, s, t: float(r.hq(s, t)[np.argmax(r.modes(s, t))]),
    # a table's cells: the mean over the seeds (mode_kl over the seeds that have one)
    "mean_modes": lambda r, s, t: float(np.mean(r.modes(s, t))),
    "mean_hq": lambda r, s, t: float(np.mean(r.hq(s, t))),
    "mean_mode_kl": lambda r, s, t: float(np.nanmean(r.column("mode_kl", s, t))),
    "mean_js": lambda r, s, t: float(np.mean(r.column("js", s, t))),
}


def _collapsed_max_hq(replay: SeedsReplay, setting: int, frame: int) -> float:
    low = collapsed(replay.modes(setting, frame), replay.modes_of(setting))
    return float(np.max(replay.hq(setting, frame)[low])) if low.any() else float("nan")


def aggregate(replay: SeedsReplay, metric: str, of: str, frame: int) -> float:
    """A per-seed aggregate of the setting `of` names at frame `frame`; KeyError naming the
    known metrics or settings."""
    if metric not in AGGREGATES:
        raise KeyError(f"no many-seeds metric {metric!r}; known: {', '.join(AGGREGATES)}")
    return AGGREGATES[metric](replay, replay.setting(of), frame)


def summary(replay: SeedsReplay) -> str:
    """One line under the grids, read off the recording: how each setting's seeds ended."""
    n = len(replay.seeds)
    parts = []
    for s, label in enumerate(replay.labels):
        modes, k = replay.modes(s), replay.modes_of(s)
        low = int(np.sum(collapsed(modes, k)))
        full = int(np.sum(modes >= k))
        parts.append(
            f"{label}: {low} of {n} seeds end with fewer than {k // 2} of {k} modes, "
            f"{full} of {n} with all {k} (median {np.median(modes):g})"
        )
    return "; ".join(parts) + "."


def record_seeds(step: Step, progress=None) -> dict[str, np.ndarray]:
    """Train every seed of every setting of the step and return the recording's arrays."""
    from gan_viz.toy import ToyGAN

    settings = step.run.settings
    seeds = step.run.seed_list
    fakes, modes, hqs, kls, jss, n_modes = [], [], [], [], [], []
    first = None
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same sums in the same order, every time
    try:
        for spec in settings:
            row_fake, row_modes, row_hq, row_kl, row_js = [], [], [], [], []
            for seed in seeds:
                cfg = spec.with_seed(seed).config().replace(cadence={"show_samples": SHOWN_SAMPLES})
                game = ToyGAN(cfg)  # records frame 0
                game.train(spec.iterations)
                if game.diverged:
                    raise RuntimeError(f"{spec.preset} seed {seed}: the run {game.diverged}")
                last = game.history.snapshots()[-1]
                columns = game.history.columns()
                first = first or game.history.snapshots()[0]
                row_fake.append(last.fake)
                row_modes.append(np.asarray(columns["modes"], np.float32))
                row_hq.append(np.asarray(columns["hq"], np.float32))
                row_kl.append(np.asarray(columns["mode_kl"], np.float32))
                row_js.append(np.asarray(columns["js"], np.float32))
                if progress:
                    progress(len(row_fake), len(seeds))
            fakes.append(np.stack(row_fake))
            modes.append(np.stack(row_modes))
            hqs.append(np.stack(row_hq))
            kls.append(np.stack(row_kl))
            jss.append(np.stack(row_js))
            n_modes.append(len(game.target.modes.centres))
    finally:
        torch.set_num_threads(threads)
    iteration = np.asarray(game.history.columns()["step"], np.int64)
    labels = step.run.labels
    return {
        "iteration": iteration,
        "seeds": np.asarray(seeds, np.int64),
        "labels": np.array(json.dumps(labels)),
        "real": first.real.astype(H16),
        "mode_centres": first.mode_centres.astype(np.float32),
        "fake": np.stack(fakes).astype(H16),  # (settings, seeds, samples, 2)
        "modes": np.stack(modes),  # (settings, seeds, frames)
        "hq": np.stack(hqs),
        "mode_kl": np.stack(kls),
        "js": np.stack(jss),
        "n_modes": np.asarray(n_modes, np.int64),
    }


def read_seeds(path: Path, expected_hash: str, step: Step) -> SeedsReplay:
    """The many-seeds recording at `path`, checked against the step's hash and shape;
    RecordingProblem with one line if it is missing, too big, damaged or for other settings."""

    arrays, meta, parsed = open_recording(path, expected_hash, ("labels",))
    labels = parsed["labels"]
    shape = (len(step.run.settings), len(step.run.seed_list))
    frames = len(arrays.get("iteration", ()))
    if (
        len(labels) != shape[0]
        or arrays.get("fake", np.zeros(0)).shape[:2] != shape
        or arrays.get("modes", np.zeros(0)).shape != (*shape, frames)
        or arrays.get("hq", np.zeros(0)).shape != (*shape, frames)
        or "real" not in arrays
        or "mode_centres" not in arrays
        or any(arrays[k].shape != (*shape, frames) for k in ("mode_kl", "js") if k in arrays)
        or ("n_modes" in arrays and arrays["n_modes"].shape != shape[:1])
        or ("table" in step.views and not {"mode_kl", "js", "n_modes"} <= arrays.keys())
    ):
        raise RecordingProblem(f"{path.name} is damaged (its seeds do not line up)")
    return SeedsReplay(arrays, labels)
