"""Run archives: a run exported and imported elsewhere is the same run; a damaged or hostile
archive is refused with a clear message and leaves the store exactly as it was."""

import io
import json
import zipfile

import numpy as np
import pytest
import torch
from numpy.lib import format as npy_format
from store_helpers import tiny_config

from gan_viz.errors import ConfigError
from gan_viz.store import RunRecorder, RunStore
from gan_viz.store.archive import export_archive, import_archive
from gan_viz.toy import ToyGAN
from gan_viz.toy_store import ToyFollower, resume


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A real run (a settings change mid-run, tags, a note, weights) and its archive."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("archive")
    store = RunStore(folder / "mine.sqlite")
    toy = ToyGAN(tiny_config("ring8"))
    rec = RunRecorder(store, "toy", toy.config_json(), "ring, NS", ["lecture"], "for Tuesday")
    follow = ToyFollower(toy, rec, poll_seconds=0.0)
    toy.train(15)
    follow.poll()
    toy.update(toy.cfg.replace(optim={"lr_g": 2e-4}))
    follow.poll()
    toy.train(15)
    follow.finish()
    path = export_archive(store, rec.run_id, folder / "run.zip")
    torch.set_num_threads(threads)
    return store, rec.run_id, path


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def same_rows(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(np.array_equal(a[n], b[n], equal_nan=True) for n in a)


def test_an_exported_run_imports_as_the_same_run(exported, tmp_path):
    mine, run_id, path = exported
    theirs = RunStore(tmp_path / "colleague.sqlite")
    new_id = import_archive(theirs, path)
    a, b = mine.open(run_id), theirs.open(new_id)
    for field in ("kind", "name", "tags", "note", "status", "message", "step", "created"):
        assert getattr(a.info, field) == getattr(b.info, field), field
    assert b.info.weights_step == 30 and b.info.parent is None
    assert a.settings_log() == b.settings_log() and len(a.settings_log()) == 2
    assert same_rows(a.columns(), b.columns())
    assert [k[1:] for k in a.snapshot_index()] == [k[1:] for k in b.snapshot_index()]
    for (sa, *_), (sb, *_) in zip(a.snapshot_index(), b.snapshot_index()):
        assert a.snapshot(sa).equals(b.snapshot(sb))
    wa, wb = a.weights(), b.weights()
    for net in ("G", "D"):
        assert all(torch.equal(wa[net][k], wb[net][k]) for k in wa[net])
    assert wa["opt_g"]["param_groups"] == wb["opt_g"]["param_groups"]
    assert torch.equal(wa["noise_gen"], wb["noise_gen"]) and wa["data_rng"] == wb["data_rng"]

    toy, rec = resume(theirs, new_id)  # a colleague trains it on
    assert toy.step_count == 30 and toy.cfg.optim.lr_g == 2e-4
    toy.train(5)
    ToyFollower(toy, rec).finish()
    assert theirs.run(new_id).step == 35
    assert import_archive(theirs, path, name="again") == new_id + 1  # twice is two runs


def test_an_archive_holds_only_json_and_plain_arrays(exported):
    _, _, path = exported
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[:3] == ["manifest.json", "settings_log.json", "metrics.jsonl"]
        assert names[-1] == "weights.npz" and all(n.startswith("snapshots/") for n in names[3:-1])
        json.loads(zf.read("manifest.json"))
        json.loads(zf.read("settings_log.json"))
        for line in zf.read("metrics.jsonl").splitlines():
            assert isinstance(json.loads(line), dict)
        for name in names[3:]:
            with zipfile.ZipFile(io.BytesIO(zf.read(name))) as inner:
                for member in inner.namelist():
                    with inner.open(member) as fh:
                        assert npy_format.read_magic(fh) == (1, 0)
                        _, _, dtype = npy_format.read_array_header_1_0(fh)
                        assert not dtype.hasobject  # so no pickle inside


# --- damaged and hostile archives ----------------------------------------------------------------


def rewrite(path, out, replace=None, add=None):
    """A copy of an archive with members replaced (None: removed) or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name in replace:
                if replace[name] is not None:
                    dst.writestr(name, replace[name])
            else:
                dst.writestr(name, src.read(name))
        for name, data in add.items():
            dst.writestr(name, data)
    return out


def member(path, name) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def npz_with(path, name, **changes) -> bytes:
    """A snapshot member of the archive with some arrays changed (np.savez, pickles allowed:
    the hostile side does not play by our rules)."""
    arrays = dict(np.load(io.BytesIO(member(path, name))))
    arrays.update(changes)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def lying_npy() -> bytes:
    """An .npz whose one array claims 10^12 floats and holds 16 bytes."""
    npy = io.BytesIO()
    npy_format.write_array_header_1_0(
        npy, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    npy.write(b"\0" * 16)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("d.npy", npy.getvalue())
    return buf.getvalue()


def manifest_with(path, **changes) -> bytes:
    m = json.loads(member(path, "manifest.json"))
    m.update(changes)
    return json.dumps(m).encode()


def settings_with(path, **optim) -> bytes:
    log = json.loads(member(path, "settings_log.json"))
    log[-1][1]["optim"].update(optim)
    return json.dumps(log).encode()


def shrunk_weights(path) -> bytes:
    arrays = dict(np.load(io.BytesIO(member(path, "weights.npz"))))
    first = next(iter(arrays))  # G's first weight matrix
    arrays[first] = arrays[first][:, :1]
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


SNAP = "snapshots/000003.npz"
HOSTILE = {
    "truncated": (
        lambda p, out: out.write_bytes(p.read_bytes()[: len(p.read_bytes()) * 3 // 5]),
        "cut short",
    ),
    "cut short at the end": (lambda p, out: out.write_bytes(p.read_bytes()[:-40]), "cut short"),
    "not a zip": (lambda p, out: out.write_text("hello " * 100), "damaged or not a zip"),
    "path traversal": (
        lambda p, out: rewrite(p, out, add={"../../evil.sh": b"rm -rf"}),
        "unsafe path '../../evil.sh'",
    ),
    "absolute path": (lambda p, out: rewrite(p, out, add={"/etc/evil": b"x"}), "unsafe path"),
    "unexpected file": (
        lambda p, out: rewrite(p, out, add={"snapshots/run.py": b"x"}),
        "unexpected file 'snapshots/run.py'",
    ),
    "zip bomb": (
        lambda p, out: rewrite(p, out, replace={"metrics.jsonl": b"\0" * 60_000_000}),
        "'metrics.jsonl' would unpack to 60000000 bytes",
    ),
    "newer version": (
        lambda p, out: rewrite(p, out, replace={"manifest.json": manifest_with(p, version=7)}),
        "archive version 7",
    ),
    "someone else's zip": (
        lambda p, out: rewrite(
            p, out, replace={"manifest.json": manifest_with(p, format="photos")}
        ),
        "not a gan-viz run archive",
    ),
    "a kind this gan-viz cannot check": (
        lambda p, out: rewrite(p, out, replace={"manifest.json": manifest_with(p, kind="audio")}),
        "its run kind is 'audio'",
    ),
    "manifest not JSON": (
        lambda p, out: rewrite(p, out, replace={"manifest.json": b"{oops"}),
        "manifest.json is not valid JSON",
    ),
    "tags of the wrong type": (
        lambda p, out: rewrite(p, out, replace={"manifest.json": manifest_with(p, tags="lecture")}),
        "'tags'",
    ),
    "bad settings": (
        lambda p, out: rewrite(p, out, replace={"settings_log.json": settings_with(p, lr_d=-1)}),
        "D learning rate: got -1",
    ),
    "a metric that is text": (
        lambda p, out: rewrite(p, out, replace={"metrics.jsonl": b'{"step": 0, "js": "high"}\n'}),
        "metric 'js' is str",
    ),
    "wrong shape": (
        lambda p, out: rewrite(p, out, replace={SNAP: npz_with(p, SNAP, d=np.zeros((3, 3)))}),
        "snapshots/000003.npz: d has shape [3, 3]",
    ),
    "samples of the wrong dimension": (
        lambda p, out: rewrite(p, out, replace={SNAP: npz_with(p, SNAP, fake=np.zeros((100, 3)))}),
        "fake has shape [100, 3]; these settings draw at most 200",
    ),
    "a pickled object": (
        lambda p, out: rewrite(
            p, out, replace={SNAP: npz_with(p, SNAP, h=np.array([{"evil": 1}], dtype=object))}
        ),
        "type object",
    ),
    "an array that lies about its size": (
        lambda p, out: rewrite(p, out, replace={SNAP: lying_npy()}),
        "claims shape (1000000000000,)",
    ),
    "a damaged snapshot": (
        lambda p, out: rewrite(p, out, replace={SNAP: member(p, SNAP)[:500]}),
        "snapshots/000003.npz: damaged array file",
    ),
    "a snapshot missing": (
        lambda p, out: rewrite(p, out, replace={SNAP: None}),
        "the manifest lists",
    ),
    "weights that do not fit": (
        lambda p, out: rewrite(p, out, replace={"weights.npz": shrunk_weights(p)}),
        "weights do not fit the settings",
    ),
}


def fingerprint(store: RunStore):
    runs = [(i.id, i.name, i.rows, i.snapshots, i.snapshot_bytes) for i in store.runs()]
    files = (
        sorted(p.name for p in store.weights_dir.glob("*")) if store.weights_dir.exists() else []
    )
    (snapshot_ids,) = store.connection().execute("SELECT max(id) FROM snapshots").fetchone()
    return runs, files, snapshot_ids


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_damaged_or_hostile_archive_is_refused_and_changes_nothing(exported, tmp_path, case):
    mine, _, path = exported
    make, words = HOSTILE[case]
    bad = tmp_path / "bad.zip"
    make(path, bad)
    before = fingerprint(mine)
    with pytest.raises(ConfigError) as err:
        import_archive(mine, bad)
    message = str(err.value)
    assert words in message and "nothing was imported" in message, message
    assert "\n" not in message
    assert fingerprint(mine) == before


def test_an_archive_cut_short_anywhere_is_refused(exported, tmp_path):
    mine, _, path = exported
    data = path.read_bytes()
    before = fingerprint(mine)
    for fraction in (0.02, 0.2, 0.45, 0.7, 0.9, 0.98, 0.999):
        bad = tmp_path / f"cut-{fraction}.zip"
        bad.write_bytes(data[: int(len(data) * fraction)])
        with pytest.raises(ConfigError, match="nothing was imported"):
            import_archive(mine, bad)
    assert fingerprint(mine) == before
