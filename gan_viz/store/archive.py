"""Run archives: one .zip that carries a stored run to a colleague, with no pickles inside.

    run-12.zip
      manifest.json         format, version, the run's name/tags/note/status/times, weights tree
      settings_log.json     [[step, settings], ...]: the first settings and every change
      metrics.jsonl         one JSON object per metric row (NaN/Infinity as Python writes them)
      snapshots/000000.npz  Snapshot.to_arrays() of each stored snapshot, in order
      weights.npz           the checkpoint's tensors; manifest["weights"] holds the tree around them

`import_archive` reads and checks everything in memory before it writes anything: sizes
(against zip bombs, outer and nested: each snapshot's .npz is bounded by what its run's
settings draw, member by member before it is inflated), member names (against path traversal:
nothing is ever extracted to disk), JSON types, every snapshot's arrays, shapes and values
against the settings, the weights against the settings. Then one
transaction adds the run; a damaged or hostile archive changes nothing and says why.
"""

from __future__ import annotations

import io
import json
import math
import re
import time
import uuid
import zipfile
import zlib
from pathlib import Path

import numpy as np

from gan_viz.errors import ArchiveError, ConfigError
from gan_viz.store import toy_checks
from gan_viz.store.db import Transaction
from gan_viz.store.kinds import STATUSES
from gan_viz.store.npz import BlobError, from_npz, to_npz
from gan_viz.store.runstore import RunStore

FORMAT = "gan-viz run archive"
VERSION = 1
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 2 << 30  # uncompressed bytes in one archive (all read into memory)
MAX_MEMBER_BYTES = 1 << 30  # metrics.jsonl; snapshots and weights get what their settings need
MAX_JSON_BYTES = 64 << 20  # manifest.json, settings_log.json
MAX_ROWS = 2_000_000  # metric rows in one archive (a million-step run, a row per step, fits)
MAX_RATIO = 100  # unpacked / packed size of a member over 1 MB beyond which it is a bomb
_SNAPSHOT_NAME = re.compile(r"snapshots/(\d{6,9})\.npz")
_FIXED = ("manifest.json", "settings_log.json", "metrics.jsonl", "weights.npz")


# --- export --------------------------------------------------------------------------------------


def _flatten(tree, arrays: dict[str, np.ndarray]):
    """A checkpoint as JSON around named arrays: tensors become {"tensor": name}."""
    import torch

    if isinstance(tree, torch.Tensor):
        name = f"t{len(arrays)}"
        arrays[name] = tree.detach().cpu().numpy()
        return {"tensor": name}
    if isinstance(tree, dict):
        return {"dict": [[k, _flatten(v, arrays)] for k, v in tree.items()]}
    if isinstance(tree, (list, tuple)):
        return {type(tree).__name__: [_flatten(v, arrays) for v in tree]}
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return {"value": tree}
    raise TypeError(f"cannot archive a {type(tree).__name__} in the weights")


def export_archive(store: RunStore, run_id: int, path: str | Path) -> Path:
    """Write a stored run into a single .zip (read in one transaction: a consistent copy even
    while the run is still being written)."""
    path = Path(path)
    con = store.connection()
    run = store.open(run_id)
    con.execute("BEGIN")
    try:
        info = run.refresh()
        log = run.settings_log()
        rows = con.execute("SELECT data FROM rows WHERE run_id = ? ORDER BY seq", (run_id,))
        metrics = "".join(text + "\n" for (text,) in rows)
        blobs = con.execute(
            "SELECT data FROM snapshots WHERE run_id = ? ORDER BY seq", (run_id,)
        ).fetchall()
        state = run.weights()
    finally:
        con.execute("COMMIT")
    arrays: dict[str, np.ndarray] = {}
    tree = _flatten(state, arrays) if state is not None else None
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "kind": info.kind,
        "name": info.name,
        "tags": list(info.tags),
        "note": info.note,
        "status": info.status,
        "message": info.message,
        "created": info.created,
        "updated": info.updated,
        "step": info.step,
        "snapshots": len(blobs),
        "weights": tree,
        "exported": time.time(),
    }
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        zf.writestr("settings_log.json", json.dumps(log))
        zf.writestr("metrics.jsonl", metrics)
        for i, (blob,) in enumerate(blobs):  # already deflated: stored as they are
            zf.writestr(f"snapshots/{i:06d}.npz", blob, compress_type=zipfile.ZIP_STORED)
        if tree is not None:
            zf.writestr("weights.npz", to_npz(arrays), compress_type=zipfile.ZIP_STORED)
    tmp.replace(path)
    return path


