"""Named arrays to `.npz` bytes and back: never a pickle, and limits a hostile file cannot pass.

`np.load(..., allow_pickle=False)` already refuses object arrays, but it trusts each member's
header: an `.npy` that claims a shape of 10^12 floats makes numpy allocate that much before it
finds the data missing, and a deflated member can expand without bound. So `from_npz` reads the
zip directory and every `.npy` header first, and only loads arrays whose declared size fits both
the member and the caller's budget. Used for snapshots in the run store and in run archives.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

import numpy as np
from numpy.lib import format as npy_format

MAX_NPZ_BYTES = 1 << 30  # default budget: uncompressed bytes one .npz may hold
MAX_MEMBERS = 256  # arrays in one .npz; a snapshot has about 20
ALLOWED_KINDS = "biufU"  # bool, signed/unsigned int, float, unicode text; never object or void


class BlobError(ValueError):
    """An .npz that cannot be read safely: says what is wrong with it."""


def to_npz(arrays: dict[str, np.ndarray], compress: bool = True) -> bytes:
    """The arrays as .npz bytes (deflated when `compress`); refuses object arrays."""
    for name, value in arrays.items():
        if np.asarray(value).dtype.hasobject:
            raise BlobError(f"array {name!r} holds Python objects; only plain arrays are stored")
    buf = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buf, **arrays)
    return buf.getvalue()


HeaderCheck = Callable[[str, tuple, np.dtype], None]


def from_npz(
    data: bytes, max_bytes: int = MAX_NPZ_BYTES, check_header: HeaderCheck | None = None
) -> dict[str, np.ndarray]:
    """Arrays of an .npz, checked before anything large is allocated.

    Raises BlobError when the bytes are not an .npz, a member is damaged or not a plain
    array, a name repeats, or the declared sizes exceed `max_bytes` in all or one by one.
    `check_header(name, shape, dtype)` (raising BlobError) sees each array's header before its
    data is read: a caller that knows what shapes to expect refuses the others unread.

    Memory stays within `max_bytes`: each member's declared size (the zip directory's
    file_size) is checked before it is inflated, its header's shape must fit that size, and
    zipfile never inflates a member past its declared size (a stream that does fails its CRC).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BlobError(f"{len(infos)} arrays in one file (at most {MAX_MEMBERS})")
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                raise BlobError("an array name appears twice")
            for info in infos:
                if info.file_size > max_bytes:
                    raise BlobError(
                        f"array {info.filename!r} would unpack to {info.file_size} bytes"
                        f" (at most {max_bytes})"
                    )
            declared = sum(info.file_size for info in infos)
            if declared > max_bytes:
                raise BlobError(f"{declared} bytes of arrays (at most {max_bytes})")
            return {_array_name(info): _read_member(zf, info, check_header) for info in infos}
    except BlobError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as err:
        raise BlobError(f"damaged array file ({err})") from None
    except NotImplementedError as err:  # an unsupported zip compression method
        raise BlobError(f"unreadable array file ({err})") from None


def _array_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not name.endswith(".npy") or "/" in name or "\\" in name or name.startswith("."):
        raise BlobError(f"unexpected member {name!r} in an array file")
    return name[:-4]


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, check_header: HeaderCheck | None
) -> np.ndarray:
    with zf.open(info) as fh:
        version = npy_format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(fh)
        else:
            raise BlobError(f"array {info.filename!r} has .npy version {version}")
        if dtype.hasobject or dtype.kind not in ALLOWED_KINDS or dtype.fields is not None:
            raise BlobError(f"array {info.filename!r} has type {dtype}, not a plain number/text")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if any(n < 0 for n in shape) or count * dtype.itemsize > info.file_size:
            raise BlobError(f"array {info.filename!r} claims shape {shape}, more than it holds")
        if check_header is not None:
            check_header(info.filename[:-4], shape, dtype)
    with zf.open(info) as fh:
        return npy_format.read_array(fh, allow_pickle=False)
