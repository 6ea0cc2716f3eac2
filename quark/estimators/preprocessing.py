"""What the classifier does to features before a model sees them, with the statistics it learns.

Features that carry nothing a model can use — constant on the training data, or varying only at the
level of rounding — are named in a :class:`FeatureWarning` (by column name when ``X`` had them).

Quantized weights have a fixed range, so features must have a known scale:

- **linear models** (real-valued input) see standardized features: each feature minus its training
  mean, divided by its training standard deviation (scikit-learn's ``StandardScaler``; constant
  features are left at 0). A feature whose magnitude is far from 1 (below ``2**-60`` or above ``2**60``,
  e.g. of order 1e-300, whose variance underflows to 0) is first multiplied by a power of two — exact,
  so nothing is rounded — that brings it near 1 (kept in ``unit``): tiny but varying features are
  scaled, never taken for constant. Without it a linear model with weights in ``[-1, 1]`` on raw features of
  very different scales fits near chance.
  With ``scale="range"`` every feature is instead divided by one number, the training data's largest
  absolute value (:class:`RangeScaler`): features keep their relative sizes and a zero stays zero (image
  pixels; measured in docs/networks.md).
- **Boolean models** (0/1 input) see each feature thresholded at its training mean (the Quark
  paper's preprocessing of MNIST: normalize, then keep the pixels above the mean); data that is
  already 0/1 passes unchanged.

:class:`Preprocessor` holds the choice and the fitted statistics; the classifier exposes them as
``scaler_`` and ``thresholds_``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Preprocessor", "RangeScaler", "fit_preprocessor", "is_binary", "FeatureWarning", "UNIT_RANGE"]

#: Features whose largest magnitude lies outside ``[2**-60, 2**60]`` are brought near 1 by a power of two
#: before standardizing (their variance would under- or overflow).
UNIT_RANGE = (2.0**-60, 2.0**60)


class FeatureWarning(UserWarning):
    """Features the model cannot use (constant, or varying only at rounding level): named in the message."""


def is_binary(X: np.ndarray) -> bool:
    """Whether every entry is 0 or 1."""
    return bool(np.isin(X, (0, 1)).all())


class RangeScaler:
    """Divide every feature by one number: the training data's largest absolute value (``max_abs_``).

    Unlike scikit-learn's per-feature ``MaxAbsScaler``, the features keep their relative sizes (a pixel
    that is dim everywhere stays dim), and zeros stay zero.
    """

    def fit(self, X: np.ndarray, y=None, sample_weight=None) -> "RangeScaler":
        top = float(np.abs(X).max()) if X.size else 0.0
        if not top > 0:
            raise ValueError("scale='range' divides the features by their largest absolute value, but every "
                             "training value is 0; use scale='auto' or False")
        self.max_abs_ = top
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) / self.max_abs_


@dataclass
class Preprocessor:
    """Fitted feature preparation: an optional ``StandardScaler`` (or :class:`RangeScaler`) and optional
    per-feature thresholds;
    ``unit``: per-feature powers of two applied before the scaler (``None``: all 1)."""

    scaler: object | None = None
    thresholds: np.ndarray | None = None
    unit: np.ndarray | None = None

    def transform(self, X: np.ndarray) -> np.ndarray:
        if self.unit is not None:
            X = X * self.unit
        if self.scaler is not None:
            X = self.scaler.transform(X)
        if self.thresholds is not None:
            X = (X > self.thresholds).astype(np.uint8)
        return X


def _unit(X: np.ndarray) -> np.ndarray | None:
    """Powers of two that bring features of extreme magnitude near 1 (exact); ``None`` when none needs it."""
    top = np.abs(X).max(axis=0) if X.size else np.zeros(X.shape[1])
    far = (top > 0) & ((top < UNIT_RANGE[0]) | (top > UNIT_RANGE[1]))
    if not far.any():
        return None
    unit = np.ones(X.shape[1])
    # 2**1023 at most: a subnormal feature (below 2**-1022) lands a few powers of two short of 1, still finite
    unit[far] = np.ldexp(1.0, np.clip(-np.frexp(top[far])[1], -1022, 1023))
    return unit


def _feature_name(names, j: int) -> str:
    return repr(str(names[j])) if names is not None else str(j)


def warn_unused_features(X: np.ndarray, Xp: np.ndarray, names=None) -> list[int]:
    """Name, in one :class:`FeatureWarning`, the features of ``X`` that the prepared ``Xp`` leaves without
    information: constant on the training data, or standardized to (almost) nothing. Returns their indices."""
    if X.shape[0] < 2:
        return []
    constant = np.ptp(X, axis=0) == 0
    # standardized features spread over at least ~1 (a lone outlier among n rows: sqrt(n)); a spread this
    # small means the scaler saw rounding noise only, or unscaled values too small for weights in [-1, 1]
    flat = ~constant & (np.ptp(np.asarray(Xp, dtype=np.float64), axis=0) <= 1e-6)
    parts = []
    for mask, why in ((constant, "constant on the training data"),
                      (flat, "left with a spread below 1e-6 after preparation (varying only at the level of rounding)")):
        idx = np.flatnonzero(mask)
        if idx.size:
            shown = ", ".join(_feature_name(names, int(j)) for j in idx[:10]) + (" ..." if idx.size > 10 else "")
            parts.append(f"{idx.size} {'feature' if idx.size == 1 else 'features'} {why} ({shown})")
    if parts:
        import warnings

        warnings.warn(f"QuarkClassifier ignores {'; '.join(parts)}: the model cannot use them. Drop them, or check "
                      "the data (a unit conversion, a column filled by mistake)", FeatureWarning, stacklevel=5)
    return [int(j) for j in np.flatnonzero(constant | flat)]


def fit_preprocessor(model, X: np.ndarray, *, scale, binarize, sample_weight=None) -> Preprocessor:
    """Choose and fit the preparation of ``X`` for ``model`` (see the module docstring).

    Parameters
    ----------
    model : QuantizedModel
    X : array (n_samples, n_features)
    scale : {"auto", True, False, "range"}
        Standardize (``"auto"``: for models that take real-valued input, unless ``X`` is 0/1); ``"range"``:
        divide every feature by the training data's largest absolute value (:class:`RangeScaler`).
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
    if scale == "range":
        if model.binary_input:
            raise ValueError(
                f"scale='range' divides the features by their largest absolute value, but model {model.name!r} "
                "reads 0/1 features: set scale='auto' or False"
            )
        if thresholds is not None:
            raise ValueError("scale='range' and binarize=True both prepare the features: thresholding leaves "
                             "nothing to rescale; choose one")
        return Preprocessor(RangeScaler().fit(X))
    scaler = unit = None
    if thresholds is None and (scale is True or (scale == "auto" and not model.binary_input and not binary)):
        from sklearn.preprocessing import StandardScaler

        unit = _unit(X)
        Xu = X if unit is None else X * unit
        with np.errstate(over="ignore", invalid="ignore"):
            scaler = StandardScaler().fit(Xu, sample_weight=sample_weight)
        _refuse_overflow(X, scaler.mean_, scaler.var_)
    return Preprocessor(scaler, thresholds, unit)


def _refuse_overflow(X: np.ndarray, *statistics: np.ndarray) -> None:
    """Finite features whose mean or variance overflows float64 (values near 1e308): named as overflow,
    not left to surface later as "NaN or infinity" in data that holds neither. (A safety net: features
    of extreme magnitude are brought near 1 by :func:`_unit` first.)"""
    bad = np.zeros(X.shape[1], dtype=bool)
    for stat in statistics:
        bad |= ~np.isfinite(stat)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(f"X overflows float64 in feature {j}: its values (largest magnitude "
                         f"{np.abs(X[:, j]).max():.3g}) are too large for their mean and variance; rescale the "
                         "feature (divide it by a power of ten)")
