"""A step's run, recorded compactly so the lesson replays it at once with no training.

Only what the views draw is kept, one .npz per step (no pickles):
- D on a coarse grid (every other point of the run's grid: 256 in 1-D, 64 x 64 in 2-D), float16;
- the shown samples: the real ones once, the fake ones each frame (float16);
- 1-D: p_data once and p_g each frame on the same grid (D* = p_data / (p_data + p_g) is computed
  again on loading, Goodfellow et al. 2014, Prop. 1), and G's z -> x mapping;
- 2-D: G's image of the z-grid, its gradient arrows and the mode counts;
- every metric row (float64), the frames' iterations;
- `meta`: JSON with the step's config hash (RunSpec.config_hash), the lesson id and step number.

float16 keeps ~3 significant digits: D and the densities are drawn, not measured, from it; every
claim reads the metric rows, which are kept whole.

Determinism: the run is the engine's ToyGAN on the CPU with one torch thread, seeded from the
step's seed exactly as every run is (ToyGAN seeds its nets, noise and data from cfg.seed), so
recording a step twice gives the same arrays.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gan_viz.lessons.format import LESSON_DIR, Lesson, Step
from gan_viz.lessons.runs import THEORY_MODES
from gan_viz.lessons.stored import H16, SHOWN_SAMPLES, RecordingProblem, open_recording
from gan_viz.snapshot import Snapshot

RECORDING_DIR = LESSON_DIR / "recordings"


def _coarse(a: np.ndarray) -> np.ndarray:
    """Every other point of a grid (both axes in 2-D)."""
    return a[::2] if a.ndim == 1 else a[::2, ::2]


def record_step(step: Step, progress=None) -> dict[str, np.ndarray]:
    """Train the step's run from its seed and return the recording's arrays (a many-seeds step:
    every seed of every setting, gan_viz.lessons.seeds)."""
    if step.run.mode in THEORY_MODES:  # a theory lab experiment
        from gan_viz.lessons import theory_recording

        record = {"dirac": theory_recording.record_dirac, "fgan": theory_recording.record_fgan}
        return record[step.run.mode](step.run)
    from gan_viz.toy import ToyGAN

    if step.run.mode == "image":  # MNIST digits: their own arrays (image_recording.py)
        from gan_viz.lessons.image_recording import record_image_step

        return record_image_step(step, progress)
    if step.run.seeds:
        from gan_viz.lessons.seeds import record_seeds

        return record_seeds(step, progress)

    cfg = step.run.config().replace(cadence={"show_samples": SHOWN_SAMPLES})
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same sums in the same order, every time
    try:
        game = ToyGAN(cfg)  # records frame 0
        every = cfg.cadence.record_every
        if step.run.mode == "game":
            for done in range(0, step.run.iterations, every):
                game.train(min(every, step.run.iterations - done))
                if progress:
                    progress(done + every, step.run.iterations)
        else:  # G frozen: D alone takes its steps, a frame every `every` of them
            for done in range(0, step.run.iterations, every):
                for _ in range(min(every, step.run.iterations - done)):
                    game.trainer.step_d()
                game.record()
        if game.diverged:
            raise RuntimeError(f"the recorded run {game.diverged}")
    finally:
        torch.set_num_threads(threads)
    snaps = game.history.snapshots()
    columns = game.history.columns()
    if step.run.mode == "d_only":  # the clock of a frozen-G run is D's steps
        for s in snaps:
            s.step = s.d_updates
        columns["step"] = np.asarray(columns["d_updates"])
    first = snaps[0]
    dim = first.dim
    out: dict[str, np.ndarray] = {
        "iteration": np.array([s.step for s in snaps], np.int64),
        "d_updates": np.array([s.d_updates for s in snaps], np.int64),
        "h": np.array(first.h),
        "real": first.real.astype(H16),
        "fake": np.stack([s.fake for s in snaps]).astype(H16),
        "d": np.stack([_coarse(s.d) for s in snaps]).astype(H16),
    }
    for i, axis in enumerate(first.axes):
        out[f"axis{i}"] = _coarse(axis).astype(np.float32)
    if dim == 1:
        out["p_data"] = _coarse(first.p_data).astype(np.float32)
        out["p_g"] = np.stack([_coarse(s.p_g) for s in snaps]).astype(H16)
        if first.x_line is not None:
            out["z_line"] = first.z_line.astype(np.float32)
            out["x_line"] = np.stack([s.x_line for s in snaps]).astype(H16)
    else:
        if first.z_grid is not None:
            out["z_grid"] = np.stack([s.z_grid for s in snaps]).astype(H16)
        out["g_arrows"] = np.stack([s.g_arrows for s in snaps]).astype(H16)
        if first.mode_counts is not None:
            out["mode_counts"] = np.stack([s.mode_counts for s in snaps]).astype(np.int32)
            out["mode_centres"] = first.mode_centres.astype(np.float32)
    names = sorted(set(columns) - {"seconds"})  # wall time: the one thing not deterministic
    out["metric_names"] = np.array(json.dumps(names))
    out["metrics"] = np.stack([np.asarray(columns[n], np.float64) for n in names], axis=1)
    return out


def save_recording(lesson: Lesson, index: int, arrays: dict, folder: Path = RECORDING_DIR) -> Path:
    """Write step `index`'s recording with its meta (the hash it must match)."""
    step = lesson.steps[index]
    meta = {"lesson": lesson.id, "step": index + 1, "config_hash": step.run.config_hash()}
    if step.run.mode in THEORY_MODES:
        meta["kind"] = step.run.mode  # none: a GAN trained by the engine (the replay's default)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / lesson.recording_name(index)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.array(json.dumps(meta)), **arrays)
    path.write_bytes(buffer.getvalue())
    return path


