"""QuarkClassifier: scikit-learn conformance, preprocessing, errors and the search it runs."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from quark import QuarkClassifier
from quark.estimators import DEFAULT_MAX_QUBITS
from quark.datasets import load_edge_detection, load_tiny_mnist, train_test_split
from quark.optimizers import ExhaustiveSearch

# The default optimizer ("grover"), the paper's amplification, annealing and the exact reference all
# go through scikit-learn's checks (most checks fit on 1 to 10 features: at most 11 weight qubits).
_ESTIMATORS = [
    QuarkClassifier(),
    QuarkClassifier(optimizer="quark"),
    QuarkClassifier(optimizer="anneal"),
    QuarkClassifier(optimizer="exhaustive", model="spin-perceptron"),
]

# Checks that cannot apply, each with its reason (pytest reports them as xfail/skip, never silently).
_CANNOT_APPLY = {
    "check_array_api_input": (
        "Quark computes with NumPy only (its kernels and models are NumPy/numba code), so it declares no "
        "array API support; scikit-learn also skips this check unless SCIPY_ARRAY_API=1"
    ),
}


def _expected_failed_checks(estimator):
    out = dict(_CANNOT_APPLY)
    if estimator.optimizer == "quark":
        out["check_sample_weight_equivalence_on_dense_data"] = (
            "the amplification estimates its marked fraction from training samples drawn at random; integer "
            "weights give the same distribution of draws as repeated rows, not the same draws"
        )
    if estimator.optimizer == "exhaustive":
        out["check_sample_weight_equivalence_on_dense_data"] = (
            "the check fits 30 features: 31 weight qubits, past max_qubits=24, where optimizer='exhaustive' "
            "(the whole register, always) is refused with the alternatives"
        )
    if estimator.model == "spin-perceptron":
        out["check_classifiers_train"] = (
            "on the check's three 2-D blobs, +-1 weights leave a one-vs-one line four directions (the diagonals): "
            "train accuracy stays below the check's 0.83"
        )
        out["check_class_weight_classifiers"] = (
            "the check needs a classifier that can answer class 0 everywhere; +-1 weights and a +-1 bias cannot "
            "(the score of a standardized blob point is never <= 0 for every point)"
        )
    return out


@parametrize_with_checks(_ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_conformance(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def edges():
    return load_edge_detection(lines="rows")


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


def test_line_detector_finds_the_rows_exactly(edges):
    X, y = edges
    clf = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y)
    assert clf.weights_.tolist() == [1, 1, 1, 0, 0, 0, 0, 0]
    assert clf.score(X, y) == 1.0
    assert clf.result_.ledger.model_evaluations == 2**8 * 512
    assert clf.history_[-1]["best_loss"] == clf.result_.loss == 0.0
    assert clf.n_features_in_ == 9 and clf.thresholds_ is None


def test_default_optimizer_is_grover_and_reaches_the_optimum(edges):
    X, y = edges
    clf = QuarkClassifier(model="line-detector", random_state=0)
    assert clf.optimizer == "grover"
    clf.fit(X, y)
    assert clf.score(X, y) == 1.0
    assert clf.result_.ledger.oracle_queries > 0 and clf.result_.ledger.shots > 0


def test_string_labels_and_decision_function(edges):
    X, y = edges
    labels = np.where(y == 1, "line", "blank")
    clf = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, labels)
    assert clf.classes_.tolist() == ["blank", "line"]
    pred = clf.predict(X)
    assert set(pred.tolist()) == {"blank", "line"}
    assert np.array_equal(pred == "line", clf.decision_function(X) > 0)
    assert clf.score(X, labels) == 1.0


def test_refits_are_identical_with_an_int_seed(edges):
    X, y = edges
    a = QuarkClassifier(model="perceptron", random_state=7).fit(X, y)
    b = QuarkClassifier(model="perceptron", random_state=7).fit(X, y)
    assert a.bits_.tolist() == b.bits_.tolist()
    ta, tb = a.result_.ledger.totals(), b.result_.ledger.totals()
    ta.pop("wall_time_s"), tb.pop("wall_time_s")
    assert ta == tb
    a.fit(X, y)  # a refit of the same instance too
    assert a.bits_.tolist() == b.bits_.tolist()


def test_clone_pickle_and_pipeline(blobs):
    X, y = blobs
    clf = QuarkClassifier(optimizer="exhaustive", random_state=0)
    fitted = clone(clf).fit(X, y)
    assert not hasattr(clf, "weights_")  # clone left the original unfitted
    back = pickle.loads(pickle.dumps(fitted))
    assert np.array_equal(back.predict(X), fitted.predict(X))
    assert back.result_.ledger.totals() == fitted.result_.ledger.totals()

    pipe = make_pipeline(StandardScaler(), SelectKBest(k=2), QuarkClassifier(optimizer="exhaustive")).fit(X, y)
    Xs = SelectKBest(k=2).fit_transform(StandardScaler().fit_transform(X), y)
    by_hand = QuarkClassifier(optimizer="exhaustive").fit(Xs, y)
    assert np.array_equal(pipe.predict(X), by_hand.predict(Xs))
    assert pipe.score(X, y) >= 0.75  # an OR of the two informative features, binarized


def test_grid_search_in_parallel(blobs):
    X, y = blobs
    def search(n_jobs):
        return GridSearchCV(
            QuarkClassifier(random_state=0),
            {"model": ["perceptron", "spin-perceptron"], "optimizer": ["exhaustive", "grover"]},
            cv=3,
            n_jobs=n_jobs,
        ).fit(X, y)

    parallel, serial = search(2), search(1)
    assert len(parallel.cv_results_["params"]) == 4
    assert np.array_equal(parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"])
    # Grover finds the exact optimum of every fold's landscape, so it scores like exhaustive search
    scores = dict(zip(map(str, parallel.cv_results_["params"]), parallel.cv_results_["split0_test_score"]))
    for model in ("perceptron", "spin-perceptron"):
        assert scores[str({"model": model, "optimizer": "grover"})] == scores[str({"model": model, "optimizer": "exhaustive"})]
    assert parallel.best_estimator_.predict(X).shape == y.shape


def test_not_fitted_sparse_nan_and_multiclass(blobs):
    X, y = blobs
    with pytest.raises(NotFittedError):
        QuarkClassifier().predict(X)
    with pytest.raises(TypeError, match="sparse"):
        QuarkClassifier(optimizer="exhaustive").fit(sp.csr_matrix(X), y)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        QuarkClassifier(optimizer="exhaustive").fit(Xn, y)
    three = QuarkClassifier(random_state=0).fit(X, np.arange(len(y)) % 3)  # any number of classes
    assert three.predict_proba(X).shape == (len(y), 3) and three.decision_function(X).shape == (len(y), 3)
    with pytest.raises(ValueError, match="1 class"):
        QuarkClassifier(optimizer="exhaustive").fit(X, np.zeros(len(y)))
    fitted = QuarkClassifier(optimizer="exhaustive").fit(X, y)
    with pytest.raises(TypeError, match="sparse"):
        fitted.predict(sp.csr_matrix(X))
    with pytest.raises(ValueError, match="4 features"):
        fitted.predict(X[:, :3])


def test_binarize_semantics(blobs, edges):
    X, y = blobs
    clf = QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(X, y)
    assert np.allclose(clf.thresholds_, X.mean(axis=0))
    # predictions use the training thresholds, not the test batch's own means
    shifted = X[:5] + 100.0
    assert np.array_equal(clf.predict(shifted), clf.predict(np.tile(X.max(axis=0) + 1, (5, 1))))
    with pytest.raises(ValueError, match="binarize"):
        QuarkClassifier(model="perceptron", optimizer="exhaustive", binarize=False).fit(X, y)
    # Boolean data needs no thresholds; binarize=True forces them
    Xe, ye = edges
    assert QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(Xe, ye).thresholds_ is None
    forced = QuarkClassifier(model="line-detector", optimizer="exhaustive", binarize=True).fit(Xe, ye)
    assert np.allclose(forced.thresholds_, 0.5) and forced.score(Xe, ye) == 1.0
    # a real-valued model keeps real features under "auto", standardized with the training statistics
    lin = QuarkClassifier(model="fixed-point-linear", optimizer="exhaustive").fit(X, y)
    assert lin.thresholds_ is None and lin.score(X, y) > 0.9
    assert np.allclose(lin.scaler_.mean_, X.mean(axis=0)) and np.allclose(lin.scaler_.scale_, X.std(axis=0))
    # model="auto" picks the paper's perceptron on 0/1 data and a linear model on real-valued data
    assert QuarkClassifier(optimizer="exhaustive").fit(Xe, ye).model_.name == "perceptron"
    assert QuarkClassifier(random_state=0).fit(X, y).model_.name == "fixed-point-linear"
    # a model fitted on 0/1 data refuses real values at predict time, naming the remedy
    binary_fit = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(Xe, ye)
    with pytest.raises(ValueError, match="binarize=True"):
        binary_fit.predict(Xe * 0.5)


def test_registers_past_max_qubits_are_searched_block_wise():
    rng = np.random.default_rng(1)
    X = (rng.random((60, 40)) < 0.15).astype(int)
    y = X[:, [3, 17, 29]].max(axis=1)  # a planted rule the perceptron can express: any of 3 pixels on
    for optimizer, options in (("grover", None), ("block", {"inner": "exhaustive"})):
        clf = QuarkClassifier(optimizer=optimizer, optimizer_options=options, random_state=0).fit(X, y)  # 41 qubits
        assert clf.encoding_.n_qubits == 41 and clf.result_.info["block_steps"] >= 3
        assert clf.score(X, y) == 1.0
    # exhaustive search is the whole register, always: refused past max_qubits, the alternatives named
    with pytest.raises(ValueError, match=r"whole register.*2\*\*41.*max_qubits=24.*optimizer='block'"):
        QuarkClassifier(optimizer="exhaustive", random_state=0).fit(X, y)
    # blocks never exceed max_qubits: 9 qubits under max_qubits=6 are two blocks
    small = QuarkClassifier(max_qubits=6, random_state=0).fit(X[:, :8], X[:, 3])
    assert small.result_.info["blocks_per_sweep"] == 2
    assert DEFAULT_MAX_QUBITS == 24


@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ({"shots": 0}, ValueError, "'shots' must be a positive integer"),
        ({"max_queries": 2.5}, ValueError, "'max_queries'"),
        ({"copies": 0}, ValueError, "'copies'"),
        ({"model": "transformer"}, ValueError, "'model' must be one of"),
        ({"optimizer": "adam"}, ValueError, "'optimizer' must be one of"),
        ({"loss": "l1"}, ValueError, "'loss' must be one of"),
        ({"binarize": "yes"}, ValueError, "'binarize'"),
        ({"model_options": 3}, TypeError, "'model_options'"),
        ({"shots": 10}, ValueError, "'shots' does not apply to optimizer='exhaustive'"),
        ({"model": "perceptron", "weight_bits": 3}, ValueError, "'weight_bits'"),
    ],
)
def test_bad_parameters_name_themselves(blobs, params, exc, match):
    X, y = blobs
    with pytest.raises(exc, match=match):
        QuarkClassifier(**{"optimizer": "exhaustive", **params}).fit(X, y)


def test_landscape_is_what_fit_searches(blobs):
    X, y = blobs
    clf = QuarkClassifier(optimizer="exhaustive", loss="hinge")
    land = clf.landscape(X, y)
    assert not hasattr(clf, "weights_") and not hasattr(clf, "n_features_in_")
    assert land.n_qubits == 20 and land.loss == "hinge"   # 4 weights + bias, 4 bits each
    clf.fit(X, y)
    assert land.evaluate(clf.bits_) == pytest.approx(clf.result_.loss)
    assert clf.result_.loss == pytest.approx(land.table().min())


@pytest.mark.parametrize("params", [
    {},                                                            # ridge start, fitted scale, auto ridge alpha
    {"class_weight": "balanced"},                                   # weighted
    {"model": "perceptron", "binarize": True, "alpha": 0.05, "optimizer": "exhaustive"},   # penalised 0-1
])
def test_a_fitted_landscape_is_the_one_each_search_ran_on(params):
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:120, :3], y[:120]
    clf = QuarkClassifier(random_state=0, **params).fit(X, y)
    land = clf.landscape(X, y)
    assert land.evaluate(clf.bits_[None, :])[0] == pytest.approx(clf.result_.loss, rel=1e-9)
    assert land.encoding.decode(clf.bits_) == pytest.approx(clf.weights_)
    if params.get("class_weight"):
        assert land.sample_weight is not None


def test_fitted_landscapes_of_every_problem_and_of_the_native_model():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    clf = QuarkClassifier(random_state=0, weight_bits=2).fit(X, y)
    for i, result in enumerate(clf.results_):
        assert clf.landscape(X, y, problem=i).evaluate(clf.bits_[i][None, :])[0] == pytest.approx(result.loss)
    with pytest.raises(ValueError, match="'problem' must index one of the 3"):
        clf.landscape(X, y, problem=3)
    native = QuarkClassifier(random_state=0, weight_bits=2, multi_class="native").fit(X, y)
    assert native.landscape(X, y).evaluate(native.bits_[None, :])[0] == pytest.approx(native.result_.loss)


def test_verbose_fit_draws_a_progress_bar(edges, capsys):
    X, y = edges
    clf = QuarkClassifier(model="line-detector", optimizer="exhaustive", verbose=True).fit(X, y)
    err = capsys.readouterr().err
    assert "ExhaustiveSearch" in err and "256/256" in err
    pickle.dumps(clf)  # the bar does not stay attached to the fitted estimator
    assert clf.result_.ledger.callback is None


def test_verbose_grover_fit_shows_its_query_bar(edges, capsys):
    X, y = edges
    QuarkClassifier(model="line-detector", random_state=0, verbose=True).fit(X, y)
    assert "GroverAdaptiveSearch" in capsys.readouterr().err
    QuarkClassifier(model="line-detector", random_state=0).fit(X, y)
    assert capsys.readouterr().err == ""


def test_tiny_mnist_perceptron_matches_exhaustive():
    X, y = load_tiny_mnist(digits=(6, 7), size=3, subset="train", dedupe=True)
    exact = QuarkClassifier(optimizer="exhaustive").fit(X, y)
    found = QuarkClassifier(random_state=0).fit(X, y)
    assert found.result_.loss == pytest.approx(exact.result_.loss)
    assert found.score(X, y) == pytest.approx(exact.score(X, y))


def test_quark_optimizer_with_copies(edges):
    X, y = edges
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    clf = QuarkClassifier(model="line-detector", optimizer="quark", copies=4, random_state=0).fit(Xtr, ytr)
    assert clf.result_.ledger.shots > 0
    assert clf.score(Xte, yte) >= 0.9


class _FailingSearch(ExhaustiveSearch):
    """Exhaustive search that raises on its ``fail_at``-th search (counted across clones)."""

    calls = 0
    fail_at = 2

    def _search(self, problem, ledger, rng):
        type(self).calls += 1
        if type(self).calls >= self.fail_at:
            raise RuntimeError("backend lost mid-fit")
        return super()._search(problem, ledger, rng)


def _state(clf):
    return {k: v for k, v in vars(clf).items() if k.endswith("_") or k.startswith("_")}


def test_a_refit_that_fails_midway_leaves_the_estimator_as_it_was(blobs, monkeypatch):
    from sklearn.datasets import make_blobs

    import quark.estimators.classifier as module

    X, y = blobs
    clf = QuarkClassifier(model="spin-perceptron", optimizer="exhaustive").fit(X, y)
    before, labels, proba = _state(clf), clf.predict(X), clf.predict_proba(X)
    # new data of another width and other classes, whose second problem's search fails
    X2, y2 = make_blobs(60, n_features=X.shape[1] + 1, centers=4, random_state=1)
    _FailingSearch.calls = 0
    clf.set_params(optimizer=_FailingSearch())
    with pytest.raises(RuntimeError, match="backend lost"):
        clf.fit(X2, y2)
    assert _FailingSearch.calls == 2  # the first problem was searched: the failure came mid-fit
    after = _state(clf)
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)
    np.testing.assert_array_equal(clf.predict(X), labels)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    # interrupted between the searches and the calibration: still the old fit
    clf.set_params(optimizer="exhaustive")
    monkeypatch.setattr(module, "fit_calibrator", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X2, y2)
    assert _state(clf).keys() == before.keys() and clf.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(clf.predict(X), labels)
    # a first fit that fails leaves the estimator unfitted, with no stray attribute
    fresh = QuarkClassifier(optimizer=_FailingSearch())
    _FailingSearch.calls = 0
    _FailingSearch.fail_at = 1
    try:
        with pytest.raises(RuntimeError):
            fresh.fit(X, y)
    finally:
        _FailingSearch.fail_at = 2
    assert _state(fresh) == {}
    with pytest.raises(NotFittedError):
        fresh.predict(X)
