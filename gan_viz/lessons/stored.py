"""A step's recording as stored: one .npz per step (no pickles), its size limit and its checked
reader, shared by every kind of run (gan_viz.lessons.recording, seeds, image_recording,
theory_recording)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

SHOWN_SAMPLES = 400  # fake (and real) samples a recording keeps per frame
MAX_RECORDING_BYTES = 8 * 1024 * 1024  # one step's file; bigger is refused before reading
H16 = np.float16


class RecordingProblem(Exception):
    """Why a step has no usable recording: one line for the page's notice."""


def open_recording(path: Path, expected_hash: str, json_keys: tuple[str, ...] = ()):
    """A step's .npz read whole once its size is checked, with `meta` and the `json_keys`
    entries parsed: (arrays, meta, {key: value}). RecordingProblem with one line if it is
    missing, too big, damaged or recorded for other settings."""
    if not path.exists():
        raise RecordingProblem(f"no recording {path.name}: run `gan-viz lessons record`")
    size = path.stat().st_size
    if size > MAX_RECORDING_BYTES:
        raise RecordingProblem(f"{path.name} is {size:,} bytes; at most {MAX_RECORDING_BYTES:,}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(str(arrays.pop("meta")))
        parsed = {k: json.loads(str(arrays.pop(k))) for k in json_keys}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as err:
        raise RecordingProblem(f"{path.name} is damaged ({type(err).__name__})") from None
    if meta.get("config_hash") != expected_hash:
        raise RecordingProblem(
            f"{path.name} was recorded for other settings: run `gan-viz lessons record`"
        )
    return arrays, meta, parsed