@dataclass
class Replay:
    """A loaded recording: frames rebuilt as Snapshots for the existing figure builders."""

    arrays: dict[str, np.ndarray]
    columns: dict[str, np.ndarray]  # the metric rows, by name (step, js, v, modes, ...)
    kind: str = "game"  # or a theory mode (dirac, fgan): arrays of lessons.theory_recording

    @property
    def n_frames(self) -> int:
        return len(self.arrays["iteration"])

    @property
    def iterations(self) -> np.ndarray:
        return self.arrays["iteration"]

    @property
    def dim(self) -> int:
        """1 or 2 for a toy run; 0 for an image run (its frames are digits, image_recording)."""
        return self.arrays["real"].shape[1] if "real" in self.arrays else 0

    def snapshot(self, i: int) -> Snapshot:
        a = self.arrays
        axes = [a[f"axis{k}"].astype(float) for k in range(2) if f"axis{k}" in a]
        empty = np.zeros(0)
        snap = Snapshot(
            step=int(a["iteration"][i]),
            d_updates=int(a["d_updates"][i]),
            g_updates=0,
            real=a["real"].astype(np.float32),
            fake=a["fake"][i].astype(np.float32),
            axes=axes,
            d=a["d"][i].astype(np.float32),
            p_data=empty,
            p_g=empty,
            d_star=empty,
            h=float(a["h"]),
            metrics={k: float(v[i]) for k, v in self.columns.items()},
        )
        if self.dim == 1:
            p_data = a["p_data"].astype(float)
            p_g = a["p_g"][i].astype(float)
            total = p_data + p_g
            snap.p_data, snap.p_g = p_data, p_g
            with np.errstate(invalid="ignore", divide="ignore"):
                snap.d_star = np.where(total > 1e-12, p_data / total, np.nan)
            if "x_line" in a:
                snap.z_line, snap.x_line = a["z_line"], a["x_line"][i].astype(np.float32)
        else:
            if "z_grid" in a:
                snap.z_grid = a["z_grid"][i].astype(np.float32)
            snap.g_arrows = a["g_arrows"][i].astype(np.float32)
            if "mode_counts" in a:
                snap.mode_counts = a["mode_counts"][i]
                snap.mode_centres = a["mode_centres"]
        return snap

    def snapshots(self) -> list[Snapshot]:
        return [self.snapshot(i) for i in range(self.n_frames)]


def read_recording(path: Path, expected_hash: str) -> Replay:
    """The recording at `path`, checked against the step's config hash; RecordingProblem with
    one line if it is missing, too big, damaged or recorded for other settings."""
    arrays, meta, parsed = open_recording(path, expected_hash, ("metric_names",))
    names = parsed["metric_names"]
    table = arrays.pop("metrics", None)
    if table is None:
        raise RecordingProblem(f"{path.name} is damaged (KeyError)")
    n = len(arrays.get("iteration", ()))
    kind = meta.get("kind", "game")
    if kind in THEORY_MODES:
        from gan_viz.lessons.theory_recording import complete

        lined_up = complete(arrays, n, kind)
    else:
        pictures = arrays.get("fake", arrays.get("grid", ()))  # a toy run's samples, or digits
        lined_up = len(pictures) == n
    if n < 2 or table.shape != (n, len(names)) or not lined_up:
        raise RecordingProblem(f"{path.name} is damaged (its frames do not line up)")
    return Replay(arrays, {name: table[:, j] for j, name in enumerate(names)}, kind)


def load_replay(lesson: Lesson, index: int, folder: Path = RECORDING_DIR):
    """Step `index`'s recording: a Replay, or a SeedsReplay for a many-seeds step."""
    step = lesson.steps[index]
    path = folder / lesson.recording_name(index)
    if step.run.seeds:
        from gan_viz.lessons.seeds import read_seeds

        return read_seeds(path, step.run.config_hash(), step)
    return read_recording(path, step.run.config_hash())
