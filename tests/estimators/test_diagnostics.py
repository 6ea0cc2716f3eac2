"""A one-sided fit says so: one class predicted on the training data, or a rare class recalled far less,
with a hint at class_weight="balanced"."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification

from quark import QuarkClassifier
from quark.estimators.diagnostics import FitWarning, warn_one_sided


@pytest.fixture(scope="module")
def rare():
    return make_classification(n_samples=400, n_features=5, weights=[0.95], random_state=3, flip_y=0.0,
                               class_sep=0.5)


@pytest.mark.parametrize("weight_bits", [1, 2, 4])
def test_defaults_that_predict_the_majority_only_name_class_weight_balanced(rare, weight_bits):
    X, y = rare
    with pytest.warns(FitWarning, match=r"predicts one class \(0\) on every training sample \(class counts "
                                        r"\{0: 380, 1: 20\}\); set class_weight='balanced'"):
        clf = QuarkClassifier(weight_bits=weight_bits, random_state=0).fit(X, y)
    assert set(clf.predict(X)) == {0}


def test_balanced_class_weight_fixes_it_and_stays_quiet(rare):
    X, y = rare
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitWarning)
        clf = QuarkClassifier(class_weight="balanced", random_state=0).fit(X, y)
    assert set(clf.predict(X)) == {0, 1}


def test_a_rare_class_recalled_far_less_warns_with_the_recalls():
    y = np.array([0] * 90 + [1] * 10)
    pred = y.copy()
    pred[90:96] = 0                                      # recall of 1: 40%, of 0: 100%
    with pytest.warns(FitWarning, match=r"recalls 40% of class 1 \(10 training samples\) against 100% of class 0"):
        evidence = warn_one_sided(y, pred, np.array([0, 1]), None)
    assert evidence == {"class": 1, "recall": 0.4, "versus": 0, "versus_recall": 1.0}
    with pytest.warns(FitWarning, match=r"despite class_weight='balanced'"):
        warn_one_sided(y, pred, np.array([0, 1]), "balanced")
    pred[90:94] = 1                                      # 80% against 100%: nothing to say
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitWarning)
        assert warn_one_sided(y, pred, np.array([0, 1]), None) is None


def test_a_frequent_class_recalled_less_is_not_an_imbalance_warning():
    y = np.array([0] * 50 + [1] * 50)
    pred = y.copy()
    pred[:30] = 1                                        # equal counts: not the signature of imbalance
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitWarning)
        assert warn_one_sided(y, pred, np.array([0, 1]), None) is None
