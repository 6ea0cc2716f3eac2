"""Feature preparation inside the estimator: standardization for linear models, thresholds for Boolean ones."""

import numpy as np
import pytest

from sklearn.datasets import load_digits

from quark import QuarkClassifier
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


# -- scale="range": one number for every feature, the training data's largest magnitude -------------------------
def test_range_divides_every_feature_by_the_training_maximum(X):
    prep = fit_preprocessor(get_model("fixed-point-linear"), X, scale="range", binarize="auto")
    top = np.abs(X).max()
    assert prep.thresholds is None and prep.unit is None and prep.scaler.max_abs_ == top
    np.testing.assert_array_equal(prep.transform(X), X / top)        # relative sizes kept: not per feature
    assert np.abs(prep.transform(X)).max() == 1.0
    new = X[:4] * 3.0                                                # new data: the training maximum, not its own
    np.testing.assert_array_equal(prep.transform(new), new / top)


def test_range_is_refused_where_it_cannot_apply(X):
    with pytest.raises(ValueError, match="every training value is 0"):
        fit_preprocessor(get_model("fixed-point-linear"), np.zeros((5, 3)), scale="range", binarize="auto")
    for B in (X, (X > 0).astype(float)):                             # a 0/1-input model, on real or on 0/1 data
        with pytest.raises(ValueError, match="scale='range'.*reads 0/1 features"):
            fit_preprocessor(get_model("perceptron"), B, scale="range", binarize="auto")
    with pytest.raises(ValueError, match="scale='range' and binarize=True"):
        fit_preprocessor(get_model("fixed-point-linear"), X, scale="range", binarize=True)
    with pytest.raises(ValueError, match="'scale' must be 'auto', True, False or 'range'; got 'max'"):
        QuarkClassifier(scale="max").fit(X, X[:, 0] > 0)


def test_a_range_scaled_classifier_predicts_on_the_training_maximum_and_survives_save_and_load(tmp_path):
    from quark.io import load_model, save_model

    X, y = load_digits(n_class=3, return_X_y=True)
    X = X[:, X[:150].std(axis=0) > 0]                                # the pixels that vary (no FeatureWarning)
    clf = QuarkClassifier(scale="range", random_state=0).fit(X[:150], y[:150])
    assert clf.scaler_.max_abs_ == 16.0
    plain = QuarkClassifier(scale=False, random_state=0).fit(X[:150] / 16.0, y[:150])  # the same fit, by hand
    np.testing.assert_array_equal(clf.bits_, plain.bits_)
    Xte = X[150:]
    np.testing.assert_array_equal(clf.predict(Xte), plain.predict(Xte / 16.0))
    path = save_model(clf, tmp_path / "m.joblib", feature_names=[str(j) for j in range(X.shape[1])], target=None,
                      source="digits")
    loaded = load_model(path)["estimator"]
    assert loaded.scaler_.max_abs_ == 16.0
    np.testing.assert_array_equal(loaded.predict(Xte), clf.predict(Xte))
    np.testing.assert_array_equal(loaded.decision_function(Xte), clf.decision_function(Xte))


# -- features the model cannot use are named; tiny ones are scaled, not dropped ------------------------------
def test_tiny_but_varying_features_are_scaled_not_dropped():
    import warnings

    from quark import QuarkClassifier
    from quark.estimators.preprocessing import FeatureWarning

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    prep = fit_preprocessor(get_model("fixed-point-linear"), X * 1e-300, scale="auto", binarize="auto")
    Z = prep.transform(X * 1e-300)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)                    # standardized, not left at 1e-300
    np.testing.assert_allclose(Z, fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto",
                                                   binarize="auto").transform(X), atol=1e-12)
    assert prep.unit is not None and np.all(np.log2(prep.unit) % 1 == 0)   # powers of two: exact
    with warnings.catch_warnings():
        warnings.simplefilter("error", FeatureWarning)
        tiny = QuarkClassifier(random_state=0).fit(X * 1e-300, y)
    assert tiny.score(X * 1e-300, y) == QuarkClassifier(random_state=0).fit(X, y).score(X, y) > 0.9
    assert fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto", binarize="auto").unit is None
    for f in (1e300, 1e-310):                                         # huge, and subnormal: scaled as well
        assert QuarkClassifier(random_state=0).fit(X * f, y).score(X * f, y) > 0.9


def test_constant_features_are_named_when_dropped():
    from quark import QuarkClassifier
    from quark.estimators.preprocessing import FeatureWarning

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    X[:, 2] = 7.5                                                     # constant
    X[:, 3] = 1.0 + 1e-17 * rng.normal(size=60)                        # constant up to rounding (all 1.0 in float)
    with pytest.warns(FeatureWarning, match=r"2 features constant on the training data \(2, 3\)"):
        QuarkClassifier(random_state=0).fit(X, y)
    df = pd.DataFrame(X, columns=["age", "income", "country_code", "one"])
    with pytest.warns(FeatureWarning, match=r"\('country_code', 'one'\)"):
        QuarkClassifier(random_state=0).fit(df, y)
    Xb = (X > 0).astype(int)
    with pytest.warns(FeatureWarning, match=r"constant on the training data \(2, 3\)"):  # Boolean models too
        QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(Xb, y)


def test_features_varying_only_at_rounding_are_named():
    from quark.estimators.preprocessing import FeatureWarning, warn_unused_features

    X = np.c_[np.arange(10.0), 1e8 + np.r_[np.zeros(9), 1e-8]]        # varies by one ulp of 1e8
    prep = fit_preprocessor(get_model("fixed-point-linear"), X, scale="auto", binarize="auto")
    Xp = prep.transform(X)
    assert np.ptp(Xp[:, 1]) < 1e-6                                    # the scaler took it for constant
    with pytest.warns(FeatureWarning, match=r"1 feature left with a spread below 1e-6.*\(1\)"):
        assert warn_unused_features(X, Xp) == [1]
