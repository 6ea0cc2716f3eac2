"""Feature preparation inside the estimator: standardization for linear models, thresholds for Boolean ones."""

import numpy as np
import pytest

from quark.models import get_model
from quark.estimators.preprocessing import fit_preprocessor, is_binary


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(loc=[0.0, 5.0, -3.0], scale=[1.0, 10.0, 0.1], size=(200, 3))


def test_linear_models_see_standardized_features(X):
    prep = fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto", binarize="auto")
    Z = prep.transform(X)
    assert prep.thresholds is None
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    # new data is moved by the training statistics, not its own
    np.testing.assert_allclose(prep.transform(X[:3] + 1.0), (X[:3] + 1.0 - X.mean(0)) / X.std(0))


def test_boolean_models_see_features_thresholded_at_their_training_mean(X):
    prep = fit_preprocessor(get_model("perceptron"), X, scale="auto", binarize="auto")
    assert prep.scaler is None
    np.testing.assert_allclose(prep.thresholds, X.mean(axis=0))
    Z = prep.transform(X)
    assert Z.dtype == np.uint8 and is_binary(Z)
    np.testing.assert_array_equal(Z, X > X.mean(axis=0))


def test_zero_one_data_passes_unchanged():
    B = np.random.default_rng(1).integers(0, 2, size=(30, 5)).astype(float)
    for name in ("perceptron", "fixed-point-linear"):
        prep = fit_preprocessor(get_model(name), B, scale="auto", binarize="auto")
        assert prep.scaler is None and prep.thresholds is None
        np.testing.assert_array_equal(prep.transform(B), B)


def test_sample_weights_enter_the_statistics_like_repeated_rows(X):
    w = np.random.default_rng(2).integers(0, 4, size=len(X))
    weighted = fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto", binarize="auto", sample_weight=w)
    repeated = fit_preprocessor(get_model("fixed-point-linear"), np.repeat(X, w, axis=0), scale="auto", binarize="auto")
    np.testing.assert_allclose(weighted.scaler.mean_, repeated.scaler.mean_)
    np.testing.assert_allclose(weighted.scaler.scale_, repeated.scaler.scale_)
    t = fit_preprocessor(get_model("perceptron"), X, scale="auto", binarize="auto", sample_weight=w).thresholds
    np.testing.assert_allclose(t, np.repeat(X, w, axis=0).mean(axis=0))


def test_explicit_choices_are_obeyed_and_impossible_ones_refused(X):
    assert fit_preprocessor(get_model("fixed-point-linear"), X, scale=False, binarize="auto").scaler is None
    forced = fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto", binarize=True)
    assert forced.thresholds is not None and forced.scaler is None
    with pytest.raises(ValueError, match="binarize='auto' or True"):
        fit_preprocessor(get_model("perceptron"), X, scale="auto", binarize=False)
