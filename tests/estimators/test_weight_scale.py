"""Sample weights far from 1 (1e-320, 1e300): read as relative weights (mean 1), with a warning, not a crash."""

from __future__ import annotations

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.datasets import load_edge_detection
from quark.estimators.data import sample_weights


@pytest.mark.parametrize("scale", [1e-320, 1e-300, 1e300])
def test_extreme_uniform_weights_fit_as_weights_of_one(scale):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 2, 60)
    ref = QuarkClassifier(optimizer="exhaustive", random_state=0).fit(X, y, sample_weight=np.ones(60))
    with pytest.warns(UserWarning, match="too far from 1 to count repeated rows"):
        clf = QuarkClassifier(optimizer="exhaustive", random_state=0).fit(X, y, sample_weight=np.full(60, scale))
    np.testing.assert_allclose(clf.weights_, ref.weights_, rtol=1e-9)
    assert clf.result_.loss == pytest.approx(ref.result_.loss, rel=1e-12)


def test_relative_weights_are_kept():
    X, y = load_edge_detection(size=2)
    sw = np.where(y == 1, 3e-320, 1e-320)
    with pytest.warns(UserWarning):
        scaled = sample_weights(y, sw, None)
    np.testing.assert_allclose(scaled[y == 1].max() / scaled[y == 0].max(), 3.0, rtol=0.02)  # subnormal inputs: 2 % precision
    assert scaled.mean() == pytest.approx(1.0)
    ordinary = np.arange(1.0, len(y) + 1)
    assert sample_weights(y, ordinary, None) is not None and (sample_weights(y, ordinary, None) == ordinary).all()
