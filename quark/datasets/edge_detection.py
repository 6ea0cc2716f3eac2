"""Edge Detection: every binary s x s image, labelled by whether it contains a full line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils import Bunch

from quark._images import image_lines
from quark._validation import check_bool, check_int

__all__ = ["load_edge_detection", "LINE_KINDS"]

#: Which lines can count: rows, columns, the two diagonals, or any of them.
LINE_KINDS = ("rows", "columns", "diagonals", "any")


def _line_mask(size: int, lines: str | Sequence[str]) -> np.ndarray:
    if not isinstance(lines, (str, Sequence)):
        raise TypeError(f"'lines' must be one of {LINE_KINDS} or a list of them; got {lines!r}")
    kinds = [lines] if isinstance(lines, str) else list(lines)
    bad = [k for k in kinds if not isinstance(k, str) or k not in LINE_KINDS]
    if bad or not kinds:
        raise ValueError(f"'lines' must be one of {LINE_KINDS} or a list of them; got {lines!r}")
    if "any" in kinds:
        kinds = ["rows", "columns", "diagonals"]
    n = 2 * size + 2
    mask = np.zeros(n, dtype=bool)
    if "rows" in kinds:
        mask[:size] = True
    if "columns" in kinds:
        mask[size : 2 * size] = True
    if "diagonals" in kinds:
        mask[2 * size :] = True
    return mask


def load_edge_detection(
    size: int = 3,
    lines: str | Sequence[str] = "rows",
    *,
    return_X_y: bool = True,
):
    """All ``2**(size*size)`` binary images, labelled 1 when a selected line is full.

    Parameters
    ----------
    size : {2, 3, 4}
        Image side; 3 gives the paper's 512 images.
    lines : {"rows", "columns", "diagonals", "any"} or list of them
        Which full lines make a positive (``"any"``: a row, a column or a diagonal).
    return_X_y : bool
        Return ``(X, y)`` (default), else a :class:`sklearn.utils.Bunch` with ``data``,
        ``target``, ``images``, ``feature_names``, ``target_names`` and ``DESCR``.

    Returns
    -------
    X : ndarray of uint8, shape (2**(size*size), size*size)
        Row-major pixels; image ``k`` has pixel ``p`` = bit ``p`` of ``k``.
    y : ndarray of uint8
        1 if the image contains a selected full line.

    Examples
    --------
    >>> X, y = load_edge_detection()
    >>> X.shape, int(y.sum())
    ((512, 9), 169)
    >>> int(load_edge_detection(lines="any")[1].sum())
    282
    """
    size = check_int(size, "size", minimum=2, maximum=4)
    mask = _line_mask(size, lines)
    check_bool(return_X_y, "return_X_y")
    d = size * size
    k = np.arange(1 << d, dtype=np.int64)
    X = ((k[:, None] >> np.arange(d)) & 1).astype(np.uint8)
    names, pixels = image_lines(size)
    full = np.stack([X[:, p].all(axis=1) for p in pixels], axis=1)
    y = full[:, mask].any(axis=1).astype(np.uint8)
    if return_X_y:
        return X, y
    chosen = [n for n, keep in zip(names, mask) if keep]
    return Bunch(
        data=X,
        target=y,
        images=X.reshape(-1, size, size),
        feature_names=[f"pixel_{r}_{c}" for r in range(size) for c in range(size)],
        target_names=np.array(["no line", "line"]),
        DESCR=(
            f"Edge Detection: all {1 << d} binary {size}x{size} images; target 1 when one of the "
            f"lines {chosen} is fully on ({int(y.sum())} positives)."
        ),
    )
