"""Any number of classes: the two-class problems of each scheme and how their margins are combined."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris

from quark import QuarkClassifier
from quark.estimators.schemes import combine, subproblems


def test_ovr_and_ovo_problems_cover_the_right_rows():
    y = np.array([0, 1, 2, 1, 0, 2, 2])
    classes = np.unique(y)
    ovr = subproblems(y, classes, "ovr")
    assert [p.label for p in ovr] == [0, 1, 2]
    for p, c in zip(ovr, classes):
        assert p.rows.tolist() == list(range(7)) and p.positive.tolist() == (y == c).astype(int).tolist()
    ovo = subproblems(y, classes, "ovo")
    assert [p.label for p in ovo] == [(0, 1), (0, 2), (1, 2)]
    for p in ovo:
        a, b = p.label
        assert set(y[p.rows].tolist()) == {a, b}
        assert p.positive.tolist() == (y[p.rows] == b).astype(int).tolist()
    two = subproblems(np.array(["n", "y", "y"]), np.array(["n", "y"]), "ovo")
    assert len(two) == 1 and two[0].positive.tolist() == [0, 1, 1]


def test_ovo_votes_win_and_margins_only_break_ties():
    # pairs (0,1), (0,2), (1,2): row 0 class 0 wins two votes despite a huge margin for class 2 in (1,2)
    margins = np.array([[-0.1, -0.1, 1e6], [5.0, -5.0, -1.0], [1.0, 1.0, 1.0]])
    d = combine(margins, "ovo", 3)
    assert d.argmax(axis=1).tolist() == [0, 1, 2]
    # a three-way tie of votes goes to the class with the largest summed margin
    tie = combine(np.array([[1.0, -2.0, 0.5]]), "ovo", 3)
    assert np.round(tie).tolist() == [[1.0, 1.0, 1.0]] and tie.argmax() == 0   # one vote each; class 0's margins
    assert np.all(np.abs(d - np.round(d)) < 1 / 3 + 1e-12)


@pytest.mark.parametrize("multi_class", ["ovo", "ovr", "native"])
def test_every_scheme_fits_three_classes(multi_class):
    X, y = load_iris(return_X_y=True)
    clf = QuarkClassifier(multi_class=multi_class, random_state=0).fit(X, y)
    assert clf.multi_class_ == multi_class
    assert clf.decision_function(X).shape == (150, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.score(X, y) > 0.8
    n_problems = {"ovo": 3, "ovr": 3, "native": 1}[multi_class]
    assert len(clf.fits_) == n_problems


def test_auto_is_ovo_for_many_classes_and_labels_keep_their_type():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = QuarkClassifier(random_state=0).fit(X, names)
    assert clf.multi_class_ == "ovo" and clf.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert clf.predict(X[:3]).dtype == names.dtype
    assert clf.problems_ == [
        ("setosa", "versicolor"), ("setosa", "virginica"), ("versicolor", "virginica")]


def test_ten_digits_beat_chance_by_far_and_ledgers_add_up():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    clf = QuarkClassifier(random_state=0, n_jobs=1).fit(X[:400], y[:400])
    assert len(clf.fits_) == 45
    assert clf.score(X[400:], y[400:]) > 0.85
    total = sum(f.result.ledger.model_evaluations for f in clf.fits_)
    assert clf.result_.ledger.model_evaluations == total
    assert clf.result_.ledger.compile_evaluations == sum(f.result.ledger.compile_evaluations for f in clf.fits_)
    # the simulator's own figures add up too (kept apart from the ledger)
    for key in ("simulation_s", "unsimulated_rounds"):
        assert clf.result_.info[key] == pytest.approx(sum(r.info[key] for r in clf.results_))
    assert clf.result_.info["unsimulated_rounds"] > 0


def test_one_problems_seed_does_not_depend_on_the_others():
    X, y = load_iris(return_X_y=True)
    a = QuarkClassifier(random_state=3).fit(X, y)
    b = QuarkClassifier(random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.bits_, b.bits_)
    assert a.result_.ledger.oracle_queries == b.result_.ledger.oracle_queries


def test_a_verbose_multi_class_fit_draws_one_bar_of_problems(capsys):
    X, y = load_iris(return_X_y=True)
    QuarkClassifier(random_state=0, verbose=True).fit(X, y)
    err = capsys.readouterr().err
    assert "QuarkClassifier (ovo)" in err and "3/3" in err
    assert "GroverAdaptiveSearch" not in err and "BlockSearch" not in err   # not one bar per problem
