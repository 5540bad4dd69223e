"""`gan-viz`: the engine from the command line. Each sub-command lives in its own module and
registers itself in COMMANDS; `main` routes and turns a ConfigError into one line and exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from gan_viz.errors import ConfigError

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
        return runners[args.command](args)
    except ConfigError as err:
        print(f"gan-viz {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gan-viz: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
