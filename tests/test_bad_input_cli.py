"""Bad input on the command line, class by class (issue 20, items 3-5): every case ends in one
line on stderr, no traceback, exit 2 when refused before the work (1 when a write fails after
it), and the worst cases run in a process whose address space is capped, so a reader without a
size limit fails here instead of eating the machine. Every bomb and huge file is made in the
test (sparse or compressed), never committed.
"""

from __future__ import annotations

import gzip
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan_viz.cli import SIGPIPE_EXIT, main

# A tiny `gan-viz train` peaks near 1.0 GB of address space (torch's import is most of it; it
# fails with MemoryError at 0.8 GB): 2 GB leaves room for the work and none for a 6 GB read.
MEMORY_CAP = 2 * 2**30
TINY = ["--steps", "2", "--record-every", "1", "--eval-samples", "100", "--samples", "10"]
TINY += ["--hidden", "8", "--batch", "16", "--quiet"]


def capped_gan_viz(*args, cwd=None, file_size: int | None = None) -> subprocess.CompletedProcess:
    """`python -m gan_viz ARGS` with its address space capped at MEMORY_CAP (and, with
    `file_size`, every file it writes capped at that many bytes: a disk that fills up)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if file_size is not None:
            # a write past the cap then fails with EFBIG, as one on a full disk fails with
            # ENOSPC, instead of the default SIGXFSZ killing the process
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run(
        [sys.executable, "-m", "gan_viz", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        preexec_fn=limit,
    )


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def refused(capsys, *argv: str) -> str:
    """Run `gan-viz ARGV` in this process; assert exit 2 and one line; return the line."""
    assert main(list(argv)) == 2
    return one_line(capsys.readouterr().err)


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def stored_run(tmp_path_factory) -> tuple[Path, str]:
    """A store holding one tiny toy run with snapshots: (store path, run id)."""
    store = tmp_path_factory.mktemp("store") / "runs.sqlite"
    argv = ["train", "--target", "ring8", *TINY, "--store", str(store)]
    assert main([*argv, "--out", str(store.parent / "out")]) == 0
    return store, "1"


# --- item 3: outputs that cannot be written are found out before the work --------------------

UNWRITABLE = {
    "under a file": lambda tmp: tmp / "a-file" / "out",
    "under /proc": lambda tmp: Path("/proc/gan-viz-out"),
    "under /sys": lambda tmp: Path("/sys/gan-viz/out"),
}


@pytest.mark.parametrize("where", UNWRITABLE)
@pytest.mark.parametrize(
    "command",
    [
        ["train", "--target", "gaussian", *TINY],
        ["train-images", "--steps", "1"],
        ["sweep", "--target", "ring8", "--seeds", "1", "--steps", "1"],
        ["theory", "--quick"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_work(
    capsys, tmp_path, monkeypatch, where, command
):
    (tmp_path / "a-file").write_text("in the way\n")
    monkeypatch.setenv("GAN_VIZ_STORE", str(tmp_path / "s.sqlite"))
    out = UNWRITABLE[where](tmp_path)
    before = tree(tmp_path)
    line = refused(capsys, *command, "--out", str(out))
    assert line.startswith(f"gan-viz {command[0]}: --out: got '{out}'")
    assert "a-file is a file" in line or "cannot" in line
    assert tree(tmp_path) == before  # no store, no folder, no probe left behind


@pytest.mark.parametrize("where", UNWRITABLE)
@pytest.mark.parametrize("fmt", ["archive", "csv", "json", "html", "gif", "png"])
def test_runs_export_to_an_unwritable_place_is_refused(capsys, tmp_path, stored_run, where, fmt):
    (tmp_path / "a-file").write_text("in the way\n")
    out = UNWRITABLE[where](tmp_path).parent / f"run.{fmt}"
    store, run_id = stored_run
    line = refused(capsys, "runs", "export", run_id, "--format", fmt, "-o", str(out),
                   "--store", str(store))  # fmt: skip
    assert "--out" in line and str(out) in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        line = refused(capsys, "train", *TINY, "--no-store", "--out", str(locked / "run"))
    finally:
        locked.chmod(0o755)
    assert "Permission denied" in line and list(locked.iterdir()) == []


def test_a_folder_made_for_the_check_is_removed_when_a_setting_is_refused(capsys, tmp_path):
    out = tmp_path / "new" / "deeper" / "run"
    assert main(["train", *TINY, "--no-store", "--out", str(out), "--lr-g", "-1"]) == 2
    capsys.readouterr()
    assert main(["train", *TINY, "--no-store", "--out", str(out), "--samples", "0"]) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_at_the_end_keeps_what_fits_and_says_what_did_not(tmp_path):
    out = tmp_path / "run"
    # 100,000 2-D samples are 800 kB: samples.npy cannot be written under a 200 kB cap, the
    # settings, the metric rows and a tiny net's weights can.
    r = capped_gan_viz("train", "--target", "ring8", *TINY, "--samples", "100000",
                       "--no-store", "--out", str(out), file_size=200_000)  # fmt: skip
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert "could not write samples.npy" in line  # numpy says "N requested and M written"
    assert "kept config.json, metrics.csv, weights.pt" in line
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "metrics.csv", "weights.pt"]


def test_an_export_that_cannot_finish_leaves_no_half_file(tmp_path, stored_run):
    store, run_id = stored_run
    out = tmp_path / "run.html"
    out.write_bytes(b"an earlier export")
    # The page carries plotly.js (~4.6 MB): it cannot be written under a 1 MB cap, which the
    # store (~0.4 MB) opens under.
    r = capped_gan_viz("runs", "export", run_id, "--format", "html", "-o", str(out), "--force",
                       "--store", str(store), file_size=1_000_000)  # fmt: skip
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert f"could not write {out}" in line and "run 1 is unchanged in the store" in line
    assert out.read_bytes() == b"an earlier export"  # the old file stands, no partial beside
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.html"]


# --- item 4: reads without a size limit ---------------------------------------------------------


def sparse_file(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)  # holes: no disk used, reads as NUL bytes
    return path


def gzip_bomb(path: Path, idx_header: bytes, expanded: int) -> Path:
    """A gzip file of about a MB per GB that expands to `expanded` bytes: `idx_header`, then
    zeros. Built from members of 16 MB of zeros repeated (gzip allows many members), so it
    takes no time to make."""
    block = 2**24
    first = gzip.compress(idx_header + bytes(block - len(idx_header)))
    rest = gzip.compress(bytes(block))
    with path.open("wb") as fh:
        fh.write(first)
        for _ in range(expanded // block - 1):
            fh.write(rest)
        fh.write(gzip.compress(bytes(expanded % block)))
    return path


def test_points_from_a_device_that_never_ends_are_refused_in_bounded_memory(tmp_path):
    r = capped_gan_viz("train", *TINY, "--no-store", "--points", "/dev/zero",
                       "--out", str(tmp_path / "o"))  # fmt: skip
    assert r.returncode == 2
    assert "points file: got 'more than 20 MB'" in one_line(r.stderr)


def test_a_150_mb_points_file_is_refused_in_bounded_memory(tmp_path):
    big = sparse_file(tmp_path / "big.csv", 150_000_000)
    r = capped_gan_viz("train", *TINY, "--no-store", "--points", str(big))
    assert r.returncode == 2 and "at most 20 MB" in one_line(r.stderr)


def test_a_points_file_of_millions_of_short_lines_stops_at_the_row_limit(tmp_path):
    many = tmp_path / "many.csv"
    many.write_bytes(b"1\n2\n" * 4_500_000)  # 18 MB: under the byte limit, 9 million rows
    r = capped_gan_viz("train", *TINY, "--no-store", "--points", str(many))
    assert r.returncode == 2
    assert "200,001 points or more" in one_line(r.stderr)


def test_a_gzipped_idx_that_expands_to_gigabytes_is_refused_in_bounded_memory(tmp_path):
    data = tmp_path / "mnist"
    data.mkdir()
    n = 1_300_000  # 1.3 million 28 x 28 images: 1 GB once expanded
    header = bytes([0, 0, 8, 3]) + np.array([n, 28, 28], ">u4").tobytes()
    bomb = gzip_bomb(data / "train-images-idx3-ubyte.gz", header, 16 + n * 784)
    assert bomb.stat().st_size < 2_000_000
    for name in ("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (data / name).write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 0]))
    cache, out = str(tmp_path / "cache"), str(tmp_path / "o")
    r = capped_gan_viz("train-images", "--data-dir", str(data), "--steps", "1", "--no-store",
                       "--cache-dir", cache, "--out", out)  # fmt: skip
    assert r.returncode == 2
    line = one_line(r.stderr)
    assert "train-images-idx3-ubyte.gz" in line and "expands to more than 200 MB" in line


def test_the_idx_reader_decompresses_with_a_cap():
    from gan_viz.images.idx import gunzip_capped

    member = gzip.compress(b"digits" * 1000)
    assert gunzip_capped(member + member, 10**6) == b"digits" * 2000  # as gzip.decompress
    assert len(gunzip_capped(member, 100)) == 101  # one byte past the cap, then stop
    with pytest.raises(EOFError):
        gunzip_capped(member[:-8], 10**6)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sweep", "--target", "ring8", "--seeds", "100000000"], "--seeds: got 100000000"),
        (["train", "--samples", "1000000000"], "--samples: got 1000000000"),
        (["train", "--eval-samples", "10000000", "--hidden", "4096", "--depth", "16"],
         "evaluation samples: got 10000000"),
        (["train", "--hidden", "4096", "--depth", "16"], "G size: got '251,731,969 weights"),
        (["train", "--batch", "1000000"], "batch size: got '1,000,000 x 256 hidden units"),
        (["train", "--eval-samples", "1000000", "--hidden", "2048"], "TFLOP a metric row"),
        (["train-images", "--batch", "1000000"], "batch size: got '1,000,000 images"),
        (["train", "--steps", "10000000000000"], "at most 20,000,000 with --record-every 10"),
        (["train-images", "--steps", "10000000000000", "--eval-every", "1"],
         "at most 2,000,000 with --eval-every 1"),
    ],
    ids=["seeds", "samples", "eval-samples", "net-size", "batch", "metric-row", "image-batch",
         "steps", "image-steps"],
)  # fmt: skip
def test_a_size_setting_beyond_a_laptop_is_refused_before_any_work(tmp_path, argv, message):
    r = capped_gan_viz(*argv, "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    line = one_line(r.stderr)
    assert message in line and "allowed:" in line
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_of_too_many_combinations_is_refused(capsys):
    values = ",".join(str(i) for i in range(51))
    line = refused(capsys, "sweep", "--target", "ring8", "--vary", "pack=1,2",
                   "--vary", f"unrolled={values}", "--seeds", "10")  # fmt: skip
    assert "102 configurations x 10 seeds = 1,020 runs" in line and "at most 1,000" in line


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--format", "gif", "--width", "100000"], "--width: got '100000'"),
        (["--format", "gif", "--frames", "1000000000"], "--frames: got '1000000000'"),
        (["--format", "png", "--width", "100000"], "from 160 to 8000"),
    ],
)
def test_an_export_too_large_to_draw_is_refused(tmp_path, stored_run, extra, message):
    store, run_id = stored_run
    r = capped_gan_viz("runs", "export", run_id, *extra, "--store", str(store), cwd=tmp_path)
    assert r.returncode == 2 and message in one_line(r.stderr)
    assert list(tmp_path.iterdir()) == []


def test_an_animation_whose_frames_would_not_fit_in_memory_is_refused_before_drawing():
    from gan_viz.errors import ConfigError
    from gan_viz.export import MAX_FRAME_PIXELS
    from gan_viz.export.movie import gif_bytes
    from tests.store_helpers import fake_snapshot

    snaps = [fake_snapshot(step) for step in range(300)]
    assert 300 * 1920 * 1440 > MAX_FRAME_PIXELS  # as many frames as the CLI allows, wide
    with pytest.raises(ConfigError, match="300 frames of 1920 x 1440 px = 829 million pixels"):
        gif_bytes(snaps, width=1920)


# --- item 5: extreme but finite values, garbage, huge ids, closed pipes -----------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"1e300,1\n2,3\n4,5\n", "1e+300 in row 1"),
        (b"-1e300\n2\n3\n", "-1e+300 in row 1"),
        (b"0,0\n1,1\n2,1e7\n", "1e+07 in row 3"),
        (bytes(range(256)) * 40, "binary data"),
        (b"1,2\n\x00\x00\x00\n", "binary data (NUL bytes)"),
        (b"1" + b",1" * 3_000_000 + b"\n", "3 or more columns"),
    ],
    ids=["1e300", "minus-1e300", "1e7", "binary", "nul", "endless-line"],
)
def test_points_files_of_extreme_values_or_garbage_get_one_line(capsys, tmp_path, content, message):
    csv = tmp_path / "points.csv"
    csv.write_bytes(content)
    line = refused(capsys, "train", *TINY, "--no-store", "--points", str(csv))
    assert message in line


def test_points_on_a_line_train_instead_of_crashing_the_kde(capsys, tmp_path):
    csv = tmp_path / "line.csv"
    csv.write_text("\n".join(f"{t},{2 * t + 1}" for t in np.linspace(-1, 1, 50)))
    assert main(["train", *TINY, "--no-store", "--points", str(csv),
                 "--out", str(tmp_path / "o")]) == 0  # fmt: skip


@pytest.mark.parametrize(
    "run_id", ["99999999999999999999", "-5", "0", "1e3", "9223372036854775808"]
)
def test_a_run_id_out_of_range_gets_one_line(capsys, stored_run, run_id):
    store, _ = stored_run
    line = refused(capsys, "runs", "show", run_id, "--store", str(store))
    assert f"run id: got '{run_id}'" in line


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly(stored_run):
    """`gan-viz runs show 1 | head -1`: the reader closes the pipe before gan-viz writes (its
    torch import alone takes seconds), so every write meets a closed pipe."""
    store, run_id = stored_run
    proc = subprocess.Popen(
        [sys.executable, "-m", "gan_viz", "runs", "show", run_id, "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == SIGPIPE_EXIT
    assert stderr == ""
