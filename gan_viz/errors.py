"""The errors a user meets, in one place every layer may import (none imports upward for them).

Each says in one line what is wrong and what is allowed, so the CLI prints it with exit code 2
and the app shows it as a message instead of a traceback.
"""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """An invalid setting: says which one, what was given and what is allowed."""

    def __init__(self, setting: str, given: Any, allowed: str):
        self.setting, self.given, self.allowed = setting, given, allowed
        super().__init__(f"{setting}: got {given!r}; allowed: {allowed}")


class DataError(ConfigError):
    """Data that cannot be used: says which setting or file, and what is wrong with it."""

    def __init__(self, setting: str, given: object, problem: str):
        self.setting, self.given, self.allowed = setting, given, problem
        ValueError.__init__(self, f"{setting}: {given}: {problem}")


class ArchiveError(ConfigError):
    """An archive that cannot be imported: names the file and what is wrong with it."""

    def __init__(self, path, problem: str):
        self.setting, self.given, self.allowed = "archive", str(path), problem
        ValueError.__init__(self, f"{path}: {problem}; nothing was imported")


class NeedsReset(ConfigError):
    """A change of target, noise, networks, seed or device: only a new run can take it."""

    def __init__(self, sections: list[str]):
        self.sections = sections
        super().__init__(
            ", ".join(sections), "a change", "a reset: these settings shape the networks"
        )


class RunNotFound(ConfigError):
    """A run id the store does not hold."""

    def __init__(self, run_id):
        super().__init__("run", run_id, "the id of a stored run (see `gan-viz runs list`)")


class Diverged(RuntimeError):
    """A loss or a weight became NaN or infinite: the run stops and keeps its history."""


class WorkerError(RuntimeError):
    """The training process failed or ended; the message is one line for the page."""
