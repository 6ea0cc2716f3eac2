"""The native multi-class landscape: C output units of one linear model, the loss over all classes.

Every class ``c`` has its own weight vector (a unit of a linear model: ``score_c = Phi @ w_c``); the bit
string holds the units one after the other, and a sample is assigned the class of the largest score.
Losses over all classes at once:

- ``"zero_one"``: the fraction of samples whose largest score is not their class's;
- ``"hinge"``: Crammer–Singer's multi-class hinge, ``mean max(0, 1 + max_{c != y} s_c - s_y)``;
- ``"squared"``: the squared error of every unit against the one-hot ±1 targets (it separates into
  one problem per class: the one-vs-rest squared loss).

Block restrictions are evaluated from the fixed units' scores, so a block's table costs
``O(2**b * m * C)``. The classifier measures this model against one-vs-one and one-vs-rest
(docs/real_data.md).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from quark._validation import check_choice, check_int, check_number
from quark.encoding.bits import as_bit_array
from quark.encoding.landscape import _frozen, validate_Xy
from quark.encoding.problem import RestrictedProblem, SearchProblem
from quark.encoding.weights import WeightEncoding

__all__ = ["MulticlassLandscape", "MULTICLASS_LOSSES"]

MULTICLASS_LOSSES = ("zero_one", "hinge", "squared")


def _loss(scores: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """``(B,)`` mean losses of scores ``(B, m, C)`` against integer labels ``(m,)``."""
    B, m, C = scores.shape
    rows = np.arange(m)
    if loss == "zero_one":
        return (np.argmax(scores, axis=2) != y[None, :]).mean(axis=1)
    if loss == "squared":
        t = -np.ones((m, C))
        t[rows, y] = 1.0
        return ((scores - t[None]) ** 2).sum(axis=2).mean(axis=1)
    own = scores[:, rows, y]                                       # (B, m)
    others = scores.copy()
    others[:, rows, y] = -np.inf
    return np.maximum(0.0, 1.0 + others.max(axis=2) - own).mean(axis=1)


class MulticlassLandscape(SearchProblem):
    """The loss of a ``C``-unit linear model over all classes, as a function of all units' bits.

    Parameters
    ----------
    model : QuantizedModel
        A linear model (``score = features(X) @ w``), one copy per class.
    encoding : WeightEncoding
        The encoding of *one* unit's weights.
    X : array (m, d)
    y : array of int (m,)
        Class indices ``0..n_classes-1``.
    n_classes : int
    loss : {"zero_one", "hinge", "squared"}
    alpha : float
        Ridge penalty over the penalized weights of every unit.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.models import FixedPointLinear
    >>> from quark.encoding import weight_encoding
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]); y = np.array([0, 1, 2])
    >>> m = FixedPointLinear(); enc = weight_encoding(m, 2, weight_bits=1)
    >>> land = MulticlassLandscape(m, enc, X, y, 3, loss="zero_one")
    >>> land.n_qubits, float(land.evaluate([1, 0, 1,  0, 1, 1,  0, 0, 1]))   # units (1,-1),(−1,1),(−1,−1)
    (9, 0.0)
    """

    classifies = False

    def __init__(self, model, encoding: WeightEncoding, X, y, n_classes: int, loss: str = "hinge", *,
                 alpha: float = 0.0) -> None:
        if not model.linear:
            raise ValueError(f"the native multi-class landscape takes a linear model; got {model.name!r}")
        X, _ = validate_Xy(X)
        y = np.asarray(y)
        self.n_classes = check_int(n_classes, "n_classes", minimum=2)
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"'y' must hold one class index in [0, {n_classes}) per row of X")
        self.model = model
        self.encoding = encoding
        self.loss = check_choice(loss, "loss", MULTICLASS_LOSSES)
        self.alpha = check_number(alpha, "alpha", minimum=0.0)
        self.X = _frozen(X)
        self.y = _frozen(y.astype(np.int64))
        self.unit_bits = encoding.n_qubits
        self.n_qubits = self.unit_bits * self.n_classes
        self.variables = list(range(self.n_qubits))
        self.n_samples = int(X.shape[0])
        self.evaluation_cost = self.n_samples * self.n_classes
        self._phi = np.asarray(model.features(self.X), dtype=np.float64)
        self._penalized = np.asarray(model.penalized(X.shape[1]), dtype=bool)

    def decode(self, bits) -> np.ndarray:
        """Weights ``(..., n_classes, n_weights)`` of bit strings."""
        b = as_bit_array(bits, self.n_qubits)
        return self.encoding.decode(b.reshape(b.shape[:-1] + (self.n_classes, self.unit_bits)))

    def _chunk_rows(self) -> int:
        return max(1, (1 << 21) // max(self.n_samples * self.n_classes, 1))

    def _scores(self, W: np.ndarray) -> np.ndarray:
        return np.einsum("md,bcd->bmc", self._phi, np.asarray(W, dtype=np.float64))

    def _penalty(self, W: np.ndarray) -> np.ndarray:
        if not self.alpha:
            return 0.0
        Wp = np.asarray(W, dtype=np.float64)[..., self._penalized]
        return self.alpha * (Wp**2).sum(axis=(1, 2))

    def _losses_of_bits(self, bits):
        W = self.decode(bits)
        return _loss(self._scores(W), self.y, self.loss) + self._penalty(W)

    def restrict(self, free: Sequence[int], base) -> SearchProblem:
        return RestrictedMulticlass(self, free, base)


class RestrictedMulticlass(RestrictedProblem):
    """A block of a :class:`MulticlassLandscape`, evaluated from the fixed units' scores."""

    def __init__(self, parent: MulticlassLandscape, free: Sequence[int], base) -> None:
        super().__init__(parent, free, base)
        cleared = self.base.copy()
        cleared[self.free] = 0
        W0 = np.asarray(parent.decode(cleared), dtype=np.float64)       # (C, n_w)
        self._S0 = parent._phi @ W0.T                                   # (m, C)
        enc = parent.encoding
        k = enc.bits_per_weight
        scale, _ = enc._vectors()
        unit = self.free // parent.unit_bits
        local = self.free % parent.unit_bits
        cols = local // k
        coef = scale[cols] * enc._bit_values[local % k]
        self._unit = unit
        self._H = parent._phi[:, cols] * coef[None, :]                  # (m, |F|)
        self._W0 = W0
        self._cols, self._coef = cols, coef

    def _losses_of_bits(self, bits):
        p = self.parent
        b = bits.astype(np.float64)
        scores = np.repeat(self._S0[None, :, :], b.shape[0], axis=0)    # (B, m, C)
        for u in np.unique(self._unit):
            sel = self._unit == u
            scores[:, :, u] += b[:, sel] @ self._H[:, sel].T
        out = _loss(scores, p.y, p.loss)
        if p.alpha:
            W = np.repeat(self._W0[None], b.shape[0], axis=0)
            np.add.at(W, (slice(None), self._unit, self._cols), b * self._coef[None, :])
            out = out + p._penalty(W)
        return out
