"""A lesson step's run: which settings it trains (a preset of gan_viz.presets or
gan_viz.images.presets, its overrides and seed, or a theory lab experiment, gan_viz.lessons.
theory_runs), over which seeds and for how long, read strictly from the step's `run` table, and
the hash its recording must match. The lesson file's layout is in gan_viz.lessons.format."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.images.config import ImageRunConfig, validate_images
from gan_viz.lessons import theory_runs
from gan_viz.lessons.theory_runs import DiracRun, FganRun
from gan_viz.validation import validate

# d_only: G frozen, D alone learns (k D steps per frame); image: an MNIST run (gan_viz.images)
RUN_MODES = ("game", "d_only", "image")
THEORY_MODES = tuple(theory_runs.PARSERS)  # the theory lab's experiments (dirac, fgan)
# An image run's recording: digits of G's fixed-noise grid per frame, and generated digits the
# classifier judges per frame for the class histogram (500: a share of 10% is read to +-1.3%).
IMAGE_GRID = 36
IMAGE_EVAL_SAMPLES = 500
MAX_SEEDS = 25  # a many-seeds step's grid: 5 x 5 at most, each panel big enough to read
# which setting of a many-seeds step a claim reads: the run, its compare setting, or a table
# row named by its label
CLAIM_OF = ("run", "compare")
MAX_ROWS = 8  # a table step's settings besides its run
RECORDING_FORMAT = 1  # bump when the recording's arrays change meaning: old hashes stop matching


class Reader:
    """Reads one table, naming the place of any bad field in its error."""

    def __init__(self, table: Any, where: str):
        if not isinstance(table, dict):
            raise ConfigError(where, type(table).__name__, "a table")
        self.table, self.where = table, where

    def get(self, key: str, kind: type | tuple, default: Any = ..., allowed: str = "") -> Any:
        if key not in self.table:
            if default is ...:
                raise ConfigError(f"{self.where}.{key}", "nothing", allowed or "a value (required)")
            return default
        value = self.table[key]
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, float))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ConfigError(f"{self.where}.{key}", value, allowed or f"a {names}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default, allowed=", ".join(options))
        if value not in options:
            raise ConfigError(f"{self.where}.{key}", value, ", ".join(options))
        return value

    def unknown(self, known: set[str]) -> None:
        extra = sorted(set(self.table) - known)
        if extra:
            raise ConfigError(
                f"{self.where}.{extra[0]}", "an unknown field", ", ".join(sorted(known))
            )


@dataclass(frozen=True)
class RunSpec:
    preset: str
    seed: int
    iterations: int  # iterations of Algorithm 1 (d_only: D steps)
    frames: int  # recorded frames over the run (plus the start); divides iterations
    mode: str = "game"  # game | d_only | image
    overrides: dict = field(default_factory=dict)
    # A many-seeds step: how many seeds (from `seed` on) play side by side (0: one run), the
    # setting's short label, and a second setting over the same seeds and length.
    seeds: int = 0
    label: str = ""
    compare: RunSpec | None = None
    # A table step: more settings over the same seeds and length, one row each.
    rows: tuple[RunSpec, ...] = ()

    @property
    def seed_list(self) -> list[int]:
        return list(range(self.seed, self.seed + max(self.seeds, 1)))

    @property
    def settings(self) -> list[RunSpec]:
        """The settings a many-seeds step plays: its own, its compare setting, its rows."""
        return [self] + ([] if self.compare is None else [self.compare]) + list(self.rows)

    @property
    def labels(self) -> list[str]:
        """Each setting's name: its label, else its preset (a claim's `of` for a row)."""
        return [spec.label or spec.preset for spec in self.settings]

    def with_seed(self, seed: int) -> RunSpec:
        """One seed of a many-seeds setting, as a run of its own (its link to the playground)."""
        return replace(self, seed=seed, seeds=0, compare=None, rows=())

    def config(self) -> RunConfig | ImageRunConfig:
        """The run's full settings: the preset with the overrides and seed, on the CPU (so a
        recording is the same on every machine), recording a frame every iterations/frames."""
        from gan_viz.presets import PRESETS

        if self.mode == "image":
            return self._image_config()
        if self.preset not in PRESETS:
            raise ConfigError("run.preset", self.preset, ", ".join(PRESETS))
        cfg = PRESETS[self.preset].config
        try:
            cfg = cfg.replace(**self.overrides)
        except (TypeError, ValueError, AttributeError) as err:
            allowed = f"RunConfig sections ({err})"
            raise ConfigError("run.overrides", self.overrides, allowed) from None
        every = self.iterations // self.frames
        cfg = cfg.replace(
            seed=self.seed,
            device="cpu",
            cadence={"record_every": every, "snapshot_every": 0, "max_snapshots": 100_000},
        )
        return validate(cfg)

    def _image_config(self) -> ImageRunConfig:
        """An image run's settings: the images preset with the overrides and seed, on the CPU in
        float32 (bf16 autocast where a CPU has it would change the numbers from machine to
        machine), evaluated once a frame."""
        from gan_viz.images.presets import IMAGE_PRESETS

        if self.preset not in IMAGE_PRESETS:
            raise ConfigError("run.preset", self.preset, ", ".join(IMAGE_PRESETS))
        cfg = IMAGE_PRESETS[self.preset].config
        try:
            cfg = cfg.replace(**self.overrides)
        except (TypeError, ValueError, AttributeError) as err:
            allowed = f"ImageRunConfig sections ({err})"
            raise ConfigError("run.overrides", self.overrides, allowed) from None
        cfg = cfg.replace(
            seed=self.seed,
            device="cpu",
            precision="fp32",
            cadence={
                "eval_every": self.iterations // self.frames,
                "eval_samples": IMAGE_EVAL_SAMPLES,
                "grid": IMAGE_GRID,
                "max_snapshots": 100_000,
            },
        )
        return validate_images(cfg)

    def config_hash(self) -> str:
        """What a recording must match: the resolved settings, the length, the mode, the format."""
        data = {
            "config": self.config().to_dict(),
            "iterations": self.iterations,
            "frames": self.frames,
            "mode": self.mode,
            "format": RECORDING_FORMAT,
        }
        if self.seeds:  # only many-seeds steps: every other step's hash stays as it was
            data["seeds"] = self.seed_list
            if self.compare is not None:
                data["compare"] = self.compare.config().to_dict()
            if self.rows:
                data["rows"] = [row.config().to_dict() for row in self.rows]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def parse_setting(table: Any, where: str, run: RunSpec) -> RunSpec:
    """The second setting of a many-seeds step (or a table's row): its own preset and
    overrides, the run's seeds and length (every setting is judged after the same training)."""
    r = Reader(table, where)
    r.unknown({"preset", "overrides", "label"})
    spec = replace(
        run,
        preset=r.get("preset", str),
        overrides=r.get("overrides", dict, {}),
        label=r.get("label", str, ""),
        compare=None,
        rows=(),
    )
    try:
        spec.config()
    except ConfigError as err:
        raise ConfigError(f"{where}: {err.setting}", err.given, err.allowed) from None
    return spec


def check_frames(iterations: int, frames: int, where: str) -> None:
    if not 1 <= iterations <= 100_000:
        raise ConfigError(f"{where}.iterations", iterations, "1 to 100,000")
    if not 2 <= frames <= 200 or iterations % frames:
        raise ConfigError(f"{where}.frames", frames, "2 to 200, dividing the iterations exactly")


def parse_run(table: Any, where: str) -> RunSpec | DiracRun | FganRun:
    r = Reader(table, where)
    if r.table.get("mode") in THEORY_MODES:
        run = theory_runs.parse(r, where)
        check_frames(run.iterations, run.frames, where)
        return run
    r.unknown(
        {
            "preset",
            "seed",
            "iterations",
            "frames",
            "mode",
            "overrides",
            "seeds",
            "label",
            "compare",
            "rows",
        }
    )
    spec = RunSpec(
        preset=r.get("preset", str),
        seed=r.get("seed", int),
        iterations=r.get("iterations", int),
        frames=r.get("frames", int, 80),
        mode=r.choice("mode", RUN_MODES + THEORY_MODES, "game"),
        overrides=r.get("overrides", dict, {}),
        seeds=r.get("seeds", int, 0),
        label=r.get("label", str, ""),
    )
    if spec.seeds and not 2 <= spec.seeds <= MAX_SEEDS:
        raise ConfigError(f"{where}.seeds", spec.seeds, f"2 to {MAX_SEEDS} seeds side by side")
    if spec.seeds and spec.mode != "game":
        raise ConfigError(f"{where}.mode", spec.mode, "game (a many-seeds step trains G)")
    check_frames(spec.iterations, spec.frames, where)
    try:
        spec.config()
    except ConfigError as err:
        raise ConfigError(f"{where}: {err.setting}", err.given, err.allowed) from None
    if "compare" in r.table:
        if not spec.seeds:
            raise ConfigError(f"{where}.compare", "a second setting", "a run with 2 or more seeds")
        spec = replace(spec, compare=parse_setting(r.table["compare"], f"{where}.compare", spec))
    if "rows" in r.table:
        rows = r.get("rows", list)
        if not spec.seeds or not 1 <= len(rows) <= MAX_ROWS:
            raise ConfigError(
                f"{where}.rows", len(rows), f"1 to {MAX_ROWS}, on a run with 2 or more seeds"
            )
        spec = replace(
            spec,
            rows=tuple(
                parse_setting(t, f"{where}.rows[{i + 1}]", spec) for i, t in enumerate(rows)
            ),
        )
    labels = spec.labels
    if spec.seeds and (len(set(labels)) != len(labels) or set(labels) & set(CLAIM_OF)):
        raise ConfigError(f"{where}.label", labels, "a different label for every setting")
    return spec
