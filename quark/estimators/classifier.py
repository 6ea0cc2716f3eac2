"""``QuarkClassifier``: a scikit-learn estimator trained by quantum search over its quantized weights."""

from __future__ import annotations


import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from quark._params import mask_secrets
from quark.encoding.landscape import LossLandscape
from quark.encoding.weights import weight_encoding
from quark.estimators.calibration import fit_calibrator
from quark.estimators.checks import PARAMETER_CONSTRAINTS
from quark.estimators.combine import combined_result
from quark.estimators.diagnostics import warn_one_sided
from quark.estimators.data import DEFAULT_LINEAR_MODEL, PreparedData, prepare_data, reject_sparse, validated
from quark.estimators.problems import fit_problems, problem_seeds
from quark.estimators.routing import build_optimizer, optimizer_name
from quark.estimators.scale import auto_alpha
from quark.estimators.schemes import combine, subproblems
from quark.optimizers import Optimizer

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS", "DEFAULT_LINEAR_MODEL"]

#: Largest weight register searched whole by the optimizers whose cost grows as ``2**n_qubits``;
#: larger ones are searched block-wise. 24 qubits is 16.8 M settings: seconds to minutes.
DEFAULT_MAX_QUBITS = 24

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
        ``"line-detector"``, ``"sign-mlp"``, ``"quantized-mlp"`` (a network with hidden layers,
        fitted whole on every class: docs/networks.md), or a model instance.
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
        With ``optimizer="block"`` it (like ``shots``, ``max_queries``, ``copies``) goes to the block's
        inner search (its ``inner_options``).
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
    scale : {"auto", True, False, "range"}, default="auto"
        Standardize the features (kept in ``scaler_``); ``"auto"``: for models of real-valued input.
        ``"range"``: divide every feature by one number, the training data's largest absolute value
        (``scaler_.max_abs_``), keeping the features' relative sizes (image pixels: docs/networks.md).
    binarize : {"auto", True, False}, default="auto"
        Threshold each feature at its training mean (kept in ``thresholds_``); ``"auto"``: for models
        that need 0/1 input when ``X`` is not 0/1 already.
    alpha : float or "auto", default="auto"
        Ridge penalty on the weights, added to the mean loss (a sparsity penalty on 0/1 selection
        weights). ``"auto"``: ``0.3 * d / m`` for linear models with k-bit or ternary weights (``d``
        varying features, ``m`` samples of the problem), else 0.
    start : {"ridge", "hebbian", "float", "random"}, default="ridge"
        Linear models with k-bit or ternary weights on the squared loss: set the weights' scale and
        start the search from the rounded ridge least-squares solution (counted, see
        docs/real_data.md), or from the Hebbian direction with the scale refitted between sweeps
        (no classical solve; slower). ``model="quantized-mlp"``: ``"ridge"`` (random hidden layers, a
        ridge output layer), ``"float"`` (a float network trained by gradient descent, its hidden
        layers rounded to the levels, a ridge output layer: post-training quantization, counted) or
        ``"random"`` (random bits: the search alone trains the network).
    class_weight : None, "balanced" or dict, default=None
        Weights per class, multiplied into ``sample_weight`` (``"balanced"``: inversely
        proportional to the class frequencies).
    n_jobs : int, optional
        Fit the two-class problems of a multi-class task in parallel (joblib; ``-1``: all cores; a
        Dask cluster through ``joblib.parallel_backend("dask")``). Results do not depend on it.
        ``None`` (default): in this process, and in worker processes beside it when the cores left idle
        during the first half second of the fit and the problems' pace say they pay for their start
        (8 problems or more; :mod:`quark.estimators.workers`); inside a joblib ``parallel_config``, joblib's.
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
    def get_params(self, deep=True):
        # a credential in an option dict (a token in optimizer_options) reads as '***' in the parameters,
        # their repr and JSON; the value stays in memory, so clone and set_params keep working
        return {k: mask_secrets(v) for k, v in super().get_params(deep).items()}

    def __getstate__(self):
        # a pickled (saved) model stores no credential: it asks for it again when a search needs it
        state = super().__getstate__()
        return {k: mask_secrets(v) if k in self._get_param_names() else v for k, v in state.items()}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags

    def _validate_params(self) -> None:
        for name, check in PARAMETER_CONSTRAINTS.items():
            check(name, getattr(self, name))

    def _optimizer_name(self) -> str:
        return optimizer_name(self.optimizer)

    def _build_optimizer(self, random_state=None) -> Optimizer:
        """The optimizer one problem runs (see :func:`quark.estimators.routing.build_optimizer`)."""
        return build_optimizer(self.get_params(deep=False), random_state)

    # -- the data step (shared by fit and landscape) ------------------------------------------------
    def _prepare(self, X, y, sample_weight, *, validate: bool = True) -> PreparedData:
        self._validate_params()
        reject_sparse(X)
        if validate:
            X, y = validated(self, X, y)
        else:
            from sklearn.utils.validation import check_X_y

            X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite=True, order="C")
        return prepare_data(X, y, sample_weight, self.get_params(deep=False),
                            feature_names=getattr(self, "feature_names_in_", None) if validate else None)

    def landscape(self, X, y, sample_weight=None, *, problem: int = 0) -> LossLandscape:
        """The :class:`~quark.encoding.LossLandscape` of one two-class problem: the one ``fit`` searched, or
        would search.

        Built from the same parameters and preparation as :meth:`fit` (label encoding, scaling,
        binarization, sample and class weights, the ridge penalty); sets no attribute. On a fitted
        classifier, given its training data, it is exactly the landscape the search of problem
        ``problem`` ran on — the fitted weight scale of linear models included — so
        ``clf.landscape(X, y).evaluate(clf.bits_)`` is ``clf.result_.loss`` and its oracles and
        Hamiltonians are the ones the search used. Before ``fit``, linear models with scalable weights
        get the unscaled encoding (``fit`` chooses the scale). With ``multi_class="native"`` the
        fitted landscape is the one over all classes.

        Parameters
        ----------
        X, y, sample_weight
            The training data (as given to :meth:`fit`).
        problem : int, default=0
            Which two-class problem (an index into ``problems_``).

        Examples
        --------
        >>> from quark.datasets import load_edge_detection
        >>> X, y = load_edge_detection()
        >>> QuarkClassifier(model="line-detector").landscape(X, y).n_qubits
        8
        """
        d = self._prepare(X, y, sample_weight, validate=False)
        if d.model.network:  # one network on all classes: its own landscape
            from quark.estimators.network import network_landscape

            return network_landscape(d.model, d.Xp, d.y, d.classes, loss=self.loss, weight_bits=self.weight_bits,
                                     sample_weight=d.sample_weight)
        fits = getattr(self, "fits_", None)
        if fits is not None and self.multi_class_ == "native":
            from quark.encoding.multiclass import MulticlassLandscape

            return MulticlassLandscape(self.model_, self.encoding_, d.Xp, np.searchsorted(d.classes, d.y),
                                       len(d.classes), loss=self.loss_, alpha=float(self.alpha_))
        subs = subproblems(d.y, d.classes, d.scheme)
        if not 0 <= int(problem) < len(subs):
            raise ValueError(f"'problem' must index one of the {len(subs)} two-class problems; got {problem!r}")
        p = subs[int(problem)]
        psw = None if d.sample_weight is None else d.sample_weight[p.rows]
        if fits is not None:  # the search's own landscape: fitted model, scaled encoding, resolved alpha
            fit = fits[int(problem)]
            alpha = fit.result.info.get("alpha", 0.0 if d.alpha == "auto" else d.alpha)
            return LossLandscape(fit.model, fit.encoding, d.Xp[p.rows], p.positive, self.loss_, alpha=alpha,
                                 sample_weight=psw)
        model = d.model.prepare(d.Xp[p.rows], p.positive, psw)
        alpha = auto_alpha(model, d.Xp[p.rows], d.loss, psw) if d.alpha == "auto" else d.alpha
        return LossLandscape(model, weight_encoding(model, d.X.shape[1], self.weight_bits), d.Xp[p.rows], p.positive,
                             d.loss, alpha=alpha, sample_weight=psw)

    # -- fit: data -> problems -> search -> fitted attributes -> calibration --------------------------
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

        Notes
        -----
        A fit that raises or is interrupted (a failing backend, Ctrl-C) leaves the estimator exactly
        as it was: a refit keeps the previous fit's attributes and predictions, a first fit leaves it
        unfitted. scikit-learn's ``validate_data`` sets ``n_features_in_`` as it checks, so the state is
        restored as a whole rather than set attribute by attribute.
        """
        before = dict(self.__dict__)
        try:
            self._fit(X, y, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        return self

    def _fit(self, X, y, sample_weight) -> None:
        d = self._prepare(X, y, sample_weight)
        if self.start == "float" and not d.model.network:
            raise ValueError(f"start='float' rounds a float network's hidden layers: it starts model='quantized-mlp', "
                             f"not model {d.model.name!r} (use 'ridge', 'hebbian' or 'random')")
        if d.model.network:
            fits, problems, loss = self._fit_network(d)
        elif d.scheme == "native" and len(d.classes) > 2:
            fits, problems, loss = self._fit_native(d)
        else:
            subs = subproblems(d.y, d.classes, d.scheme)
            optimizers = [self._build_optimizer(random_state=s) for s in problem_seeds(self.random_state, len(subs))]
            fits = fit_problems(subs, optimizers, d.model, d.Xp, loss=d.loss, alpha=d.alpha, sample_weight=d.sample_weight,
                                weight_bits=self.weight_bits, max_qubits=self.max_qubits, start=self.start,
                                n_jobs=self.n_jobs, verbose=bool(self.verbose), scheme=d.scheme)
            problems, loss = [p.label for p in subs], d.loss
        self._store(fits, problems, d.classes, d.scheme, loss, d.alpha, d.prep)
        decisions = self._decisions(d.Xp)
        self.calibrator_ = fit_calibrator(decisions, d.y, self.classes_, d.sample_weight)
        predicted = self.classes_[(decisions > 0).astype(int)] if decisions.ndim == 1 else \
            self.classes_[np.argmax(decisions, axis=1)]
        warn_one_sided(d.y, predicted, self.classes_, self.class_weight)

    def _fit_native(self, d: PreparedData):
        from quark._blas import one_blas_thread

        from quark.estimators.native import fit_native

        if d.sample_weight is not None:
            raise ValueError("multi_class='native' takes no sample or class weights; use 'ovo' or 'ovr'")
        loss = "zero_one" if self.loss == "auto" else d.loss
        with one_blas_thread():
            fits = [fit_native(d.model, d.Xp, d.y, d.classes, loss=loss, alpha=d.alpha, weight_bits=self.weight_bits,
                               optimizer=self._build_optimizer(), max_qubits=self.max_qubits, start=self.start)]
        return fits, [tuple(d.classes)], loss

    def _fit_network(self, d: PreparedData):
        """A network (``model.network``): one fit on all classes at once (:mod:`quark.estimators.network`)."""
        from quark._blas import one_blas_thread

        from quark.estimators.network import fit_network

        if d.scheme != "native":
            raise ValueError(f"model {d.model.name!r} is one network for all classes (shared hidden layers): "
                             f"use multi_class='auto' or 'native'; got {d.scheme!r}")
        if self.alpha not in ("auto", 0, 0.0):
            raise ValueError(f"'alpha' (a ridge penalty) does not apply to model {d.model.name!r}; leave it 'auto'")
        with one_blas_thread():
            fit = fit_network(d.model, d.Xp, d.y, d.classes, loss=self.loss, weight_bits=self.weight_bits,
                              optimizer=self._build_optimizer(), start=self.start, sample_weight=d.sample_weight,
                              max_qubits=self.max_qubits)
        return [fit], [tuple(d.classes)], fit.result.info["loss"]

    def _store(self, fits, problems, classes, scheme, loss, alpha, prep) -> None:
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
        reject_sparse(X)
        X = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=True, order="C")
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
            return self.model_.class_scores(self.weights_, Xp)
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
        margins = self._margins(Xp)
        if self.multi_class_ == "native":
            return margins
        return combine(margins, self.multi_class_ or "ovr", len(self.classes_))

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
