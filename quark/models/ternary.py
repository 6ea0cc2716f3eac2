"""A linear model with ternary weights {-1, 0, +1} (scaled)."""

from __future__ import annotations

from quark.models.perceptron import SpinPerceptron

__all__ = ["TernaryLinear"]


class TernaryLinear(SpinPerceptron):
    """``score = w . x + b`` with every weight in ``{-s, 0, +s}``: two bits per weight, ``w = s (p - n)``.

    A zero weight drops its feature, so the search also selects features. The encoding is affine in
    the bits, so the squared loss is an exact QUBO; the scale ``s`` is the encoding's (the classifier
    fits it).

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import weight_encoding
    >>> enc = weight_encoding(TernaryLinear(), n_features=2)
    >>> enc.n_qubits, enc.decode([1, 0, 0, 1, 0, 0]).tolist()      # w = (+1, -1), bias 0
    (6, [1.0, -1.0, 0.0])
    """

    name = "ternary-linear"
    weight_kind = "ternary"
