"""`gan-viz sweep`: configurations x seeds, printed as VEEGAN / PacGAN Table 1.

    gan-viz sweep ring-collapse ring-unrolled ring-pacgan --seeds 5 --out results/ring
    gan-viz sweep --target ring8 --d-depth 1 --vary pack=1,2,3,4 --seeds 3 --steps 3000
    gan-viz sweep ring-collapse --unrolled 5           # a preset with a flag changed

Configurations: each named preset (flags like train's apply on top of every one), or without
names the one configuration the flags describe; `--vary FLAG=V1,V2` multiplies each by the values
of a flag (repeatable: every combination). Each configuration runs for each seed; the table shows
mean ± std over seeds of modes captured, % high-quality samples and reverse KL, from 2,500
samples of each final generator. --out writes runs.csv (one row per run), table.csv, table.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

from gan_viz.cli.common import FLAGS, SWITCHES
from gan_viz.cli.train import MAX_SAMPLES, add_config_arguments, config_from_args
from gan_viz.config import RunConfig, TargetConfig
from gan_viz.errors import ConfigError
from gan_viz.measure import MODE_SAMPLES
from gan_viz.validation import validate

DEFAULT_STEPS = 2000  # without a preset and without --steps
# Limits that keep a sweep finishing on a laptop: 1,000 runs of the presets' 2-5k steps is a
# day or so of one core; a million samples per run is 8 MB and one chunked pass of G.
MAX_RUNS = 1_000
MAX_STEPS = 10**7
MAX_WORKERS = 256


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "presets", nargs="*", metavar="PRESET", help="named presets to run (see `gan-viz presets`)"
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="FLAG=V1,V2",
        help="run every configuration once per value of a train flag, e.g. pack=1,2,4; repeatable",
    )
    parser.add_argument("--seeds", type=int, default=5, help="seeds per configuration (default 5)")
    parser.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--steps", type=int, help="iterations per run (default: the preset's)")
    parser.add_argument(
        "--samples",
        type=int,
        default=MODE_SAMPLES,
        help=f"generated samples behind the metrics (default {MODE_SAMPLES}, as the papers)",
    )
    parser.add_argument(
        "--workers", type=int, help="worker processes, one torch thread each (default: cores)"
    )
    parser.add_argument("--out", help="folder for runs.csv, table.csv and table.md")
    parser.add_argument("--quiet", action="store_true", help="no line per finished run")


_VARIABLE = {flag.lstrip("-"): (flag, kind) for flag, _s, _f, kind, _h in FLAGS}


def _variations(items: list[str]) -> list[list[tuple[str, object]]]:
    """--vary pack=1,2 --vary unrolled=0,5 -> every combination of (flag, value) pairs."""
    axes = []
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip().lstrip("-")
        if not sep or not raw.strip():
            raise ConfigError("--vary", item, "FLAG=V1,V2,... e.g. pack=1,2,4")
        if key not in _VARIABLE:
            raise ConfigError("--vary", key, "a train flag: " + ", ".join(sorted(_VARIABLE)))
        kind = _VARIABLE[key][1]
        values = []
        for text in raw.split(","):
            try:
                values.append(kind(text.strip()))
            except ValueError:
                raise ConfigError(f"--vary {key}", text, f"a {kind.__name__}") from None
        axes.append([(key, v) for v in values])
    combos = math.prod(len(axis) for axis in axes)
    if combos > MAX_RUNS:
        raise ConfigError("--vary", f"{combos:,} combinations", f"at most {MAX_RUNS:,}")
    return [list(combo) for combo in itertools.product(*axes)] if axes else [[]]


def _given_flags(args: argparse.Namespace) -> list[str]:
    """The config flags given on the command line, as 'name=value' for a row's label."""
    given = [f"{flag}={getattr(args, flag)}" for flag in ("hidden", "depth")]
    given = [g for g, flag in zip(given, ("hidden", "depth")) if getattr(args, flag) is not None]
    given += list(args.target_param)
    for flag, *_ in FLAGS + [(f, s, n, None) for f, s, n, _h in SWITCHES]:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            given.append(flag.lstrip("-") if value is True else f"{flag.lstrip('-')}={value}")
    return given


def _check_has_modes(cfg: RunConfig) -> None:
    from gan_viz.targets import TARGETS, make_target

    if make_target(cfg.target).modes is None:
        with_modes = [
            n for n in TARGETS if n != "points" and make_target(TargetConfig(n)).modes is not None
        ]
        raise ConfigError(
            "target", cfg.target.name, "a target with modes: " + ", ".join(with_modes)
        )


def build_configs(args: argparse.Namespace) -> list[tuple[str, RunConfig, int]]:
    """(label, config, steps) for every configuration the arguments ask for, each validated."""
    from gan_viz.presets import PRESETS

    if args.presets and args.preset:
        raise ConfigError("--preset", args.preset, "preset names as arguments in a sweep")
    for name in args.presets:
        if name not in PRESETS:
            raise ConfigError("preset", name, ", ".join(PRESETS))
    names = args.presets or [args.preset]
    _check_count(len(names) * len(_variations(args.vary)), args.seeds)
    out = []
    for name in names:
        for combo in _variations(args.vary):
            ns = argparse.Namespace(**{**vars(args), "preset": name})
            for key, value in combo:
                setattr(ns, key.replace("-", "_"), value)
            cfg, preset_steps = config_from_args(ns)
            label = " ".join(
                [name or cfg.target.name] + _given_flags(args) + [f"{k}={v}" for k, v in combo]
            )
            steps = args.steps if args.steps is not None else (preset_steps or DEFAULT_STEPS)
            validate(cfg)
            _check_has_modes(cfg)
            out.append((label, cfg, steps))
    return out


