"""``QuarkClassifier``: a scikit-learn estimator trained by quantum search over its weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from quark.encoding.landscape import LOSSES, LossLandscape
from quark.models import MODELS, get_model
from quark.optimizers import OPTIMIZERS, get_optimizer

__all__ = ["QuarkClassifier"]

# Which classifier parameters each optimizer takes, and under which name.
_OPTIMIZER_PARAMS: dict[str, dict[str, str]] = {
    "exhaustive": {},
    "random": {"max_queries": "max_evaluations"},
    "grover": {"backend": "backend", "shots": "shots", "max_queries": "max_queries"},
    "quark": {"backend": "backend", "shots": "shots", "copies": "copies"},
    "anneal": {"backend": "sampler", "shots": "num_reads"},
}
_DEFAULTS_THAT_MEAN_UNSET = {"backend": None, "shots": None, "max_queries": None, "copies": 1}


class QuarkClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier with quantized weights, trained without gradients by quantum search.

    Parameters
    ----------
    model : str or QuantizedModel, default="perceptron"
        ``"perceptron"`` (binary weights, step, polarity bit), ``"spin-perceptron"``,
        ``"fixed-point-linear"``, ``"line-detector"``, ``"sign-mlp"``, or a model instance.
    weight_bits : int, optional
        Bits per weight (fixed-point models; 1-bit models accept only 1). Default: the model's.
    loss : {"zero_one", "squared", "hinge"}, default="zero_one"
        Training loss the search minimizes.
    optimizer : str or Optimizer, default="grover"
        ``"grover"`` (Grover adaptive search), ``"quark"`` (the paper's amplification),
        ``"anneal"``, ``"exhaustive"``, ``"random"``, or an optimizer instance.
    backend : str, optional
        Where the search runs (``"statevector"``, ``"aer"``, ``"neal"``...). Default: the
        optimizer's own (``"statevector"`` for Grover-style search, ``"neal"`` for annealing).
    shots : int, optional
        Measurements per circuit (reads for annealing). Default: the optimizer's.
    max_queries : int, optional
        Oracle-query budget of Grover search (evaluations for random search).
    copies : int, default=1
        Data copies for ``optimizer="quark"``: a weight setting is marked only when every copy is
        classified correctly, biasing it as accuracy**copies.
    binarize : {"auto", True, False}, default="auto"
        Threshold each feature at its training mean (the paper's preprocessing; thresholds kept in
        ``thresholds_``). ``"auto"``: only for models that need 0/1 input, and only when ``X`` is
        not already 0/1. ``False`` with non-binary input to a Boolean model is an error.
    model_options, optimizer_options : dict, optional
        Extra keyword arguments of the model (e.g. ``{"grouping": "paper"}``) and the optimizer.
    random_state : None, int or numpy Generator
        Seeds every stochastic step; an int makes ``fit`` reproducible.
    verbose : bool, default=False
        Show a progress bar of the search.

    Attributes
    ----------
    weights_ : ndarray
        Learned weights (decoded).
    bits_ : ndarray of uint8
        Their bit string.
    classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the positive class.
    n_features_in_ : int
    thresholds_ : ndarray or None
        Per-feature binarization thresholds (``None`` when not binarizing).
    model_ : QuantizedModel
    encoding_ : WeightEncoding
    result_ : SearchResult
        The search's result, with ``.ledger`` (every cost) and ``.history``.
    history_ : list of dict
        Convergence history (costs so far, best loss so far).

    Examples
    --------
    >>> from quark import QuarkClassifier
    >>> from quark.datasets import load_edge_detection
    >>> X, y = load_edge_detection()
    >>> clf = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y)
    >>> clf.score(X, y)
    1.0
    >>> clf.weights_.tolist()
    [1, 1, 1, 0, 0, 0, 0, 0]
    """

    def __init__(
        self,
        model="perceptron",
        weight_bits=None,
        loss="zero_one",
        optimizer="grover",
        backend=None,
        shots=None,
        max_queries=None,
        copies=1,
        binarize="auto",
        model_options=None,
        optimizer_options=None,
        random_state=None,
        verbose=False,
    ):
        self.model = model
        self.weight_bits = weight_bits
        self.loss = loss
        self.optimizer = optimizer
        self.backend = backend
        self.shots = shots
        self.max_queries = max_queries
        self.copies = copies
        self.binarize = binarize
        self.model_options = model_options
        self.optimizer_options = optimizer_options
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn plumbing ----------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = False
        tags.non_deterministic = self.random_state is None
        return tags

    def _check_params(self) -> None:
        if isinstance(self.model, str) and self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; expected one of {sorted(MODELS)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; expected one of {sorted(LOSSES)}")
        if isinstance(self.optimizer, str) and self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; expected one of {sorted(OPTIMIZERS)}")
        if self.binarize not in ("auto", True, False):
            raise ValueError(f"'binarize' must be 'auto', True or False; got {self.binarize!r}")
        for name in ("shots", "max_queries"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
                raise ValueError(f"'{name}' must be a positive integer; got {v!r}")
        if isinstance(self.copies, bool) or not isinstance(self.copies, (int, np.integer)) or self.copies < 1:
            raise ValueError(f"'copies' must be a positive integer; got {self.copies!r}")
        for name in ("model_options", "optimizer_options"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), dict):
                raise TypeError(f"'{name}' must be a dict or None; got {type(getattr(self, name)).__name__}")

    def _build_optimizer(self):
        if not isinstance(self.optimizer, str):
            return self.optimizer
        accepted = _OPTIMIZER_PARAMS.get(self.optimizer, {})
        kwargs: dict[str, Any] = {}
        for param, unset in _DEFAULTS_THAT_MEAN_UNSET.items():
            value = getattr(self, param)
            if value is None or (param == "copies" and value == unset):
                continue
            if param not in accepted:
                raise ValueError(f"'{param}' does not apply to optimizer={self.optimizer!r}")
            kwargs[accepted[param]] = value
        kwargs.update(self.optimizer_options or {})
        return get_optimizer(self.optimizer, random_state=self.random_state, verbose=self.verbose, **kwargs)

    # -- data preparation (shared by fit and landscape; sets no attribute) --------------------
    def _binarize_thresholds(self, model, X: np.ndarray) -> np.ndarray | None:
        is_binary = bool(np.isin(X, (0, 1)).all())
        if self.binarize is False or (self.binarize == "auto" and (not model.binary_input or is_binary)):
            if model.binary_input and not is_binary:
                raise ValueError(
                    f"model {model.name!r} needs 0/1 features but X has other values and binarize=False; "
                    "set binarize='auto' (threshold each feature at its training mean) or binarize X"
                )
            return None
        return X.mean(axis=0)

    @staticmethod
    def _apply_thresholds(X: np.ndarray, thresholds: np.ndarray | None) -> np.ndarray:
        return X if thresholds is None else (X > thresholds).astype(np.uint8)

    def _prepare(self, X: np.ndarray, y) -> tuple[LossLandscape, np.ndarray, np.ndarray | None]:
        self._check_params()
        check_classification_targets(y)
        classes = np.unique(y)
        if classes.size != 2:
            raise ValueError(
                f"QuarkClassifier is a binary classifier: y must hold exactly 2 classes; got {classes.size} "
                f"({classes.tolist()[:10]})"
            )
        y01 = (np.asarray(y) == classes[1]).astype(np.uint8)
        model = get_model(self.model, **(self.model_options or {}))
        thresholds = self._binarize_thresholds(model, X)
        Xb = self._apply_thresholds(X, thresholds)
        encoding = model.encoding(X.shape[1], self.weight_bits)
        return LossLandscape(model, encoding, Xb, y01, loss=self.loss), classes, thresholds

    # -- public API --------------------------------------------------------------------------------
    def landscape(self, X, y) -> LossLandscape:
        """The :class:`~quark.encoding.LossLandscape` that :meth:`fit` would search (no fitting)."""
        from sklearn.utils.validation import check_X_y

        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite=True)
        return self._prepare(X, y)[0]

    def fit(self, X, y):
        """Search the weights of least training loss.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) with exactly two classes

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=True)
        land, classes, thresholds = self._prepare(X, y)
        result = self._build_optimizer().minimize(land)
        self.classes_ = classes
        self.thresholds_ = thresholds
        self.model_ = land.model
        self.encoding_ = land.encoding
        self.result_ = result
        self.bits_ = result.bits
        self.weights_ = result.weights
        self.history_ = result.history
        return self

    def decision_function(self, X) -> np.ndarray:
        """Model scores: positive means ``classes_[1]``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=True)
        Xb = self._apply_thresholds(X, self.thresholds_)
        self.model_.check_features(Xb)
        return np.asarray(self.model_.decision(np.asarray(self.weights_)[None, :], Xb)[0], dtype=np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted labels (from ``classes_``)."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
