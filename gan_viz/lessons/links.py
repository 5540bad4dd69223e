"""Lesson links: `?lesson=<id>&step=<n>` says where a student is, so the address bar is a link
to that very step (a teacher sends it; a student reopens it and lands where they were).

`read_place` turns a link's query parameters into a place in the lessons, and a link from an
older version or with a bad value into the nearest good place plus one line saying what was
ignored (never an error: the page opens, with a notice).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gan_viz.lessons.format import Lesson


@dataclass(frozen=True)
class Place:
    lesson: str  # a lesson id
    step: int  # 1-based, as in the link
    notice: str | None = None  # what the link asked for that could not be opened

    def params(self) -> dict[str, str]:
        return {"lesson": self.lesson, "step": str(self.step)}


def read_place(params: Mapping[str, str], lessons: Mapping[str, Lesson]) -> Place:
    """The place a link names; the first lesson's step 1 when it names none."""
    if not lessons:
        raise ValueError("no lessons are installed")
    first = next(iter(lessons))
    lesson_id = params.get("lesson")
    raw_step = params.get("step")
    if lesson_id is None:
        lesson_id = first
    elif lesson_id not in lessons:
        return Place(
            first,
            1,
            f"No lesson {lesson_id!r} (lessons: {', '.join(lessons)}): opened the first lesson.",
        )
    n = len(lessons[lesson_id].steps)
    if raw_step is None:
        return Place(lesson_id, 1)
    try:
        step = int(str(raw_step).strip())
    except ValueError:
        step = 0
    if not 1 <= step <= n:
        return Place(
            lesson_id, 1, f"No step {raw_step!r} in this lesson (steps 1 to {n}): opened step 1."
        )
    return Place(lesson_id, step)
