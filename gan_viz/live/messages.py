"""What a playground page and its training process say to each other, over a multiprocessing
Pipe: one typed record per message (pickled by the Pipe), never a positional tuple.

Page -> process: a Command (Start, Pause, Speed, Move, TrainTo, Update, Reset, Resume, Close),
with the
request id that its Reply carries back (None: nobody waits for it).

Process -> page: RunBegins when a run begins (a resumed one also says which stored run it goes
on recording into, its settings and, when this machine lacks it, the device it was saved on),
Frame after every record, Sketch for a frame drawn but not recorded (ToyGAN.sketch), Reply to a
command, Failed when the process must end. A Frame always goes out before the Reply to the
command that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gan_viz.config import RunConfig
from gan_viz.errors import ConfigError, WorkerError

# --- page -> process ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Command:
    request: int | None = None  # the id its Reply carries; None: no reply awaited


@dataclass(frozen=True, kw_only=True)
class Start(Command):
    """Train in the background until paused."""


@dataclass(frozen=True, kw_only=True)
class Pause(Command):
    """Stop after the current iteration and record where the run stands."""


@dataclass(frozen=True, kw_only=True)
class Close(Command):
    """Finish recording and end the process."""


@dataclass(frozen=True, kw_only=True)
class Speed(Command):
    iterations: int | None  # iterations per frame; None: as fast as possible


@dataclass(frozen=True, kw_only=True)
class Move(Command):
    move: str  # "d": one D step, "g": one G step, "it": one iteration of Algorithm 1


@dataclass(frozen=True, kw_only=True)
class TrainTo(Command):
    step: int  # train, paused, recording as it goes, until the run has done this many iterations


@dataclass(frozen=True, kw_only=True)
class Update(Command):
    config: RunConfig  # objective, optimisation and cadence changes, from the next iteration


@dataclass(frozen=True, kw_only=True)
class Reset(Command):
    config: RunConfig  # a new run with these settings


@dataclass(frozen=True, kw_only=True)
class Resume(Command):
    run: int  # the run store's id of a toy run with saved weights
    fork: bool = False  # record into a new run that starts as its copy


# --- process -> page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a command was refused, as plain data: a bad setting (the page raises the very same
    ConfigError) or one line."""

    line: str
    setting: str | None = None
    given: Any = None
    allowed: str | None = None

    @classmethod
    def of(cls, err: ConfigError) -> Refusal:
        return cls(str(err), err.setting, err.given, err.allowed)

    def error(self) -> Exception:
        if self.setting is not None:
            return ConfigError(self.setting, self.given, self.allowed)
        return WorkerError(self.line)


@dataclass(frozen=True)
class Status:
    """Where the run stands, sent with every frame."""

    step: int
    d_updates: int
    g_updates: int
    training: bool
    diverged: str | None
    it_per_s: float  # iterations per wall-clock second over the last seconds, frames included
    stored_run: int | None = None  # the run store's id of this run, once it is recorded
    store_problem: str | None = None  # why the store is not saving this run now, one line


@dataclass(frozen=True)
class RunBegins:
    run_id: int  # this process's count of runs: frames of an older run are ignored
    device: str  # e.g. "CPU (1 thread)", "CUDA: NVIDIA H100"
    dim: int  # 1 or 2
    modes: int | None  # modes of a mixture target, else None
    resumed: int | None = None  # a stored run going on: the store's id it records into
    config: RunConfig | None = None  # a resumed run's settings (else the page's own)
    saved_on: str | None = None  # the device a resumed run was saved on, when this one lacks it


@dataclass(frozen=True)
class Frame:
    run_id: int
    row: dict | None  # the metric row just recorded, if any
    snapshot: Any  # the Snapshot just recorded, if any
    status: Status


@dataclass(frozen=True)
class Sketch:
    run_id: int
    sketch: Any  # a Snapshot without measurements (ToyGAN.sketch): drawn, never kept
    status: Status


@dataclass(frozen=True)
class Reply:
    request: int | None
    refusal: Refusal | None  # None: done


@dataclass(frozen=True)
class Failed:
    refusal: Refusal
