"""The paper's Boolean line detectors for s x s binary images."""

from __future__ import annotations

import numpy as np

from quark._images import image_lines, square_side
from quark._validation import check_bool, check_choice
from quark.models.base import QuantizedModel, WeightImage, _as_float, _boolean_score

__all__ = ["LineDetector", "image_lines"]

_GROUPINGS = ("lines", "paper")


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
    reversible_condition = "grouping='lines' or 'paper', with or without polarity"

    def __init__(self, grouping: str = "lines", polarity: bool = False) -> None:
        self.grouping = check_choice(grouping, "grouping", _GROUPINGS)
        self.polarity = check_bool(polarity, "polarity")

    @staticmethod
    def image_size(n_features: int) -> int:
        """Side of the square images this model reads (a ``ValueError`` for other inputs)."""
        s = square_side(n_features)
        if s is None or s < 2:
            raise ValueError(
                f"model 'line-detector' needs square images of at least 2x2 pixels; got {n_features} features"
            )
        return s

    def gates(self, size: int) -> np.ndarray:
        """Matrix ``(n_gates, n_lines)``: which gate weight enables each line."""
        n_lines = 2 * size + 2
        if self.grouping == "lines":
            return np.eye(n_lines)
        g = np.zeros((3, n_lines))
        g[0, :size] = g[1, size : 2 * size] = g[2, 2 * size :] = 1
        return g

    def n_weights(self, n_features: int) -> int:
        return self.gates(self.image_size(n_features)).shape[0] + int(self.polarity)

    def line_matrix(self, X: np.ndarray) -> np.ndarray:
        """``(m, n_lines)``: 1 where the line is full in the sample."""
        X = np.asarray(X)
        _, pixels = image_lines(self.image_size(X.shape[1]))
        return np.stack([X[:, p].all(axis=1) for p in pixels], axis=1)

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        W = np.asarray(W)
        gates = self.gates(self.image_size(np.asarray(X).shape[1]))
        n_g = gates.shape[0]
        lines = _as_float(self.line_matrix(X))                       # (m, L)
        hits = _as_float(W[:, :n_g]) @ (_as_float(gates) @ lines.T)  # (B, m)
        out = hits > 0.5
        if self.polarity:
            out = out ^ W[:, n_g:].astype(bool)
        return _boolean_score(out)

    def margin(self, W, X):
        """How many enabled lines are full, minus 1/2, signed by the polarity."""
        W = np.asarray(W)
        gates = self.gates(self.image_size(np.asarray(X).shape[1]))
        n_g = gates.shape[0]
        hits = np.asarray(W[:, :n_g], dtype=np.float64) @ (gates @ self.line_matrix(X).T.astype(np.float64))
        out = hits - 0.5
        if self.polarity:
            out = out * (1.0 - 2.0 * W[:, n_g:].astype(np.float64))
        return out

    def reversible_form(self, n_features: int):
        """One term per line: (the weight that gates it, its pixels); the polarity bit last."""
        from quark.models.circuits import GatedOrForm

        size = self.image_size(n_features)
        groups = self.gates(size)
        _, pixels = image_lines(size)
        terms = tuple((int(np.argmax(groups[:, k])), tuple(int(p) for p in pixels[k])) for k in range(len(pixels)))
        n_g = groups.shape[0]
        return GatedOrForm(self.name, n_features, n_g, terms, n_g if self.polarity else None)

    def enabled_lines(self, weights, n_features: int) -> np.ndarray:
        """Boolean per line: whether the weights enable it."""
        gates = self.gates(self.image_size(n_features))
        return (np.asarray(weights, dtype=float).ravel()[: gates.shape[0]] @ gates) > 0.5

    def weight_images(self, weights, n_features: int, class_names=("0", "1")) -> list[WeightImage]:
        """How many enabled lines cover each pixel, with the enabled lines as strokes."""
        s = self.image_size(n_features)
        names, pixels = image_lines(s)
        enabled = self.enabled_lines(weights, n_features)
        img = np.zeros(n_features)
        strokes = []
        for on, p in zip(enabled, pixels):
            if on:
                img[p] += 1
                strokes.append(((int(p[0]) // s, int(p[0]) % s), (int(p[-1]) // s, int(p[-1]) % s)))
        caption = "lines: " + (", ".join(n for n, on in zip(names, enabled) if on) or "none")
        if self.polarity:
            caption += f"; polarity {int(np.asarray(weights).ravel()[self.gates(s).shape[0]])}"
        return [WeightImage(img.reshape(s, s), caption, strokes=tuple(strokes))]

    def weight_names(self, n_features: int) -> list[str]:
        s = self.image_size(n_features)
        names = image_lines(s)[0] if self.grouping == "lines" else ["rows", "columns", "diagonals"]
        return names + (["polarity"] if self.polarity else [])
