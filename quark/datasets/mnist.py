"""All ten MNIST digits from the bundled file (or torchvision), at full or reduced resolution."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from quark._validation import check_bool, check_choice, check_int
from quark.datasets.tiny_mnist import _SUBSETS, _load, downsample

__all__ = ["load_mnist"]


def load_mnist(size: int = 28, *, subset: str = "train", source: str = "bundled", root=None, download: bool = False,
               return_X_y: bool = True):
    """MNIST digits 0-9 as real-valued pixels in [0, 1], ``size x size`` (area-averaged below 28).

    Parameters
    ----------
    size : int
        Side of the images: 28 (as stored) or a divisor-free smaller size such as 14 or 7.
    subset : {"train", "test", "all"}
        The bundled file's fixed stratified 80/20 split (4,000 / 1,000 images), or torchvision's.
    source : {"bundled", "torchvision"}
        The 5,000 shipped digits (offline), or the full MNIST via torchvision (extra ``torch``).
    return_X_y : bool
        ``(X, y)``, else a :class:`sklearn.utils.Bunch` with ``data``, ``target``, ``images``, ``DESCR``.

    Examples
    --------
    >>> X, y = load_mnist(size=14)
    >>> X.shape[1], sorted(set(y.tolist())) == list(range(10))
    (196, True)
    """
    size = check_int(size, "size", minimum=2, maximum=28)
    check_choice(subset, "subset", _SUBSETS)
    check_choice(source, "source", ("bundled", "torchvision"))
    check_bool(download, "download")
    check_bool(return_X_y, "return_X_y")
    images, labels = _load(source, subset, root, download)
    pixels = images.astype(np.float64) / 255.0
    if size != 28:
        pixels = downsample(pixels, size)
    X = pixels.reshape(len(pixels), -1)
    y = labels.astype(np.int64)
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, images=pixels, target_names=np.arange(10),
                 DESCR=f"MNIST ({source}, {subset}): {len(y)} images of {size}x{size} pixels in [0, 1], digits 0-9.")
