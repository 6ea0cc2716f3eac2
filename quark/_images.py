"""Square images: their side, and the pixels of every row, column and diagonal (no model, no data set)."""

from __future__ import annotations

import numpy as np

__all__ = ["image_lines", "square_side"]


def square_side(n_features: int) -> int | None:
    """The side ``s`` of an ``s x s`` image with ``n_features`` pixels, or ``None`` when not square."""
    s = int(round(np.sqrt(n_features)))
    return s if s * s == n_features else None


def image_lines(size: int) -> tuple[list[str], list[np.ndarray]]:
    """Names and pixel indices (row-major) of every row, column and both diagonals of an image.

    Examples
    --------
    >>> names, pixels = image_lines(2)
    >>> names, [p.tolist() for p in pixels]
    (['row0', 'row1', 'col0', 'col1', 'diag', 'anti'], [[0, 1], [2, 3], [0, 2], [1, 3], [0, 3], [1, 2]])
    """
    idx = np.arange(size * size).reshape(size, size)
    names = [f"row{r}" for r in range(size)] + [f"col{c}" for c in range(size)] + ["diag", "anti"]
    pixels = [idx[r] for r in range(size)] + [idx[:, c] for c in range(size)]
    pixels += [np.diag(idx), np.diag(idx[:, ::-1])]
    return names, pixels
