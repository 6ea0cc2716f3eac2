"""What the classifier does to features before a model sees them, with the statistics it learns.

Quantized weights have a fixed range, so features must have a known scale:

- **linear models** (real-valued input) see standardized features: each feature minus its training
  mean, divided by its training standard deviation (scikit-learn's ``StandardScaler``; constant
  features are left at 0). Without it a linear model with weights in ``[-1, 1]`` on raw features of
  very different scales fits near chance.
- **Boolean models** (0/1 input) see each feature thresholded at its training mean (the Quark
  paper's preprocessing of MNIST: normalize, then keep the pixels above the mean); data that is
  already 0/1 passes unchanged.

:class:`Preprocessor` holds the choice and the fitted statistics; the classifier exposes them as
``scaler_`` and ``thresholds_``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Preprocessor", "fit_preprocessor", "is_binary"]


def is_binary(X: np.ndarray) -> bool:
    """Whether every entry is 0 or 1."""
    return bool(np.isin(X, (0, 1)).all())


@dataclass
class Preprocessor:
    """Fitted feature preparation: an optional ``StandardScaler`` and optional per-feature thresholds."""

    scaler: object | None = None
    thresholds: np.ndarray | None = None

    def transform(self, X: np.ndarray) -> np.ndarray:
        if self.scaler is not None:
            X = self.scaler.transform(X)
        if self.thresholds is not None:
            X = (X > self.thresholds).astype(np.uint8)
        return X


def fit_preprocessor(model, X: np.ndarray, *, scale, binarize, sample_weight=None) -> Preprocessor:
    """Choose and fit the preparation of ``X`` for ``model`` (see the module docstring).

    Parameters
    ----------
    model : QuantizedModel
    X : array (n_samples, n_features)
    scale : {"auto", True, False}
        Standardize (``"auto"``: for models that take real-valued input, unless ``X`` is 0/1).
    binarize : {"auto", True, False}
        Threshold at the training means (``"auto"``: for models that need 0/1 input, unless ``X`` is
        already 0/1). ``False`` with non-binary input to a Boolean model is an error.
    sample_weight : array, optional
        Weights of the rows in the statistics (integer weights equal repeated rows).
    """
    binary = is_binary(X)
    thresholds = None
    if binarize is True or (binarize == "auto" and model.binary_input and not binary):
        with np.errstate(over="ignore", invalid="ignore"):
            thresholds = np.average(X, axis=0, weights=sample_weight)
        _refuse_overflow(X, thresholds)
    elif model.binary_input and not binary:
        raise ValueError(
            f"model {model.name!r} needs 0/1 features but X has other values and binarize=False; "
            "set binarize='auto' or True (threshold each feature at its training mean) or binarize X yourself"
        )
    if scale is True and thresholds is None and model.binary_input:
        raise ValueError(
            f"scale=True standardizes the features, but model {model.name!r} reads 0/1 features: set scale='auto' "
            "or False (or binarize=True, which thresholds the features instead)"
        )
    scaler = None
    if thresholds is None and (scale is True or (scale == "auto" and not model.binary_input and not binary)):
        from sklearn.preprocessing import StandardScaler

        with np.errstate(over="ignore", invalid="ignore"):
            scaler = StandardScaler().fit(X, sample_weight=sample_weight)
        _refuse_overflow(X, scaler.mean_, scaler.var_)
    return Preprocessor(scaler, thresholds)


def _refuse_overflow(X: np.ndarray, *statistics: np.ndarray) -> None:
    """Finite features whose mean or variance overflows float64 (values near 1e308): named as overflow,
    not left to surface later as "NaN or infinity" in data that holds neither."""
    bad = np.zeros(X.shape[1], dtype=bool)
    for stat in statistics:
        bad |= ~np.isfinite(stat)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(f"X overflows float64 in feature {j}: its values (largest magnitude "
                         f"{np.abs(X[:, j]).max():.3g}) are too large for their mean and variance; rescale the "
                         "feature (divide it by a power of ten)")
