"""`gan-viz runs import` against nested archive bombs and values no run makes: each refused in
one line with exit 2, the store unchanged, and the worst case within a memory limit.

The archives are made here from a real tiny run (2-D ring, grid 32, 100 samples shown): a
snapshot .npz member that inflates to 400 MB, a grid of another size than the run's settings
draw, D NaN everywhere, samples at 1e300, NaN weights, a weights member that inflates to
hundreds of MB. The Runs page's upload calls the same import_archive."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from numpy.lib import format as npy_format
from store_helpers import tiny_config

from gan_viz.cli import main
from gan_viz.store import RunRecorder, RunStore
from gan_viz.store.archive import export_archive
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower

SNAP = "snapshots/000001.npz"
BOMB_SHAPE = (10_000, 10_000)  # float32: 400 MB once inflated, ~400 kB deflated


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("bad_archive")
    store = RunStore(folder / "source.sqlite")
    toy = ToyGAN(tiny_config("ring8"))
    rec = RunRecorder(store, "toy", toy.config_json(), "ring")
    follow = ToyFollower(toy, rec, poll_seconds=0.0)
    toy.train(20)
    follow.finish()
    path = export_archive(store, rec.run_id, folder / "run.zip")
    torch.set_num_threads(threads)
    return path


def member(path, name) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def rewrite(path, out, name, data: bytes):
    """A copy of the archive with one member replaced, stored as the exporter stores it."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for n in src.namelist():
            dst.writestr(n, data if n == name else src.read(n), zipfile.ZIP_STORED)
    return out


