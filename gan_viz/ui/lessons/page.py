"""The Lessons page: a guided class through the GAN papers, one step at a time.

Each step: its title, a few plain sentences, the formula, a question asked before the reveal,
and a replay of a run recorded beforehand (gan_viz.lessons) that plays the moment the step
opens, with no training. Before the question is answered the replay shows the start of the run
only, looping; the reveal (or "Skip the question") plays the whole run, shows the curves to the
end and explains every answer. The URL is the place: `?lesson=minimax&step=3`.
"""

from __future__ import annotations

import math

import streamlit as st

from gan_viz.lessons.format import Lesson, Step, lessons
from gan_viz.lessons.links import Place, read_place
from gan_viz.lessons.recording import RecordingProblem, Replay, load_replay
from gan_viz.lessons.runs import THEORY_MODES
from gan_viz.lessons.seeds import SeedsReplay
from gan_viz.links import MAX_ITERATION, config_params
from gan_viz.ui.common import projector
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.lessons import (
    image_views,
    memory,
    replay_view,
    seeds_view,
    table_view,
    theory_views,
)


@st.cache_resource(show_spinner=False)
def _lessons() -> dict[str, Lesson]:
    return lessons()


@st.cache_resource(show_spinner=False, max_entries=32)
def _replay(lesson_id: str, index: int) -> Replay | SeedsReplay:
    return load_replay(_lessons()[lesson_id], index)


LAST = "lessons-last"  # the place this tab last showed
HERO = ("minimax", 7)  # the Home page's moving picture: p_g settles on p_data and D on 1/2


def hero() -> None:
    """A whole recorded run, looping, with no training: the first thing a visitor sees."""
    lesson_id, step = HERO
    try:
        replay = _replay(lesson_id, step - 1)
    except RecordingProblem:
        return  # the Home page goes on without its picture
    replay_view.loop(lesson_id, step - 1, replay, projector.on())


def _state() -> dict:
    """Per-tab answers: {(lesson, step): {"answer": ..., "revealed": bool}}."""
    return st.session_state.setdefault("lessons", {})


def _go(lesson_id: str, step: int) -> None:
    st.query_params.from_dict(Place(lesson_id, step).params())


def _on_pick() -> None:
    _go(st.session_state["lesson_pick"], 1)


def render() -> None:
    every = _lessons()
    # A page opened with no place of its own returns to the one this browser remembers.
    bare = st.session_state.setdefault("lessons-bare", "lesson" not in st.query_params)
    remembered = memory.restore(every, _state())
    if remembered and bare:
        _go(*remembered)
    elif "lesson" not in st.query_params and LAST in st.session_state:
        # Back from another page (Streamlit's first run after it drops the URL's query:
        # streamlit/streamlit#9279), or the Lessons entry in the navigation: where this tab was.
        _go(*st.session_state[LAST])
    place = read_place(st.query_params.to_dict(), every)
    if place.notice:
        st.info(place.notice)
    if st.query_params.to_dict() != place.params():
        _go(place.lesson, place.step)  # the URL always says where we are
    lesson = every[place.lesson]
    index = place.step - 1
    step = lesson.steps[index]

    ids = list(every)
    st.session_state["lesson_pick"] = place.lesson
    st.radio(
        "Lesson",
        ids,
        format_func=lambda i: every[i].title,
        key="lesson_pick",
        on_change=_on_pick,
        horizontal=True,
    )
    if not projector.on():  # a projector's rows go to the step and its picture
        st.caption(f"{lesson.summary} Source: {lesson.source}.")

    slot = _state().setdefault((lesson.id, index), {"answer": None, "revealed": False})
    if step.question is None:
        slot["revealed"] = True
    try:
        replay = _replay(lesson.id, index)
    except RecordingProblem as err:
        replay = None
        st.warning(f"No replay for this step: {err}.")
    on_picture = step.run.mode in ("game", "d_only", "image") and not step.run.seeds
    if replay is not None and not slot["revealed"] and on_picture:
        _picture_answer(lesson, index, step, replay, slot)
    elif replay is not None and not slot["revealed"] and step.run.mode == "dirac":
        _distance_answer(lesson, index, step, replay, slot)
    key = f"{lesson.id}-{index}"
    st.subheader(f"Step {place.step} of {len(lesson.steps)}: {step.title}")
    st.latex(step.formula)  # the width of the page: a formula is often wider than a column
    if step.source:
        st.caption(f"Source: {step.source}")
    if isinstance(replay, SeedsReplay) or replay is None:  # wide views, under the question
        _step_text(step)
        _question(step, slot, replay, key)
        if replay is not None:  # each panel (or row) links to its own runs
            views = table_view if "table" in step.views else seeds_view
            views.show(lesson, index, step, replay, slot, projector.on())
    else:
        # The replay beside the text, so it is on the first screen of a laptop or projector and
        # plays as the step opens. It is drawn first (every answer it marks is already in the
        # slot: the widgets write theirs in callbacks), so its frame starts loading first.
        text, picture = st.columns([2, 3], gap="medium")
        with picture:
            if step.run.mode in THEORY_MODES:
                views = theory_views
            elif step.run.mode == "image":
                views = image_views
            else:
                views = replay_view
            views.show(lesson, index, step, replay, slot, projector.on())
        with text:
            _step_text(step)
            _question(step, slot, replay, key)
    if slot["revealed"] and step.run.mode == "game" and not step.run.seeds:
        paused = None if replay is None else replay_view.stopped_at(lesson.id, index, replay)
        _train_live(step, paused)
    _navigation(lesson, place.step)
    st.session_state[LAST] = (lesson.id, place.step)
    memory.keep((lesson.id, place.step), _state())


