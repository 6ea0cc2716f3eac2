"""``QuarkClassifier``: a scikit-learn estimator trained by quantum search over its weights."""

from __future__ import annotations

import copy
import numbers
import sys
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from quark.encoding.landscape import LOSSES, LossLandscape
from quark.models import MODELS, QuantizedModel, get_model
from quark.optimizers import OPTIMIZERS, Optimizer, get_optimizer

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS"]

#: Default cap on weight qubits for the searches that enumerate or simulate all ``2**n`` settings.
#: 24 qubits is 16.8 M settings: seconds to minutes on a laptop. Larger fits must opt in.
DEFAULT_MAX_QUBITS = 24

# Which classifier parameters each optimizer takes, and under which constructor name.
_OPTIMIZER_PARAMS: dict[str, dict[str, str]] = {
    "exhaustive": {},
    "random": {"max_queries": "max_evaluations"},
    "grover": {"backend": "backend", "shots": "shots", "max_queries": "max_queries"},
    "quark": {"backend": "backend", "shots": "shots", "copies": "copies"},
    "anneal": {"backend": "sampler", "shots": "num_reads"},
}
# Optimizers whose cost grows as 2**n_qubits (a loss table, a statevector or an enumeration):
# ``max_qubits`` guards them so an oversized fit fails at once instead of running for hours.
_EXPONENTIAL = {"exhaustive", "grover", "quark"}
# Optimizers that draw their own progress bar (per round, with the query budget as total).
_OWN_BAR = {"grover"}
# The ledger field the classifier's progress bar counts, per optimizer (default: oracle queries).
_PROGRESS_UNIT = {"exhaustive": "model_evaluations", "random": "model_evaluations", "anneal": "annealer_reads"}


# -- the parameter table: each entry validates one hyper-parameter and names it in the error ------
def _positive_int(name: str, value: Any, allow_none: bool = True) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"'{name}' must be a positive integer{' or None' if allow_none else ''}; got {value!r}")


def _one_of(options: Callable[[], Any], allow_object: type | None = None) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if allow_object is not None and isinstance(value, allow_object):
            return
        if not isinstance(value, str) or value not in options():
            extra = f" or an instance of {allow_object.__name__}" if allow_object is not None else ""
            raise ValueError(f"'{name}' must be one of {sorted(options())}{extra}; got {value!r}")

    return check


def _dict_or_none(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"'{name}' must be a dict or None; got {type(value).__name__}")


def _binarize(name: str, value: Any) -> None:
    if not (value == "auto" if isinstance(value, str) else isinstance(value, (bool, np.bool_))):
        raise ValueError(f"'{name}' must be 'auto', True or False; got {value!r}")


def _bool(name: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_, numbers.Integral)):
        raise TypeError(f"'{name}' must be a bool; got {type(value).__name__}")


def _backend(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str) and not hasattr(value, "sample_threshold") and not hasattr(
        value, "sample"
    ):
        raise TypeError(f"'{name}' must be a backend name (see quark.backends.available_backends()), a backend or None; "
                        f"got {type(value).__name__}")


def _random_state(name: str, value: Any) -> None:
    if value is None or isinstance(value, (np.random.Generator, np.random.RandomState)):
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"'{name}' must be None, a non-negative int or a numpy Generator; got {value!r}")


_PARAMETER_CONSTRAINTS: dict[str, Callable[[str, Any], None]] = {
    "model": _one_of(lambda: MODELS, QuantizedModel),
    "weight_bits": _positive_int,
    "loss": _one_of(lambda: LOSSES),
    "optimizer": _one_of(lambda: OPTIMIZERS, Optimizer),
    "backend": _backend,
    "shots": _positive_int,
    "max_queries": _positive_int,
    "copies": lambda n, v: _positive_int(n, v, allow_none=False),
    "max_qubits": _positive_int,
    "binarize": _binarize,
    "model_options": _dict_or_none,
    "optimizer_options": _dict_or_none,
    "random_state": _random_state,
    "verbose": _bool,
}


