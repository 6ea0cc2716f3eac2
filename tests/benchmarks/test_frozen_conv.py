"""Atallah & Herrman's setup (frozen random convolutions, a k-bit head per class) in --quick mode."""

import numpy as np


def test_features_are_frozen_random_convolutions(load_benchmark):
    mod = load_benchmark("frozen_conv")
    X = np.random.default_rng(1).random((5, 14 * 14))
    F = mod.conv_features(X, 14, filters=8, pool=2, seed=0)
    assert F.shape == (5, 8 * 6 * 6) and (F >= 0).all()           # ReLU, then 2x2 pooling of 12x12 maps
    assert np.array_equal(F, mod.conv_features(X, 14, filters=8, pool=2, seed=0))
    assert not np.allclose(F, mod.conv_features(X, 14, filters=8, pool=2, seed=1))
    # one filter, no pooling: the valid correlation of the image with that (unit-norm) filter, rectified
    one = mod.conv_features(X[:1], 14, filters=1, pool=1, seed=3).reshape(12, 12)
    f = np.random.default_rng(3).standard_normal((1, 3, 3))[0]
    f /= np.linalg.norm(f)
    img = X[0].reshape(14, 14)
    assert np.isclose(one[4, 7], max(0.0, float((img[4:7, 7:10] * f).sum())))


def test_quick_run_has_a_searched_head_per_class_beside_sgd(load_benchmark, tmp_path):
    mod = load_benchmark("frozen_conv")
    res = mod.main(["--bits", "4", "--quick", "--out", str(tmp_path)])
    rows = {r["method"]: r for r in res["rows"]}
    assert {"SGDClassifier (log loss)", "LogisticRegression", "Quark 4-bit head, searched"} <= set(rows)
    q = rows["Quark 4-bit head, searched"]
    assert q["heads"] == 10 and q["qubits_per_head"] == (res["n_features"] + 1) * 4
    assert q["oracle_queries"] > 0 and rows["Quark 4-bit head, rounded start only"]["oracle_queries"] == 0
    assert q["test_accuracy"] > 0.8                                  # 10 classes: chance is 0.1
