"""A server shared by a class: a cap on training processes, a tab that waits for a slot and is
told why, and processes that give their slot back when their tab is gone or idle."""

import pytest

from gan_viz.errors import ConfigError
from gan_viz.live import capacity
from gan_viz.live import worker as worker_module
from gan_viz.live.capacity import CAP_ENV, ServerFull, Slots, cap_from_env, default_cap
from gan_viz.live.worker import TrainingWorker
from tests.pages import page_test
from tests.test_worker import TINY, wait_for


def test_slots_refuse_past_the_cap_and_take_each_slot_back_once():
    slots = Slots(cap=2)
    a, b = slots.take(), slots.take()
    with pytest.raises(ServerFull) as full:
        slots.take()
    assert str(full.value) == (
        f"2 runs are open on this server, the most it takes ({CAP_ENV}); "
        "yours starts as soon as one closes"
    )
    a.release()
    a.release()  # twice: given back once
    assert slots.taken == 1 and slots.free() == 1
    slots.take()
    b.release()
    assert slots.taken == 1


def test_the_cap_comes_from_the_setting_or_the_machine(monkeypatch):
    monkeypatch.setenv(CAP_ENV, "3")
    assert cap_from_env() == 3
    monkeypatch.delenv(CAP_ENV)
    cores = len(capacity.os.sched_getaffinity(0))
    assert 1 <= cap_from_env() == default_cap() <= capacity.PROCESSES_PER_CORE * cores
    for bad in ("0", "-2", "many"):
        monkeypatch.setenv(CAP_ENV, bad)
        with pytest.raises(ConfigError, match=f"{CAP_ENV}: got '{bad}'"):
            cap_from_env()


def test_a_full_server_refuses_a_new_process_until_one_closes():
    slots = Slots(cap=1)
    first = TrainingWorker(TINY, name="first", slots=slots)
    try:
        with pytest.raises(ServerFull):
            TrainingWorker(TINY, name="second", slots=slots)
        assert slots.taken == 1  # the refused one took nothing
    finally:
        first.close()
    assert slots.free() == 1
    second = TrainingWorker(TINY, name="second", slots=slots)
    second.close()


def test_an_idle_process_is_put_away_and_gives_its_slot_back(monkeypatch):
    monkeypatch.setattr(worker_module, "IDLE_SECONDS", 1.0)
    slots = Slots(cap=1)
    w = TrainingWorker(TINY, name="idle", slots=slots)
    try:
        wait_for(lambda: not w.alive, seconds=30, what="the idle process to be put away")
        assert w.put_away and "idle" in w.stopped_because
        wait_for(lambda: not w.process.is_alive(), seconds=30, what="the process to end")
        assert slots.free() == 1
    finally:
        w.close()


def test_a_tab_on_a_full_server_waits_and_is_told_why(monkeypatch):
    monkeypatch.setenv(CAP_ENV, "1")
    holder = TrainingWorker(TINY, name="holder")  # the server's one slot
    try:
        at = page_test("playground", 120).run()
        assert not at.exception
        assert any("1 run is open on this server" in i.value for i in at.info)
        assert not at.button  # no controls for a run that has no process
    finally:
        holder.close()
    at.run()  # the next knock finds the slot free
    assert not at.exception and not at.info
    assert at.button(key="pg.train")
    at.session_state["pg.state"].worker.close()
