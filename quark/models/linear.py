"""A linear model with k-bit fixed-point weights."""

from __future__ import annotations

from quark.models.perceptron import SpinPerceptron

__all__ = ["FixedPointLinear"]


class FixedPointLinear(SpinPerceptron):
    """``score = w . x + b`` with k-bit fixed-point weights and bias (``weight_bits`` levels each).

    Real-valued features are accepted. The squared loss is an exact QUBO.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import weight_encoding
    >>> m = FixedPointLinear()
    >>> enc = weight_encoding(m, n_features=2, weight_bits=2)
    >>> enc.n_qubits
    6
    >>> W = enc.decode(np.array([[1, 1, 0, 0, 1, 0]]))   # w = (1, -1), b = -1/3
    >>> m.decision(W, np.array([[1.0, 0.5]])).round(3).tolist()
    [[0.167]]
    """

    name = "fixed-point-linear"
    weight_kind = "fixed"
    default_weight_bits = 4
