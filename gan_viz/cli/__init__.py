"""`gan-viz`: the engine from the command line. Each sub-command lives in its own module and
registers itself in COMMANDS; `main` routes and turns a ConfigError into one line and exit 2,
a result that could not be written at the end into one line and exit 1, and a reader that
closed the pipe (`gan-viz runs list | head -1`) into a quiet exit 141, as `cat` or `seq` end."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from gan_viz.cli.outputs import WriteFailed
from gan_viz.errors import ConfigError

SIGPIPE_EXIT = 141  # 128 + SIGPIPE (13): a pipe's reader closed it early

# name -> (module, one-line help); each module has add_arguments(parser) and run(args) -> int
COMMANDS: dict[str, tuple[str, str]] = {
    "app": ("gan_viz.cli.app", "open the app in a browser (a Streamlit server)"),
    "train": ("gan_viz.cli.train", "train a toy GAN headless and write its results"),
    "train-images": ("gan_viz.cli.train_images", "train a GAN on MNIST digits headless"),
    "targets": ("gan_viz.cli.listing", "list the target distributions"),
    "objectives": ("gan_viz.cli.listing", "list the GAN objectives"),
    "presets": ("gan_viz.cli.listing", "list the named presets"),
    "sweep": ("gan_viz.cli.sweep", "run configurations x seeds; table of modes, HQ, reverse KL"),
    "theory": ("gan_viz.cli.theory", "run the theory lab's experiments and print a JSON report"),
    "lessons": ("gan_viz.cli.lessons", "list, record and check the lessons' recorded runs"),
    "runs": ("gan_viz.cli.runs", "list, show, export, import, tag, delete and resume stored runs"),
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable]]:
    import importlib

    parser = argparse.ArgumentParser(prog="gan-viz", description="See how GANs learn.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runners = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p, name)
        runners[name] = module.run
    return parser, runners


def main(argv: list[str] | None = None) -> int:
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # as typed, for result files
    try:
        code = runners[args.command](args)
        sys.stdout.flush()  # here, not at exit: a closed pipe must raise inside this try
        return code
    except ConfigError as err:
        print(f"gan-viz {args.command}: {err}", file=sys.stderr)
        return 2
    except WriteFailed as err:
        print(f"gan-viz {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gan-viz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader has what it wanted. Python's documented way (the signal module's "Note on
        # SIGPIPE"): point stdout at devnull so the flush at exit cannot raise again. Exit 141
        # (128 + SIGPIPE) is what `cat` or `seq` report in the same pipe: quiet, yet a script
        # under `set -o pipefail` can still tell the output was cut short.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_EXIT


if __name__ == "__main__":
    sys.exit(main())
