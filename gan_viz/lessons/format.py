"""A lesson as data: a TOML file parsed into frozen dataclasses, checked as it is read.

A lesson is an ordered list of steps. Each step tells one idea in a few plain sentences around
one formula, shows a recorded run (its settings: a preset of gan_viz.presets, overrides and a
seed), asks a question before the run is revealed, and makes claims about the run that a test
checks against the recording (gan_viz.lessons.claims). The file layout, one table per step:

    id = "minimax"
    title = "The minimax game"
    source = "Goodfellow et al. 2014"

    [[steps]]
    title = "..."
    text = ["sentence", "sentence"]          # 2 to 5
    formula = 'V(G, D) = ...'                # LaTeX, drawn by st.latex
    views = ["data", "curves"]               # data (1-D/2-D view), curves, occupancy
                                             # image runs: digits, classes, curves
    reveal = "what the run showed"
    run = { preset = "fig1", seed = 0, iterations = 1500, frames = 80 }
    run.overrides = { optim = { d_steps = 5 } }   # RunConfig.replace sections
    question = { kind = "choice", prompt = "...", answers = [
        { text = "...", correct = true, why = "..." }, ... ] }
    claims = [ { metric = "js", at = "end", op = "<", value = 0.05 } ]

A step may instead replay one of the theory lab's experiments (gan_viz.lessons.theory_runs):

    run = { mode = "dirac", method = "gan", scheme = "simultaneous", h = 0.2,
            theta0 = 1.0, psi0 = 1.0, iterations = 500, frames = 100, span = 3.0 }
    run = { mode = "fgan", divergence = "kl", target = "bimodal", q_mean = 0.0, q_std = 1.0,
            seed = 0, iterations = 2000, frames = 40 }

A Dirac step's views are `data` (the field and the iterates), `curves` (distance to the
equilibrium) and `eigenvalues` (the update's Jacobian at the equilibrium); an f-GAN step's are
`data` (the critic T against T*) and `curves` (the bound against D_f).

An image run (MNIST digits, gan_viz.images) says `mode = "image"` and names a preset of
gan_viz.images.presets (`run = { mode = "image", preset = "mnist-dcgan", seed = 0, ... }`); its
overrides are ImageRunConfig sections, its views `digits` (G's fixed-noise grid beside the class
histogram, animated), `classes` (the class histogram over time) and `curves`, and its question a
choice or a point question on the histogram (`target = "max_class_share"`: how tall the tallest
bar will be at the end, clicked on the `digits` view's bars).

A many-seeds step (views = ["seeds"]) replays `run.seeds` seeds of one setting side by side,
seeds run.seed, run.seed + 1, ..., and optionally a second setting over the same seeds and length
(a cure beside the collapse), each with a short label:

    views = ["seeds"]
    run = { preset = "ring-collapse", seed = 0, seeds = 16, iterations = 1000, frames = 10,
            label = "Collapse" }
    run.compare = { preset = "ring-wgan-gp", label = "WGAN-GP" }
    claims = [ { metric = "seeds_collapsed", of = "compare", op = "<=", value = 2 } ]

A table step (views = ["table"]) trains its run and more settings, `run.rows`, over the same
seeds and length, and shows one row per setting: modes captured, high-quality samples, reverse
KL and JS, each the mean and spread over the seeds, as VEEGAN's and PacGAN's tables do. A
claim reads a row by its label (`of = "PacGAN"`):

    views = ["table"]
    run = { preset = "ring-collapse", seed = 0, seeds = 5, iterations = 5000, frames = 2,
            label = "Collapse" }
    run.rows = [ { preset = "ring-pacgan", label = "PacGAN" } ]
    claims = [ { metric = "mean_modes", of = "PacGAN", op = ">=", value = 8 } ]

A malformed file is refused with one ConfigError naming the file, the step and the field.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError
from gan_viz.images.config import ImageRunConfig, validate_images
from gan_viz.lessons import theory_runs
from gan_viz.lessons.theory_runs import DiracRun, FganRun
from gan_viz.validation import validate

LESSON_DIR = Path(__file__).parent
# what a toy run (game, d_only) can show; seeds: a many-seeds step's grid, alone
GAME_VIEWS = ("data", "curves", "occupancy", "seeds", "table")
IMAGE_VIEWS = ("digits", "classes", "curves")  # what an image run can show
THEORY_VIEWS = {"dirac": ("data", "curves", "eigenvalues"), "fgan": ("data", "curves")}
VIEWS = ("data", "curves", "occupancy", "seeds", "table", "eigenvalues", "digits", "classes")
SEEDS_VIEWS = ("seeds", "table")  # a many-seeds step's one view: small multiples, or a table
# a point question on a Dirac run is a distance from (0, 0): its target a claim metric (radius)
THEORY_QUESTIONS = {"dirac": ("choice", "point"), "fgan": ("choice",)}
# An image step's point question is answered on its class histogram: the tallest bar's height.
IMAGE_QUESTIONS, IMAGE_POINT_TARGETS = ("choice", "point"), ("max_class_share",)
# point: place a marker on the picture (1-D: an x value); modes: pick the modes that survive
QUESTION_KINDS = ("choice", "point", "modes")
# d_only: G frozen, D alone learns (k D steps per frame); image: an MNIST run (gan_viz.images)
RUN_MODES = ("game", "d_only", "image")
THEORY_MODES = tuple(theory_runs.PARSERS)  # the theory lab's experiments (dirac, fgan)
# An image run's recording: digits of G's fixed-noise grid per frame, and generated digits the
# classifier judges per frame for the class histogram (500: a share of 10% is read to +-1.3%).
IMAGE_GRID = 36
IMAGE_EVAL_SAMPLES = 500
CLAIM_OPS = ("<", "<=", ">", ">=")
MAX_FILE_BYTES = 256 * 1024  # a lesson is text: anything bigger is not one
MAX_SEEDS = 25  # a many-seeds step's grid: 5 x 5 at most, each panel big enough to read
# which setting of a many-seeds step a claim reads: the run, its compare setting, or a table
# row named by its label
CLAIM_OF = ("run", "compare")
MAX_ROWS = 8  # a table step's settings besides its run
RECORDING_FORMAT = 1  # bump when the recording's arrays change meaning: old hashes stop matching
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


@dataclass(frozen=True)
class Answer:
    text: str
    correct: bool
    why: str  # shown after the reveal: why this answer is right or wrong


@dataclass(frozen=True)
class Question:
    kind: str  # choice | point | modes
    prompt: str
    answers: tuple[Answer, ...] = ()  # choice only
    # point: the quantity the marker predicts (a claim metric, e.g. "g_mean") and how near counts
    target: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True)
class Claim:
    """A check on the recording: `metric` at `at` ("start", "end" or an iteration) `op` value."""

    metric: str
    op: str
    value: float
    at: str | int = "end"
    of: str = "run"  # many-seeds steps: the step's run or its compare setting

    def describe(self) -> str:
        where = self.at if isinstance(self.at, str) else f"iteration {self.at}"
        of = "" if self.of == "run" else f" ({self.of})"
        return f"{self.metric}{of} at {where} {self.op} {self.value:g}"


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


@dataclass(frozen=True)
class Step:
    title: str
    text: tuple[str, ...]
    formula: str
    views: tuple[str, ...]
    run: RunSpec | DiracRun | FganRun
    reveal: str
    question: Question | None = None
    claims: tuple[Claim, ...] = ()
    source: str = ""
    # Frames played (on a loop) before the reveal: the very start of the run, so the picture
    # moves without giving the answer away (fig1's p_g is on the data by iteration 140).
    teaser_frames: int = 3


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    source: str
    steps: tuple[Step, ...]
    summary: str = ""

    def recording_name(self, index: int) -> str:
        """File name of step `index`'s recording (0-based), e.g. minimax-03.npz."""
        return f"{self.id}-{index + 1:02d}.npz"


