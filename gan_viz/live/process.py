"""The training process of one browser session: it owns the ToyGAN and plays the game.

Why a process and not a thread of the Streamlit server: training a toy GAN is bound by Python
overhead (many small torch ops), so it needs the GIL nearly all the time, and so does the page
drawing figures. In one process they convoy: each time the trainer drops the GIL for a torch op,
the page thread may keep it for up to a switch interval (5 ms), so a thread drawing the views
cuts the trainer's speed to a fraction, and a smaller switch interval does not help (figures:
benchmarks/RESULTS.md, design notes). In its own process the trainer has its own GIL; a crash or
a runaway run cannot take the server down, and a closed tab's memory goes back with its process.

Live cadence (named here, as GAN Lab names its own, so training speed and drawing speed are
separate knobs): the process trains in chunks and takes one full snapshot per frame. A snapshot
(JS/KL on the grid, D on the grid, the z-mapping, G's gradient arrows) costs tens of milliseconds,
so at "as fast as possible" the chunk is sized from the measured speed to fill FRAME_SECONDS, and
the frame stretches when a snapshot would take more than MAX_SNAPSHOT_SHARE of it. At a fixed
speed ("N iterations per frame") it trains N iterations, snapshots, and waits out the frame, so
slow speeds can be watched step by step.

Most of a record's cost is measuring, not drawing: JS, KL, V and D on real and fake take 10,000
samples of G, while the 2-D view draws D on the grid and 1,000 samples. So a 2-D run at full
speed, measured in line, records only when measuring has cost at most RECORD_SHARE of the time
since its last record, and sends the frames in between as sketches (ToyGAN.sketch): the same picture
of the game at that iteration, measured nothing, for a fraction of the cost (figures:
benchmarks/RESULTS.md, design notes). Where measuring is cheap (small nets) every frame is still
a record, so the curves keep their detail. A pause after sketches records at once, so the paused
page ends where training stopped. The 1-D view draws p_g, a measurement, so every 1-D frame is a
record.

Where the machine has cores to spare (measure_beside), a frame's snapshot is measured by a second
thread while the next chunk trains: the chunk's end is captured (ToyGAN.capture: copies of G and
D), measured beside the training (torch ops drop the GIL), and sent when the next chunk ends, so
the views run one chunk behind the status line and the snapshots cost training nothing. On few
cores the thread would take the CPU that the browser and the server need: with no browser it
speeds training up, with one drawing beside it on 2 cores it gains nothing or slows training
down. So it needs MEASURE_BESIDE_CORES cores (figures: benchmarks/RESULTS.md, live.py).

Messages between the page and this process: gan_viz.live.messages.

Every run that trains is recorded in the run store (GAN_VIZ_STORE, else the user's data folder)
as it goes, by a ToyFollower: settings and each change, metric rows, thinned snapshots, a
checkpoint. A run is recorded from its first move, so opening the page stores nothing; a pause,
a Step, a reset and the end of the process commit at once, and while it trains a killed server
loses at most FLUSH_SECONDS. The store's run id goes out with every frame (Status.stored_run).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor

import torch

from gan_viz.config import RunConfig
from gan_viz.device import describe
from gan_viz.errors import ConfigError
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
    Status,
    TrainTo,
    Update,
)
from gan_viz.toy import Moment, ToyGAN

log = logging.getLogger(__name__)

FRAME_SECONDS = 0.15  # target time between live snapshots: ~6-7 frames per second
MAX_SNAPSHOT_SHARE = 0.2  # a frame lasts at least 5 snapshots' time: training keeps >= 80 %
# A 2-D run at full speed, measured in line, records (a metric row and a full snapshot) once the
# time since its last record is 1 / RECORD_SHARE times what a record costs; its frames in between
# are sketches (ToyGAN.sketch). A small share: training keeps nearly all of the time, while the
# curves still get a row every fraction of a second (figures: benchmarks/RESULTS.md, measure.py).
RECORD_SHARE = 0.08
RATE_WINDOW = 3.0  # seconds over which iterations per second are averaged
KEPT_HERE = 2  # snapshots this process keeps: the page's mirror holds the timeline
# One intra-op thread: toy-sized ops gain nothing from more, and on a busy machine OpenMP's
# barriers make extra threads ruinous (figures: benchmarks/RESULTS.md, design notes).
# Parallelism comes from sessions: each has its own process.
TRAIN_THREADS = 1
# The same for numpy's and scipy's BLAS (OpenBLAS). The measurements call it (a dot product in
# scipy's 1-D Wasserstein distance, the mixture densities on the grid) and an OpenBLAS worker then
# busy-waits for more work: that idle spin takes CPU that training, the browser and the server
# need on a small machine (figures: benchmarks/RESULTS.md, design notes).
# Training yields the CPU to the page: every session's process runs a little below the server,
# so when one server hosts several tabs (a classroom) their training processes cannot crowd out
# the event loop and script thread that answer clicks and send frames. On an idle core the
# niceness costs training nothing.
TRAIN_NICENESS = 5
# Cores from which a frame's snapshot is measured in a second thread, beside the training (see
# the module's docstring): one for training, one for measuring, the rest for the page.
MEASURE_BESIDE_CORES = 4


# The app's cadence: a full snapshot with every record (the process records once per frame,
# and Step D / Step G record too).
LIVE_CADENCE = {"snapshot_every": 0}


def live_config(cfg: RunConfig) -> RunConfig:
    """cfg with the app's cadence (LIVE_CADENCE)."""
    return cfg.replace(cadence=LIVE_CADENCE)


