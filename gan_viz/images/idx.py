"""The IDX file format of MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/), read with checks.

    bytes 0-1   0x00 0x00
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64 (big-endian)
    byte  3     number of dimensions n
    then        n sizes, each a big-endian uint32, then the elements in C order

A file may be gzipped (recognised by its first two bytes, not its name). Every way a file can be
wrong (missing, unreadable, not gzip after all, truncated, too long, a bad header) raises
`DataError` with one line naming the file and the problem.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from gan_viz.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
CODES = {
    dtype.newbyteorder(">") if dtype.itemsize > 1 else dtype: code for code, dtype in DTYPES.items()
}


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError("MNIST file", path, "not found") from None
    except OSError as err:
        raise DataError("MNIST file", path, f"cannot be read ({err.strerror})") from None
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise DataError("MNIST file", path, f"damaged gzip data ({err})") from None


def parse_idx(raw: bytes, name: str = "IDX data") -> np.ndarray:
    """The array held by IDX bytes; DataError if the header or the length is wrong."""
    if len(raw) < 4:
        raise DataError("MNIST file", name, f"too short for an IDX header ({len(raw)} bytes)")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in DTYPES:
        raise DataError("MNIST file", name, f"not an IDX file (header {raw[:4].hex(' ')})")
    dtype, ndim = DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise DataError("MNIST file", name, f"damaged IDX header ({ndim} dimensions)")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataError(
            "MNIST file", name, f"{what} ({len(raw)} bytes for shape {shape}; {expected} expected)"
        )
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file, gzipped or not; DataError (one line) for anything wrong with it."""
    path = Path(path)
    return parse_idx(_read_bytes(path), str(path))


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of an array (uint8, int8, int16, int32, float32 or float64)."""
    a = np.asarray(array)
    big = a.dtype.newbyteorder(">") if a.dtype.itemsize > 1 else a.dtype
    if big not in CODES:
        raise DataError("IDX element type", a.dtype, "uint8, int8, int16, int32, float32, float64")
    header = bytes([0, 0, CODES[big], a.ndim]) + np.asarray(a.shape, ">u4").tobytes()
    return header + a.astype(big).tobytes()


def write_idx(path: str | Path, array: np.ndarray, compress: bool = False) -> None:
    """Write an array as an IDX file (gzipped when `compress`)."""
    raw = idx_bytes(array)
    Path(path).write_bytes(gzip.compress(raw, mtime=0) if compress else raw)
