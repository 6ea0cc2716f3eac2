"""The closed forms behind a linear model's weight scale: ridge least squares, levels, and ``alpha="auto"``.

Linear models with k-bit or ternary weights quantize their feature weights as ``s * v``, ``v`` on the
levels over ``[-1, 1]``, and the bias on the levels over ``[-1, 1]``. The pieces here are exact and
classical: the per-sample ridge-penalized squared loss as a quadratic form (:class:`ScaleFit`), the
encoding at a scale (:func:`scaled_encoding`), rounding to the nearest level (:func:`nearest_levels`).
"""

from __future__ import annotations

import numpy as np

from quark.encoding.weights import weight_encoding

__all__ = ["ScaleFit", "scaled_encoding", "nearest_levels", "auto_alpha", "scalable", "RIDGE_PER_FEATURE",
           "SCALE_FRACTIONS"]

#: ``alpha="auto"`` for scalable linear models: this much ridge penalty per varying feature (per sample).
RIDGE_PER_FEATURE = 0.3

#: Fractions of the ridge solution's largest feature weight tried as the quantization scale.
SCALE_FRACTIONS = (1.0, 0.8, 0.65, 0.5, 0.4, 0.3, 0.2)


def scalable(model) -> bool:
    """Whether the classifier fits the scale of this model's weights (the model's
    :meth:`~quark.models.base.QuantizedModel.fits_weight_scale` hook)."""
    return bool(model.fits_weight_scale())


class ScaleFit:
    """The closed-form pieces of the weight-scale alternation for a linear model on one problem."""

    def __init__(self, model, X, y, sample_weight, alpha):
        phi = np.asarray(model.features(X), dtype=np.float64)
        t = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
        p = np.full(len(t), 1.0 / len(t)) if sample_weight is None else sample_weight / sample_weight.sum()
        self.bias = bool(getattr(model, "bias", False))
        pen = np.asarray(model.penalized(X.shape[1]), dtype=np.float64)
        self.M = phi.T @ (phi * p[:, None]) + alpha * np.diag(pen)
        self.c = phi.T @ (p * t)
        self.n_w = phi.shape[1]
        self.n_f = self.n_w - int(self.bias)

        p_t = p * t
        self.tt = float(p_t @ t)

    def energy(self, w: np.ndarray) -> float:
        """The per-sample ridge-penalized squared loss of a weight vector (constant included)."""
        return float(w @ self.M @ w - 2.0 * self.c @ w + self.tt)

    def solve(self) -> np.ndarray:
        """The real-valued minimizer of :meth:`energy` (ridge least squares)."""
        try:
            return np.linalg.solve(self.M, self.c)
        except np.linalg.LinAlgError:  # singular without a ridge (constant features): least squares
            return np.linalg.lstsq(self.M, self.c, rcond=None)[0]

    def refit(self, v: np.ndarray, b: float) -> float:
        """``argmin_s`` of the loss with feature weights ``s * v`` and the bias ``b`` fixed."""
        f = slice(0, self.n_f)
        den = float(v @ self.M[f, f] @ v)
        if den <= 0:
            return float("nan")
        num = float(self.c[f] @ v) - (b * float(self.M[f, self.n_f] @ v) if self.bias else 0.0)
        return num / den


def scaled_encoding(model, n_features: int, weight_bits, s: float):
    """Feature weights on levels over ``[-s, s]``, a bias on levels over ``[-1, 1]``."""
    n_w = model.n_weights(n_features)
    bias = bool(getattr(model, "bias", False))
    scales = np.full(n_w, s)
    if bias:
        scales[-1] = 1.0
    plain = weight_encoding(model, n_features, weight_bits)  # the levels' kind and bits, read from the encoding
    if plain.kind == "ternary":
        return weight_encoding(model, n_features, weight_bits, scale=scales)
    step = 2.0 / max(2**plain.bits_per_weight - 1, 1)
    return weight_encoding(model, n_features, weight_bits, scale=scales * step, offset=-scales)


def nearest_levels(encoding, w: np.ndarray) -> np.ndarray:
    """Each weight moved to its nearest level (clipped into the range)."""
    scale, offset = encoding._vectors()
    if encoding.kind == "ternary":
        return np.clip(np.rint(w / scale), -1, 1) * scale
    top = 2**encoding.bits_per_weight - 1
    return offset + scale * np.clip(np.rint((w - offset) / scale), 0, top)


def auto_alpha(model, X: np.ndarray, loss: str, sample_weight=None) -> float:
    """``alpha="auto"``: ``0.3 * d / m`` for scalable linear models on the squared loss, else 0."""
    if not (scalable(model) and loss == "squared"):
        return 0.0
    d = int(np.count_nonzero(np.ptp(X, axis=0) > 0))
    m = float(X.shape[0] if sample_weight is None else np.sum(sample_weight))
    return RIDGE_PER_FEATURE * max(d, 1) / m

