"""A run's main view as an animated GIF (always) or MP4 (when an ffmpeg is there), for slides.

The frame count is the user's; the size limit is met by shrinking the picture, never by
dropping frames (a slide's story keeps every step it was promised). ffmpeg is the one on PATH,
else the one the `imageio-ffmpeg` wheel carries, if installed.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from gan_viz.errors import ConfigError
from gan_viz.export import DEFAULT_FRAMES, check_frames, frame_seqs
from gan_viz.export.frames import draw_frames

DEFAULT_WIDTH = 800  # px; 4:3, so it fits beside text on a slide
ASPECT = 0.75
MIN_WIDTH = 160  # px: smaller than this and a view says nothing
MAX_WIDTH = 1920  # px: a projector's width; every frame is held in memory while encoding
FPS = 8
GIF_COLOURS = 128  # a palette per frame: the heat map's gradient needs many, samples few


def _load(store, run_id: int, frames: int, width: int, height: int) -> tuple[list, str]:
    """The snapshots of the frames to draw, once the frames (as many as asked, fewer when the
    run holds fewer snapshots) are known to fit in memory at width x height."""
    run = store.open(run_id)
    seqs = frame_seqs(run.snapshot_index(), frames)
    check_frames(max(2, len(seqs)), width, height)
    return [run.snapshot(s) for s in seqs], run.info.label


def _gif_bytes(images: list[Image.Image], fps: int) -> bytes:
    out = io.BytesIO()
    frames = [im.quantize(GIF_COLOURS, method=Image.Quantize.MEDIANCUT) for im in images]
    frames[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=int(1000 / fps),
        loop=0,
        optimize=True,
    )
    return out.getvalue()


def gif_bytes(
    snaps: list,
    label: str = "",
    width: int = DEFAULT_WIDTH,
    max_bytes: int | None = None,
    fps: int = FPS,
) -> bytes:
    """An animated GIF of these snapshots, one frame each, at most `max_bytes` long: the
    picture shrinks (from `width` down to MIN_WIDTH px) until it fits."""
    check_width(width)
    check_frames(max(2, len(snaps)), width, round(width * ASPECT))
    images = draw_frames(snaps, width, round(width * ASPECT), label)
    data = _gif_bytes(images, fps)
    w = width
    while max_bytes is not None and len(data) > max_bytes:
        if w <= MIN_WIDTH:
            raise ConfigError(
                "size limit",
                f"{max_bytes / 1e6:.2f} MB",
                f"at least {len(data) / 1e6:.2f} MB for {len(snaps)} frames (or fewer frames)",
            )
        # GIF bytes grow about with the pixel count; aim a little under the limit.
        w = max(MIN_WIDTH, int(w * math.sqrt(max_bytes / len(data)) * 0.95))
        size = (w, round(w * ASPECT))
        data = _gif_bytes([im.resize(size, Image.Resampling.LANCZOS) for im in images], fps)
    return data


def check_width(width: int) -> None:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ConfigError("width", width, f"{MIN_WIDTH} to {MAX_WIDTH} px")


def export_gif(
    store,
    run_id: int,
    path: str | Path,
    frames: int = DEFAULT_FRAMES,
    width: int = DEFAULT_WIDTH,
    max_bytes: int | None = None,
    fps: int = FPS,
) -> Path:
    check_width(width)
    snaps, label = _load(store, run_id, frames, width, round(width * ASPECT))
    path = Path(path)
    path.write_bytes(gif_bytes(snaps, label, width, max_bytes, fps))
    return path


def ffmpeg() -> str | None:
    """An ffmpeg executable, or None."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


def export_mp4(
    store,
    run_id: int,
    path: str | Path,
    frames: int = DEFAULT_FRAMES,
    width: int = 1280,
    fps: int = FPS,
) -> Path:
    """An H.264 MP4 (yuv420p: plays in PowerPoint, Keynote and browsers)."""
    exe = ffmpeg()
    if exe is None:
        raise ConfigError("format", "mp4", "gif, html or png (mp4 needs ffmpeg on PATH)")
    check_width(width)
    width -= width % 2  # H.264 in yuv420p wants even sides
    height = round(width * ASPECT / 2) * 2
    snaps, label = _load(store, run_id, frames, width, height)
    images = draw_frames(snaps, width, height, label)
    path = Path(path)
    cmd = [
        exe, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    done = subprocess.run(cmd, input=b"".join(im.tobytes() for im in images), capture_output=True)
    if done.returncode != 0:
        # an OSError: like any other failed write, the caller says so in one line
        raise OSError(f"ffmpeg failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    return path
