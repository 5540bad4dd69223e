"""The page's handle on one session's training: a process that plays the game, and a mirror of
what it has recorded, kept up to date by a receiver thread.

    worker = TrainingWorker(cfg)        # starts the process, waits for iteration 0
    worker.start(); worker.pause()      # train in the background / stop after this iteration
    worker.step_d(); worker.step_g()    # single moves (training paused first)
    worker.update(cfg)                  # objective / optimisation, from the next iteration on
    worker.reset(cfg)                   # a new run (ConfigError if cfg is bad: the old run stays)
    worker.resume(12)                   # stored run 12 goes on from its checkpoint (or fork=True)
    worker.run.history                  # rows and snapshots, as ToyGAN.history

Only the page's thread calls Streamlit; this module does not import it, so the worker is tested
like any engine object. Why the training runs in a process: see gan_viz.live.process.

Lifetime: the process trains only when asked. While it trains, the receiver thread pauses it
when no page has asked for a frame for HEARTBEAT_TIMEOUT seconds, or when the session's browser
tab has been gone for SESSION_GRACE seconds; a tab gone for CLOSE_AFTER seconds ends the process.
A worker that is garbage-collected (its session closed) ends its process too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterator

from gan_viz.config import RunConfig
from gan_viz.errors import WorkerError
from gan_viz.live.capacity import SERVER_SLOTS, Slot, Slots
from gan_viz.live.messages import (
    Close,
    Command,
    Failed,
    Frame,
    Move,
    Pause,
    Refusal,
    Reply,
    Reset,
    Resume,
    RunBegins,
    Sketch,
    Speed,
    Start,
    TrainTo,
    Update,
)
from gan_viz.live.mirror import RunMirror
from gan_viz.live.process import serve
from gan_viz.store.db import default_store_path

HEARTBEAT_TIMEOUT = 60.0  # pause when no page has asked for a frame for this long (seconds)
SESSION_GRACE = 5.0  # pause when the browser tab has been gone this long (seconds)
CLOSE_AFTER = 30.0  # end the process when the tab has been gone this long (seconds)
# End a paused process nobody has used for this long (seconds), freeing its memory and its slot
# for another tab; its run is in the store, and the page takes it up again on its next use.
IDLE_SECONDS = 600.0
WATCH_SECONDS = 0.5  # how often the receiver thread checks on the session
START_SECONDS = 180.0  # the first process of a server imports torch: allow for a slow machine
REPLY_SECONDS = 120.0  # longest wait for a command's answer (a Step on a huge network)
LIVE_SNAPSHOTS = 240  # snapshots kept for the timeline (2-D: ~0.2 MB each, as kept here)

log = logging.getLogger(__name__)
_context: multiprocessing.context.BaseContext | None = None
_main_lock = threading.Lock()


@contextlib.contextmanager
def _blank_main() -> Iterator[None]:
    """Start processes with a blank __main__. multiprocessing re-runs the parent's __main__ in
    every child it starts, and under Streamlit __main__ is the page script: each child would
    draw the page and start a child of its own."""
    with _main_lock:
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if saved is not None:
                sys.modules["__main__"] = saved


def _mp_context() -> multiprocessing.context.BaseContext:
    """forkserver where available: its server imports torch once, then every session's process
    is a cheap fork of it. Never plain fork: the Streamlit server's threads and torch's thread
    pools do not survive a fork. Elsewhere (Windows) spawn."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            # torch.optim imports torch._dynamo on first use (seconds): do it once, here.
            _context.set_forkserver_preload(["gan_viz.live.process", "torch._dynamo"])
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


