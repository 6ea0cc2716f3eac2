"""Helpers of the data-set tests: MNIST files in the layout torchvision reads, written from the bundled digits."""

import gzip
import struct

import pytest


def _write_idx(folder, prefix, images, labels):
    with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(images), 28, 28) + images.tobytes())
    with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 2049, len(labels)) + labels.tobytes())
    for suffix in ("images-idx3-ubyte", "labels-idx1-ubyte"):  # torchvision reads the unpacked files
        with gzip.open(folder / f"{prefix}-{suffix}.gz", "rb") as src:
            (folder / f"{prefix}-{suffix}").write_bytes(src.read())


@pytest.fixture
def write_idx():
    """``write_idx(folder, prefix, images, labels)``: an MNIST split as (gzipped and unpacked) IDX files."""
    return _write_idx
