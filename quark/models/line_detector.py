"""The paper's Boolean line detectors for s x s binary images."""

from __future__ import annotations

import numpy as np

from quark.models.base import QuantizedModel, _as_float, _boolean_score

__all__ = ["LineDetector", "image_lines"]

_GROUPINGS = ("lines", "paper")


def image_lines(size: int) -> tuple[list[str], list[np.ndarray]]:
    """Names and pixel indices (row-major) of every row, column and both diagonals of an image."""
    idx = np.arange(size * size).reshape(size, size)
    names = [f"row{r}" for r in range(size)] + [f"col{c}" for c in range(size)] + ["diag", "anti"]
    pixels = [idx[r] for r in range(size)] + [idx[:, c] for c in range(size)]
    pixels += [np.diag(idx), np.diag(idx[:, ::-1])]
    return names, pixels


class LineDetector(QuantizedModel):
    """Fires when some *enabled* line of the image is full: ``out = OR_l (w_l AND line_l(x))``.

    ``grouping="lines"`` (default) gives one weight per line — s rows, s columns, 2 diagonals
    (8 weights on 3x3). ``grouping="paper"`` is the prototype's 3-weight form: ``w0`` gates all
    rows, ``w1`` all columns, ``w2`` both diagonals. ``polarity=True`` adds a bit that flips
    the output.

    Examples
    --------
    >>> import numpy as np
    >>> m = LineDetector(grouping="paper")
    >>> img = np.array([[1, 1, 1, 0, 0, 0, 0, 0, 0]])    # top row full
    >>> m.predict(np.array([[1, 0, 0], [0, 1, 1]]), img).tolist()
    [[1], [0]]
    """

    name = "line-detector"
    weight_kind = "binary"
    binary_input = True

    def __init__(self, grouping: str = "lines", polarity: bool = False) -> None:
        if grouping not in _GROUPINGS:
            raise ValueError(f"'grouping' must be one of {_GROUPINGS}; got {grouping!r}")
        self.grouping = grouping
        self.polarity = bool(polarity)

    @staticmethod
    def _size(n_features: int) -> int:
        s = int(round(np.sqrt(n_features)))
        if s * s != n_features or s < 2:
            raise ValueError(
                f"model 'line-detector' needs square images of at least 2x2 pixels; "
                f"got {n_features} features"
            )
        return s

    def _groups(self, size: int) -> np.ndarray:
        """Matrix ``(n_gates, n_lines)``: which gate weight enables each line."""
        n_lines = 2 * size + 2
        if self.grouping == "lines":
            return np.eye(n_lines)
        g = np.zeros((3, n_lines))
        g[0, :size] = g[1, size : 2 * size] = g[2, 2 * size :] = 1
        return g

    def n_weights(self, n_features: int) -> int:
        s = self._size(n_features)
        return self._groups(s).shape[0] + int(self.polarity)

    def line_matrix(self, X: np.ndarray) -> np.ndarray:
        """``(m, n_lines)``: 1 where the line is full in the sample."""
        X = np.asarray(X)
        _, pixels = image_lines(self._size(X.shape[1]))
        return np.stack([X[:, p].all(axis=1) for p in pixels], axis=1)

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        W = np.asarray(W)
        s = self._size(np.asarray(X).shape[1])
        gates = self._groups(s)
        n_g = gates.shape[0]
        lines = _as_float(self.line_matrix(X))                       # (m, L)
        hits = _as_float(W[:, :n_g]) @ (_as_float(gates) @ lines.T)  # (B, m)
        out = hits > 0.5
        if self.polarity:
            out = out ^ W[:, n_g:].astype(bool)
        return _boolean_score(out)

    def or_form(self, X: np.ndarray) -> tuple[np.ndarray, int] | None:
        gates = self._groups(self._size(X.shape[1]))
        enabled = (self.line_matrix(X).astype(np.int64) @ gates.T.astype(np.int64)) > 0  # (m, n_gates)
        masks = enabled.astype(np.int64) @ (np.int64(1) << np.arange(gates.shape[0], dtype=np.int64))
        return masks, (gates.shape[0] if self.polarity else -1)

    def weight_names(self, n_features: int) -> list[str]:
        s = self._size(n_features)
        names = image_lines(s)[0] if self.grouping == "lines" else ["rows", "columns", "diagonals"]
        return names + (["polarity"] if self.polarity else [])
