"""The training losses a landscape measures: 0-1, squared and hinge, each a (weighted) mean over samples."""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["LOSSES"]


def _mean(values: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return values.mean(axis=-1)
    return (values @ weights) / weights.sum()


def _zero_one(score: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    return _mean((score > 0) != y, weights)


def _squared(score: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    t = 2.0 * y - 1.0
    return _mean((score - t) ** 2, weights)


def _hinge(score: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    t = 2.0 * y - 1.0
    return _mean(np.maximum(0.0, 1.0 - t * score), weights)


#: Losses by name: each maps scores ``(B, m)``, 0/1 labels ``(m,)`` and optional sample weights
#: ``(m,)`` to ``(B,)`` (weighted) mean losses. Squared and hinge losses use the ±1 target
#: ``t = 2y - 1`` and the model's score.
LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "zero_one": _zero_one,
    "squared": _squared,
    "hinge": _hinge,
}
