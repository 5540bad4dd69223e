"""Two animated GIFs (e.g. two `gan-viz runs export ID --format gif`) pasted side by side,
frame by frame, into one GIF: the README's picture of a collapse beside its cure.

    python scripts/side_by_side.py left.gif right.gif -o both.gif [--max-mb 3]

The shorter GIF holds its last frame while the longer one plays on. Frames keep the left GIF's
timing and are quantised as gan-viz's own GIF export does (a 128-colour palette per frame).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image, ImageSequence

COLOURS = 128  # as gan_viz.export.movie: the heat map's gradient needs many colours, samples few
GAP = 8  # px of white between the two pictures


def frames(path: Path) -> tuple[list[Image.Image], int]:
    with Image.open(path) as gif:
        duration = int(gif.info.get("duration", 125))
        return [f.convert("RGB") for f in ImageSequence.Iterator(gif)], duration


def side_by_side(left: list[Image.Image], right: list[Image.Image]) -> list[Image.Image]:
    n = max(len(left), len(right))
    width = left[0].width + GAP + right[0].width
    height = max(left[0].height, right[0].height)
    out = []
    for i in range(n):
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(left[min(i, len(left) - 1)], (0, 0))
        canvas.paste(right[min(i, len(right) - 1)], (left[0].width + GAP, 0))
        out.append(canvas)
    return out


def gif_bytes(images: list[Image.Image], duration: int) -> bytes:
    quantised = [im.quantize(COLOURS, method=Image.Quantize.MEDIANCUT) for im in images]
    buffer = io.BytesIO()
    quantised[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=quantised[1:],
        duration=duration,
        loop=0,
        optimize=True,
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--max-mb", type=float, default=3.0, help="refuse a bigger result")
    args = parser.parse_args(argv)
    for path in (args.left, args.right):
        if not path.is_file():
            print(f"side_by_side: {path} is not a file (give two GIFs)", file=sys.stderr)
            return 2
    left, duration = frames(args.left)
    right, _ = frames(args.right)
    data = gif_bytes(side_by_side(left, right), duration)
    if len(data) > args.max_mb * 1e6:
        print(
            f"side_by_side: {len(data) / 1e6:.2f} MB is over --max-mb {args.max_mb} "
            "(export the two GIFs narrower, or with fewer frames)",
            file=sys.stderr,
        )
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(left)} + {len(right)} frames, {len(data) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