# --- parsing ---------------------------------------------------------------------------------


class _Reader:
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


def _question(table: Any, where: str) -> Question:
    r = _Reader(table, where)
    r.unknown({"kind", "prompt", "answers", "target", "tolerance"})
    kind = r.choice("kind", QUESTION_KINDS)
    prompt = r.get("prompt", str)
    if kind == "point":
        return Question(kind, prompt, (), r.get("target", str), r.get("tolerance", float))
    if kind == "modes":  # the truth is the recording's: the modes G still makes at the end
        return Question(kind, prompt)
    answers = []
    for i, a in enumerate(r.get("answers", list)):
        ar = _Reader(a, f"{where}.answers[{i + 1}]")
        ar.unknown({"text", "correct", "why"})
        answers.append(
            Answer(ar.get("text", str), ar.get("correct", bool, False), ar.get("why", str))
        )
    if len(answers) < 2 or sum(a.correct for a in answers) != 1:
        raise ConfigError(
            f"{where}.answers", len(answers), "2 or more answers, exactly one correct"
        )
    return Question(kind, prompt, tuple(answers))


def _claim(table: Any, where: str) -> Claim:
    r = _Reader(table, where)
    r.unknown({"metric", "at", "op", "value", "of"})
    at = r.get("at", (str, int), "end")
    if isinstance(at, str) and at not in ("start", "end"):
        raise ConfigError(f"{where}.at", at, "start, end or an iteration")
    return Claim(
        r.get("metric", str),
        r.choice("op", CLAIM_OPS),
        r.get("value", float),
        at,
        r.get("of", str, "run"),
    )


