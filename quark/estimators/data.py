"""The classifier's data step: ``X``, ``y`` and weights checked, the ``"auto"`` settings resolved, the
features prepared — everything :meth:`QuarkClassifier.fit` and :meth:`QuarkClassifier.landscape` share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import validate_data

from quark.encoding.weights import weight_encoding
from quark.estimators.preprocessing import Preprocessor, fit_preprocessor, is_binary, warn_unused_features
from quark.models import QuantizedModel, get_model

__all__ = ["PreparedData", "prepare_data", "check_targets", "reject_sparse", "validated", "sample_weights",
           "resolve_model", "DEFAULT_LINEAR_MODEL", "check_class_weight"]

#: The model ``model="auto"`` takes for real-valued features (measured: docs/real_data.md).
DEFAULT_LINEAR_MODEL = "fixed-point-linear"


@dataclass
class PreparedData:
    """One fit's data after the data step: the prepared features ``Xp`` and what the settings resolved to."""

    X: np.ndarray
    y: np.ndarray
    classes: np.ndarray
    model: QuantizedModel
    loss: str
    alpha: Any
    sample_weight: np.ndarray | None
    prep: Preprocessor
    Xp: np.ndarray
    scheme: str


def resolve_model(model, model_options, weight_bits, loss, alpha, X: np.ndarray) -> tuple[QuantizedModel, str, Any]:
    """The model, loss and ridge penalty the ``"auto"`` settings stand for on this data."""
    if isinstance(model, str) and model == "auto":
        model = get_model("perceptron" if is_binary(X) else DEFAULT_LINEAR_MODEL, **(model_options or {}))
    else:
        model = get_model(model, **(model_options or {}))
    if weight_bits is not None:
        weight_encoding(model, X.shape[1], weight_bits)  # says now if the model takes no k
    if loss == "auto":
        loss = model.auto_loss()  # the model's hook: squared where that is an exact QUBO, else 0-1
    return model, loss, alpha if alpha == "auto" else float(alpha)


def check_targets(y) -> np.ndarray:
    """The classes of ``y``; refuses targets that are not class labels, and a single class."""
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(f"QuarkClassifier needs class labels in 'y'; got a target of type {y_type!r}")
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(
            f"QuarkClassifier needs at least 2 classes in 'y'; got 1 class ({classes.tolist()[0]!r}). "
            "A one-class training set leaves nothing to learn"
        )
    return classes


def reject_sparse(X) -> None:
    """Quantized models read dense features: a sparse ``X`` is refused with the conversion to make."""
    if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(
            "QuarkClassifier does not accept sparse input: its quantized models read dense "
            "features. Convert X with X.toarray() first"
        )


def validated(estimator, X, y):
    """``validate_data`` with the argument at fault named first (scikit-learn's text kept after it).

    ``X`` comes back in one canonical layout (C order, float64), whatever it came in: a Fortran-ordered
    array, a pandas DataFrame (column-major) and a list holding the same values give the same bits.
    Reductions (the scaler's means, the Gram matrix behind the ridge start) sum in an order set by
    the memory layout, and a last-bit difference there can tip a near-tie between two weight settings.
    """
    from sklearn.utils import check_array

    try:
        return validate_data(estimator, X, y, dtype=np.float64, ensure_all_finite=True, order="C")
    except (ValueError, TypeError) as exc:
        if "inconsistent numbers of samples" in str(exc):
            raise type(exc)(f"X and y: {exc}") from exc
        try:  # only on failure: is X alone at fault?
            check_array(X, dtype=np.float64, ensure_all_finite=True, input_name="X", estimator=estimator)
        except (ValueError, TypeError) as x_exc:
            raise type(x_exc)(f"X: {x_exc}") from exc
        raise


def sample_weights(y: np.ndarray, sample_weight, class_weight) -> np.ndarray | None:
    """Per-sample weights: ``sample_weight`` checked, times ``class_weight``; ``None`` when neither is given."""
    if sample_weight is None and class_weight is None:
        return None
    from sklearn.utils.class_weight import compute_sample_weight

    try:
        raw = None if sample_weight is None else np.asarray(sample_weight)
        if raw is not None and np.iscomplexobj(raw):
            raise TypeError("'sample_weight' must hold real numbers; got complex values (a cast would drop their "
                            "imaginary parts silently)")
        sw = np.ones(len(y)) if raw is None else np.asarray(raw, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"'sample_weight' must hold numbers: {exc}") from exc
    if sw.shape != (len(y),):
        raise ValueError(f"'sample_weight' must have one weight per sample ({len(y)}); got shape {sw.shape}")
    if not np.isfinite(sw).all() or (sw < 0).any():
        raise ValueError("'sample_weight' must be finite and non-negative")
    if not sw.sum() > 0:
        raise ValueError("'sample_weight' is zero on every sample: nothing to fit")
    if class_weight is not None:
        check_class_weight(class_weight, y)
        sw = sw * compute_sample_weight(class_weight, y)
    top = float(sw.max())
    if not 2.0**-60 <= top <= 2.0**60:
        # weights this far from 1 (1e-320, 1e300) cannot count repeated rows, and their sums and products
        # underflow or overflow: read them as relative weights, rescaled to a mean of 1 (first by a power of
        # two, which is exact even for subnormal numbers)
        import warnings

        sw = np.ldexp(sw, -int(np.frexp(top)[1]))
        sw = sw * (len(sw) / sw.sum())
        warnings.warn(f"'sample_weight' reaches at most {top:.3g}, too far from 1 to count repeated rows: read as "
                      "relative weights, rescaled to a mean of 1", UserWarning, stacklevel=4)
    return sw


def check_class_weight(class_weight, y: np.ndarray) -> None:
    """A ``class_weight`` dict may only name classes of ``y``: an unknown label is a typo, never dropped."""
    if not isinstance(class_weight, dict):
        return
    classes = np.unique(y)
    known = classes.tolist()
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(f"'class_weight' names {unknown!r}, which {'is not a class' if len(unknown) == 1 else 'are not classes'} "
                         f"of y; the classes are {classes.tolist()!r}")


def prepare_data(X: np.ndarray, y: np.ndarray, sample_weight, params: dict, feature_names=None) -> PreparedData:
    """The data step on checked arrays ``X``, ``y``: classes, resolved settings, weights, prepared features.

    ``params`` are the classifier's parameters (``get_params(deep=False)``); ``feature_names`` name the
    columns in warnings (features the model cannot use).
    """
    classes = check_targets(y)
    model, loss, alpha = resolve_model(params["model"], params["model_options"], params["weight_bits"],
                                       params["loss"], params["alpha"], X)
    sw = sample_weights(y, sample_weight, params["class_weight"])
    prep = fit_preprocessor(model, X, scale=params["scale"], binarize=params["binarize"], sample_weight=sw)
    Xp = np.ascontiguousarray(prep.transform(X))
    model.check_features(Xp)
    warn_unused_features(X, Xp, feature_names)
    scheme = params["multi_class"]
    if scheme == "auto":  # a network is one model for all classes; otherwise one-vs-one (measured)
        scheme = "native" if model.network else "ovo"
    return PreparedData(X, y, classes, model, loss, alpha, sw, prep, Xp, scheme)
