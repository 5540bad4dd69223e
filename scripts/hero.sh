#!/bin/sh
# The README's picture, made by gan-viz's own export from two real runs: the ring of eight
# Gaussians collapsing (preset ring-collapse) beside one of its cures (preset ring-wgan-gp).
#
#   sh scripts/hero.sh            # about 2-4 minutes of CPU; writes docs/img/hero.gif
#
# The runs are recorded into a scratch store (build/hero/runs.sqlite, ignored by git), which
# scripts/screenshots.py then shows on the Runs page. Each GIF is `gan-viz runs export`'s own;
# scripts/side_by_side.py only pastes the two frame by frame.
set -eu
cd "$(dirname "$0")/.."
GAN_VIZ="${GAN_VIZ:-.venv/bin/gan-viz}"
PYTHON="${PYTHON:-.venv/bin/python}"
HERE=build/hero
STORE="$HERE/runs.sqlite"
FRAMES=30
WIDTH=480

rm -rf "$HERE"
mkdir -p "$HERE"
# One torch thread each, as the app's training process uses: the same numbers on any machine.
export OMP_NUM_THREADS=1
"$GAN_VIZ" train --preset ring-collapse --seed 0 --quiet --store "$STORE" \
    --name "ring-collapse" --out "$HERE/ring-collapse"          # run 1
"$GAN_VIZ" train --preset ring-wgan-gp --seed 0 --quiet --store "$STORE" \
    --name "ring-wgan-gp (a cure)" --out "$HERE/ring-wgan-gp"   # run 2
"$GAN_VIZ" runs export 1 --store "$STORE" --format gif --frames "$FRAMES" --width "$WIDTH" \
    -o "$HERE/collapse.gif" --force
"$GAN_VIZ" runs export 2 --store "$STORE" --format gif --frames "$FRAMES" --width "$WIDTH" \
    -o "$HERE/cure.gif" --force
"$PYTHON" scripts/side_by_side.py "$HERE/collapse.gif" "$HERE/cure.gif" -o docs/img/hero.gif
