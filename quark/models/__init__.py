"""Quantized models with a forward pass vectorized over many weight settings at once."""

from __future__ import annotations

from quark.models.base import QuantizedModel
from quark.models.line_detector import LineDetector, image_lines
from quark.models.linear import FixedPointLinear
from quark.models.perceptron import BinaryPerceptron, SpinPerceptron
from quark.models.sign_mlp import SignMLP
from quark.models.stumps import DecisionStumps
from quark.models.ternary import TernaryLinear

__all__ = [
    "QuantizedModel",
    "BinaryPerceptron",
    "SpinPerceptron",
    "FixedPointLinear",
    "LineDetector",
    "SignMLP",
    "TernaryLinear",
    "DecisionStumps",
    "MODELS",
    "get_model",
    "image_lines",
]

#: Model classes by the string name the classifier and the command line accept.
MODELS: dict[str, type[QuantizedModel]] = {
    cls.name: cls
    for cls in (BinaryPerceptron, SpinPerceptron, FixedPointLinear, LineDetector, SignMLP, TernaryLinear, DecisionStumps)
}


def get_model(model: str | QuantizedModel, **options) -> QuantizedModel:
    """A model instance from its name (``"perceptron"``, ``"line-detector"``, ...) or as given.

    Examples
    --------
    >>> get_model("line-detector", grouping="paper")
    LineDetector(grouping='paper', polarity=False)
    """
    if isinstance(model, QuantizedModel):
        if options:
            raise TypeError("model options apply only when the model is given by name")
        return model
    if not isinstance(model, str) or model not in MODELS:
        raise ValueError(f"'model' must be one of {sorted(MODELS)} or a QuantizedModel; got {model!r}")
    return MODELS[model](**options)
