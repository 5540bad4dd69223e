"""What a student's browser remembers of the lessons: the step they were at and the answers they
gave, so that reopening the Lessons page returns to their place with their answers shown as
answered. It lives in the browser (gan_viz.ui.lessons.memory keeps it in localStorage), never on
the server, so a class shares nothing.

What comes back from a browser is checked like any outside input: anything that is not a known
lesson and step, or not an answer of that step's kind, is dropped, and a payload too big to be
ours is ignored whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from gan_viz.lessons.format import Lesson

VERSION = 1
MAX_BYTES = 64 * 1024  # every answer of every lesson is a few kB
MAX_PICKS = 32  # a modes answer: the ring has 8
MAX_TEXT = 200

Slots = dict[tuple[str, int], dict]  # (lesson id, step index) -> {"answer", "revealed"}


def dump(place: tuple[str, int] | None, slots: Slots) -> dict:
    """The memory to keep: the place (lesson id, 1-based step) and every answered step."""
    answers = {
        f"{lesson}/{index + 1}": {"answer": slot.get("answer"), "revealed": bool(slot["revealed"])}
        for (lesson, index), slot in slots.items()
        if slot.get("answer") is not None or slot.get("revealed")
    }
    return {"v": VERSION, "place": list(place) if place else None, "answers": answers}


def _answer(kind: str, value, texts: set[str]):
    """The answer if it is one a question of this kind can have, else None."""
    if value is None:
        return None
    if kind == "choice":
        return value if isinstance(value, str) and value in texts else None
    if kind == "point":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(value) if ok and math.isfinite(value) and abs(value) < 1e6 else None
    if kind == "modes":
        if not isinstance(value, list) or len(value) > MAX_PICKS:
            return None
        picks = [v for v in value if isinstance(v, str) and len(v) <= MAX_TEXT]
        return picks if len(picks) == len(value) else None
    return None


def load(data, lessons: Mapping[str, Lesson]) -> tuple[tuple[str, int] | None, Slots]:
    """The place and answers a browser sent back, with everything unknown or malformed dropped."""
    try:
        size = len(json.dumps(data))
    except (TypeError, ValueError):
        return None, {}
    if not isinstance(data, dict) or size > MAX_BYTES or data.get("v") != VERSION:
        return None, {}
    place = None
    raw = data.get("place")
    if isinstance(raw, list) and len(raw) == 2 and raw[0] in lessons:
        lesson, step = raw
        if isinstance(step, int) and 1 <= step <= len(lessons[lesson].steps):
            place = (lesson, step)
    slots: Slots = {}
    answers = data.get("answers")
    for name, entry in (answers if isinstance(answers, dict) else {}).items():
        lesson, _, step_text = str(name).partition("/")
        if lesson not in lessons or not step_text.isdigit() or not isinstance(entry, dict):
            continue
        index = int(step_text) - 1
        if not 0 <= index < len(lessons[lesson].steps):
            continue
        question = lessons[lesson].steps[index].question
        revealed = entry.get("revealed") is True
        if question is None:
            answer = None
        else:
            texts = {a.text for a in question.answers}
            answer = _answer(question.kind, entry.get("answer"), texts)
        if answer is not None or revealed:
            slots[(lesson, index)] = {"answer": answer, "revealed": revealed}
    return place, slots
