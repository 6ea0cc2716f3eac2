"""``QuarkClassifier``: a scikit-learn estimator trained by quantum search over its quantized weights."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from quark.classifier_checks import PARAMETER_CONSTRAINTS, SHARED
from quark.encoding.landscape import LossLandscape
from quark.encoding.weights import weight_encoding
from quark.models import QuantizedModel, get_model
from quark.optimizers import OPTIMIZERS, Optimizer, get_optimizer
from quark.preprocessing import fit_preprocessor, is_binary

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS", "DEFAULT_LINEAR_MODEL"]

#: Largest weight register searched whole by the optimizers whose cost grows as ``2**n_qubits``;
#: larger ones are searched block-wise. 24 qubits is 16.8 M settings: seconds to minutes.
DEFAULT_MAX_QUBITS = 24
#: The model ``model="auto"`` takes for real-valued features (measured: docs/real_data.md).
DEFAULT_LINEAR_MODEL = "fixed-point-linear"

class QuarkClassifier(ClassifierMixin, BaseEstimator):
    """A classifier with quantized weights, trained without gradients by quantum search.

    The model's weights are bits; the training loss over all bit strings is a loss landscape
    (:meth:`landscape`), and ``fit`` searches it for its minimum with the chosen optimizer — whole
    when the register is small, block by block past ``max_qubits``. Any number of classes (one- vs
    -one or one-vs-rest problems), features prepared inside the estimator, probabilities calibrated
    from the margins. See docs/classifier.md and docs/real_data.md.

    Parameters
    ----------
    model : str or QuantizedModel, default="auto"
        ``"auto"``: the Quark paper's ``"perceptron"`` on 0/1 features, ``"fixed-point-linear"``
        (4-bit weights) on real-valued ones. Or ``"perceptron"``, ``"spin-perceptron"``,
        ``"fixed-point-linear"``, ``"ternary-linear"``, ``"stumps"`` (QBoost's model),
        ``"line-detector"``, ``"sign-mlp"``, or a model instance.
    weight_bits : int, optional
        Bits per weight of k-bit models. Default: the model's (4 for ``fixed-point-linear``).
    loss : {"auto", "zero_one", "squared", "hinge"}, default="auto"
        The training loss searched: ``"auto"`` takes the model's own (0-1 for Boolean models, squared
        for linear ones, whose squared loss is an exact QUBO).
    optimizer : str or Optimizer, default="grover"
        ``"grover"`` (Grover adaptive search), ``"quark"`` (the paper's amplification), ``"anneal"``,
        ``"exhaustive"``, ``"random"``, ``"block"``, or an instance (cloned; seeded with
        ``random_state`` when it has no seed of its own).
    backend : str or backend, optional
        Where the search runs (``"statevector"``, ``"aer"``, ``"neal"``, ...). Default: the optimizer's.
    shots : int, optional
        Measurements per circuit (reads for annealing). Default: the optimizer's.
    max_queries : int, optional
        Oracle-query budget of Grover search (draws for random search).
    copies : int, default=1
        Data copies for ``optimizer="quark"`` (amplification as accuracy**copies).
    max_qubits : int or None, default=24
        The largest register an optimizer whose cost grows as ``2**n`` searches whole; past it the
        search runs block-wise (``BlockSearch`` with the optimizer inside). On gate-level backends it
        also bounds the circuit's qubits (weights and work registers), which are refused past it.
    multi_class : {"auto", "ovo", "ovr", "native"}, default="auto"
        More than two classes: one-vs-one problems (``"auto"``, the measured winner), one-vs-rest, or
        one linear model of C output units (argmax) searched block-wise on the loss over all classes:
        0-1 under ``loss="auto"``, or Crammer–Singer's hinge / the one-hot squared loss when asked.
    scale : {"auto", True, False}, default="auto"
        Standardize the features (kept in ``scaler_``); ``"auto"``: for models of real-valued input.
    binarize : {"auto", True, False}, default="auto"
        Threshold each feature at its training mean (kept in ``thresholds_``); ``"auto"``: for models
        that need 0/1 input when ``X`` is not 0/1 already.
    alpha : float or "auto", default="auto"
        Ridge penalty on the weights, added to the mean loss (a sparsity penalty on 0/1 selection
        weights). ``"auto"``: ``0.3 * d / m`` for linear models with k-bit or ternary weights (``d``
        varying features, ``m`` samples of the problem), else 0.
    start : {"ridge", "hebbian"}, default="ridge"
        Linear models with k-bit or ternary weights on the squared loss: set the weights' scale and
        start the search from the rounded ridge least-squares solution (counted, see
        docs/real_data.md), or from the Hebbian direction with the scale refitted between sweeps
        (no classical solve; slower).
    class_weight : None, "balanced" or dict, default=None
        Weights per class, multiplied into ``sample_weight`` (``"balanced"``: inversely
        proportional to the class frequencies).
    n_jobs : int, optional
        Fit the two-class problems of a multi-class task in parallel (joblib; ``-1``: all cores; a
        Dask cluster through ``joblib.parallel_backend("dask")``). Results do not depend on it.
    model_options, optimizer_options : dict, optional
        Extra arguments of the model (e.g. ``{"grouping": "paper"}``) and of the optimizer.
    random_state : None, int or numpy Generator
        Seeds every stochastic step; an int makes ``fit`` reproducible.
    verbose : bool, default=False
        Show a progress bar of the search (on stderr).

    Attributes
    ----------
    classes_ : ndarray
        The class labels.
    weights_ : ndarray
        Learned weights: ``(n_weights,)`` for two classes, ``(n_problems, n_weights)`` otherwise.
    bits_ : ndarray of uint8
        Their bit strings (same layout).
    model_, encoding_ : QuantizedModel, WeightEncoding
        The model and the weight encoding of the (first) problem.
    problems_ : list
        The two-class problems: ``None`` for a binary task, classes (ovr) or pairs (ovo).
    results_ : list of SearchResult
        One search result per problem; ``result_`` combines them (its ledger is the total).
    multi_class_, loss_ : str
        What ``"auto"`` resolved to.
    alpha_ : float or ndarray
        The ridge penalty of each problem (a float for two classes).
    scaler_, thresholds_
        The fitted feature preparation (``None`` where not used).
    n_features_in_ : int
    history_ : list of dict
        Convergence history (costs so far, ``best_loss``), problem after problem.

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
        model="auto",
        weight_bits=None,
        loss="auto",
        optimizer="grover",
        backend=None,
        shots=None,
        max_queries=None,
        copies=1,
        max_qubits=DEFAULT_MAX_QUBITS,
        multi_class="auto",
        scale="auto",
        binarize="auto",
        alpha="auto",
        start="ridge",
        class_weight=None,
        n_jobs=None,
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
        self.multi_class = multi_class
        self.scale = scale
        self.binarize = binarize
        self.alpha = alpha
        self.start = start
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.model_options = model_options
        self.optimizer_options = optimizer_options
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn plumbing ----------------------------------------------------------------
    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        # credentials given in option dicts (a token in optimizer_options) never print
        from quark._params import mask_secrets

        shown = copy.copy(self)
        for name, value in self.get_params(deep=False).items():
            setattr(shown, name, mask_secrets(value))
        return BaseEstimator.__repr__(shown, N_CHAR_MAX)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags

    def _validate_params(self) -> None:
        for name, check in PARAMETER_CONSTRAINTS.items():
            check(name, getattr(self, name))

    def _optimizer_name(self) -> str:
        return self.optimizer if isinstance(self.optimizer, str) else getattr(self.optimizer, "name", "custom")

    def _build_optimizer(self, random_state=None) -> Optimizer:
        """The optimizer a problem runs: built from its name and the shared parameters, or a clone of the
        instance given (seeded by ``random_state`` when the instance has no seed of its own)."""
        seed = self.random_state if random_state is None else random_state
        if not isinstance(self.optimizer, str):
            for param in ("backend", "shots", "max_queries"):
                if getattr(self, param) is not None:
                    raise ValueError(f"'{param}' applies only when 'optimizer' is given by name; "
                                     f"set it on the optimizer instance instead (optimizer__{param}=...)")
            if self.copies != 1 or self.optimizer_options:
                raise ValueError("'copies' and 'optimizer_options' apply only when 'optimizer' is given by name; "
                                 "set them on the optimizer instance instead")
            opt = clone(self.optimizer)  # never mutate a hyper-parameter
            if opt.random_state is None and seed is not None:
                opt.set_params(random_state=seed)
            if self.verbose and not opt.verbose:
                opt.set_params(verbose=True)
            return opt
        cls = OPTIMIZERS[self.optimizer]
        accepted = set(cls._param_names())
        kwargs: dict[str, Any] = {}
        for param in SHARED:
            value = getattr(self, param)
            if value is None or (param == "copies" and value == 1):
                continue
            if param not in accepted:
                takes = sorted(name for name, c in OPTIMIZERS.items() if param in c._param_names())
                raise ValueError(f"'{param}' does not apply to optimizer={self.optimizer!r} (it applies to {takes})")
            kwargs[param] = value
        options = self.optimizer_options or {}
        unknown = sorted(set(options) - accepted - {"random_state", "verbose", "callback"})
        if unknown and "backend_options" not in accepted and "sample_options" not in accepted:
            raise ValueError(f"unknown optimizer_options {unknown} for optimizer={self.optimizer!r}; its options: "
                             f"{sorted(accepted - {'random_state', 'verbose', 'callback'})}")
        kwargs.update(options)
        return get_optimizer(self.optimizer, random_state=seed, verbose=bool(self.verbose), **kwargs)

    # -- data preparation (shared by fit and landscape) ------------------------------------------
    def _resolve(self, X: np.ndarray) -> tuple[QuantizedModel, str, float]:
        """The model, loss and ridge penalty the ``"auto"`` settings stand for on this data."""
        if isinstance(self.model, str) and self.model == "auto":
            name = "perceptron" if is_binary(X) else DEFAULT_LINEAR_MODEL
            model = get_model(name, **(self.model_options or {}))
        else:
            model = get_model(self.model, **(self.model_options or {}))
        if self.weight_bits is not None:
            weight_encoding(model, X.shape[1], self.weight_bits)  # says now if the model takes no k
        loss = self.loss
        if loss == "auto":
            loss = "squared" if model.linear and model.weight_kind != "spin" else "zero_one"
        alpha = self.alpha if self.alpha == "auto" else float(self.alpha)
        return model, loss, alpha

    @staticmethod
    def _check_targets(y) -> np.ndarray:
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

    @staticmethod
    def _reject_sparse(X) -> None:
        if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
            raise TypeError(
                "QuarkClassifier does not accept sparse input: its quantized models read dense "
                "features. Convert X with X.toarray() first"
            )

    def _validated(self, X, y):
        """``validate_data`` with the argument at fault named first (scikit-learn's text kept after it)."""
        from sklearn.utils import check_array

        try:
            return validate_data(self, X, y, dtype=np.float64, ensure_all_finite=True)
        except (ValueError, TypeError) as exc:
            if "inconsistent numbers of samples" in str(exc):
                raise type(exc)(f"X and y: {exc}") from exc
            try:  # only on failure: is X alone at fault?
                check_array(X, dtype=np.float64, ensure_all_finite=True, input_name="X", estimator=self)
            except (ValueError, TypeError) as x_exc:
                raise type(x_exc)(f"X: {x_exc}") from exc
            raise

    def _sample_weight(self, y: np.ndarray, sample_weight) -> np.ndarray | None:
        if sample_weight is None and self.class_weight is None:
            return None
        from sklearn.utils.class_weight import compute_sample_weight

        try:
            sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"'sample_weight' must hold numbers: {exc}") from exc
        if sw.shape != (len(y),):
            raise ValueError(f"'sample_weight' must have one weight per sample ({len(y)}); got shape {sw.shape}")
        if not np.isfinite(sw).all() or (sw < 0).any():
            raise ValueError("'sample_weight' must be finite and non-negative")
        if not sw.sum() > 0:
            raise ValueError("'sample_weight' is zero on every sample: nothing to fit")
        if self.class_weight is not None:
            sw = sw * compute_sample_weight(self.class_weight, y)
        return sw

    def landscape(self, X, y, sample_weight=None) -> LossLandscape:
        """The :class:`~quark.encoding.LossLandscape` of the first two-class problem ``fit`` would search.

        Built from the same parameters and preparation as :meth:`fit` (label encoding, scaling,
        binarization, weights); sets no attribute. For linear models with scalable weights the
        encoding is the unscaled one (``fit`` fits the scale).

        Examples
        --------
        >>> from quark.datasets import load_edge_detection
        >>> X, y = load_edge_detection()
        >>> QuarkClassifier(model="line-detector").landscape(X, y).n_qubits
        8
        """
        from sklearn.utils.validation import check_X_y

        from quark.multiclass import subproblems

        self._validate_params()
        self._reject_sparse(X)
        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite=True)
        classes = self._check_targets(y)
        model, loss, alpha = self._resolve(X)
        sw = self._sample_weight(y, sample_weight)
        Xp = fit_preprocessor(model, X, scale=self.scale, binarize=self.binarize, sample_weight=sw).transform(X)
        scheme = "ovo" if self.multi_class == "auto" else self.multi_class
        p = subproblems(y, classes, scheme)[0]
        model = model.prepare(Xp[p.rows], p.positive, None if sw is None else sw[p.rows])
        psw = None if sw is None else sw[p.rows]
        if alpha == "auto":
            from quark.fitting import auto_alpha

            alpha = auto_alpha(model, Xp[p.rows], loss, psw)
        return LossLandscape(model, weight_encoding(model, X.shape[1], self.weight_bits), Xp[p.rows], p.positive,
                             loss, alpha=alpha, sample_weight=psw)

    # -- fit --------------------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Search the weights of least training loss, one two-class problem at a time.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least two distinct.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights: the loss is the weighted mean (integer weights equal repeating rows).

        Returns
        -------
        self
        """
        from quark.fitting import fit_problems

        self._validate_params()
        self._reject_sparse(X)
        X, y = self._validated(X, y)
        classes = self._check_targets(y)
        model, loss, alpha = self._resolve(X)
        sw = self._sample_weight(y, sample_weight)
        prep = fit_preprocessor(model, X, scale=self.scale, binarize=self.binarize, sample_weight=sw)
        Xp = prep.transform(X)
        model.check_features(Xp)
        scheme = self.multi_class
        if scheme == "auto":
            scheme = "ovo"
        if scheme == "native" and len(classes) > 2:
            from quark.fitting import fit_native

            if sw is not None:
                raise ValueError("multi_class='native' takes no sample or class weights; use 'ovo' or 'ovr'")
            from threadpoolctl import threadpool_limits

            loss = "zero_one" if self.loss == "auto" else loss
            with threadpool_limits(limits=1, user_api="blas"):
                fits = [fit_native(model, Xp, y, classes, loss=loss, alpha=alpha, weight_bits=self.weight_bits,
                                   optimizer=self._build_optimizer())]
            problems = [tuple(classes)]
        else:
            fits, problems = fit_problems(self, model, Xp, y, classes, scheme, loss, alpha, sw)
        self._store(fits, problems, classes, scheme, loss, alpha, prep)
        self._calibrate(Xp, y, sw)
        return self

    def _store(self, fits, problems, classes, scheme, loss, alpha, prep) -> None:
        from quark.fitting import combined_result

        binary = len(classes) == 2
        self.classes_ = classes
        self.multi_class_ = None if binary else scheme
        self.loss_ = loss
        alphas = [f.result.info.get("alpha", alpha) for f in fits]
        self.alpha_ = alphas[0] if len(alphas) == 1 else np.asarray(alphas, dtype=np.float64)
        self.scaler_ = prep.scaler
        self.thresholds_ = prep.thresholds
        self._prep = prep
        self.fits_ = fits
        self.problems_ = problems
        self.model_ = fits[0].model
        self.encoding_ = fits[0].encoding
        self.results_ = [f.result for f in fits]
        native = scheme == "native" and not binary
        self.result_ = self.results_[0] if (binary or native) else combined_result(fits, problems)
        self.weights_ = fits[0].weights if (binary or native) else np.stack([f.weights for f in fits])
        self.bits_ = fits[0].bits if (binary or native) else np.stack([f.bits for f in fits])
        self.history_ = list(self.result_.history)

    # -- prediction -------------------------------------------------------------------------------
    def _prepared(self, X) -> np.ndarray:
        check_is_fitted(self)
        self._reject_sparse(X)
        X = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=True)
        Xp = self._prep.transform(X)
        if self.model_.binary_input and not np.isin(Xp, (0, 1)).all():
            raise ValueError(
                f"X has non-binary values, but this {self.model_.name!r} classifier was fitted on 0/1 features "
                "without binarizing (thresholds_ is None); pass 0/1 features, or refit with binarize=True"
            )
        return Xp

    def _margins(self, Xp: np.ndarray) -> np.ndarray:
        """``(n, n_problems)``: each problem's real-valued margin (positive: its positive class);
        ``(n, n_classes)`` scores for the native model."""
        if self.multi_class_ == "native":
            return self.model_.margin(self.weights_, Xp).T
        return np.stack([f.model.margin(f.weights[None, :], Xp)[0] for f in self.fits_], axis=1)

    def decision_function(self, X) -> np.ndarray:
        """Real-valued decisions: ``(n,)`` for two classes (positive means ``classes_[1]``), else
        ``(n, n_classes)`` (the largest wins). Boolean models give margins, not just ±1: how many
        selected features fire (perceptron) or enabled lines are full (line detector)."""
        return self._decisions(self._prepared(X))

    def predict(self, X) -> np.ndarray:
        """Predicted labels, taken from ``classes_``."""
        d = self.decision_function(X)
        if d.ndim == 1:
            return self.classes_[(d > 0).astype(int)]
        return self.classes_[np.argmax(d, axis=1)]

    def _decisions(self, Xp: np.ndarray) -> np.ndarray:
        from quark.multiclass import combine

        margins = self._margins(Xp)
        if self.multi_class_ == "native":
            return margins
        return combine(margins, self.multi_class_ or "ovr", len(self.classes_))

    def _calibrate(self, Xp: np.ndarray, y: np.ndarray, sample_weight=None) -> None:
        from quark.fitting import fit_calibrator

        self.calibrator_ = fit_calibrator(self._decisions(Xp), y, self.classes_, sample_weight)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n, n_classes)``, rows summing to 1, in the order of ``classes_``.

        Calibrated on the training data by temperature scaling of :meth:`decision_function`: the
        probabilities are ``softmax(d / T)`` (``sigmoid(d / T)`` for two classes) with the one
        temperature ``T`` that best explains the training labels (``calibrator_.temperature_``).
        One positive parameter keeps the order of the classes: the most probable class is always
        the predicted one. For well-calibrated probabilities on new data, wrap the classifier in
        scikit-learn's ``CalibratedClassifierCV``.
        """
        check_is_fitted(self)
        return self.calibrator_.predict_proba(self.decision_function(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))
