"""Exports of a stored run for slides and colleagues: an interactive HTML animation
(gan_viz.export.animation), an animated GIF or MP4 of the main view (gan_viz.export.movie, frames
drawn by gan_viz.export.frames), a PNG of a chart at projector resolution (gan_viz.export.png).
No Streamlit here: the CLI and the Runs page call the same functions.
"""

from __future__ import annotations

import numpy as np

DEFAULT_FRAMES = 60  # frames of an animation: a smooth minute-long story of most runs
MAX_FRAMES = 500  # each frame is a stored snapshot read into memory (~0.1-0.5 MB)
# A GIF or MP4 holds every drawn frame in memory, RGB plus its palette copy (~4 bytes a pixel):
# 600 million pixels is ~2.4 GB at the peak. The Runs page's largest GIF (200 frames, 1920 px
# wide) is 553 million; the CLI's --frames and --width alone would allow 1,400 million.
MAX_FRAME_PIXELS = 600_000_000


def check_frames(frames: int, width: int, height: int) -> None:
    """Refuse an animation whose frames would not fit in a laptop's memory (ConfigError)."""
    from gan_viz.errors import ConfigError

    if not 2 <= frames <= MAX_FRAMES:
        raise ConfigError("frames", frames, f"a whole number from 2 to {MAX_FRAMES}")
    pixels = frames * width * height
    if pixels > MAX_FRAME_PIXELS:
        raise ConfigError(
            "frames x picture size",
            f"{frames} frames of {width} x {height} px = {pixels / 1e6:,.0f} million pixels",
            f"at most {MAX_FRAME_PIXELS / 1e6:,.0f} million (fewer frames or a smaller width)",
        )


def frame_seqs(index: list[tuple[int, int, int, int]], frames: int) -> list[int]:
    """Snapshot sequence numbers for `frames` frames spread evenly over a run's stored
    snapshots (index as StoredRun.snapshot_index()); the first and the last always in. Fewer
    when the run holds fewer snapshots."""
    from gan_viz.errors import ConfigError

    if not 2 <= frames <= MAX_FRAMES:
        raise ConfigError("frames", frames, f"a whole number from 2 to {MAX_FRAMES}")
    if not index:
        raise ConfigError("run", "without snapshots", "a run with at least one stored snapshot")
    picks = np.unique(np.round(np.linspace(0, len(index) - 1, frames)).astype(int))
    return [index[i][0] for i in picks]
