"""The IDX file format of MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/), read with checks.

    bytes 0-1   0x00 0x00
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64 (big-endian)
    byte  3     number of dimensions n
    then        n sizes, each a big-endian uint32, then the elements in C order

A file may be gzipped (recognised by its first two bytes, not its name). Every way a file can be
wrong (missing, unreadable, not gzip after all, truncated, too long, a bad header, more than
MAX_IDX_BYTES raw or once decompressed) raises `DataError` with one line naming the file and the
problem.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from gan_viz.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
# Bytes an IDX file may hold once decompressed: MNIST's training images are 47 MB, EMNIST's
# 240,000 training digits 188 MB; a file claiming more is refused before it is read whole.
MAX_IDX_BYTES = 200_000_000
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


def _too_large(path: Path, what: str) -> DataError:
    return DataError(
        "MNIST file",
        path,
        f"{what} {MAX_IDX_BYTES / 1e6:.0f} MB, the most an IDX file may hold here "
        "(MNIST's largest is 47 MB)",
    )


def gunzip_capped(raw: bytes, limit: int) -> bytes:
    """gzip data (one or more members) decompressed as a stream, stopping once the output is
    longer than `limit`: a small file that expands to gigabytes costs `limit` + 1 bytes.
    Raises EOFError for a truncated stream, zlib.error for damaged data."""
    out = bytearray()
    data = raw
    while data[:2] == GZIP_MAGIC and len(out) <= limit:
        member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
        out += member.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            break
        if not member.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        data = member.unused_data
    if len(out) <= limit and data.strip(b"\x00"):  # gzip itself tolerates zero padding only
        raise zlib.error("trailing garbage after the gzip data")
    return bytes(out)


def _read_bytes(path: Path) -> bytes:
    """The IDX bytes of a file, gzipped or not, read and decompressed to at most
    MAX_IDX_BYTES + 1 bytes whatever the file holds; DataError past the limit."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_IDX_BYTES + 1)
    except FileNotFoundError:
        raise DataError("MNIST file", path, "not found") from None
    except OSError as err:
        raise DataError("MNIST file", path, f"cannot be read ({err.strerror})") from None
    if len(raw) > MAX_IDX_BYTES:
        raise _too_large(path, "more than")
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        data = gunzip_capped(raw, MAX_IDX_BYTES)
    except (OSError, EOFError, zlib.error) as err:
        raise DataError("MNIST file", path, f"damaged gzip data ({err})") from None
    if len(data) > MAX_IDX_BYTES:
        raise _too_large(path, "gzip data that expands to more than")
    return data


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
    expected = header + math.prod(shape) * dtype.itemsize  # Python ints: no overflow
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
