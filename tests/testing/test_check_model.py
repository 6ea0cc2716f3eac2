"""quark.testing.check_model: every built-in model passes, and a broken model is caught with the reason."""

import numpy as np
import pytest

from quark.models import MODELS, BinaryPerceptron, FixedPointLinear, LineDetector, QuantizedMLP, SignMLP
from quark.testing import check_model


#: Models whose default register is past the kit's 12-qubit table: checked at a small size instead.
SMALL = {"quantized-mlp": {"hidden": 1}}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_registered_model_passes(name):
    report = check_model(MODELS[name](**SMALL[name]) if name in SMALL else MODELS[name])
    assert report["passed"] and "landscape (zero_one, auto_loss=" in " ".join(report["checks"])
    assert report["n_qubits"] <= 12


@pytest.mark.parametrize("model", [LineDetector(grouping="paper", polarity=True), SignMLP(hidden=1),
                                   FixedPointLinear(bias=False),
                                   QuantizedMLP(hidden=(1, 1), bits="ternary", activation="clip")])
def test_instances_with_options_pass(model):
    assert check_model(model)["passed"]


def test_declared_hooks_are_checked():
    checks = check_model(FixedPointLinear)["checks"]
    assert "features (linear)" in checks and "quadratic_surrogate" in checks
    assert "reversible_form" in check_model(BinaryPerceptron)["checks"]


class _NotVectorized(FixedPointLinear):
    """Scores every setting with the first one's weights: right one at a time, wrong in a batch."""

    def decision(self, W, X):
        W = np.asarray(W, dtype=np.float64)
        return np.repeat(super().decision(W[:1], X), len(W), axis=0)


class _WrongShape(BinaryPerceptron):
    def decision(self, W, X):
        return super().decision(W, X).T


class _LinearLiar(FixedPointLinear):
    """Declares linear=True, but its score is not features(X) @ w."""

    def decision(self, W, X):
        return super().decision(W, X) + 0.5


@pytest.mark.parametrize("cls, match", [
    (_NotVectorized, "alone differs from its row"),
    (_WrongShape, "has shape"),
    (_LinearLiar, "decision != features"),
])
def test_a_broken_model_is_caught_with_the_reason(cls, match):
    with pytest.raises(AssertionError, match=match):
        check_model(cls)


def test_only_models_are_checked():
    with pytest.raises(TypeError, match="QuantizedModel"):
        check_model(object())
