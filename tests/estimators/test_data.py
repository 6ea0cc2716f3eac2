"""The data step: one canonical layout (the same values give the same bits and ledger whatever the
container), and weights that mean something (class weights naming classes, real sample weights)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quark import QuarkClassifier

pd = pytest.importorskip("pandas")


def _data(seed: int, n: int, d: int, minority: float):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 10.0, size=d) + rng.normal(size=d)
    y = (X @ rng.normal(size=d) + rng.normal(scale=2.0, size=n) > np.quantile(X @ rng.normal(size=d), 1 - minority))
    y = y.astype(int)
    y[:2] = [0, 1]  # two classes, always
    return X, y


def _layouts(X: np.ndarray) -> dict:
    wide = np.zeros((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    return {
        "C": np.ascontiguousarray(X),
        "Fortran": np.asfortranarray(X),
        "DataFrame": pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])]),
        "list": X.tolist(),
        "strided view": wide[:, ::2],
    }


def _fingerprint(clf: QuarkClassifier, X) -> tuple:
    ledger = {k: v for k, v in clf.result_.ledger.totals().items() if k != "wall_time_s"}
    return (clf.bits_.tobytes(), clf.result_.loss, repr(sorted(ledger.items())),
            np.asarray(clf.decision_function(X)).tobytes())


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(30, 80), d=st.integers(2, 6),
       minority=st.sampled_from([0.1, 0.3, 0.5]), class_weight=st.sampled_from([None, "balanced"]))
def test_same_values_give_the_same_bits_and_ledger_in_every_layout(seed, n, d, minority, class_weight):
    X, y = _data(seed, n, d, minority)
    prints = {}
    for name, Xl in _layouts(X).items():
        clf = QuarkClassifier(class_weight=class_weight, random_state=0, max_qubits=12).fit(Xl, y)
        prints[name] = _fingerprint(clf, np.asarray(X))
    first = prints["C"]
    for name, fp in prints.items():
        assert fp[0] == first[0], f"{name}: other bits than C order"
        assert fp[1] == first[1], f"{name}: loss {fp[1]!r} vs {first[1]!r}"
        assert fp[2] == first[2], f"{name}: another ledger"
        assert fp[3] == first[3], f"{name}: other decisions"


def test_the_issue_case_fortran_and_c_order_agree_to_the_last_bit():
    # an imbalanced problem with class_weight="balanced": before the canonical layout, the scaler's
    # means and the ridge start's Gram matrix summed in a layout-dependent order (losses 1e-14 apart)
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_features=8, weights=[0.9], random_state=1, flip_y=0.02)
    fits = [QuarkClassifier(class_weight="balanced", random_state=0).fit(A, y) for A in (X, np.asfortranarray(X))]
    assert fits[0].result_.loss == fits[1].result_.loss
    assert fits[0].result_.info["scale"] == fits[1].result_.info["scale"]
    assert fits[0].result_.ledger.oracle_queries == fits[1].result_.ledger.oracle_queries
    np.testing.assert_array_equal(fits[0].bits_, fits[1].bits_)


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_class_weight_naming_no_class_is_refused(small):
    X, y = small
    with pytest.raises(ValueError, match=r"'class_weight' names \[7\], which is not a class of y; the classes are \[0, 1\]"):
        QuarkClassifier(class_weight={0: 1, 1: 2, 7: 3}).fit(X, y)
    with pytest.raises(ValueError, match=r"names \['1'\]"):     # a string is not the integer class 1
        QuarkClassifier(class_weight={0: 1, "1": 2}).fit(X, y)
    QuarkClassifier(class_weight={0: 1, 1: 2}, random_state=0).fit(X, y)   # every key a class: accepted
    QuarkClassifier(class_weight={1: 2}, random_state=0).fit(X, y)         # a subset too (the rest weigh 1)


def test_complex_sample_weight_is_refused_not_cast(small):
    X, y = small
    with pytest.raises(TypeError, match="'sample_weight' must hold real numbers; got complex"):
        QuarkClassifier().fit(X, y, sample_weight=np.ones(len(y)) + 0.5j)
    with pytest.raises(TypeError, match="complex"):               # even with zero imaginary parts
        QuarkClassifier().fit(X, y, sample_weight=np.ones(len(y), dtype=complex))