def usable_cores() -> int:
    """Cores this process may run on (its affinity where the OS says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def measure_beside(device: torch.device) -> bool:
    """Whether frames are measured in a second thread: on a CPU with MEASURE_BESIDE_CORES cores
    to run on. A GPU run measures in line: its measurements are kernels on the same device, and
    a second thread would only contend for the GIL (not yet measured on a GPU)."""
    return device.type == "cpu" and usable_cores() >= MEASURE_BESIDE_CORES


class _LiveRun:
    """The run this process plays: a ToyGAN trained in frames, recorded in the store, its
    frames and replies sent to the page."""

    def __init__(
        self,
        conn,
        cfg: RunConfig,
        store_path: str | None = None,
        beside: bool | None = None,
    ):
        self.conn = conn
        self.store_path = store_path
        self.beside = beside  # measure frames in a second thread (None: measure_beside decides)
        self.pool: ThreadPoolExecutor | None = None
        self.pending: tuple[Future, Moment] | None = None  # a frame being measured beside
        self.training = False
        self.speed: int | None = None
        self.run_id = 0
        self.seconds_per_iter: float | None = None
        self.seconds_per_snapshot: float | None = None  # a frame's snapshot or sketch
        self.seconds_per_record: float | None = None  # a record's measuring (sketches not counted)
        self.recorded_at = 0.0  # time.monotonic() of the last frame recorded while training
        self.sketched = False  # frames were sent as sketches since the last record
        self.progress: list[tuple[float, int]] = []
        self.follower = None  # records the run into the store, from its first move
        self.store_failed = False
        self.store_problem: str | None = None  # why the store is not saving this run, one line
        self.run = self._new_run(cfg)
        self.measuring_beside = self._beside()
        self._announce()

    def _beside(self) -> bool:
        """Whether this run's frames are measured beside the training: fixed for the run, so a
        frame measured beside is never overtaken by one recorded in line."""
        return measure_beside(self.run.device) if self.beside is None else self.beside

    # --- runs ------------------------------------------------------------------------------------

    @staticmethod
    def _new_run(cfg: RunConfig) -> ToyGAN:
        return ToyGAN(cfg.replace(cadence={"max_snapshots": KEPT_HERE}))

    def _record(self, force: bool = False) -> None:
        """Start recording this run (on its first move), or hand the store what is new."""
        if self.store_failed:
            return
        try:
            if self.follower is None:
                from gan_viz.store import RunRecorder, RunStore
                from gan_viz.toy_store import ToyFollower

                cfg = self.run.cfg
                name = f"playground: {cfg.target.name}, {cfg.objective.name}"
                rec = RunRecorder(
                    RunStore(self.store_path), "toy", self.run.config_json(), name, ["playground"]
                )
                self.follower = ToyFollower(self.run, rec)
            self.follower.poll(force=force)
        except ConfigError as err:  # e.g. a damaged store: its line says what to do
            self.store_failed, self.store_problem = True, str(err)
        except Exception as err:  # the store is a record, never a reason to stop the lesson
            log.exception("gan-viz: this run cannot be recorded in the run store")
            self.store_failed = True
            self.store_problem = f"{type(err).__name__}: {err}"

    def _stop_recording(self) -> None:
        if self.follower is not None and not self.store_failed:
            try:
                self.follower.finish()
            except Exception:
                log.exception("gan-viz: the run store could not finish this run")
        self.follower = None

    def _announce(self, resumed: tuple[int, RunConfig, str | None] | None = None) -> None:
        """A new run: its description, then its first frame (iteration 0; a resumed run's
        status alone, its history is in the store)."""
        modes = self.run.target.modes
        stored, cfg, saved_on = resumed or (None, None, None)
        self.conn.send(
            RunBegins(
                self.run_id,
                describe(self.run.device),
                self.run.dim,
                None if modes is None else len(modes.centres),
                stored,
                cfg,
                saved_on,
            )
        )
        if resumed is None:
            self._send_frame(recorded=True, snap=self.run.history.latest())
        else:
            self._send_frame()

    def _status(self) -> Status:
        t = self.run.trainer
        return Status(
            t.iteration,
            t.d_updates,
            t.g_updates,
            self.training,
            self.run.diverged,
            self._rate() if self.training else 0.0,
            None if self.follower is None else self.follower.recorder.run_id,
            self._store_problem(),
        )

    def _store_problem(self) -> str | None:
        """Why the run store is not saving this run now (a full disk, a damaged file), if so."""
        if self.store_problem is None and self.follower is not None and not self.store_failed:
            return self.follower.problem
        return self.store_problem

    def _send_frame(self, recorded: bool = False, snap=None) -> None:
        """Status, plus the metric row (and snapshot) just recorded, if any."""
        row = self.run.history.last_row() if recorded else None
        self.conn.send(Frame(self.run_id, row, snap, self._status()))

    def _rate(self) -> float:
        if len(self.progress) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self.progress[0], self.progress[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0

    # --- commands --------------------------------------------------------------------------------

    def handle(self, command: Command) -> bool:
        """Act on one command; False when the process should end."""
        refused: Refusal | None = None
        self._settle_and_send()  # every command sees the history up to the last iteration
        match command:
            case Close():
                self._stop_recording()
                return False
            case Start() if self.run.diverged is not None:
                refused = Refusal(f"the run {self.run.diverged}; press Reset")
            case Start() if not self.training:
                self._record()
                self.training = True
                self.progress = []
                self._send_frame()
            case Pause() if self.training:
                self.training = False
                snap = self._catch_up()
                self._record(force=True)
                self._send_frame(snap is not None, snap)
            case Speed(iterations=n):
                self.speed = n
            case Move(move=move):
                self.training = False
                refused = self._move(move)
            case TrainTo(step=step):
                self.training = False
                refused = self._train_to(step)
            case Update(config=cfg):
                try:
                    self.run.update(cfg.replace(cadence={"max_snapshots": KEPT_HERE}))
                except ConfigError as err:
                    refused = Refusal.of(err)
                else:
                    if self.follower is not None:
                        self._record()  # the change is logged at the step it took effect
            case Reset(config=cfg):
                try:
                    run = self._new_run(cfg)
                except ConfigError as err:
                    refused = Refusal.of(err)
                else:
                    self._replace(run)
                    self._announce()
            case Resume(run=stored, fork=fork):
                refused = self._resume(stored, fork)
        self.conn.send(Reply(command.request, refused))
        return True

    def _replace(self, run: ToyGAN, follower=None) -> None:
        """Make `run` the one this process trains (paused), recorded by `follower` if given."""
        self._stop_recording()
        self.run, self.follower, self.training = run, follower, False
        self.measuring_beside = self._beside()
        self.run_id += 1
        self.seconds_per_iter = self.seconds_per_snapshot = self.seconds_per_record = None
        self.sketched = False

    def _resume(self, stored: int, fork: bool) -> Refusal | None:
        """Go on training stored run `stored` from its last checkpoint, recording into it (or,
        with `fork`, into a new run that starts as its copy). The run's stored history stays in
        the store: the page reads it from there (RunMirror.load_past)."""
        from gan_viz.store import RunStore
        from gan_viz.store.resume import lacked_device
        from gan_viz.toy_store import ToyFollower, resume

        if self.follower is not None and self.follower.recorder.run_id == stored:
            # This process is writing it: a checkpoint of now to fork from, or finish it first.
            if fork:
                self._record(force=True)
            else:
                self._stop_recording()
        # The live cadence; the process keeps few snapshots (the page's mirror holds them all).
        live = {"cadence": {**LIVE_CADENCE, "max_snapshots": KEPT_HERE}}
        try:
            store = RunStore(self.store_path)
            saved_on = lacked_device(store, stored)  # a run from a GPU box goes on with `auto`
            device = "auto" if saved_on else None
            run, rec = resume(store, stored, new_run=fork, changes=live, device=device)
            follower = ToyFollower(run, rec)
        except ConfigError as err:
            return Refusal.of(err)
        except Exception as err:  # e.g. weights from another version: one line, the run stays
            log.exception("gan-viz: stored run %s could not be resumed", stored)
            return Refusal(f"run {stored} cannot go on: {type(err).__name__}: {err}")
        self._replace(run, follower)
        self.store_failed = False
        self.store_problem = None
        self._announce(resumed=(rec.run_id, run.cfg, saved_on))
        return None

    def _train_to(self, step: int) -> Refusal | None:
        """Train until iteration `step` (a link's), a frame for every record on the way, so the
        page's curves and timeline hold the whole way there."""
        run = self.run
        if run.diverged is not None:
            return Refusal(f"the run {run.diverged}; press Reset")
        self._record()
        every = run.cfg.cadence.record_every
        while run.step_count < step and run.diverged is None:
            rows = len(run.history)
            run.train(min(every - run.step_count % every, step - run.step_count))
            if len(run.history) > rows:
                self._send_frame(True, run.history.latest())
        if run.diverged is None and run.history.last_row().get("step") != run.step_count:
            self._send_frame(True, run.record(snapshot=True))
        self._record(force=True)
        self._send_frame()
        return None

    def _move(self, move: str) -> Refusal | None:
        run = self.run
        if run.diverged is not None:
            return Refusal(f"the run {run.diverged}; press Reset")
        self._record()
        rows = len(run.history)
        if move == "d":
            run.step_d()
        elif move == "g":
            run.step_g()
        else:
            run.train(1, record=False)
            run.record(snapshot=True)
        recorded = len(run.history) > rows
        self._record(force=True)
        self._send_frame(recorded, run.history.latest() if recorded else None)
        return None

    # --- training --------------------------------------------------------------------------------

    def _chunk(self) -> tuple[int, float]:
        """Iterations before the next snapshot, and the frame's length in seconds."""
        snap = self.seconds_per_snapshot or 0.0
        if self.measuring_beside:  # the chunk covers the previous frame's measuring
            frame = max(FRAME_SECONDS, snap * 1.2)
            training = frame
        else:
            frame = max(FRAME_SECONDS, snap / MAX_SNAPSHOT_SHARE)
            training = frame - snap
        if self.speed is not None:
            return self.speed, frame
        if self.seconds_per_iter is None:
            return 1, frame
        return max(1, int(training / self.seconds_per_iter)), frame

    def _measure(self, moment: Moment):
        """In the measuring thread: the moment's row and snapshot, and the seconds they took."""
        start = time.perf_counter()
        row, snap = self.run.measure(moment, snapshot=True)
        return row, snap, time.perf_counter() - start

    def _settle(self):
        """The frame being measured beside, once measured and in the history (None if none)."""
        if self.pending is None:
            return None
        future, moment = self.pending
        self.pending = None
        row, snap, seconds = future.result()
        self.run.commit(moment, row, snap)
        self._time_snapshot(seconds)
        return snap

    def _settle_and_send(self) -> None:
        if self.pending is not None:
            self._send_frame(True, self._settle())

    def _time_snapshot(self, seconds: float, record: bool = True) -> None:
        self.seconds_per_snapshot = _smooth(self.seconds_per_snapshot, seconds)
        if record:
            self.seconds_per_record = _smooth(self.seconds_per_record, seconds)

    def _sketch_due(self) -> bool:
        """Whether this frame is a sketch, not a record: a 2-D run at full speed, measured in line
        (beside, records cost training nothing), while a record would take more than
        RECORD_SHARE of the time since the last one. A 1-D frame draws p_g, which needs the
        measurements; at a fixed speed every frame is kept."""
        since = time.monotonic() - self.recorded_at
        return (
            self.run.dim == 2
            and self.speed is None
            and not self.measuring_beside
            and self.run.diverged is None
            and self.seconds_per_record is not None
            and self.seconds_per_record > RECORD_SHARE * since
        )

    def _catch_up(self):
        """On a pause after sketches: a record of now (None if none is needed or possible), so the
        paused page and the timeline end where training stopped."""
        if not self.sketched:
            return None
        self.sketched = False
        return self.run.record(snapshot=True)

    def train_frame(self) -> None:
        """Train one chunk, snapshot, send the frame; commands arriving meanwhile cut it short.
        Measuring beside: send the previous chunk's frame, and measure this chunk's end while
        the next one trains."""
        started = time.perf_counter()
        n, frame = self._chunk()
        ran = self.run.train(n, should_stop=self.conn.poll, record=False)
        trained = time.perf_counter()
        snap = sketch = None
        if self.measuring_beside:
            snap = self._settle()
            moment = self.run.capture() if ran else None
            if moment is not None:
                if self.pool is None:
                    self.pool = ThreadPoolExecutor(1, thread_name_prefix="gan-viz-measure")
                self.pending = (self.pool.submit(self._measure, moment), moment)
        elif ran and self._sketch_due():
            sketch = self.run.sketch()
            self._time_snapshot(time.perf_counter() - trained, record=False)
        else:
            snap = self.run.record(snapshot=True) if ran else None
            if ran:
                self._time_snapshot(time.perf_counter() - trained)
                self.recorded_at, self.sketched = time.monotonic(), False
        if ran:
            self.seconds_per_iter = _smooth(self.seconds_per_iter, (trained - started) / ran)
        now = time.monotonic()
        self.progress.append((now, self.run.step_count))
        while len(self.progress) > 2 and now - self.progress[0][0] > RATE_WINDOW:
            self.progress.pop(0)
        if self.run.diverged is not None:
            self.training = False
        self._record(force=not self.training)
        if sketch is not None:
            self.sketched = True
            self.conn.send(Sketch(self.run_id, sketch, self._status()))
        elif ran or snap is not None or not self.training:
            self._send_frame(snap is not None, snap)
        if self.training and self.speed is not None:
            self.conn.poll(max(0.0, frame - (time.perf_counter() - started)))

    def serve(self) -> None:
        while True:
            if self.training:
                while self.conn.poll():
                    if not self.handle(self.conn.recv()):
                        return
                if self.training:
                    self.train_frame()
            elif not self.handle(self.conn.recv()):
                return


def _smooth(old: float | None, new: float) -> float:
    """An exponential moving average of timings (the newest weighs 0.3)."""
    return new if old is None else 0.7 * old + 0.3 * new


def limit_threads() -> None:
    """One compute thread for torch and for every BLAS library loaded (see TRAIN_THREADS)."""
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(TRAIN_THREADS)
    threadpool_limits(TRAIN_THREADS, user_api="blas")


def serve(conn, cfg: RunConfig, store_path: str | None = None, beside: bool | None = None) -> None:
    """Entry point of the process. Ends on `close`, or when the page's end of the pipe is gone
    (the server stopped): then `recv` raises EOFError. Runs are recorded in the store at
    `store_path` (None: the default store as this process sees it; the page passes its own,
    since a forkserver's children see the environment of the moment the server started).
    `beside`: measure frames in a second thread (None: where measure_beside says)."""
    limit_threads()
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(TRAIN_NICENESS)
    try:
        trainer = _LiveRun(conn, cfg, store_path, beside)
    except ConfigError as err:
        conn.send(Failed(Refusal.of(err)))
        return
    except Exception as err:  # the page shows this one line; nothing else could report it
        traceback.print_exc()
        conn.send(Failed(Refusal(f"{type(err).__name__}: {err}")))
        return
    try:
        trainer.serve()
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        with contextlib.suppress(Exception):  # the frame measured beside, if any, is kept
            trainer._settle()
        trainer._stop_recording()
    except Exception as err:  # a bug, not bad input: say so in one line, then end
        traceback.print_exc()
        with contextlib.suppress(OSError):
            conn.send(Failed(Refusal(f"training stopped: {type(err).__name__}: {err}")))
