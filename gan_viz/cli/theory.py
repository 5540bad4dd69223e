"""`gan-viz theory`: the theory lab's four experiments headless, one JSON object out.

    gan-viz theory                  # the full run (minutes of CPU)
    gan-viz theory --quick          # the CI-sized run: fewer steps, three f-divergences
    gan-viz theory --out theory.json

Prints the report (gan_viz.theory.report) on stdout and, with --out, writes it to a file too;
progress lines go to stderr. Exit code 0 when every check met its target, 1 otherwise.
The run time depends on the machine (figures: benchmarks/RESULTS.md, design notes).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from gan_viz.cli.outputs import WriteFailed, ensure_writable, write_file
from gan_viz.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--out", metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI-sized run: fewer steps and f-divergences (about a minute)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _json_ready(value):
    """inf/NaN are not JSON: they become null (the report says why where it matters)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    import torch

    from gan_viz.theory.report import run_report

    if not 0 <= args.seed < 2**31:
        raise ConfigError("--seed", args.seed, "a whole number from 0 to 2^31 - 1")
    out = ensure_writable(args.out, "--out", kind="file") if args.out else None
    torch.manual_seed(args.seed)
    # Every net here is small (widths 64, batches of a few thousand): a second intra-op thread
    # buys nothing, and on shared cores it waits for the other, far slower (figures:
    # benchmarks/RESULTS.md, design notes).
    torch.set_num_threads(1)

    def log(msg: str) -> None:
        if not args.quiet:
            print(f"gan-viz theory: {msg}", file=sys.stderr, flush=True)

    report = _json_ready(run_report(quick=args.quick, seed=args.seed, log=log))
    text = json.dumps(report, indent=2)
    print(text)
    if out is not None:
        try:
            write_file(out, lambda p: p.write_text(text + "\n"))
        except WriteFailed as err:
            print(f"gan-viz theory: {err}; the report is on stdout", file=sys.stderr)
            return 1
    failed = [k for k, c in report["checks"].items() if not c["ok"]]
    if failed:
        log(f"{len(failed)} check(s) missed their target: {', '.join(failed)}")
        return 1
    log(f"all {len(report['checks'])} checks met their targets in {report['seconds']:.0f} s")
    return 0
