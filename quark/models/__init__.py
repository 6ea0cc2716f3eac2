"""Quantized models with a forward pass vectorized over many weight settings at once.

Found by name through :mod:`quark.models.registry` (plug-ins: entry-point group ``quark.models``).
"""

from __future__ import annotations

from quark.models.base import QuantizedModel
from quark.models.line_detector import LineDetector, image_lines
from quark.models.linear import FixedPointLinear
from quark.models.perceptron import BinaryPerceptron, SpinPerceptron
from quark.models.quantized_mlp import QuantizedMLP
from quark.models.registry import MODELS, get_model, model_names, register_model
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
    "QuantizedMLP",
    "TernaryLinear",
    "DecisionStumps",
    "MODELS",
    "get_model",
    "model_names",
    "register_model",
    "image_lines",
]
