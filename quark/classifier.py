"""``QuarkClassifier``: a scikit-learn estimator trained by quantum search over its weights."""

from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from quark._validation import check_bool, check_choice, check_int, check_mapping, check_random_state
from quark.encoding.landscape import LOSSES, LossLandscape
from quark.encoding.weights import weight_encoding
from quark.models import MODELS, QuantizedModel, get_model
from quark.optimizers import OPTIMIZERS, Optimizer, get_optimizer

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS"]

#: Default cap on weight qubits for the searches that enumerate or simulate all ``2**n`` settings.
#: 24 qubits is 16.8 M settings: seconds to minutes on a laptop. Larger fits must opt in.
DEFAULT_MAX_QUBITS = 24

#: Classifier parameters passed on to an optimizer given by name, when its constructor takes them.
_SHARED = ("backend", "shots", "max_queries", "copies")


def _one_of(options: Callable[[], Any], allow_object: type | None = None) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if allow_object is not None and isinstance(value, allow_object):
            return
        if not isinstance(value, str) or value not in options():
            extra = f" or an instance of {allow_object.__name__}" if allow_object is not None else ""
            raise ValueError(f"'{name}' must be one of {sorted(options())}{extra}; got {value!r}")

    return check


def _binarize(name: str, value: Any) -> None:
    if not (value == "auto" if isinstance(value, str) else isinstance(value, (bool, np.bool_))):
        raise ValueError(f"'{name}' must be 'auto', True or False; got {value!r}")


def _backend(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str) and not hasattr(value, "sample_threshold") and not hasattr(
        value, "sample"
    ):
        raise TypeError(f"'{name}' must be a backend name (see quark.backends.available_backends()), a backend or None; "
                        f"got {type(value).__name__}")


#: Every hyper-parameter, the check that validates it at ``fit`` (messages name the parameter).
_PARAMETER_CONSTRAINTS: dict[str, Callable[[str, Any], Any]] = {
    "model": _one_of(lambda: MODELS, QuantizedModel),
    "weight_bits": lambda n, v: check_int(v, n, allow_none=True),
    "loss": lambda n, v: check_choice(v, n, LOSSES),
    "optimizer": _one_of(lambda: OPTIMIZERS, Optimizer),
    "backend": _backend,
    "shots": lambda n, v: check_int(v, n, allow_none=True),
    "max_queries": lambda n, v: check_int(v, n, allow_none=True),
    "copies": lambda n, v: check_int(v, n),
    "max_qubits": lambda n, v: check_int(v, n, allow_none=True),
    "binarize": _binarize,
    "model_options": lambda n, v: check_mapping(v, n),
    "optimizer_options": lambda n, v: check_mapping(v, n),
    "random_state": lambda n, v: check_random_state(v, n),
    "verbose": lambda n, v: check_bool(v, n),
}


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

    def _build_optimizer(self) -> Optimizer:
        """The optimizer ``fit`` runs: built from its name and the shared parameters, or a clone of the
        instance given (seeded by ``random_state`` when the instance has no seed of its own)."""
        if not isinstance(self.optimizer, str):
            for param in ("backend", "shots", "max_queries"):
                if getattr(self, param) is not None:
                    raise ValueError(f"'{param}' applies only when 'optimizer' is given by name; "
                                     f"set it on the optimizer instance instead (optimizer__{param}=...)")
            if self.copies != 1 or self.optimizer_options:
                raise ValueError("'copies' and 'optimizer_options' apply only when 'optimizer' is given by name; "
                                 "set them on the optimizer instance instead")
            opt = clone(self.optimizer)  # never mutate a hyper-parameter
            if opt.random_state is None and self.random_state is not None:
                opt.set_params(random_state=self.random_state)
            if self.verbose and not opt.verbose:
                opt.set_params(verbose=True)
            return opt
        cls = OPTIMIZERS[self.optimizer]
        accepted = set(cls._param_names())
        kwargs: dict[str, Any] = {}
        for param in _SHARED:
            value = getattr(self, param)
            if value is None or (param == "copies" and value == 1):
                continue
            if param not in accepted:
                takes = sorted(name for name, c in OPTIMIZERS.items() if param in c._param_names())
                raise ValueError(f"'{param}' does not apply to optimizer={self.optimizer!r} (it applies to {takes})")
            kwargs[param] = value
        kwargs.update(self.optimizer_options or {})
        return get_optimizer(self.optimizer, random_state=self.random_state, verbose=bool(self.verbose), **kwargs)

    def _check_size(self, land: LossLandscape, n_features: int) -> None:
        opt = OPTIMIZERS.get(self.optimizer) if isinstance(self.optimizer, str) else type(self.optimizer)
        if not getattr(opt, "exponential_cost", False) or self.max_qubits is None or land.n_qubits <= self.max_qubits:
            return
        name = self._optimizer_name()
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
        encoding = weight_encoding(model, X.shape[1], self.weight_bits)
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
        result = self._build_optimizer().minimize(land)
        result.ledger.callback = None  # keep the fitted estimator picklable (a callback may be a lambda)
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