def _step_text(step: Step) -> None:
    for sentence in step.text:
        st.markdown(sentence)


def _train_live(step: Step, paused: int | None = None) -> None:
    """The step's very run in the playground, to train on beyond the script: from its start,
    or from where the student paused the replay, else where it ends (the playground trains
    there on opening)."""
    from gan_viz.ui.common.pages import page as app_page

    page = app_page("playground")
    params = config_params(step.run.config(), step.run.preset)
    start, end = st.columns(2)
    with start:
        st.page_link(page, label="Train it live", icon=":material/play_arrow:", query_params=params)
    there = step.run.iterations if paused is None else paused
    if 0 < there <= MAX_ITERATION:
        with end:
            st.page_link(
                page,
                label=f"Train it live from iteration {there:,}",
                icon=":material/fast_forward:",
                query_params={**params, "it": str(there)},
            )


def _picture_answer(lesson: Lesson, index: int, step: Step, replay: Replay, slot: dict) -> None:
    """A click on the picture (the replay component's value, from the run before this one)
    answers the question: it becomes the slot's answer and the question widget's value, so the
    two always agree."""
    frames = replay_view.teaser_frames(step, replay)
    clicked = st.session_state.get(replay_view.chart_key(lesson.id, index, frames))
    if not isinstance(clicked, dict) or clicked.get("seq") == slot.get("seq"):
        return
    slot["seq"] = clicked.get("seq")
    widget = f"answer-{lesson.id}-{index}"
    kind = step.question.kind if step.question else ""
    if kind == "point" and step.run.mode == "image":  # a height on the class histogram
        y = clicked.get("y")
        if isinstance(y, (int, float)) and math.isfinite(y):
            slot["answer"] = st.session_state[widget] = image_views.share_of(replay, y)
    elif kind == "point" and isinstance(clicked.get("x"), (int, float)):
        lo, hi = replay_view.x_window(replay)
        x = min(max(float(clicked["x"]), round(lo, 1)), round(hi, 1))
        slot["answer"] = st.session_state[widget] = round(round(x / 0.05) * 0.05, 2)
    elif kind == "modes" and isinstance(clicked.get("modes"), list):
        names = replay_view.mode_names(replay)
        picked = [names[k] for k in clicked["modes"] if isinstance(k, int) and 0 <= k < len(names)]
        st.session_state[widget] = picked
        slot["answer"] = picked or None  # the last mode clicked off: no answer


def _distance_answer(lesson: Lesson, index: int, step: Step, replay: Replay, slot: dict) -> None:
    """A click on the Dirac-GAN's plane answers a distance question: the clicked point's
    distance from the equilibrium (0, 0), to the slider's steps."""
    if step.question is None or step.question.kind != "point":
        return
    frames = min(step.teaser_frames, replay.n_frames)
    clicked = st.session_state.get(theory_views.chart_key(lesson.id, index, frames))
    if not isinstance(clicked, dict) or clicked.get("seq") == slot.get("seq"):
        return
    x, y = clicked.get("x"), clicked.get("y")
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (x, y)):
        return
    slot["seq"] = clicked.get("seq")
    lo, hi = theory_views.point_range(replay)
    distance = min(max(math.hypot(x, y), lo), hi)
    widget = f"answer-{lesson.id}-{index}"
    slot["answer"] = st.session_state[widget] = round(round(distance / 0.05) * 0.05, 2)


