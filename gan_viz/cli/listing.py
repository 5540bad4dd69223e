"""`gan-viz targets`, `gan-viz objectives`, `gan-viz presets`: what exists, one line each."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.set_defaults(listing=name)


def run(args: argparse.Namespace) -> int:
    if args.listing == "targets":
        from gan_viz.targets import TARGETS

        for name, spec in TARGETS.items():
            dim = f"{spec.dim}-D" if spec.dim else "1/2-D"
            print(f"{name:<12} {dim:<6} {spec.summary}")
    elif args.listing == "objectives":
        from gan_viz.objectives import OBJECTIVES

        for name, obj in OBJECTIVES.items():
            print(f"{name:<14} {obj.summary}")
    else:
        from gan_viz.presets import PRESETS

        for name, preset in PRESETS.items():
            print(f"{name:<22} {preset.title}")
        from gan_viz.images.presets import IMAGE_PRESETS

        for name, preset in IMAGE_PRESETS.items():
            print(f"{name:<22} {preset.title} (train-images)")
    return 0
