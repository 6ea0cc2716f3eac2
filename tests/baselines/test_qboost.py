"""The QBoost recipe: stumps selected by a QUBO, every annealer read counted."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from quark.baselines import QBoostClassifier
from quark.baselines.qboost import qboost_bqm


@pytest.fixture(scope="module")
def pair():
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, (3, 8))
    X, y = X[keep], y[keep]
    return X[:200], y[:200], X[200:], y[200:]


def test_a_digit_pair_is_learned_and_every_read_counted(pair):
    Xtr, ytr, Xte, yte = pair
    clf = QBoostClassifier(reads=20).fit(Xtr, ytr)
    assert clf.score(Xte, yte) > 0.85
    assert clf.ledger_.annealer_reads == 20 * 10          # ten penalties tried, 20 reads each
    assert clf.ledger_.compile_evaluations > 0 and clf.ledger_.oracle_queries == 0
    again = QBoostClassifier(reads=20).fit(Xtr, ytr)
    np.testing.assert_array_equal(clf.models_[0].w_, again.models_[0].w_)


def test_the_qubo_is_the_squared_loss_plus_the_penalty():
    rng = np.random.default_rng(0)
    H = rng.choice([-0.25, 0.25], size=(30, 4))
    t = rng.choice([-1.0, 1.0], size=30)
    bqm = qboost_bqm(H, t, 0.1)
    for w in rng.integers(0, 2, size=(8, 4)):
        direct = np.mean((H @ w - t) ** 2) + 0.1 * w.sum()
        assert bqm.energy(dict(enumerate(w.tolist()))) == pytest.approx(direct)


def test_multi_class_schemes_and_bad_parameters():
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, (0, 1, 2))
    X, y = X[keep][:150], y[keep][:150]
    ovo = QBoostClassifier("ovo", reads=5).fit(X, y)
    assert len(ovo.models_) == 3 and ovo.decision_function(X).shape == (150, 3)
    assert set(ovo.predict(X).tolist()) <= {0, 1, 2}
    with pytest.raises(ValueError, match="'multi_class'"):
        QBoostClassifier("native").fit(X, y)
