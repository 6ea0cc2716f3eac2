"""Perceptrons with quantized weights: the paper's binary "any selected pixel" model and a ±1 one."""

from __future__ import annotations

import numpy as np

from quark._validation import check_bool, check_int
from quark.models.base import QuantizedModel, WeightImage, WeightQuadratic, _as_float, _boolean_score, _side

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
    reversible_condition = "threshold=1 (the paper's 'any selected pixel' model)"

    def __init__(self, threshold: int = 1) -> None:
        self.threshold = check_int(threshold, "threshold")

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

    def margin(self, W, X):
        """How many selected pixels are on, minus ``threshold - 1/2``, signed by the polarity."""
        W = np.asarray(W)
        d = W.shape[-1] - 1
        counts = np.asarray(W[:, :d], dtype=np.float64) @ np.asarray(X, dtype=np.float64).T
        sign = 1.0 - 2.0 * W[:, d:].astype(np.float64)
        return (counts - (self.threshold - 0.5)) * sign

    def reversible_form(self, n_features: int):
        """Term ``j`` is ``(w_j, {x_j})``: fire when a selected pixel is on; the polarity is the last weight."""
        from quark.models.circuits import GatedOrForm

        if self.threshold != 1:
            raise ValueError(
                f"the perceptron has a reversible circuit form only with threshold=1 (an OR of the selected "
                f"pixels); got threshold={self.threshold}"
            )
        d = int(n_features)
        self.n_weights(d)
        return GatedOrForm(self.name, d, d, tuple((j, (j,)) for j in range(d)), d)

    def quadratic_surrogate(self, X, y, sample_weight=None) -> WeightQuadratic:
        """Squared loss of the polarity-signed pre-activation (exact quadratic in the weights).

        ``a_i = sum_j w_j x_ij - (threshold - 1/2)`` and the score is ``(1 - 2 p) a_i`` (``p`` the
        polarity weight); since ``(1 - 2p)**2 = 1`` the loss ``mean_i ((1 - 2p) a_i - t_i)**2``
        equals ``mean_i (a_i**2 - 2 t_i a_i + 4 p t_i a_i + 1)`` — quadratic in the weights.
        """
        A = np.asarray(X, dtype=np.float64)
        m, d = A.shape
        c = self.threshold - 0.5
        t = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
        p = np.full(m, 1.0 / m) if sample_weight is None else np.asarray(sample_weight, float) / np.sum(sample_weight)
        ta = (p * t) @ A
        Q = np.zeros((d + 1, d + 1))
        Q[:d, :d] = A.T @ (A * p[:, None])
        Q[:d, d] = Q[d, :d] = 2.0 * ta  # 4 p t.a, split over both triangles
        linear = np.zeros(d + 1)
        linear[:d] = -2.0 * c * (p @ A) - 2.0 * ta
        linear[d] = -4.0 * c * (p @ t)
        return WeightQuadratic(c * c + 2.0 * c * (p @ t) + 1.0, linear, Q,
                               "squared pre-activation loss, polarity-signed")

    def weight_images(self, weights, n_features: int, class_names=("0", "1")) -> list[WeightImage]:
        w = np.asarray(weights, dtype=float).ravel()
        s = _side(n_features)
        pol = int(w[n_features])
        return [WeightImage(w[:n_features].reshape(s, s),
                            f"a lit selected pixel means {class_names[1 - pol]}, none lit {class_names[pol]}")]

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
        self.bias = check_bool(bias, "bias")

    def n_weights(self, n_features: int) -> int:
        if n_features < 1:
            raise ValueError(f"model {self.name!r} needs at least 1 feature; got {n_features}")
        return n_features + int(self.bias)

    def features(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        return np.hstack([X, np.ones((X.shape[0], 1))]) if self.bias else X

    def penalized(self, n_features: int) -> np.ndarray:
        return np.r_[np.ones(n_features, dtype=bool), np.zeros(int(self.bias), dtype=bool)]

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        # float64: real features and fixed-point weights are not exact in float32, and the
        # Hamiltonian exports must reproduce these scores to ~1e-12.
        return np.asarray(W, dtype=np.float64) @ self.features(X).T

    def weight_names(self, n_features: int) -> list[str]:
        return [f"w{j}" for j in range(n_features)] + (["bias"] if self.bias else [])
