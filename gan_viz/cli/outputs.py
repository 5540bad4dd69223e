"""Where the CLI writes its results: checked before the work, and a failed write at the end
told in one line instead of a traceback.

Every command that writes (`train --out`, `train-images --out`, `sweep --out`, `theory --out`,
`runs export -o`) calls `ensure_writable` before it trains or draws anything: the folder (and any
missing parent) is made, a probe file is written there and removed, and the folders made for the
probe are removed again, so a refused command leaves the file system as it found it. That finds
an output under a file, under /proc or /sys, or on a read-only disk or folder, at the cost of a
few system calls. It cannot promise the disk still has room at the end: `write_files` then
writes each file on its own, removes a half-written one, and `WriteFailed` says which files were
written and which were not (the command exits 1, with what it could keep).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from gan_viz.errors import ConfigError


class WriteFailed(Exception):
    """Writing results failed after the work was done; the message is one line for the user."""


def _reason(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def _existing_ancestor(folder: Path) -> tuple[Path, list[Path]]:
    """The nearest folder that exists at or above `folder`, and the missing ones below it
    (outermost first). A file in the way raises ConfigError."""
    missing: list[Path] = []
    here = folder
    while not here.exists():
        if here.is_symlink():  # a dangling link: mkdir would fail on it
            raise ConfigError("output", str(folder), f"a folder ({here} is a broken link)")
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    if here.exists() and not here.is_dir():
        raise ConfigError("output", str(folder), f"a folder that can be made ({here} is a file)")
    return here, missing[::-1]


def ensure_writable(path: str | Path, flag: str = "--out", kind: str = "folder") -> Path:
    """Check that results can be written at `path` (kind "folder": a folder of results;
    "file": one file) before any work starts; raise ConfigError naming `flag`, the path and
    why not. The file system is left as it was found."""
    path = Path(path).expanduser()
    if kind == "file":
        if path.is_dir():
            raise ConfigError(flag, str(path), "a file name (this is a folder)")
        folder = path.parent
    else:
        if path.exists() and not path.is_dir():
            raise ConfigError(flag, str(path), "a folder (this is a file)")
        folder = path
    try:
        _, made = _existing_ancestor(folder)
    except ConfigError as err:
        raise ConfigError(flag, str(path), err.allowed) from None
    probe = folder / f".gan-viz-probe-{os.getpid()}"
    step, where = "make", folder
    try:
        for where in made:
            where.mkdir()
        step, where = "write in", folder
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\n")
        finally:
            os.close(fd)
        os.unlink(probe)
        if kind == "file" and path.exists():  # --force onto a file we may not write
            step, where = "replace", path
            with open(path, "ab"):
                pass
    except OSError as err:
        raise ConfigError(
            flag, str(path), f"a place gan-viz can write to (cannot {step} {where}: {_reason(err)})"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
        for d in reversed(made):
            with contextlib.suppress(OSError):
                d.rmdir()
    return path


def write_files(folder: Path, writers: dict[str, Callable[[Path], object]]) -> list[str]:
    """Write each named file into `folder` with its writer; return the names written. If any
    fails, a half-written file is removed, the others are still tried, and WriteFailed says
    what was written and what was not."""
    written: list[str] = []
    failed: dict[str, str] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteFailed(f"could not make {folder} ({_reason(err)}); nothing written") from None
    for name, write in writers.items():
        target = folder / name
        try:
            write(target)
            written.append(name)
        except OSError as err:
            failed[name] = _reason(err)
            with contextlib.suppress(OSError):
                target.unlink()
    if failed:
        reasons = sorted(set(failed.values()))
        kept = f"; kept {', '.join(written)}" if written else "; nothing written"
        raise WriteFailed(
            f"could not write {', '.join(failed)} in {folder} ({'; '.join(reasons)}){kept}"
        )
    return written


def write_file(path: Path, write: Callable[[Path], object]) -> None:
    """Write one result file through a temporary file beside it, so a failed write (a full
    disk) leaves neither a half-written file nor a damaged earlier one; WriteFailed says so."""
    tmp = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WriteFailed(f"could not write {path} ({_reason(err)}); nothing written") from None
