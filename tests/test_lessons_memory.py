"""The browser's memory of the lessons (gan_viz.lessons.memory): what goes out comes back, and
what comes back from a browser is checked like any outside input."""

import json

from gan_viz.lessons.format import lessons
from gan_viz.lessons.memory import MAX_BYTES, dump, load

EVERY = lessons()


def test_answers_and_place_round_trip():
    choice = EVERY["minimax"].steps[2].question
    right = next(a.text for a in choice.answers if a.correct)
    slots = {
        ("minimax", 0): {"answer": 1.25, "revealed": True},
        ("minimax", 2): {"answer": right, "revealed": False},
        ("collapse", 0): {"answer": ["3 (0.0, 2.0)"], "revealed": True},
        ("minimax", 4): {"answer": None, "revealed": False},  # nothing to remember
    }
    sent = json.loads(json.dumps(dump(("minimax", 3), slots)))  # through the browser: JSON
    place, back = load(sent, EVERY)
    assert place == ("minimax", 3)
    assert back == {k: v for k, v in slots.items() if k != ("minimax", 4)}


def test_what_a_browser_cannot_have_given_us_is_dropped():
    good = {"answer": 1.0, "revealed": True}
    data = {
        "v": 1,
        "place": ["minimax", 99],  # no such step
        "answers": {
            "minimax/1": good,
            "minimax/3": {"answer": "not one of the answers", "revealed": False},
            "minimax/0": good,  # steps count from 1
            "nosuch/1": good,
            "minimax/x": good,
            "collapse/1": {"answer": "3 (0.0, 2.0)", "revealed": False},  # not a list
            "minimax/2": {"answer": float("nan"), "revealed": "yes"},
        },
    }
    place, back = load(data, EVERY)
    assert place is None
    assert back == {("minimax", 0): {"answer": 1.0, "revealed": True}}


def test_a_payload_not_ours_is_ignored_whole():
    assert load("a string", EVERY) == (None, {})
    assert load({"v": 99, "place": ["minimax", 1]}, EVERY) == (None, {})
    huge = {"v": 1, "place": ["minimax", 1], "answers": {"minimax/1": {"answer": "x" * MAX_BYTES}}}
    assert load(huge, EVERY) == (None, {})
