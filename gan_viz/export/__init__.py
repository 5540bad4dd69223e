"""Exports of a stored run for slides and colleagues: an interactive HTML animation
(gan_viz.export.animation), an animated GIF or MP4 of the main view (gan_viz.export.movie, frames
drawn by gan_viz.export.frames), a PNG of a chart at projector resolution (gan_viz.export.png).
No Streamlit here: the CLI and the Runs page call the same functions.
"""

from __future__ import annotations

import numpy as np

DEFAULT_FRAMES = 60  # frames of an animation: a smooth minute-long story of most runs


def frame_seqs(index: list[tuple[int, int, int, int]], frames: int) -> list[int]:
    """Snapshot sequence numbers for `frames` frames spread evenly over a run's stored
    snapshots (index as StoredRun.snapshot_index()); the first and the last always in. Fewer
    when the run holds fewer snapshots."""
    from gan_viz.errors import ConfigError

    if frames < 2:
        raise ConfigError("frames", frames, "a whole number of at least 2")
    if not index:
        raise ConfigError("run", "without snapshots", "a run with at least one stored snapshot")
    picks = np.unique(np.round(np.linspace(0, len(index) - 1, frames)).astype(int))
    return [index[i][0] for i in picks]
