"""Conventions for settings widgets that survive hiding, page switches, presets and clicks made
while the page is still loading.

Every settings widget takes its starting value from a config (`value=` / `index=`) and keeps the
user's later edits under its key. Nothing writes widget values into `st.session_state`: a value
written there can be lost when a click interrupts the run that would have drawn the widget, and
the widget then falls back to its first option. To make widgets show a new config (a preset,
another dimension), the page changes the key prefix instead: the widgets are new, and start
from the new config.
"""

from __future__ import annotations

from typing import Any


def options_with(choices: list, current: Any) -> list:
    """A slider's options plus the current value, sorted, so a preset's value is always one."""
    return sorted(set(choices) | {current})


def index_of(options: list, value: Any) -> int:
    """Position of value among options (0 when absent, e.g. a name from another version)."""
    return options.index(value) if value in options else 0


def lr_label(value: float) -> str:
    """Learning rates as a student reads them: 3e-4, 0.001, 0.01."""
    return f"{value:g}"
