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

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gan_viz.errors import ConfigError
from gan_viz.lessons.runs import Reader, RunSpec, parse_run
from gan_viz.lessons.theory_runs import DiracRun, FganRun

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
CLAIM_OPS = ("<", "<=", ">", ">=")
MAX_FILE_BYTES = 256 * 1024  # a lesson is text: anything bigger is not one


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


def _question(table: Any, where: str) -> Question:
    r = Reader(table, where)
    r.unknown({"kind", "prompt", "answers", "target", "tolerance"})
    kind = r.choice("kind", QUESTION_KINDS)
    prompt = r.get("prompt", str)
    if kind == "point":
        return Question(kind, prompt, (), r.get("target", str), r.get("tolerance", float))
    if kind == "modes":  # the truth is the recording's: the modes G still makes at the end
        return Question(kind, prompt)
    answers = []
    for i, a in enumerate(r.get("answers", list)):
        ar = Reader(a, f"{where}.answers[{i + 1}]")
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
    r = Reader(table, where)
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


def _step(table: Any, where: str) -> Step:
    r = Reader(table, where)
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
    run = parse_run(r.get("run", dict), f"{where}.run")
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
    r = Reader(data, name)
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