def _compare(table: Any, where: str, run: RunSpec) -> RunSpec:
    """The second setting of a many-seeds step (or a table's row): its own preset and
    overrides, the run's seeds and length (every setting is judged after the same training)."""
    r = _Reader(table, where)
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


def _frames(iterations: int, frames: int, where: str) -> None:
    if not 1 <= iterations <= 100_000:
        raise ConfigError(f"{where}.iterations", iterations, "1 to 100,000")
    if not 2 <= frames <= 200 or iterations % frames:
        raise ConfigError(f"{where}.frames", frames, "2 to 200, dividing the iterations exactly")


def _run(table: Any, where: str) -> RunSpec | DiracRun | FganRun:
    r = _Reader(table, where)
    if r.table.get("mode") in THEORY_MODES:
        run = theory_runs.parse(r, where)
        _frames(run.iterations, run.frames, where)
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
    _frames(spec.iterations, spec.frames, where)
    try:
        spec.config()
    except ConfigError as err:
        raise ConfigError(f"{where}: {err.setting}", err.given, err.allowed) from None
    if "compare" in r.table:
        if not spec.seeds:
            raise ConfigError(f"{where}.compare", "a second setting", "a run with 2 or more seeds")
        spec = replace(spec, compare=_compare(r.table["compare"], f"{where}.compare", spec))
    if "rows" in r.table:
        rows = r.get("rows", list)
        if not spec.seeds or not 1 <= len(rows) <= MAX_ROWS:
            raise ConfigError(
                f"{where}.rows", len(rows), f"1 to {MAX_ROWS}, on a run with 2 or more seeds"
            )
        spec = replace(
            spec,
            rows=tuple(_compare(t, f"{where}.rows[{i + 1}]", spec) for i, t in enumerate(rows)),
        )
    labels = spec.labels
    if spec.seeds and (len(set(labels)) != len(labels) or set(labels) & set(CLAIM_OF)):
        raise ConfigError(f"{where}.label", labels, "a different label for every setting")
    return spec


