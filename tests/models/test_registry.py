"""Models by name: a lazy registry (nothing imported to list names), read-only views, clear refusals."""

import pytest

from quark.models import MODELS, BinaryPerceptron, LineDetector, get_model, model_names, register_model
from quark.models.registry import MODEL_REGISTRY, is_model


def test_every_built_in_name_resolves_to_its_class():
    for name in model_names():
        assert MODELS[name].name == name
    assert MODELS["perceptron"] is BinaryPerceptron and "auto" not in MODELS


def test_the_view_is_read_only():
    with pytest.raises(TypeError):
        MODELS["mine"] = BinaryPerceptron  # a Mapping, not a dict: register_model is the one way in


def test_register_model_adds_a_name_resolved_on_use(monkeypatch):
    monkeypatch.setattr(MODEL_REGISTRY, "_entries", dict(MODEL_REGISTRY._entries))
    register_model("paper-detector", "quark.models.line_detector:LineDetector")
    assert "paper-detector" in MODELS and get_model("paper-detector", grouping="paper") == LineDetector(grouping="paper")
    register_model("not-a-model", "quark.models.registry:model_names")
    with pytest.raises(TypeError, match="not a QuantizedModel subclass"):
        get_model("not-a-model")


def test_unknown_names_and_options_are_refused_with_the_nearest_name():
    with pytest.raises(ValueError, match="'model' must be one of .*'perceptron'.*got 'cnn'"):
        get_model("cnn")
    with pytest.raises(TypeError, match=r"'groupin' \(did you mean 'grouping'\?\)"):
        get_model("line-detector", groupin="paper")
    with pytest.raises(TypeError, match="model options apply only when the model is given by name"):
        get_model(LineDetector(), grouping="paper")


def test_is_model_reads_the_class_hierarchy():
    assert is_model(LineDetector()) and not is_model(LineDetector) and not is_model("perceptron")