class _Link:
    """State shared by a worker and its receiver thread. The thread holds this, never the
    worker, so a worker nobody uses any more can be collected (and its process ended)."""

    def __init__(
        self,
        conn,
        session_alive: Callable[[], bool] | None,
        name: str,
        snapshots: int,
        store_path: str,
    ):
        self.conn = conn
        self.store_path = store_path  # the run store the process records into
        self.session_alive = session_alive
        self.name = name
        self.snapshots = snapshots
        self.send_lock = threading.Lock()
        self.pending: dict[int, list] = {}  # request id -> [Event, error or None]
        self.mirror: RunMirror | None = None
        self.next_cfg: RunConfig | None = None  # the config of the run being started
        self.started = threading.Event()
        self.heartbeat = time.monotonic()
        self.gone_since: float | None = None
        self.stopped_because: str | None = None
        self.failed: str | None = None
        self.refusal: Refusal | None = None  # why the process could not start, as sent
        self.slot: Slot | None = None  # its place among the server's training processes
        self.idle = False  # ended because nobody used it for IDLE_SECONDS
        self.closed = False

    def send(self, message) -> None:
        with self.send_lock:
            self.conn.send(message)

    def dispatch(self, message) -> None:
        mirror = self.mirror
        current = mirror is not None and getattr(message, "run_id", None) == mirror.run_id
        match message:
            case RunBegins():
                mirror = RunMirror(message.config or self.next_cfg, message, self.snapshots)
                if message.resumed is not None:  # a stored run goes on: its past is in the store
                    mirror.load_past(self.store_path, message.resumed)
                self.mirror = mirror
            case Frame(row=row, snapshot=snap, status=status) if current:
                mirror.add(row, snap, status)
                self.started.set()  # the run's first frame (iteration 0) is in
                if status.diverged and not status.training:
                    self.stopped_because = status.diverged
            case Sketch(sketch=sketch, status=status) if current:
                mirror.add_sketch(sketch, status)
            case Reply(request=request, refusal=refused):
                waiting = self.pending.pop(request, None)
                if waiting is not None:
                    waiting[1] = refused
                    waiting[0].set()
            case Failed(refusal=refused):
                self.refusal = refused
                self.end(str(refused.error()))

    def end(self, why: str) -> None:
        """The process is gone: wake everyone waiting, remember why, free its slot."""
        self.failed = self.failed or why
        self.closed = True
        if self.slot is not None:
            self.slot.release()
        if self.mirror is not None:
            s = self.mirror.status
            self.mirror.status = dataclasses.replace(s, training=False, it_per_s=0.0)
        self.started.set()
        for waiting in list(self.pending.values()):
            waiting[0].set()

    def watch(self) -> None:
        """Pause a run nobody watches; end the process of a tab that is gone."""
        now = time.monotonic()
        if self.session_alive is not None:
            if self.session_alive():
                self.gone_since = None
            else:
                self.gone_since = self.gone_since or now
        gone = 0.0 if self.gone_since is None else now - self.gone_since
        training = self.mirror is not None and self.mirror.status.training
        reason = None
        if training and now - self.heartbeat > HEARTBEAT_TIMEOUT:
            reason = f"paused: no page has shown this run for {HEARTBEAT_TIMEOUT:.0f} s"
        elif training and gone > SESSION_GRACE:
            reason = "paused: the browser tab was closed"
        if reason is not None:
            self.stopped_because = reason
            log.info("gan-viz worker %s: %s", self.name, reason)
            self.send(Pause())
        if gone > CLOSE_AFTER:
            log.info("gan-viz worker %s: the tab is gone, ending its training process", self.name)
            self.send(Close())
            self.end("this run was closed after its browser tab had gone")
        elif not training and now - self.heartbeat > IDLE_SECONDS:
            log.info("gan-viz worker %s: idle, ending its training process", self.name)
            self.idle = True
            self.send(Close())
            self.end(f"this run was put away after {IDLE_SECONDS / 60:.0f} idle minutes")


def _receive(link: _Link) -> None:
    while not link.closed:
        try:
            if link.conn.poll(WATCH_SECONDS):
                link.dispatch(link.conn.recv())
            link.watch()
        except (EOFError, OSError):
            link.end("the training process ended")
        except Exception:  # keep the page informed rather than leave it waiting forever
            log.exception("gan-viz worker %s: receiver failed", link.name)
            link.end("the training process could not be followed (see the server log)")


def _shutdown(link: _Link, process) -> None:
    """End the process: politely, then firmly."""
    link.closed = True
    try:
        link.send(Close())
    except (OSError, ValueError):
        pass
    process.join(2.0)
    if process.is_alive():
        process.terminate()
        process.join(2.0)
    if link.slot is not None:
        link.slot.release()