# --- import --------------------------------------------------------------------------------------


def _members(zf: zipfile.ZipFile, where) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(where, f"{len(infos)} files inside (at most {MAX_MEMBERS})")
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name or ":" in name:
            raise ArchiveError(where, f"unsafe path {name!r} inside")
        if name.endswith("/"):
            continue
        if name in members:
            raise ArchiveError(where, f"{name!r} appears twice")
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ArchiveError(where, f"{name!r} would unpack to {info.file_size} bytes")
        total += info.file_size
        members[name] = info
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(where, f"it would unpack to {total} bytes (at most {MAX_TOTAL_BYTES})")
    for name in _FIXED[:3]:
        if name not in members:
            raise ArchiveError(
                where, f"{name} is missing: cut short, damaged, or not a gan-viz run archive"
            )
    for name in members:
        if name not in _FIXED and not _SNAPSHOT_NAME.fullmatch(name):
            raise ArchiveError(where, f"unexpected file {name!r} inside")
    return members


def _json(data: bytes, name: str, where):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise ArchiveError(where, f"{name} is not valid JSON ({err})") from None


def _unflatten(node, arrays: dict[str, np.ndarray], depth: int = 0):
    import torch

    if depth > 12 or not isinstance(node, dict) or len(node) != 1:
        raise toy_checks.Refused("the weights tree is malformed")
    ((kind, value),) = node.items()
    if kind == "tensor":
        if not isinstance(value, str) or value not in arrays:
            raise toy_checks.Refused(f"the weights name a missing array {str(value)[:40]!r}")
        return torch.from_numpy(np.array(arrays[value]))
    if kind == "dict" and isinstance(value, list):
        if not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], (str, int)) for p in value
        ):
            raise toy_checks.Refused("the weights tree is malformed")
        return {k: _unflatten(v, arrays, depth + 1) for k, v in value}
    if kind in ("list", "tuple") and isinstance(value, list):
        items = [_unflatten(v, arrays, depth + 1) for v in value]
        return tuple(items) if kind == "tuple" else items
    if kind == "value" and (value is None or isinstance(value, (bool, int, float, str))):
        return value
    raise toy_checks.Refused("the weights tree is malformed")


def _check_manifest(m, where) -> dict:
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise ArchiveError(where, "not a gan-viz run archive (its manifest says otherwise)")
    version = m.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise ArchiveError(
            where, f"archive version {version!r}; this gan-viz reads version {VERSION} (upgrade?)"
        )
    expect = {"kind": str, "name": str, "note": str, "status": str, "message": str}
    for key, kind in expect.items():
        if not isinstance(m.get(key), kind) or len(m[key]) > 100_000:
            raise ArchiveError(where, f"manifest field {key!r} is missing or not text")
    if m["kind"] != "toy":
        raise ArchiveError(where, f"its run kind is {m['kind']!r}; only toy runs import for now")
    if m["status"] not in STATUSES:
        raise ArchiveError(where, f"unknown status {m['status'][:40]!r}")
    tags = m.get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) and len(t) <= 200 for t in tags):
        raise ArchiveError(where, "manifest field 'tags' is not a list of short texts")
    for key in ("created", "updated"):
        if not isinstance(m.get(key), (int, float)) or not math.isfinite(m[key]):
            raise ArchiveError(where, f"manifest field {key!r} is not a time")
    if not isinstance(m.get("step"), int) or m["step"] < 0:
        raise ArchiveError(where, "manifest field 'step' is not a count")
    return m


def read_archive(path: str | Path) -> dict:
    """Everything in an archive, checked; raises ArchiveError (touches no store).

    The settings are read and checked first; they then bound every snapshot and the weights
    (toy_checks.Expect, weights_bytes) before those are read, one snapshot at a time: memory
    stays within the archive's own size plus one snapshot, whatever the archive claims."""
    where = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = _members(zf, where)
            return _read_checked(zf, members, where)
    except ArchiveError:
        raise
    except FileNotFoundError:
        raise ConfigError("archive", str(path), "an existing .zip file") from None
    except toy_checks.Refused as err:
        raise ArchiveError(where, str(err)) from None
    except UnicodeDecodeError:
        raise ArchiveError(where, "metrics.jsonl is not UTF-8 text") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as e:
        raise ArchiveError(where, f"damaged or not a zip file ({e})") from None


