"""Data sets: the paper's Edge Detection and Tiny-MNIST, the bundled MNIST, and a seeded split helper."""

from __future__ import annotations

import numpy as np

from quark._validation import as_array, check_bool, check_number, check_random_state

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
    Xa, ya = as_array(X, "X"), as_array(y, "y")
    if Xa.ndim == 0 or ya.ndim != 1:
        raise ValueError(f"'X' must hold samples along its first axis and 'y' must be 1-D; got shapes {Xa.shape} and {ya.shape}")
    if Xa.shape[0] != ya.shape[0]:
        raise ValueError(f"'X' and 'y' must hold the same number of samples; got {Xa.shape[0]} and {ya.shape[0]}")
    if not (isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool) and test_size >= 1):
        check_number(test_size, "test_size", above=0.0)
        if not test_size < 1.0:
            raise ValueError(f"'test_size' must be a fraction in (0, 1) or a number of samples >= 1; got {test_size!r}")
    check_random_state(random_state)
    if isinstance(random_state, np.random.Generator):
        random_state = int(random_state.integers(0, 2**32 - 1))  # scikit-learn takes ints and RandomState
    if check_bool(stratify, "stratify"):
        try:
            _, counts = np.unique(ya, return_counts=True)
        except TypeError:
            raise TypeError("'y' must hold labels of one kind (all numbers or all strings)") from None
        if counts.min() < 2:
            raise ValueError(
                f"'stratify'=True keeps every class's share in both parts, so each class needs at least 2 samples; "
                f"the smallest has {counts.min()}: pass stratify=False"
            )
    from sklearn.model_selection import train_test_split as _sk_split

    return _sk_split(X, y, test_size=test_size, random_state=random_state, stratify=ya if stratify else None)
