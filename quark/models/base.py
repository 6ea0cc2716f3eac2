"""The quantized-model interface: a forward pass over many weight settings at once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from quark.encoding.weights import WeightEncoding

__all__ = ["QuantizedModel"]


class QuantizedModel(ABC):
    """A classifier whose weights are quantized, evaluated for a batch of weight settings.

    Subclasses implement :meth:`n_weights` and :meth:`decision`; everything else follows.
    The forward pass takes a *batch of weight vectors* ``W`` (shape ``(B, n_weights)``) and a
    batch of samples ``X`` (shape ``(m, n_features)``) and returns scores of shape ``(B, m)``:
    the model predicts class 1 where the score is positive, class 0 elsewhere.

    Class attributes
    ----------------
    name : str
        The string name accepted by :func:`quark.models.get_model` and the classifier.
    weight_kind : {"binary", "spin", "fixed"}
        The weight encoding the model is defined on.
    binary_input : bool
        Whether features must be 0/1 (Boolean models).
    linear : bool
        Whether the score is affine in the weights (``score = features(X) @ w``), which makes the
        squared loss an exact QUBO.
    """

    name: ClassVar[str]
    weight_kind: ClassVar[str] = "binary"
    binary_input: ClassVar[bool] = True
    linear: ClassVar[bool] = False

    @abstractmethod
    def n_weights(self, n_features: int) -> int:
        """Number of weights for ``n_features`` input features (raises if unsupported)."""

    @abstractmethod
    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Scores ``(B, m)`` for weight vectors ``W`` ``(B, n_weights)`` on samples ``X`` ``(m, d)``."""

    # -- derived ----------------------------------------------------------------------------------
    def predict(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Predicted classes (0/1, ``uint8``) of shape ``(B, m)``."""
        return (self.decision(W, X) > 0).astype(np.uint8)

    def encoding(self, n_features: int, weight_bits: int | None = None) -> WeightEncoding:
        """The weight encoding of this model for ``n_features`` features."""
        n_w = self.n_weights(n_features)
        if self.weight_kind == "fixed":
            return WeightEncoding.fixed_point(n_w, bits=2 if weight_bits is None else weight_bits)
        if weight_bits not in (None, 1):
            raise ValueError(
                f"model {self.name!r} has 1-bit {self.weight_kind} weights, so 'weight_bits' must be 1; "
                f"got {weight_bits!r} (use model='fixed-point-linear' for k-bit weights)"
            )
        return WeightEncoding(n_w, self.weight_kind)

    def features(self, X: np.ndarray) -> np.ndarray:
        """Linear models only: ``Phi`` with ``score = Phi @ w`` (shape ``(m, n_weights)``)."""
        raise NotImplementedError(f"model {self.name!r} is not linear in its weights")

    def or_form(self, X: np.ndarray) -> tuple[np.ndarray, int] | None:
        """Boolean models of the form ``out = OR_j (w_j AND e_ij) XOR polarity`` only.

        Returns ``(masks, polarity_bit)``: ``masks[i]`` has bit ``j`` set when sample ``i`` enables
        weight ``j``; ``polarity_bit`` is the weight index of the polarity bit (``-1``: none).
        Lets loss tables use the bit-level kernel. ``None`` for other models.
        """
        return None

    def weight_names(self, n_features: int) -> list[str]:
        """A readable name per weight (for plots and reports)."""
        return [f"w{j}" for j in range(self.n_weights(n_features))]

    def check_features(self, X: np.ndarray) -> None:
        """Raise ``ValueError`` when ``X`` cannot be fed to this model."""
        self.n_weights(X.shape[1])
        if self.binary_input and X.size and not np.isin(X, (0, 1)).all():
            raise ValueError(
                f"model {self.name!r} needs binary (0/1) features; got other values "
                "(binarize them first, e.g. QuarkClassifier(binarize=True))"
            )

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(vars(self).items()))))


def _as_float(X: np.ndarray) -> np.ndarray:
    return np.asarray(X, dtype=np.float32)


def _boolean_score(out: np.ndarray) -> np.ndarray:
    """Map a Boolean output to the ±1 score the losses use."""
    return out.astype(np.float32) * 2.0 - 1.0