class TrainingWorker:
    """One session's training process and the page's mirror of it."""

    def __init__(
        self,
        cfg: RunConfig,
        session_alive: Callable[[], bool] | None = None,
        name: str = "",
        snapshots: int = LIVE_SNAPSHOTS,
        measure_beside: bool | None = None,
        slots: Slots = SERVER_SLOTS,
    ):
        """`measure_beside`: measure each frame in a second thread of the process while training
        goes on (None: where the machine has the cores, see process.measure_beside). `slots`:
        the server's training slots; ServerFull when none is free."""
        slot = slots.take()
        ctx = _mp_context()
        here, there = ctx.Pipe()
        store = str(default_store_path())
        self._link = _Link(here, session_alive, name, snapshots, store)
        self._link.slot = slot
        self._link.next_cfg = cfg
        self.process = ctx.Process(
            target=serve,
            args=(there, cfg, store, measure_beside),
            name=f"gan-viz-train-{name}",
            daemon=True,
        )
        with _blank_main():
            self.process.start()
        there.close()
        self._ids = itertools.count(1)
        threading.Thread(
            target=_receive, args=(self._link,), name=f"gan-viz-receive-{name}", daemon=True
        ).start()
        self._finalizer = weakref.finalize(self, _shutdown, self._link, self.process)
        if not self._link.started.wait(START_SECONDS) or self._link.mirror is None:
            refused = self._link.refusal or Refusal("the training process did not start")
            self.close()
            raise refused.error()

    # --- what the page reads ---------------------------------------------------------------------

    @property
    def run(self) -> RunMirror:
        return self._link.mirror

    @property
    def training(self) -> bool:
        return not self._link.closed and self._link.mirror.status.training

    @property
    def stopped_because(self) -> str | None:
        """Why training stopped on its own (divergence, a closed tab, a failure), one line."""
        return self._link.failed or self._link.stopped_because

    @property
    def alive(self) -> bool:
        return not self._link.closed

    @property
    def put_away(self) -> bool:
        """Ended for idleness (IDLE_SECONDS): its run is in the store, to be taken up again."""
        return self._link.idle

    def iterations_per_second(self) -> float:
        return self._link.mirror.status.it_per_s if self.training else 0.0

    # --- what the page asks ----------------------------------------------------------------------

    def heartbeat(self) -> None:
        """The page is showing this run: called on every drawn frame."""
        self._link.heartbeat = time.monotonic()

    def _request(self, command: type[Command], **fields) -> None:
        """Send a command and wait for its answer; ConfigError carries a refusal."""
        link = self._link
        if link.closed:
            raise WorkerError(link.failed or "the training process has ended; press Reset")
        request = next(self._ids)
        link.heartbeat = time.monotonic()  # a command is a use: not idle
        waiting = [threading.Event(), None]
        link.pending[request] = waiting
        link.send(command(request=request, **fields))
        if not waiting[0].wait(REPLY_SECONDS):
            raise WorkerError(f"the training process did not answer '{command.__name__}'")
        if link.closed and link.failed:
            raise WorkerError(link.failed)
        if waiting[1] is not None:
            raise waiting[1].error()

    def start(self) -> bool:
        """Train in the background; False when the run has diverged."""
        if self.training:
            return True
        if self.run.diverged is not None:
            return False
        self._link.stopped_because = None
        self.heartbeat()
        self._request(Start)
        return True

    def pause(self) -> None:
        """Stop after the current iteration; returns when the last frame is in the mirror."""
        if not self._link.closed:
            self._request(Pause)

    def set_speed(self, speed: int | None) -> None:
        """Iterations per frame, or None for as fast as possible."""
        if getattr(self, "_speed", "unset") != speed:
            self._request(Speed, iterations=speed)
            self._speed = speed

    def step_d(self) -> None:
        """One D step (training paused first), then a record."""
        self._request(Move, move="d")

    def step_g(self) -> None:
        self._request(Move, move="g")

    def step(self) -> None:
        """One iteration of Algorithm 1, then a record."""
        self._request(Move, move="it")

    def train_to(self, step: int) -> None:
        """Train, paused, until iteration `step` (a link's), every record on the way in the
        mirror; returns when it is there (or the run has diverged)."""
        self._request(TrainTo, step=step)

    def update(self, cfg: RunConfig) -> None:
        """Objective / optimisation / cadence changes, from the next iteration on; the run goes
        on. Target, noise, networks or seed changes raise ConfigError (they need a reset)."""
        self._request(Update, config=cfg)
        self._link.mirror.cfg = cfg

    def reset(self, cfg: RunConfig) -> None:
        """A new run with cfg; on a bad cfg (ConfigError) the current run stays."""
        self._link.next_cfg = cfg
        self._link.stopped_because = None
        self._request(Reset, config=cfg)

    def resume(self, run_id: int, fork: bool = False) -> None:
        """Go on training stored run `run_id` (a toy run with saved weights) from its last
        checkpoint, paused, with its stored history in the mirror; recorded into that run, or
        with `fork` into a new run that starts as its copy. ConfigError (or WorkerError) when it
        cannot go on: the current run stays."""
        self._link.stopped_because = None
        self._request(Resume, run=run_id, fork=fork)

    def close(self) -> None:
        self._finalizer()