class _ProgressBar:
    """A tqdm bar fed by the ledger's history snapshots (the optimizer's ``callback``)."""

    def __init__(self, desc: str, unit_field: str, total: int | None) -> None:
        from tqdm.auto import tqdm

        self.field = unit_field
        unit = {"oracle_queries": " queries", "model_evaluations": " evals", "annealer_reads": " reads"}
        self.bar = tqdm(total=total, desc=desc, unit=unit.get(unit_field, " " + unit_field), file=sys.stderr,
                        leave=True, dynamic_ncols=True)

    def __call__(self, snapshot: dict[str, Any]) -> None:
        done = int(snapshot.get(self.field, 0))
        if self.bar.total is not None and done > self.bar.total:
            self.bar.total = done
        self.bar.update(done - self.bar.n)
        self.bar.set_postfix(best_loss=f"{snapshot['best_loss']:.4g}", refresh=False)

    def close(self) -> None:
        self.bar.close()


class QuarkClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier with quantized weights, trained without gradients by quantum search.

    The model's weights are bits; the training loss over all bit strings is a loss landscape
    (:meth:`landscape`), and ``fit`` searches it for its minimum with the chosen optimizer.

    Parameters
    ----------
    model : str or QuantizedModel, default="perceptron"
        ``"perceptron"`` (binary weights, step, polarity bit — the paper's Tiny-MNIST model),
        ``"spin-perceptron"``, ``"fixed-point-linear"``, ``"line-detector"`` (the paper's Edge
        Detection model), ``"sign-mlp"``, or a model instance.
    weight_bits : int, optional
        Bits per weight (``"fixed-point-linear"``; 1-bit models accept only 1). Default: the model's.
    loss : {"zero_one", "squared", "hinge"}, default="zero_one"
        Training loss the search minimizes.
    optimizer : str or Optimizer, default="grover"
        ``"grover"`` (Grover adaptive search: the global minimum in O(sqrt(2**n)) oracle queries),
        ``"quark"`` (the paper's amplitude amplification over weights and data), ``"anneal"``,
        ``"exhaustive"`` (the exact reference), ``"random"``, or an optimizer instance.
    backend : str or backend, optional
        Where the search runs (``"statevector"``, ``"aer"``, ``"neal"``, ...; see
        :func:`quark.backends.available_backends`). Default: the optimizer's own.
    shots : int, optional
        Measurements per circuit (reads for annealing). Default: the optimizer's.
    max_queries : int, optional
        Oracle-query budget of Grover search (evaluations for random search).
    copies : int, default=1
        Data copies for ``optimizer="quark"``: a weight setting is marked only when every copy is
        classified correctly, so it is amplified as accuracy**copies.
    max_qubits : int, default=24
        Refuse (with a clear error) fits whose weight register is larger, for the optimizers whose
        cost grows as ``2**n_qubits`` (``grover``, ``quark``, ``exhaustive``). Raise it knowingly.
    binarize : {"auto", True, False}, default="auto"
        Threshold each feature at its training mean (the paper's preprocessing; the thresholds are
        kept in ``thresholds_``). ``"auto"``: only for models that need 0/1 input, and only when
        ``X`` is not already 0/1. ``False`` with non-binary input to a Boolean model is an error.
    model_options, optimizer_options : dict, optional
        Extra keyword arguments of the model (e.g. ``{"grouping": "paper"}``) and the optimizer.
    random_state : None, int or numpy Generator
        Seeds every stochastic step; an int makes ``fit`` reproducible.
    verbose : bool, default=False
        Show a progress bar of the search (on stderr).

    Attributes
    ----------
    weights_ : ndarray
        Learned weights (decoded).
    bits_ : ndarray of uint8
        Their bit string.
    classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the positive class.
    n_features_in_ : int
        Number of features seen in ``fit``.
    thresholds_ : ndarray or None
        Per-feature binarization thresholds (``None`` when not binarizing).
    model_ : QuantizedModel
        The model instance.
    encoding_ : WeightEncoding
        How bits map to weights.
    result_ : SearchResult
        The search's result, with ``.ledger`` (every cost) and ``.info``.
    history_ : list of dict
        Convergence history: costs so far and ``best_loss`` after each improvement.

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
        max_qubits=DEFAULT_MAX_QUBITS,
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
        self.max_qubits = max_qubits
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
        tags.input_tags.allow_nan = False
        return tags

    def _validate_params(self) -> None:
        for name, check in _PARAMETER_CONSTRAINTS.items():
            check(name, getattr(self, name))

    def _optimizer_name(self) -> str:
        return self.optimizer if isinstance(self.optimizer, str) else getattr(self.optimizer, "name", "custom")

    def _build_optimizer(self, callback=None) -> Optimizer:
        if not isinstance(self.optimizer, str):
            for param in ("backend", "shots", "max_queries"):
                if getattr(self, param) is not None:
                    raise ValueError(f"'{param}' applies only when 'optimizer' is given by name; "
                                     f"set it on the optimizer instance instead")
            if self.copies != 1 or self.optimizer_options:
                raise ValueError("'copies' and 'optimizer_options' apply only when 'optimizer' is given by name")
            opt = copy.copy(self.optimizer)  # never mutate a hyper-parameter
            if callback is not None:
                opt.callback = callback
            return opt
        accepted = _OPTIMIZER_PARAMS.get(self.optimizer, {})
        kwargs: dict[str, Any] = {}
        for param in ("backend", "shots", "max_queries", "copies"):
            value = getattr(self, param)
            if value is None or (param == "copies" and value == 1):
                continue
            if param not in accepted:
                raise ValueError(
                    f"'{param}' does not apply to optimizer={self.optimizer!r} "
                    f"(it applies to {sorted(k for k, v in _OPTIMIZER_PARAMS.items() if param in v)})"
                )
            kwargs[accepted[param]] = value
        kwargs.update(self.optimizer_options or {})
        # Grover draws its own bar (per round, against its query budget); for the others the
        # classifier draws one from the ledger's history (``callback``).
        own_bar = bool(self.verbose) and self.optimizer in _OWN_BAR
        return get_optimizer(self.optimizer, random_state=self.random_state, verbose=own_bar, callback=callback, **kwargs)

    def _check_size(self, land: LossLandscape, n_features: int) -> None:
        name = self._optimizer_name()
        if name not in _EXPONENTIAL or self.max_qubits is None or land.n_qubits <= self.max_qubits:
            return
        raise ValueError(
            f"model {land.model.name!r} on {n_features} features has {land.n_qubits} weight qubits "
            f"(2**{land.n_qubits} weight settings); the cost of optimizer {name!r} grows as 2**n_qubits, and "
            f"max_qubits={self.max_qubits}. Use fewer features (feature selection, downsampling), "
            f"or raise 'max_qubits' if you have the memory and time"
        )

    # -- data preparation (shared by fit and landscape; sets no attribute) --------------------
    def _binarize_thresholds(self, model: QuantizedModel, X: np.ndarray) -> np.ndarray | None:
        is_binary = bool(np.isin(X, (0, 1)).all())
        if self.binarize is True:
            return X.mean(axis=0)
        if self.binarize == "auto" and model.binary_input and not is_binary:
            return X.mean(axis=0)
        if model.binary_input and not is_binary:
            raise ValueError(
                f"model {model.name!r} needs 0/1 features but X has other values and binarize=False; "
                "set binarize='auto' or True (threshold each feature at its training mean) or binarize X yourself"
            )
        return None

    @staticmethod
    def _apply_thresholds(X: np.ndarray, thresholds: np.ndarray | None) -> np.ndarray:
        return X if thresholds is None else (X > thresholds).astype(np.uint8)

    @staticmethod
    def _check_targets(y) -> np.ndarray:
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type not in ("binary", "multiclass"):
            raise ValueError(f"QuarkClassifier needs class labels in 'y'; got a target of type {y_type!r}")
        classes = np.unique(y)
        if classes.size > 2:
            raise ValueError(
                "Only binary classification is supported. The type of the target is multiclass: "
                f"QuarkClassifier needs exactly 2 classes in 'y'; got {classes.size} ({classes.tolist()[:10]})"
            )
        if classes.size < 2:
            raise ValueError(
                f"QuarkClassifier needs 2 classes in 'y'; got 1 class ({classes.tolist()[0]!r}). "
                "A one-class training set leaves nothing to learn"
            )
        return classes

    @staticmethod
    def _reject_sparse(X) -> None:
        if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
            raise TypeError(
                "QuarkClassifier does not accept sparse input: its quantized models read dense (binary) "
                "features. Convert X with X.toarray() first"
            )

    def _prepare(self, X: np.ndarray, y) -> tuple[LossLandscape, np.ndarray, np.ndarray | None]:
        self._validate_params()
        classes = self._check_targets(y)
        y01 = (np.asarray(y) == classes[1]).astype(np.uint8)
        model = get_model(self.model, **(self.model_options or {}))
        thresholds = self._binarize_thresholds(model, X)
        Xb = self._apply_thresholds(X, thresholds)
        encoding = model.encoding(X.shape[1], self.weight_bits)
        land = LossLandscape(model, encoding, Xb, y01, loss=self.loss)
        self._check_size(land, X.shape[1])
        return land, classes, thresholds

    # -- public API --------------------------------------------------------------------------------
    def landscape(self, X, y) -> LossLandscape:
        """The :class:`~quark.encoding.LossLandscape` that :meth:`fit` would search (no fitting).

        Built from the same parameters and the same preprocessing (label encoding, binarization)
        as :meth:`fit`; sets no attribute.

        Examples
        --------
        >>> from quark.datasets import load_edge_detection
        >>> X, y = load_edge_detection()
        >>> QuarkClassifier(model="line-detector").landscape(X, y).n_qubits
        8
        """
        from sklearn.utils.validation import check_X_y

        self._reject_sparse(X)
        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite=True)
        return self._prepare(X, y)[0]

    def fit(self, X, y):
        """Search the weights of least training loss.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features (binarized at their means for Boolean models, see ``binarize``).
        y : array-like of shape (n_samples,)
            Exactly two distinct labels (numbers or strings).

        Returns
        -------
        self
        """
        self._reject_sparse(X)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=True)
        land, classes, thresholds = self._prepare(X, y)
        name = self._optimizer_name()
        bar = None
        if self.verbose and name not in _OWN_BAR:
            total = self.max_queries if name in ("grover", "random") else None
            if name == "exhaustive":
                total = (1 << land.n_qubits) * land.n_samples
            bar = _ProgressBar(f"QuarkClassifier[{name}]", _PROGRESS_UNIT.get(name, "oracle_queries"), total)
        try:
            result = self._build_optimizer(callback=bar).minimize(land)
        finally:
            if bar is not None:
                bar.close()
        result.ledger.callback = None  # the bar is spent; keep the fitted estimator picklable
        self.classes_ = classes
        self.thresholds_ = thresholds
        self.model_ = land.model
        self.encoding_ = land.encoding
        self.result_ = result
        self.bits_ = np.asarray(result.bits)
        self.weights_ = np.asarray(result.weights)
        self.history_ = list(result.history)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Model scores of shape ``(n_samples,)``: positive means ``classes_[1]``."""
        check_is_fitted(self)
        self._reject_sparse(X)
        X = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=True)
        Xb = self._apply_thresholds(X, self.thresholds_)
        if self.model_.binary_input and not np.isin(Xb, (0, 1)).all():
            raise ValueError(
                f"X has non-binary values, but this {self.model_.name!r} classifier was fitted on 0/1 features "
                "without binarizing (thresholds_ is None); pass 0/1 features, or refit with binarize=True"
            )
        self.model_.check_features(Xb)
        return np.asarray(self.model_.decision(self.weights_[None, :], Xb)[0], dtype=np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted labels, taken from ``classes_``."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
