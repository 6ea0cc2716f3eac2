"""Fitting one two-class problem: the ridge start, the weight scale, sample and class weights, probabilities."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score

from quark import QuarkClassifier
from quark.estimators.calibration import TemperatureCalibrator
from quark.estimators.scale import RIDGE_PER_FEATURE, auto_alpha
from quark.models import get_model


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))
    return X[idx[:400]], y[idx[:400]], X[idx[400:]], y[idx[400:]]


def test_real_data_is_fitted_past_max_qubits_close_to_logistic_regression(cancer):
    Xtr, ytr, Xte, yte = cancer
    clf = QuarkClassifier(random_state=0).fit(Xtr, ytr)
    assert clf.encoding_.n_qubits == 31 * 4 > clf.max_qubits      # 30 features + bias, 4 bits each
    assert clf.result_.info["start"] == "ridge least squares, rounded"
    # the search descends from its start: never above the rounded ridge solution's loss
    assert clf.result_.loss <= clf.result_.info["start_loss"] + 1e-12
    lr = LogisticRegression(max_iter=5000).fit((Xtr - Xtr.mean(0)) / Xtr.std(0), ytr)
    lr_score = lr.score((Xte - Xtr.mean(0)) / Xtr.std(0), yte)
    assert clf.score(Xte, yte) >= lr_score - 0.03
    # the ridge solve is a counted pass over the data, apart from the search's own evaluations
    assert clf.result_.ledger.compile_evaluations == len(ytr)
    assert clf.result_.ledger.oracle_queries > 0


def test_hebbian_start_needs_no_solver_and_still_learns(cancer):
    Xtr, ytr, Xte, yte = cancer
    clf = QuarkClassifier(start="hebbian", random_state=0, max_qubits=12).fit(Xtr[:, :8], ytr)
    assert clf.result_.info["start"] == "Hebbian, scale refitted" and clf.result_.info["scale_rounds"] >= 1
    assert clf.score(Xte[:, :8], yte) > 0.85


def test_auto_alpha_is_per_feature_and_per_sample():
    model = get_model("fixed-point-linear")
    X = np.random.default_rng(0).normal(size=(50, 6))
    X[:, 5] = 1.0                                        # a constant column is not a feature
    assert auto_alpha(model, X, "squared") == pytest.approx(RIDGE_PER_FEATURE * 5 / 50)
    assert auto_alpha(model, X, "squared", sample_weight=np.full(50, 2.0)) == pytest.approx(RIDGE_PER_FEATURE * 5 / 100)
    assert auto_alpha(model, X, "hinge") == 0.0
    assert auto_alpha(get_model("perceptron"), X, "squared") == 0.0


def test_integer_sample_weights_equal_repeated_rows():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] - X[:, 2] > 0.2).astype(int)
    w = rng.integers(0, 4, size=40)
    weighted = QuarkClassifier(optimizer="exhaustive", max_qubits=16).fit(X, y, sample_weight=w)
    repeated = QuarkClassifier(optimizer="exhaustive", max_qubits=16).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_array_equal(weighted.bits_, repeated.bits_)
    assert weighted.result_.loss == pytest.approx(repeated.result_.loss)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X))


def test_balanced_class_weight_recovers_the_minority_class():
    rng = np.random.default_rng(2)
    n_major, n_minor = 270, 30
    X = np.r_[rng.normal(0.0, 1.0, size=(n_major, 4)), rng.normal(0.9, 1.0, size=(n_minor, 4))]
    y = np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]
    plain = QuarkClassifier(random_state=0).fit(X, y)
    balanced = QuarkClassifier(class_weight="balanced", random_state=0).fit(X, y)
    assert balanced_accuracy_score(y, balanced.predict(X)) > balanced_accuracy_score(y, plain.predict(X)) + 0.1
    # a dict of weights is the same as sample weights that carry them
    by_dict = QuarkClassifier(class_weight={0: 1.0, 1: 9.0}, random_state=0).fit(X, y)
    by_rows = QuarkClassifier(random_state=0).fit(X, y, sample_weight=np.where(y == 1, 9.0, 1.0))
    np.testing.assert_array_equal(by_dict.bits_, by_rows.bits_)


def test_zero_weights_for_a_whole_problem_are_refused():
    X = np.random.default_rng(3).normal(size=(30, 2))
    y = np.arange(30) % 3
    with pytest.raises(ValueError, match="zero on every sample"):
        QuarkClassifier(multi_class="ovo", random_state=0).fit(X, y, sample_weight=np.where(y == 2, 1.0, 0.0))


def test_probabilities_are_calibrated_and_agree_with_predict(cancer):
    Xtr, ytr, Xte, yte = cancer
    clf = QuarkClassifier(random_state=0).fit(Xtr, ytr)
    p = clf.predict_proba(Xte)
    assert p.shape == (len(yte), 2) and np.allclose(p.sum(axis=1), 1.0) and (p > 0).all() and (p < 1).all()
    assert np.array_equal(clf.classes_[p.argmax(axis=1)], clf.predict(Xte))
    # calibrated: far better log-loss than a coin, and confident answers are mostly right
    log_loss = -np.mean(np.log(p[np.arange(len(yte)), yte]))
    assert log_loss < 0.3
    sure = p.max(axis=1) > 0.9
    assert sure.mean() > 0.5 and (clf.predict(Xte)[sure] == yte[sure]).mean() > 0.95


def test_temperature_calibrator_finds_the_generating_temperature():
    rng = np.random.default_rng(4)
    d = rng.normal(scale=3.0, size=20000)
    y = (rng.random(20000) < 1.0 / (1.0 + np.exp(-d / 1.5))).astype(int)   # true temperature 1.5
    cal = TemperatureCalibrator(np.array([0, 1])).fit(d, y)
    assert cal.temperature_ == pytest.approx(1.5, rel=0.05)
    # separable data do not drive the temperature to zero: probabilities stay strictly inside (0, 1)
    sep = TemperatureCalibrator(np.array([0, 1])).fit(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1]))
    assert 0.0 < sep.predict_proba(np.array([-2.0]))[0, 1] < 0.5
