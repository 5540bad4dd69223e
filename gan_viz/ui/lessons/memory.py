"""The browser's memory of the lessons (gan_viz.lessons.memory): a component with no picture that
reads localStorage once when the page opens and writes it whenever the answers or the place
change. Written here since no maintained Streamlit component both reads and writes localStorage
without a round trip per key.

The browser sends what it remembers before the page may write over it (one rerun), so an empty
session never wipes a student's answers; a browser that remembers nothing sends nothing, so a
first visit costs no rerun (the replay starts sooner).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from gan_viz.lessons import memory
from gan_viz.lessons.format import Lesson

KEY = "lessons-memory"
MERGED = "lessons-memory-merged"
INDEX_HTML = (Path(__file__).parent / "memory.html").read_text()

_component = None


def _declare():
    global _component
    if _component is None:
        tag = hashlib.sha1(INDEX_HTML.encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / f"gan-viz-memory-{tag}"
        folder.mkdir(exist_ok=True)
        (folder / "index.html").write_text(INDEX_HTML)
        _component = components.declare_component("gan_viz_lesson_memory", path=str(folder))
    return _component


def restore(lessons: dict[str, Lesson], slots: dict) -> tuple[str, int] | None:
    """Once per session, when the browser's memory has arrived: its answers join the session's
    (the session's own win), and its place is returned (None otherwise)."""
    if st.session_state.get(MERGED) or KEY not in st.session_state:
        return None
    st.session_state[MERGED] = True
    place, remembered = memory.load(st.session_state.get(KEY), lessons)
    for where, slot in remembered.items():
        slots.setdefault(where, slot)
    return place


def keep(place: tuple[str, int], slots: dict) -> None:
    """Draw the component: it writes this memory once the browser's own has been merged (or
    when the browser holds none)."""
    save = json.dumps(memory.dump(place, slots), sort_keys=True)
    merged = bool(st.session_state.get(MERGED))
    _declare()(save=save, merged=merged, key=KEY, default=None, height=0)
