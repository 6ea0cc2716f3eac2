"""A one-hidden-layer network with ±1 weights and sign activations."""

from __future__ import annotations

import numpy as np

from quark._validation import check_int
from quark.models.base import QuantizedModel, WeightImage, _as_float, _side

__all__ = ["SignMLP"]


class SignMLP(QuantizedModel):
    """``h = sign(W1 x)``, ``score = w2 . h``, all weights ±1 (``sign(0) = +1``).

    Binary 0/1 features are centred to ±1 first (``2x - 1``), so every pixel votes.
    ``n_weights = hidden * (d + 1)``: ``W1`` row-major, then ``w2``. An odd ``hidden`` avoids
    score ties; a zero score predicts class 0.

    Examples
    --------
    >>> import numpy as np
    >>> m = SignMLP(hidden=1)
    >>> m.predict(np.array([[1, 1, 1]]), np.array([[1, 1], [0, 0]])).tolist()
    [[1, 0]]
    """

    name = "sign-mlp"
    weight_kind = "spin"
    binary_input = True

    def __init__(self, hidden: int = 3) -> None:
        self.hidden = check_int(hidden, "hidden")

    def n_weights(self, n_features: int) -> int:
        if n_features < 1:
            raise ValueError(f"model 'sign-mlp' needs at least 1 feature; got {n_features}")
        return self.hidden * (n_features + 1)

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        W = _as_float(W)
        Xc = 2.0 * _as_float(X) - 1.0
        B, (m, d), h = W.shape[0], Xc.shape, self.hidden
        W1 = W[:, : h * d].reshape(B, h, d)
        w2 = W[:, h * d :]
        pre = W1 @ Xc.T                                  # (B, h, m)
        hidden = np.where(pre >= 0, 1.0, -1.0).astype(np.float32)
        return np.einsum("bh,bhm->bm", w2, hidden)

    def weight_images(self, weights, n_features: int, class_names=("0", "1")) -> list[WeightImage]:
        """One image per hidden unit (its input weights), captioned with its output weight."""
        w = np.asarray(weights, dtype=float).ravel()
        s, h = _side(n_features), self.hidden
        W1 = w[: h * n_features].reshape(h, n_features)
        w2 = w[h * n_features :]
        return [WeightImage(W1[i].reshape(s, s), f"hidden {i}, out weight {w2[i]:+.0f}", signed=True) for i in range(h)]

    def weight_names(self, n_features: int) -> list[str]:
        return [f"W1[{i},{j}]" for i in range(self.hidden) for j in range(n_features)] + [
            f"w2[{i}]" for i in range(self.hidden)
        ]