def _read_checked(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], where) -> dict:
    def read(name: str, limit: int) -> bytes:
        info = members[name]
        if info.file_size > limit:
            raise toy_checks.Refused(
                f"{name} would unpack to {info.file_size} bytes; "
                f"these settings need at most {limit}"
            )
        return zf.read(info)

    manifest = _check_manifest(
        _json(read("manifest.json", MAX_JSON_BYTES), "manifest.json", where), where
    )
    log = _json(read("settings_log.json", MAX_JSON_BYTES), "settings_log.json", where)
    if not isinstance(log, list) or not log:
        raise toy_checks.Refused("settings_log.json is not a list of [step, settings]")
    for entry in log:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)):
            raise toy_checks.Refused("settings_log.json is not a list of [step, settings]")
    configs = [toy_checks.check_settings(settings) for _, settings in log]
    expect = toy_checks.expect_from(configs)
    rows = []
    lines = read("metrics.jsonl", MAX_MEMBER_BYTES).decode("utf-8").splitlines()
    if len(lines) > MAX_ROWS:
        raise toy_checks.Refused(f"{len(lines)} metric rows (at most {MAX_ROWS})")
    for i, line in enumerate(lines):
        row = _json(line.encode(), f"metrics.jsonl line {i + 1}", where)
        toy_checks.check_metrics(row)
        rows.append(row)
    del lines
    names = sorted(n for n in members if n.startswith("snapshots/"))
    if len(names) != manifest.get("snapshots"):
        raise toy_checks.Refused(
            f"{len(names)} snapshots inside, the manifest lists {manifest.get('snapshots')!r}"
        )
    snapshots = []  # (step, d_updates, g_updates, .npz bytes): checked, then let go
    limit = expect.max_bytes()
    for name in names:
        blob = read(name, limit)
        try:
            snap = toy_checks.check_snapshot(from_npz(blob, limit, expect.check_header), expect)
        except (toy_checks.Refused, BlobError) as err:
            raise toy_checks.Refused(f"{name}: {err}") from None
        snapshots.append((snap.step, snap.d_updates, snap.g_updates, blob))
        del snap
    state = None
    if manifest.get("weights") is not None:
        if "weights.npz" not in members:
            raise toy_checks.Refused("weights.npz is missing")
        budget = max(toy_checks.weights_bytes(cfg) for cfg in configs)
        try:
            arrays = from_npz(read("weights.npz", budget), budget)
        except BlobError as err:
            raise toy_checks.Refused(f"weights.npz: {err}") from None
        state = _unflatten(manifest["weights"], arrays)
        toy_checks.check_weights(state, configs[-1])
    return {"manifest": manifest, "log": log, "rows": rows, "snapshots": snapshots, "state": state}


def import_archive(store: RunStore, path: str | Path, name: str | None = None) -> int:
    """Add the run in an archive to the store as a new run; returns its id. All or nothing."""
    import torch

    content = read_archive(path)
    m, log = content["manifest"], content["log"]
    uid = uuid.uuid4().hex
    weights = store.weights_path(uid)
    con = store.connection()
    try:
        if content["state"] is not None:
            weights.parent.mkdir(parents=True, exist_ok=True)
            buf = io.BytesIO()
            torch.save(content["state"], buf)
            weights.write_bytes(buf.getvalue())
        with Transaction(con):
            status = "interrupted" if m["status"] == "running" else m["status"]
            cur = con.execute(
                "INSERT INTO runs (uid, kind, name, note, created, updated, status, message,"
                " step, settings, weights_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    m["kind"],
                    m["name"] if name is None else name,
                    m["note"],
                    m["created"],
                    time.time(),
                    status,
                    m["message"],
                    m["step"],
                    json.dumps(log[-1][1]),
                    content["state"]["iteration"] if content["state"] is not None else None,
                ),
            )
            run_id = int(cur.lastrowid)
            con.executemany("INSERT INTO tags VALUES (?, ?)", [(run_id, t) for t in set(m["tags"])])
            con.executemany(
                "INSERT INTO settings_log VALUES (?, ?, ?, ?)",
                [(run_id, i, step, json.dumps(s)) for i, (step, s) in enumerate(log)],
            )
            last_step = 0
            params = []
            for i, row in enumerate(content["rows"]):
                step = row.get("step")
                if isinstance(step, (int, float)) and math.isfinite(step):
                    last_step = int(step)
                params.append((run_id, i, last_step, json.dumps(row)))
            con.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", params)
            con.executemany(
                "INSERT INTO snapshots (run_id, seq, step, d_updates, g_updates, tail, nbytes,"
                " data) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                [
                    (run_id, i, step, du, gu, len(blob), blob)
                    for i, (step, du, gu, blob) in enumerate(content["snapshots"])
                ],
            )
    except BaseException:
        weights.unlink(missing_ok=True)
        raise
    return run_id
