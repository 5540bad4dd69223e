"""The Lessons page: a guided class through the GAN papers, one step at a time.

Each step: its title, a few plain sentences, the formula, a question asked before the reveal,
and a replay of a run recorded beforehand (gan_viz.lessons) that plays the moment the step
opens, with no training. Before the question is answered the replay shows the start of the run
only, looping; the reveal (or "Skip the question") plays the whole run, shows the curves to the
end and explains every answer. The URL is the place: `?lesson=minimax&step=3`.
"""

from __future__ import annotations

import streamlit as st

from gan_viz.lessons.format import Lesson, Step, lessons
from gan_viz.lessons.links import Place, read_place
from gan_viz.lessons.recording import RecordingProblem, Replay, load_replay
from gan_viz.lessons.seeds import SeedsReplay
from gan_viz.links import MAX_ITERATION, config_params
from gan_viz.ui.common import projector
from gan_viz.ui.common.keys import presenter_keys
from gan_viz.ui.lessons import replay_view, seeds_view


@st.cache_resource(show_spinner=False)
def _lessons() -> dict[str, Lesson]:
    return lessons()


@st.cache_resource(show_spinner=False, max_entries=32)
def _replay(lesson_id: str, index: int) -> Replay | SeedsReplay:
    return load_replay(_lessons()[lesson_id], index)


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
    st.selectbox(
        "Lesson",
        ids,
        format_func=lambda i: every[i].title,
        key="lesson_pick",
        on_change=_on_pick,
    )
    st.caption(f"{lesson.summary} Source: {lesson.source}.")
    st.subheader(f"Step {place.step} of {len(lesson.steps)}: {step.title}")
    for sentence in step.text:
        st.markdown(sentence)
    st.latex(step.formula)
    if step.source:
        st.caption(f"Source: {step.source}")

    slot = _state().setdefault((lesson.id, index), {"answer": None, "revealed": False})
    if step.question is None:
        slot["revealed"] = True
    try:
        replay = _replay(lesson.id, index)
    except RecordingProblem as err:
        replay = None
        st.warning(f"No replay for this step: {err}.")
    _question(step, slot, replay, f"{lesson.id}-{index}")
    if isinstance(replay, SeedsReplay):  # each panel links to its own run
        seeds_view.show(lesson, index, step, replay, slot, projector.on())
    elif replay is not None:
        replay_view.show(lesson, index, step, replay, slot, projector.on())
    if slot["revealed"] and step.run.mode == "game" and not step.run.seeds:
        _train_live(step)
    _navigation(lesson, place.step)


def _train_live(step: Step) -> None:
    """The step's very run in the playground, to train on beyond the script: from its start,
    or from where the replay ends (the playground trains there on opening)."""
    from gan_viz.ui.common.pages import page as app_page

    page = app_page("playground")
    params = config_params(step.run.config(), step.run.preset)
    start, end = st.columns(2)
    with start:
        st.page_link(page, label="Train it live", icon=":material/play_arrow:", query_params=params)
    if step.run.iterations <= MAX_ITERATION:
        with end:
            st.page_link(
                page,
                label=f"Train it live from iteration {step.run.iterations:,}",
                icon=":material/fast_forward:",
                query_params={**params, "it": str(step.run.iterations)},
            )


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
        picked = st.multiselect(
            "Modes G will still make (number and centre)",
            labels,
            default=slot["answer"] or [],
            key=f"answer-{key}",
            disabled=slot["revealed"],
        )
        slot["answer"] = picked if picked or slot["answer"] is None else slot["answer"]
    else:
        lo, hi = replay_view.x_window(replay) if replay is not None else (-5.0, 5.0)
        value = st.slider(
            "Your marker (x)",
            min_value=float(round(lo, 1)),
            max_value=float(round(hi, 1)),
            value=float(slot["answer"]) if slot["answer"] is not None else float(round(lo, 1)),
            step=0.05,
            key=f"answer-{key}",
            disabled=slot["revealed"],
        )
        slot["answer"] = value
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
    elif slot["answer"] is not None and replay is not None:
        actual = replay_view.point_truth(replay, q.target)
        near = abs(actual - slot["answer"]) <= q.tolerance
        verdict = "within" if near else "further than"
        st.markdown(
            f"Your marker: x = {slot['answer']:.2f}. At the end the centre of p_g is at "
            f"x = {actual:.2f}: {verdict} {q.tolerance:g} of it. Your marker is the purple "
            "line on the picture."
        )


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
