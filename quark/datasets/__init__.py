"""Data sets: the paper's Edge Detection and Tiny-MNIST, the bundled MNIST, and a seeded split helper."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split as _sk_split

from quark.datasets.edge_detection import LINE_KINDS, load_edge_detection
from quark.datasets.mnist import load_mnist
from quark.datasets.tiny_mnist import MNIST_PIXEL_MEAN, deduplicate, downsample, load_tiny_mnist

__all__ = [
    "load_edge_detection",
    "load_tiny_mnist",
    "load_mnist",
    "train_test_split",
    "deduplicate",
    "downsample",
    "LINE_KINDS",
    "MNIST_PIXEL_MEAN",
]


def train_test_split(X, y, test_size: float = 0.25, random_state=None, stratify: bool = True):
    """Seeded (and by default stratified) train/test split: ``X_train, X_test, y_train, y_test``.

    Examples
    --------
    >>> X, y = load_edge_detection()
    >>> Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    >>> len(Xtr), len(Xte)
    (384, 128)
    """
    return _sk_split(X, y, test_size=test_size, random_state=random_state, stratify=np.asarray(y) if stratify else None)