def _check(args: argparse.Namespace) -> None:
    if not 1 <= args.seeds <= MAX_RUNS:
        raise ConfigError("--seeds", args.seeds, f"a whole number from 1 to {MAX_RUNS:,}")
    if not 0 <= args.first_seed <= 2**63 - 1 - args.seeds:
        raise ConfigError("--first-seed", args.first_seed, "a whole number from 0 to 2^63 - 1")
    if args.steps is not None and not 1 <= args.steps <= MAX_STEPS:
        raise ConfigError("--steps", args.steps, f"a whole number from 1 to {MAX_STEPS:,}")
    if not 1 <= args.samples <= MAX_SAMPLES:
        raise ConfigError("--samples", args.samples, f"a whole number from 1 to {MAX_SAMPLES:,}")
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise ConfigError("--workers", args.workers, f"a whole number from 1 to {MAX_WORKERS}")
    if args.out:
        from gan_viz.cli.outputs import ensure_writable

        ensure_writable(args.out, "--out")


def _check_count(n_configs: int, seeds: int) -> None:
    """Refuse a sweep too long to finish before a single run is built or started."""
    if n_configs * seeds > MAX_RUNS:
        raise ConfigError(
            "--seeds x configurations",
            f"{n_configs:,} configurations x {seeds:,} seeds = {n_configs * seeds:,} runs",
            f"at most {MAX_RUNS:,} runs (fewer seeds or --vary values)",
        )


def write_outputs(out: Path, results, summaries, command: str) -> None:
    """runs.csv, table.csv and table.md into `out`; WriteFailed (one line) if any fails."""
    from gan_viz.cli.outputs import write_files
    from gan_viz.sweep import markdown_table

    def runs_csv(path: Path) -> None:
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(asdict(results[0])))
            writer.writeheader()
            for r in results:
                writer.writerow(asdict(r))

    def table_md(path: Path) -> None:
        path.write_text(
            "Mean ± std (ddof 1) over seeds; each run scored on 2,500 samples of its final G.\n"
            "High quality: within 3 std of the nearest mode; a mode is captured when at least\n"
            "one high-quality sample is nearest to it; reverse KL: KL(mode histogram of\n"
            "high-quality samples || uniform) in nats (Srivastava et al. 2017; Lin et al. 2018).\n"
            "\n" + markdown_table(summaries) + f"\nCommand: `{command}`\n"
        )

    write_files(
        out,
        {
            "runs.csv": runs_csv,
            "table.csv": lambda path: _table_csv(path, summaries),
            "table.md": table_md,
        },
    )


def _table_csv(path: Path, summaries) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["configuration", "n_modes", "seeds", "diverged"]
            + [f"{k}_{stat}" for k in ("modes", "hq_percent", "mode_kl", "js", "seconds")
               for stat in ("mean", "std")]
        )  # fmt: skip
        for s in summaries:
            values = []
            for key in ("modes", "hq", "mode_kl", "js", "seconds"):
                values += [f"{s.mean[key]:.6g}", f"{s.std[key]:.6g}"]
            writer.writerow([s.label, s.n_modes, s.seeds, s.diverged, *values])


def run(args: argparse.Namespace) -> int:
    from gan_viz.sweep import SweepRun, default_workers, run_sweep, summarise, text_table

    _check(args)
    configs = build_configs(args)
    runs = [
        SweepRun(label, cfg.replace(seed=seed).to_dict(), steps, args.samples)
        for label, cfg, steps in configs
        for seed in range(args.first_seed, args.first_seed + args.seeds)
    ]
    workers = args.workers or default_workers(len(runs))

    def report(r) -> None:
        if args.quiet:
            return
        if r.diverged:
            line = f"{r.label} seed {r.seed}: {r.diverged}"
        else:
            line = (
                f"{r.label} seed {r.seed}: {int(r.modes)}/{r.n_modes} modes, "
                f"{100 * r.hq:.1f}% high quality, reverse KL {r.mode_kl:.3f} ({r.seconds:.0f} s)"
            )
        print(line, file=sys.stderr, flush=True)

    results = run_sweep(runs, workers=workers, on_result=report)
    summaries = summarise(results)
    print(text_table(summaries), end="")
    if args.out:
        argv = getattr(args, "argv", None) or sys.argv[1:]
        command = "gan-viz " + " ".join(shlex.quote(a) for a in argv)
        from gan_viz.cli.outputs import WriteFailed

        try:
            write_outputs(Path(args.out), results, summaries, command)
        except WriteFailed as err:
            print(f"gan-viz sweep: {err}; the table is on stdout above", file=sys.stderr)
            return 1
        print(f"Wrote {args.out}/runs.csv, table.csv, table.md")
    return 0
