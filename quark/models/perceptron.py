"""Perceptrons with quantized weights: the paper's binary "any selected pixel" model and a ±1 one."""

from __future__ import annotations

import numpy as np

from quark.models.base import QuantizedModel, _as_float, _boolean_score

__all__ = ["BinaryPerceptron", "SpinPerceptron"]


class BinaryPerceptron(QuantizedModel):
    """Binary weights, step activation, learnable polarity: the paper's Tiny-MNIST model.

    Weights ``w_0..w_{d-1}`` select pixels and ``w_d`` is the polarity bit::

        out = [sum_j w_j x_j >= threshold] XOR w_d

    With ``threshold=1`` (the paper's) it fires when any selected pixel is on. ``n_weights = d + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> m = BinaryPerceptron()
    >>> W = np.array([[1, 0, 0], [1, 0, 1]])      # select pixel 0; second row flips polarity
    >>> m.predict(W, np.array([[1, 0], [0, 1]])).tolist()
    [[1, 0], [0, 1]]
    """

    name = "perceptron"
    weight_kind = "binary"
    binary_input = True

    def __init__(self, threshold: int = 1) -> None:
        if not isinstance(threshold, (int, np.integer)) or threshold < 1:
            raise ValueError(f"'threshold' must be a positive integer; got {threshold!r}")
        self.threshold = int(threshold)

    def n_weights(self, n_features: int) -> int:
        if n_features < 1:
            raise ValueError(f"model 'perceptron' needs at least 1 feature; got {n_features}")
        return n_features + 1

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        W = np.asarray(W)
        d = W.shape[-1] - 1
        counts = _as_float(W[:, :d]) @ _as_float(X).T
        fire = counts >= self.threshold - 0.5
        return _boolean_score(fire ^ W[:, d:].astype(bool))

    def or_form(self, X: np.ndarray) -> tuple[np.ndarray, int] | None:
        if self.threshold != 1 or X.shape[1] > 62:
            return None
        masks = np.asarray(X, dtype=np.int64) @ (np.int64(1) << np.arange(X.shape[1], dtype=np.int64))
        return masks, X.shape[1]

    def weight_names(self, n_features: int) -> list[str]:
        return [f"pixel{j}" for j in range(n_features)] + ["polarity"]


class SpinPerceptron(QuantizedModel):
    """±1 weights, sign activation, optional ±1 bias: ``score = w . x + b``.

    The score is affine in the weights, so the squared loss (on the pre-activation) compiles to an
    exact QUBO. A zero score predicts class 0.

    Examples
    --------
    >>> import numpy as np
    >>> SpinPerceptron().decision(np.array([[1, -1, 1]]), np.array([[1.0, 0.0]])).tolist()
    [[2.0]]
    """

    name = "spin-perceptron"
    weight_kind = "spin"
    binary_input = False
    linear = True

    def __init__(self, bias: bool = True) -> None:
        self.bias = bool(bias)

    def n_weights(self, n_features: int) -> int:
        if n_features < 1:
            raise ValueError(f"model {self.name!r} needs at least 1 feature; got {n_features}")
        return n_features + int(self.bias)

    def features(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        return np.hstack([X, np.ones((X.shape[0], 1))]) if self.bias else X

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        # float64: real features and fixed-point weights are not exact in float32, and the
        # Hamiltonian exports must reproduce these scores to ~1e-12.
        return np.asarray(W, dtype=np.float64) @ self.features(X).T

    def weight_names(self, n_features: int) -> list[str]:
        return [f"w{j}" for j in range(n_features)] + (["bias"] if self.bias else [])
