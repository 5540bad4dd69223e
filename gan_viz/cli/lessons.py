"""`gan-viz lessons`: list the lessons, check them, and record their replays.

    gan-viz lessons list                  every lesson and its steps
    gan-viz lessons record [LESSON] [--step N]   train each step's run and write its recording
    gan-viz lessons check                 every recording loads, matches its step, and every
                                          claim of the lesson's text holds on it

Recording is deterministic (one torch thread, the step's seed): run twice, same arrays.
"""

from __future__ import annotations

import argparse
import time

from gan_viz.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("action", choices=("list", "record", "check"), help="what to do")
    parser.add_argument("lesson", nargs="?", help="a lesson id (default: every lesson)")
    parser.add_argument("--step", type=int, help="only this step (1-based)")


def _chosen(args: argparse.Namespace):
    from gan_viz.lessons.format import lessons

    every = lessons()
    if args.lesson is not None and args.lesson not in every:
        raise ConfigError("lesson", args.lesson, ", ".join(every))
    chosen = [every[args.lesson]] if args.lesson else list(every.values())
    for lesson in chosen:
        if args.step is not None and not 1 <= args.step <= len(lesson.steps):
            raise ConfigError("--step", args.step, f"1 to {len(lesson.steps)} for {lesson.id}")
        indices = [args.step - 1] if args.step is not None else range(len(lesson.steps))
        yield lesson, list(indices)


def _size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def run(args: argparse.Namespace) -> int:
    from gan_viz.lessons.claims import check
    from gan_viz.lessons.recording import (
        RECORDING_DIR,
        RecordingProblem,
        load_replay,
        record_step,
        save_recording,
    )
    from gan_viz.lessons.runs import THEORY_MODES

    failures = 0
    recorded: dict[str, dict] = {}  # arrays by config hash, in this call
    for lesson, indices in _chosen(args):
        print(f"{lesson.id}: {lesson.title}")
        for i in indices:
            step = lesson.steps[i]
            label = f"  {i + 1:2d}. {step.title}"
            if args.action == "list":
                run = step.run
                if run.mode in THEORY_MODES:  # a theory lab experiment: no preset
                    print(f"{label} [{run.describe()}]")
                elif run.seeds:  # a many-seeds step: every setting over the same seeds
                    names = " vs ".join(spec.preset for spec in run.settings)
                    seeds = f"seeds {run.seed_list[0]}-{run.seed_list[-1]}"
                    print(f"{label} [{names}, {seeds}, {run.iterations} iterations]")
                else:
                    print(f"{label} [{run.preset}, seed {run.seed}, {run.iterations} iterations]")
            elif args.action == "record":
                start = time.perf_counter()
                key = step.run.config_hash()
                if key not in recorded:  # steps that show one run train it once
                    recorded[key] = record_step(step)
                path = save_recording(lesson, i, recorded[key])
                took = time.perf_counter() - start
                print(f"{label}: {path.name} {_size(path.stat().st_size)} in {took:.0f} s")
            else:
                try:
                    replay = load_replay(lesson, i)
                except RecordingProblem as err:
                    print(f"{label}: {err}")
                    failures += 1
                    continue
                for claim in step.claims:
                    ok, value = check(replay, claim)
                    failures += not ok
                    mark = "ok  " if ok else "FAIL"
                    print(f"{label}: {mark} {claim.describe()} (reads {value:.4g})")
    if args.action != "list":
        total = sum(p.stat().st_size for p in RECORDING_DIR.glob("*.npz"))
        print(f"recordings: {_size(total)} in {RECORDING_DIR}")
    return 1 if failures else 0
