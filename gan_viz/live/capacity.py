"""How many training processes one server runs at once: each open playground tab holds one
(about 70 MB of its own memory, and a core while it trains), so a class on one server needs a
cap, or the twentieth tab starves the other nineteen and the server's own event loop.

The cap is GAN_VIZ_MAX_RUNS when set, else one per 300 MB of the machine's memory and at most two
per core (a paused run costs memory only; two training runs per core still move). A tab that
finds the server full waits for a slot and is told why (docs/hosting.md).
"""

from __future__ import annotations

import os
import threading

from gan_viz.errors import ConfigError, WorkerError

CAP_ENV = "GAN_VIZ_MAX_RUNS"
MB_PER_PROCESS = 300  # a training process's own memory, with room for its snapshots
PROCESSES_PER_CORE = 2


class ServerFull(WorkerError):
    """Every training slot of this server is taken."""

    def __init__(self, cap: int):
        self.cap = cap
        runs = "1 run is" if cap == 1 else f"{cap} runs are"
        super().__init__(
            f"{runs} open on this server, the most it takes ({CAP_ENV}); "
            "yours starts as soon as one closes"
        )


def _memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return None


def default_cap() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    by_cpu = PROCESSES_PER_CORE * (cores or 1)
    memory = _memory_mb()
    return max(1, by_cpu if memory is None else min(by_cpu, memory // MB_PER_PROCESS))


def cap_from_env() -> int:
    text = os.environ.get(CAP_ENV)
    if not text:
        return default_cap()
    try:
        cap = int(text)
    except ValueError:
        cap = 0
    if cap < 1:
        raise ConfigError(CAP_ENV, text, "a whole number of training processes, at least 1")
    return cap


class Slots:
    """The server's training slots: taken when a process starts, given back when it ends."""

    def __init__(self, cap: int | None = None):
        self._cap = cap
        self._taken = 0
        self._lock = threading.Lock()

    @property
    def cap(self) -> int:
        return self._cap if self._cap is not None else cap_from_env()

    @property
    def taken(self) -> int:
        return self._taken

    def free(self) -> int:
        return max(0, self.cap - self._taken)

    def take(self) -> Slot:
        """A slot, or ServerFull."""
        with self._lock:
            cap = self.cap
            if self._taken >= cap:
                raise ServerFull(cap)
            self._taken += 1
        return Slot(self)

    def _give_back(self) -> None:
        with self._lock:
            self._taken -= 1


class Slot:
    """One taken slot; `release` gives it back once, however often it is called."""

    def __init__(self, slots: Slots):
        self._slots: Slots | None = slots
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            slots, self._slots = self._slots, None
        if slots is not None:
            slots._give_back()


SERVER_SLOTS = Slots()  # one per Python process: the Streamlit server's
