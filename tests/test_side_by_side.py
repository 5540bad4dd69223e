"""scripts/side_by_side.py, which pastes two GIF exports into the README's picture."""

import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "side_by_side.py"
spec = importlib.util.spec_from_file_location("side_by_side", SCRIPT)
side_by_side = importlib.util.module_from_spec(spec)
spec.loader.exec_module(side_by_side)


def gif(path: Path, colours: list[tuple[int, int, int]], size=(40, 30), duration=200) -> Path:
    frames = [Image.new("RGB", size, c) for c in colours]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=duration, loop=0)
    return path


def frames_of(path: Path) -> list[np.ndarray]:
    with Image.open(path) as im:
        return [np.asarray(f.convert("RGB")).copy() for f in ImageSequence.Iterator(im)]


def test_frames_pasted_side_by_side_and_the_shorter_holds_its_last(tmp_path):
    red, green, blue = (220, 20, 20), (20, 200, 20), (20, 20, 220)
    left = gif(tmp_path / "l.gif", [red, green, blue])
    right = gif(tmp_path / "r.gif", [blue, red], size=(50, 30))
    out = tmp_path / "both.gif"
    assert side_by_side.main([str(left), str(right), "-o", str(out)]) == 0
    got = frames_of(out)
    assert len(got) == 3
    assert got[0].shape == (30, 40 + side_by_side.GAP + 50, 3)
    right_x = 40 + side_by_side.GAP + 10
    for frame, want_left, want_right in zip(got, [red, green, blue], [blue, red, red]):
        assert np.abs(frame[15, 10].astype(int) - want_left).max() <= 8
        assert np.abs(frame[15, right_x].astype(int) - want_right).max() <= 8
        assert (frame[15, 40 : 40 + side_by_side.GAP] == 255).all()  # the white gap
    with Image.open(out) as im:
        assert im.info["duration"] == 200  # the left GIF's timing


def test_over_the_size_limit_or_a_missing_file_is_refused_in_one_line(tmp_path, capsys):
    rng = np.random.default_rng(0)
    noisy = tmp_path / "noise.gif"
    frames = [Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)) for _ in "ab"]
    frames[0].save(noisy, save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = tmp_path / "both.gif"
    assert side_by_side.main([str(noisy), str(noisy), "-o", str(out), "--max-mb", "0.01"]) == 1
    assert not out.exists()
    assert side_by_side.main([str(tmp_path / "nope.gif"), str(noisy), "-o", str(out)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "over --max-mb" in errors[0] and "is not a file" in errors[1]