def _question(step: Step, slot: dict, replay: Replay | None, key: str) -> None:
    q = step.question
    if q is None:
        st.markdown(f"**What the run shows.** {step.reveal}")
        return
    st.markdown(f"**Predict first.** {q.prompt}")
    if q.kind == "choice":
        options = [a.text for a in q.answers]
        choice = st.radio(
            "Your answer",
            options,
            index=None if slot["answer"] is None else options.index(slot["answer"]),
            key=f"answer-{key}",
            disabled=slot["revealed"],
        )
        slot["answer"] = choice if choice is not None else slot["answer"]
    elif q.kind == "modes":
        labels = replay_view.mode_names(replay) if replay is not None else []
        slot["answer"] = [a for a in slot["answer"] or [] if a in labels] or None
        st.session_state.setdefault(f"answer-{key}", slot["answer"] or [])
        st.multiselect(
            "Modes G will still make (number and centre): pick them here or click them on "
            "the picture",
            labels,
            key=f"answer-{key}",
            disabled=slot["revealed"],
            on_change=_answered,
            args=(slot, f"answer-{key}"),
        )
    else:
        label, lo, hi, stride = _point_scale(step, replay)
        start = lo
        if slot["answer"] is not None:  # an answer remembered by the browser may lie outside
            start = min(max(float(slot["answer"]), lo), hi)
        st.session_state.setdefault(f"answer-{key}", start)
        # The slider's starting place is not an answer: only moving it (or a click on the
        # picture) is, so no mark is drawn and Reveal waits until the student has guessed.
        st.slider(
            label,
            min_value=lo,
            max_value=hi,
            step=stride,
            key=f"answer-{key}",
            disabled=slot["revealed"],
            on_change=_answered,
            args=(slot, f"answer-{key}"),
        )
    if not slot["revealed"]:
        left, right = st.columns(2)
        if left.button("Reveal", type="primary", disabled=slot["answer"] is None):
            slot["revealed"] = True
            st.rerun()
        if right.button("Skip the question"):
            slot["answer"], slot["revealed"] = None, True
            st.rerun()
        return
    st.markdown(f"**What the run shows.** {step.reveal}")
    if q.kind == "choice":
        for a in q.answers:
            mark = ":green[Right]" if a.correct else ":red[Wrong]"
            yours = " (your answer)" if a.text == slot["answer"] else ""
            st.markdown(f"{mark}: **{a.text}**{yours}. {a.why}")
    elif q.kind == "modes" and slot["answer"] is not None and replay is not None:
        alive = replay_view.modes_alive(replay)
        picked = set(slot["answer"])
        right = len(picked & set(alive)) + len(
            set(replay_view.mode_names(replay)) - picked - set(alive)
        )
        st.markdown(
            f"At the end G makes {len(alive)} of {len(replay_view.mode_names(replay))} modes: "
            f"{', '.join(alive) or 'none'}. You picked {', '.join(sorted(picked)) or 'none'}: "
            f"{right} of {len(replay_view.mode_names(replay))} modes called right. Your picks "
            "are the purple circles on the picture."
        )
    elif slot["answer"] is not None and replay is not None:  # a point: the guess against the end
        yours, actual = slot["answer"], replay_view.point_truth(replay, q.target)
        near = "within" if abs(actual - yours) <= q.tolerance else "further than"
        if step.run.mode == "image":
            line = (
                f"Your tallest bar: {yours:.0%} of G's digits. At the end the tallest bar holds "
                f"{actual:.0%}: {near} {q.tolerance:.0%} of it. Your guess is the dashed purple "
                "line across the histogram."
            )
        elif step.run.mode in THEORY_MODES:
            line = (
                f"Your distance: {yours:.2f}. At the end the iterates are {actual:.2f} from "
                f"(0, 0): {near} {q.tolerance:g} of it. Your guess is the dashed purple circle."
            )
        else:
            line = (
                f"Your marker: x = {yours:.2f}. At the end the centre of p_g is at "
                f"x = {actual:.2f}: {near} {q.tolerance:g} of it. Your marker is the purple "
                "line on the picture."
            )
        st.markdown(line)


def _answered(slot: dict, widget: str) -> None:
    """A slider moved or modes picked: the slot's answer, the one writer besides a click on the
    picture (no modes picked is no answer)."""
    value = st.session_state[widget]
    slot["answer"] = None if value == [] else value


def _point_scale(step: Step, replay: Replay | None) -> tuple[str, float, float, float]:
    """A point question's slider: its label, range and step, in the quantity it predicts."""
    if step.run.mode == "image":  # a share of G's digits: the tallest bar's height
        label = "Your tallest bar (share of G's digits): drag it, or click its height on the bars"
        return label, 0.0, 1.0, 0.01
    theory = step.run.mode in THEORY_MODES
    if replay is None:
        lo, hi = -5.0, 5.0
    else:
        lo, hi = (theory_views.point_range if theory else replay_view.x_window)(replay)
    label = (
        "Your distance from (0, 0): drag it, or click the picture where the iterates will be"
        if theory
        else "Your marker (x): drag it, or click the picture where you predict it"
    )
    return label, float(round(lo, 1)), float(round(hi, 1)), 0.05


def _navigation(lesson: Lesson, step: int) -> None:
    left, _, right = st.columns([1, 4, 1])
    left.button(
        "← Previous",
        disabled=step <= 1,
        on_click=_go,
        args=(lesson.id, step - 1),
        key="lesson-prev",
    )
    right.button(
        "Next →",
        disabled=step >= len(lesson.steps),
        on_click=_go,
        args=(lesson.id, step + 1),
        key="lesson-next",
    )
    presenter_keys({"arrowleft": "lesson-prev", "arrowright": "lesson-next"}, "← → steps")


def link(lesson_id: str, step: int) -> str:
    """The query string of a step's link (for pages that point into a lesson)."""
    return "?" + "&".join(f"{k}={v}" for k, v in Place(lesson_id, step).params().items())