def _step(table: Any, where: str) -> Step:
    r = _Reader(table, where)
    r.unknown(
        {
            "title",
            "text",
            "formula",
            "views",
            "run",
            "reveal",
            "question",
            "claims",
            "source",
            "teaser_frames",
        }
    )
    text = r.get("text", list)
    if not 2 <= len(text) <= 5 or not all(isinstance(s, str) and s.strip() for s in text):
        raise ConfigError(f"{where}.text", len(text), "2 to 5 sentences (non-empty strings)")
    views = r.get("views", list)
    bad = [v for v in views if v not in VIEWS]
    if not views or bad:
        raise ConfigError(f"{where}.views", bad or views, f"one or more of {', '.join(VIEWS)}")
    question = r.table.get("question")
    run = _run(r.get("run", dict), f"{where}.run")
    image = run.mode == "image"
    allowed = IMAGE_VIEWS if image else THEORY_VIEWS.get(run.mode, GAME_VIEWS)
    kind = "an image run" if image else f"a {run.mode} run"
    if any(v not in allowed for v in views):
        raise ConfigError(
            f"{where}.views", views, f"for {kind}: one or more of {', '.join(allowed)}"
        )
    teaser = r.get("teaser_frames", int, 3)
    if not 2 <= teaser <= run.frames:
        raise ConfigError(f"{where}.teaser_frames", teaser, f"2 to the run's {run.frames} frames")
    seeds = getattr(run, "seeds", 0)
    grids = [v for v in views if v in SEEDS_VIEWS]
    if bool(grids) != bool(seeds) or (seeds and len(views) > 1):
        raise ConfigError(
            f"{where}.views",
            views,
            '["seeds"] or ["table"] with run.seeds, the other views without it',
        )
    if getattr(run, "rows", ()) and views != ["table"]:
        raise ConfigError(f"{where}.views", views, '["table"], for a run with rows')
    claims = tuple(
        _claim(c, f"{where}.claims[{i + 1}]") for i, c in enumerate(r.get("claims", list, []))
    )
    for i, claim in enumerate(claims):
        known = ["run"] + (["compare"] if getattr(run, "compare", None) else [])
        known += run.labels[len(known) :] if seeds else []  # a table's rows, by their labels
        if claim.of not in known:
            raise ConfigError(f"{where}.claims[{i + 1}].of", claim.of, ", ".join(known))
    parsed = None if question is None else _question(question, f"{where}.question")
    kinds = IMAGE_QUESTIONS if image else THEORY_QUESTIONS.get(run.mode, QUESTION_KINDS)
    if parsed is not None and parsed.kind not in kinds:
        raise ConfigError(f"{where}.question.kind", parsed.kind, f"{', '.join(kinds)}, for {kind}")
    if image and parsed is not None and parsed.kind == "point":
        if parsed.target not in IMAGE_POINT_TARGETS:
            allowed = f"{', '.join(IMAGE_POINT_TARGETS)} (the class histogram's tallest bar)"
            raise ConfigError(f"{where}.question.target", parsed.target, allowed)
        if "digits" not in views:
            raise ConfigError(f"{where}.views", views, "digits, where the histogram is clicked")
    if getattr(run, "seeds", 0) and parsed is not None and parsed.kind != "choice":
        raise ConfigError(f"{where}.question.kind", parsed.kind, "choice (a many-seeds step)")
    return Step(
        title=r.get("title", str),
        text=tuple(text),
        formula=r.get("formula", str),
        views=tuple(views),
        run=run,
        reveal=r.get("reveal", str),
        question=parsed,
        claims=claims,
        source=r.get("source", str, ""),
        teaser_frames=teaser,
    )


def parse_lesson(text: str, name: str = "lesson") -> Lesson:
    """A lesson from TOML text; ConfigError (one line, naming the field) if anything is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(name, "text that is not TOML", f"valid TOML ({err})") from None
    r = _Reader(data, name)
    r.unknown({"id", "title", "source", "summary", "steps"})
    steps = r.get("steps", list)
    if not steps:
        raise ConfigError(f"{name}.steps", 0, "at least one step")
    return Lesson(
        id=r.get("id", str),
        title=r.get("title", str),
        source=r.get("source", str),
        summary=r.get("summary", str, ""),
        steps=tuple(_step(s, f"{name} step {i + 1}") for i, s in enumerate(steps)),
    )


def load_lesson(path: str | Path) -> Lesson:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ConfigError(
            path.name, f"{size:,} bytes", f"a lesson file of at most {MAX_FILE_BYTES:,}"
        )
    return parse_lesson(path.read_text(encoding="utf-8"), path.name)


def lessons(folder: Path = LESSON_DIR) -> dict[str, Lesson]:
    """Every lesson shipped, by id, in the order of their file names (01-minimax.toml, ...)."""
    out: dict[str, Lesson] = {}
    for path in sorted(folder.glob("*.toml")):
        lesson = load_lesson(path)
        if lesson.id in out:
            raise ConfigError(path.name, lesson.id, "an id no other lesson has")
        out[lesson.id] = lesson
    return out
