"""An image step's run (MNIST digits, gan_viz.images), recorded for a lesson's replay.

One evaluation of the run per frame (ImageGAN evaluates every iterations / frames), of which the
recording keeps what the views draw and the claims read:

- `grid` (frames, 36, 28, 28) uint8: G's digits from the same fixed z at every frame;
- `grid_class` (frames, 36) uint8 and `grid_confidence` (frames, 36) float16: the classifier's
  digit for each of them and its max-softmax probability;
- `class_counts` / `recognised_counts` (frames, 10) int32: the class histogram of 500 other
  generated digits (the classifier's argmax, and of those the ones it is > 0.9 sure of): the
  class-histogram idea behind the Inception score (Salimans et al. 2016), with our own digit
  classifier in place of Inception;
- every metric row (float64) and the frames' iterations, as for a toy run (recording.py).

About 0.4 MB compressed for 30 frames. Determinism: the run is ImageGAN on the CPU in float32
with one torch thread, seeded from the step's seed (ImageGAN seeds its nets, noise, data and
fixed evaluation sets from cfg.seed), judged by the cached classifier, itself trained from a
fixed seed (gan_viz.images.classifier.SEED): recording a step twice gives the same arrays.
"""

from __future__ import annotations

import json

import numpy as np
import torch

from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.lessons.format import Step

H16 = np.float16


def record_image_step(step: Step, progress=None) -> dict[str, np.ndarray]:
    """Train the step's image run from its seed and return the recording's arrays."""
    from gan_viz.images.run import ImageGAN

    cfg = step.run.config()
    every = cfg.cadence.eval_every
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same sums in the same order, every time
    try:
        run = ImageGAN(cfg)  # evaluates frame 0
        for done in range(0, step.run.iterations, every):
            run.train(min(every, step.run.iterations - done))
            if progress:
                progress(done + every, step.run.iterations)
        if run.diverged:
            raise RuntimeError(f"the recorded run {run.diverged}")
    finally:
        torch.set_num_threads(threads)
    snaps = run.history.snapshots()
    columns = run.history.columns()
    names = sorted(set(columns) - {"seconds"})  # wall time: the one thing not deterministic
    return {
        "iteration": np.array([s.step for s in snaps], np.int64),
        "d_updates": np.array([s.d_updates for s in snaps], np.int64),
        "grid": np.stack([s.grid for s in snaps]).astype(np.uint8),
        "grid_class": np.stack([s.grid_class for s in snaps]).astype(np.uint8),
        "grid_confidence": np.stack([s.grid_confidence for s in snaps]).astype(H16),
        "class_counts": np.stack([s.class_counts for s in snaps]).astype(np.int32),
        "recognised_counts": np.stack([s.recognised_counts for s in snaps]).astype(np.int32),
        "metric_names": np.array(json.dumps(names)),
        "metrics": np.stack([np.asarray(columns[n], np.float64) for n in names], axis=1),
    }


def image_snapshot(arrays: dict[str, np.ndarray], columns: dict, i: int) -> ImageSnapshot:
    """Frame i of an image recording as an ImageSnapshot, for gan_viz.plots.images' builders
    (D's outputs are not recorded: empty)."""
    empty = np.zeros(0, np.float32)
    return ImageSnapshot(
        step=int(arrays["iteration"][i]),
        d_updates=int(arrays["d_updates"][i]),
        g_updates=0,
        grid=arrays["grid"][i],
        grid_class=arrays["grid_class"][i].astype(np.int64),
        grid_confidence=arrays["grid_confidence"][i].astype(np.float32),
        class_counts=arrays["class_counts"][i].astype(np.int64),
        recognised_counts=arrays["recognised_counts"][i].astype(np.int64),
        d_real=empty,
        d_fake=empty,
        metrics={k: float(v[i]) for k, v in columns.items()},
    )
