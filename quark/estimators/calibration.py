"""Probabilities from the classifier's decision values: one temperature fitted on the training data."""

from __future__ import annotations

import numpy as np

__all__ = ["TemperatureCalibrator", "fit_calibrator"]

#: Weight of the Gaussian prior on ``log(spread / T)`` in the temperature fit (per training sample).
_TEMPERATURE_PRIOR = 0.01


class TemperatureCalibrator:
    """Probabilities from decision values by one fitted temperature: ``softmax(d / T)`` per row
    (for two classes ``sigmoid(d / T)``), ``T`` maximizing the (weighted) likelihood of the training
    labels. One positive parameter: it never changes which class is the most probable, so
    ``predict_proba``'s argmax agrees with ``predict``."""

    def __init__(self, classes: np.ndarray) -> None:
        self.classes_ = classes
        self.temperature_ = 1.0

    @staticmethod
    def _probs(d: np.ndarray, inv_t: float) -> np.ndarray:
        if d.ndim == 1:
            p1 = 0.5 * (1.0 + np.tanh(0.5 * inv_t * d))  # a sigmoid that never overflows
            return np.stack([1.0 - p1, p1], axis=1)
        z = inv_t * (d - d.max(axis=1, keepdims=True))
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def fit(self, d: np.ndarray, y: np.ndarray, sample_weight=None) -> "TemperatureCalibrator":
        from scipy.optimize import minimize_scalar

        idx = np.searchsorted(self.classes_, y)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        centred = d - np.average(d, axis=0, weights=w)
        spread = float(np.sqrt(np.average(centred**2 if d.ndim == 1 else (centred**2).mean(axis=1), weights=w))) or 1.0

        def nll(log_inv_t: float) -> float:
            p = self._probs(d, np.exp(log_inv_t) / spread)[np.arange(len(idx)), idx]
            # a weak prior on the temperature keeps separable training data from driving it to 0
            # (probabilities of exactly 0 and 1) and makes the optimum unique
            return -float(w @ np.log(np.clip(p, 1e-300, 1.0))) / w.sum() + _TEMPERATURE_PRIOR * log_inv_t**2

        best = minimize_scalar(nll, bounds=(-9.0, 9.0), method="bounded", options={"xatol": 1e-12})
        self.temperature_ = spread / float(np.exp(best.x))
        return self

    def predict_proba(self, d: np.ndarray) -> np.ndarray:
        return self._probs(np.asarray(d, dtype=np.float64), 1.0 / self.temperature_)


def fit_calibrator(decisions: np.ndarray, y: np.ndarray, classes: np.ndarray, sample_weight=None):
    """The temperature calibration of the classifier's decision values on its training data."""
    return TemperatureCalibrator(classes).fit(decisions, y, sample_weight)