def npz(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def snapshot_with(path, **changes) -> bytes:
    arrays = dict(np.load(io.BytesIO(member(path, SNAP))))
    arrays.update(changes)
    return npz(arrays)


def bomb_npz(name: str, shape, others: dict | None = None) -> bytes:
    """An .npz whose member `name` is a deflated array of zeros of `shape` (float32),
    written in chunks: it is never whole in memory here either."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for key, value in (others or {}).items():
            if key != name:
                b = io.BytesIO()
                np.save(b, value)
                zf.writestr(f"{key}.npy", b.getvalue())
        with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
            npy_format.write_array_header_1_0(
                fh, {"descr": "<f4", "fortran_order": False, "shape": shape}
            )
            chunk = bytes(16 << 20)
            left = int(np.prod(shape)) * 4
            while left > 0:
                fh.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return buf.getvalue()


def weights_with(path, change) -> bytes:
    arrays = dict(np.load(io.BytesIO(member(path, "weights.npz"))))
    first = next(iter(arrays))  # G's first weight matrix
    arrays[first] = change(arrays[first])
    return npz(arrays)


def grid_of(n: int) -> dict:
    axis = np.linspace(-3, 3, n)
    return {"axis0": axis, "axis1": axis} | {
        k: np.full((n, n), 0.5) for k in ("d", "p_data", "p_g", "d_star")
    }


def nan(a):
    return np.full_like(a, np.nan)


CASES = {
    "a snapshot member that inflates to 400 MB": (
        lambda p: bomb_npz("d", BOMB_SHAPE, dict(np.load(io.BytesIO(member(p, SNAP))))),
        "snapshots/000001.npz: array 'd.npy' would unpack to 4000001",
    ),
    "a finer grid than the settings draw": (
        lambda p: snapshot_with(p, **grid_of(64)),
        "d has shape [64, 64]; these settings draw at most 1024 values",
    ),
    "a coarser grid than the settings draw": (
        lambda p: snapshot_with(p, **grid_of(16)),
        "axis0 has 16 points; these settings use a grid of [32]",
    ),
    "more samples than the settings show": (
        lambda p: snapshot_with(p, real=np.zeros((50_000, 2), np.float32)),
        "real has shape [50000, 2]; these settings draw at most 200 values",
    ),
    "D NaN everywhere": (lambda p: snapshot_with(p, d=np.full((32, 32), np.nan)), "d holds NaN"),
    "D* NaN everywhere": (
        lambda p: snapshot_with(p, d_star=np.full((32, 32), np.nan)),
        "d_star is NaN everywhere",
    ),
    "samples at 1e300": (
        lambda p: snapshot_with(p, fake=np.full((100, 2), 1e300)),
        "fake holds values outside [-1e+06, 1e+06]",
    ),
    "an infinite density": (
        lambda p: snapshot_with(p, p_g=np.full((32, 32), np.inf)),
        "p_g holds NaN or infinite values",
    ),
    "D outside [0, 1]": (
        lambda p: snapshot_with(p, d=np.full((32, 32), 7.0)),
        "d holds values outside [0, 1]",
    ),
}
WEIGHT_CASES = {
    "NaN weights": (lambda p: weights_with(p, nan), "holds NaN or infinite values"),
    "a weights member that inflates to 400 MB": (
        lambda p: bomb_npz("t0", BOMB_SHAPE, dict(np.load(io.BytesIO(member(p, "weights.npz"))))),
        "weights.npz: array 't0.npy' would unpack to 4000001",
    ),
}


TABLES = ("runs", "tags", "settings_log", "rows", "snapshots")


def fingerprint(path):
    store = RunStore(path)
    runs = [(i.id, i.rows, i.snapshots, i.snapshot_bytes) for i in store.runs()]
    files = (
        sorted(p.name for p in store.weights_dir.glob("*")) if store.weights_dir.exists() else []
    )
    con = store.connection()
    tables = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
    store.close()
    return runs, files, tables


def import_in_process(capsys, store, bad):
    code = main(["runs", "import", str(bad), "--store", str(store)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", list(CASES) + list(WEIGHT_CASES))
def test_a_bad_archive_is_one_line_exit_2_and_the_store_unchanged(archive, tmp_path, capsys, case):
    make, words = {**CASES, **WEIGHT_CASES}[case]
    name = "weights.npz" if case in WEIGHT_CASES else SNAP
    bad = rewrite(archive, tmp_path / "bad.zip", name, make(archive))
    store = tmp_path / "mine.sqlite"
    assert main(["runs", "import", str(archive), "--store", str(store)]) == 0  # one good run
    capsys.readouterr()
    before = fingerprint(store)
    code, out, err = import_in_process(capsys, store, bad)
    assert code == 2, err
    assert words in err and "nothing was imported" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == ""
    assert fingerprint(store) == before


def test_the_good_archive_still_imports(archive, tmp_path, capsys):
    """The limits are drawn from the settings, not below them: the run itself passes."""
    code, out, err = import_in_process(capsys, tmp_path / "s.sqlite", archive)
    assert code == 0 and "imported" in out, err


WORST = """
import resource, sys
import gan_viz.cli, gan_viz.store.archive, torch  # imports first: their address space is fixed
vm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + (256 << 20), vm + (256 << 20)))
sys.exit(gan_viz.cli.main(["runs", "import", sys.argv[1], "--store", sys.argv[2]]))
"""


@pytest.mark.parametrize("case", ["a snapshot member that inflates to 400 MB", "samples at 1e300"])
def test_the_worst_archive_is_refused_within_256_mb(archive, tmp_path, case):
    """In a process allowed 256 MB of address space beyond its imports, the 400 MB bomb is
    refused unread (reading it would raise MemoryError and end in a traceback)."""
    make, words = CASES[case]
    bad = rewrite(archive, tmp_path / "bad.zip", SNAP, make(archive))
    assert bad.stat().st_size < 5_000_000  # small outside
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", WORST, str(bad), str(tmp_path / "s.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_inflating_member_is_refused_before_it_is_read_even_when_allowed_memory():
    """Unit level: from_npz reads no member past the budget, whatever the header claims."""
    from gan_viz.store.npz import BlobError, from_npz

    bomb = bomb_npz("d", (1000, 1000))  # 4 MB inflated
    with pytest.raises(BlobError, match="would unpack to 40001[0-9][0-9] bytes"):
        from_npz(bomb, max_bytes=1_000_000)
    assert from_npz(bomb, max_bytes=5_000_000)["d"].shape == (1000, 1000)
    manifest = json.dumps({"x": 1})  # (a JSON member is not an npz: refused as damaged)
    with pytest.raises(BlobError, match="damaged"):
        from_npz(manifest.encode())
