"""Tiny-MNIST: a pair of MNIST digits, downsampled to 2x2, 3x3 or 4x4 and binarized.

The default source is a file shipped with Quark: 5,000 real MNIST digits (see ``datasets/README.md``
for provenance and licence). ``source="torchvision"`` reads the full MNIST through
``torchvision.datasets.MNIST`` instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from quark._optional import require
from quark._validation import check_array, check_bool, check_choice, check_int, check_number, check_path

__all__ = ["load_tiny_mnist", "downsample", "deduplicate", "MNIST_PIXEL_MEAN"]

#: Mean pixel intensity of MNIST's training set (the 0.1307 of the usual normalization): the
#: prototype normalized with it and binarized at > 0, i.e. at this value.
MNIST_PIXEL_MEAN = 0.1307
_SUBSETS = ("train", "test", "all")
_FILE = "mnist_5k.npz"


def _bundled_path() -> Path:
    """The shipped file: inside the installed package, else in the source tree's ``datasets/``."""
    packaged = resources.files("quark.datasets") / "_data" / _FILE
    if packaged.is_file():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[2] / "datasets" / _FILE
    if source_tree.is_file():
        return source_tree
    raise FileNotFoundError(f"Quark's bundled MNIST file {_FILE} is missing; reinstall quark-qml")


