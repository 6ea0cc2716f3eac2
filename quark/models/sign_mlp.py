"""A one-hidden-layer network with ±1 weights and sign activations."""

from __future__ import annotations

import numpy as np

from quark.models.base import QuantizedModel, _as_float

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
        if not isinstance(hidden, (int, np.integer)) or hidden < 1:
            raise ValueError(f"'hidden' must be a positive integer; got {hidden!r}")
        self.hidden = int(hidden)

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

    def weight_names(self, n_features: int) -> list[str]:
        return [f"W1[{i},{j}]" for i in range(self.hidden) for j in range(n_features)] + [
            f"w2[{i}]" for i in range(self.hidden)
        ]