def _load_bundled(subset: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(_bundled_path()) as f:
        images, labels, train = f["images"], f["labels"], f["train"]
    keep = {"train": train, "test": ~train, "all": np.ones_like(train)}[subset]
    return images[keep], labels[keep]


def _load(source: str, subset: str, root, download: bool) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of a checked ``source`` and ``subset``."""
    if source == "bundled":
        if root is not None:
            raise ValueError("'root' applies only to source='torchvision' (the bundled file needs no folder)")
        return _load_bundled(subset)
    return _load_torchvision(subset, root, download)


def check_digit_pair(digits) -> tuple[int, int]:
    """Two different digits 0-9 (integers, not floats or booleans), as a tuple."""
    if isinstance(digits, (str, bytes)) or not hasattr(digits, "__len__") or len(digits) != 2:
        raise (ValueError if hasattr(digits, "__len__") else TypeError)(
            f"'digits' must be two different digits 0-9; got {digits!r}")
    pair = tuple(check_int(d, "digits", minimum=0, maximum=9) for d in digits)
    if pair[0] == pair[1]:
        raise ValueError(f"'digits' must be two different digits 0-9; got {digits!r}")
    return pair


def _load_torchvision(subset: str, root, download: bool) -> tuple[np.ndarray, np.ndarray]:
    if root is None:
        raise ValueError("source='torchvision' needs 'root', the folder that holds (or will hold) MNIST/")
    root = check_path(root, "root")
    tv = require("torchvision", extra="torch", feature="load_tiny_mnist(source='torchvision')")
    parts = []
    for train in {"train": [True], "test": [False], "all": [True, False]}[subset]:
        ds = tv.datasets.MNIST(root=str(root), train=train, download=download)
        parts.append((np.asarray(ds.data, dtype=np.uint8), np.asarray(ds.targets, dtype=np.uint8)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)`` area-averaging weights: output cell i averages its share of the input."""
    edges = np.linspace(0.0, n_in, n_out + 1)
    left, right = np.arange(n_in), np.arange(1, n_in + 1)
    overlap = np.clip(np.minimum(right, edges[1:, None]) - np.maximum(left, edges[:-1, None]), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def downsample(images: np.ndarray, size: int) -> np.ndarray:
    """Area-average ``(N, H, W)`` images to ``(N, size, size)`` (exact, no interpolation artefacts).

    Examples
    --------
    >>> img = np.zeros((1, 4, 4)); img[0, :2, :2] = 1
    >>> downsample(img, 2)[0].tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    images = check_array(images, "images", ndim=3)
    if 0 in images.shape[1:]:
        raise ValueError(f"'images' must have at least one pixel per image; got shape {images.shape}")
    size = check_int(size, "size")
    R = _area_matrix(images.shape[1], size)
    C = _area_matrix(images.shape[2], size)
    return np.einsum("ih,nhw,jw->nij", R, images, C)


def deduplicate(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique binary patterns with their majority label; patterns whose labels tie are dropped.

    Returns ``(X_unique, y_majority, counts)``, patterns in ascending order of their bit index
    (feature ``j`` is bit ``j``). Any number of features; ``X`` must hold only 0/1 (binarize first)
    and ``y`` 0/1 labels.

    Examples
    --------
    >>> X = np.array([[0, 1], [0, 1], [0, 1], [1, 1], [1, 0], [1, 0]])
    >>> Xu, yu, n = deduplicate(X, np.array([1, 1, 0, 1, 0, 1]))
    >>> Xu.tolist(), yu.tolist(), n.tolist()
    ([[0, 1], [1, 1]], [1, 1], [3, 1])
    """
    X = check_array(X, "X", ndim=2, allow_nonfinite=True)
    y = check_array(y, "y", allow_nonfinite=True)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"'X' must have at least one sample and one feature; got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"'y' must hold one label per row of X ({X.shape[0]}); got shape {y.shape}")
    if not np.isin(X, (0, 1)).all():
        raise ValueError("deduplicate merges equal *binary* patterns: 'X' must hold only 0 and 1 (binarize it first)")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("'y' must hold 0/1 labels")
    X = X.astype(np.uint8)
    # order rows by their bit index (feature j = bit j) without forming it: sort on the reversed columns
    order = np.lexsort(X.T)
    Xs, ys = X[order], y[order]
    new = np.ones(len(Xs), dtype=bool)
    new[1:] = (Xs[1:] != Xs[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    pos = np.bincount(group, weights=ys == 1)
    tot = np.bincount(group)
    keep = 2 * pos != tot
    first = np.flatnonzero(new)
    return Xs[first[keep]], (2 * pos[keep] > tot[keep]).astype(np.uint8), tot[keep]


def load_tiny_mnist(
    digits: tuple[int, int] = (6, 7),
    size: int = 3,
    *,
    subset: str = "all",
    binarize: bool = True,
    threshold: float = MNIST_PIXEL_MEAN,
    dedupe: bool = False,
    source: str = "bundled",
    root: str | Path | None = None,
    download: bool = False,
    return_X_y: bool = True,
):
    """Two MNIST digits as tiny binary images — the paper's Tiny-MNIST task.

    Pixels are scaled to [0, 1], area-averaged to ``size x size`` and binarized at ``threshold``
    (default: MNIST's pixel mean, as the prototype's normalize-then-``> 0``).

    Parameters
    ----------
    digits : pair of int
        The two digits; the first is class 0, the second class 1.
    size : {2, 3, 4}
        Side of the downsampled image.
    subset : {"all", "train", "test"}
        Which split. The bundled file has a fixed stratified 80/20 split; torchvision, MNIST's own.
    binarize : bool
        Threshold the pixels (else return the averaged intensities in [0, 1]).
    threshold : float
        Binarization level in [0, 1].
    dedupe : bool
        Collapse equal patterns into one with its majority label, dropping ties (the paper's
        preprocessing). Needs ``binarize=True``.
    source : {"bundled", "torchvision"}
        The 5,000 shipped digits (offline), or the full MNIST via torchvision (extra ``torch``).
    root, download
        For ``source="torchvision"``: the data folder and whether to download into it.
    return_X_y : bool
        Return ``(X, y)``, else a :class:`sklearn.utils.Bunch` (``data``, ``target``, ``images``,
        ``counts`` when deduplicated, ``DESCR``).

    Examples
    --------
    >>> X, y = load_tiny_mnist()
    >>> X.shape[1], sorted(set(y.tolist()))
    (9, [0, 1])
    >>> Xu, yu = load_tiny_mnist(dedupe=True)
    >>> len(Xu) <= 2**9
    True
    """
    digits = check_digit_pair(digits)
    size = check_int(size, "size", minimum=2, maximum=4)
    check_choice(subset, "subset", _SUBSETS)
    threshold = check_number(threshold, "threshold", minimum=0.0, maximum=1.0)
    for flag, value in (("binarize", binarize), ("dedupe", dedupe), ("download", download), ("return_X_y", return_X_y)):
        check_bool(value, flag)
    check_choice(source, "source", ("bundled", "torchvision"))
    if dedupe and not binarize:
        raise ValueError("'dedupe' needs binarize=True: only binary patterns repeat")
    images, labels = _load(source, subset, root, download)
    keep = np.isin(labels, digits)
    if not keep.any():
        raise ValueError(f"the {source} MNIST ({subset}) holds no image of digits {tuple(digits)}")
    small = downsample(images[keep] / 255.0, size)
    y = (labels[keep] == digits[1]).astype(np.uint8)
    X = small.reshape(len(small), -1)
    counts = None
    if binarize:
        X = (X > threshold).astype(np.uint8)
        if dedupe:
            X, y, counts = deduplicate(X, y)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        images=X.reshape(-1, size, size),
        counts=counts,
        target_names=np.array([str(digits[0]), str(digits[1])]),
        feature_names=[f"pixel_{r}_{c}" for r in range(size) for c in range(size)],
        DESCR=(
            f"Tiny-MNIST {digits[0]} vs {digits[1]} ({source}, {subset}): {len(y)} "
            f"{'unique patterns' if dedupe else 'images'} of {size}x{size} pixels"
            f"{', binarized' if binarize else ''}."
        ),
    )
