"""Models by name: built-ins and plug-ins of the ``quark.models`` entry-point group, resolved on use.

The registry holds ``"module:Class"`` strings and imports a model's module only when its name is
used, so the model modules (which ask the registry, e.g. which models have a reversible form) never
import one another through it.
"""

from __future__ import annotations

import logging

from typing import Any

from quark._registry import Registry, RegistryView, inherits

__all__ = ["MODELS", "MODEL_REGISTRY", "register_model", "model_names", "get_model", "is_model", "model_classes"]

#: Every model name, built-ins and plug-ins (entry-point group ``quark.models``).
MODEL_REGISTRY = Registry("model", "quark.models")

for _name, _target in {
    "perceptron": "quark.models.perceptron:BinaryPerceptron",
    "spin-perceptron": "quark.models.perceptron:SpinPerceptron",
    "fixed-point-linear": "quark.models.linear:FixedPointLinear",
    "ternary-linear": "quark.models.ternary:TernaryLinear",
    "stumps": "quark.models.stumps:DecisionStumps",
    "line-detector": "quark.models.line_detector:LineDetector",
    "sign-mlp": "quark.models.sign_mlp:SignMLP",
    "quantized-mlp": "quark.models.quantized_mlp:QuantizedMLP",
}.items():
    MODEL_REGISTRY.register(_name, _target)

#: Model classes by the string name the classifier and the command line accept (read-only, plug-ins included).
MODELS: RegistryView = MODEL_REGISTRY.view()

_BASE = "quark.models.base:QuantizedModel"


def register_model(name: str, target: str, *, description: str = "") -> None:
    """Register a model class under ``name`` (``target`` is ``"module:Class"``, imported on use).

    Installed packages register through the ``quark.models`` entry-point group instead.
    """
    MODEL_REGISTRY.register(name, target, description=description)


def model_names() -> list[str]:
    """Registered model names, plug-ins included.

    Examples
    --------
    >>> "perceptron" in model_names()
    True
    """
    return MODEL_REGISTRY.names()


def model_classes() -> dict[str, type]:
    """Every registered model class that imports here (a broken plug-in is left out, not raised)."""
    out = {}
    for name in MODEL_REGISTRY.names():
        try:
            out[name] = MODEL_REGISTRY.get(name)
        except Exception as exc:  # a plug-in that fails to import must not break listings of the others
            logging.getLogger("quark").warning("model %r is left out: it does not import (%s: %s)",
                                               name, type(exc).__name__, exc)
            continue
    return out


def is_model(obj: Any) -> bool:
    """Whether ``obj`` is a :class:`~quark.models.base.QuantizedModel` instance."""
    return inherits(obj, _BASE)


def get_model(model: Any, **options: Any):
    """A model instance from its name (``"perceptron"``, ``"line-detector"``, ...) or as given.

    Examples
    --------
    >>> get_model("line-detector", grouping="paper")
    LineDetector(grouping='paper', polarity=False)
    """
    if is_model(model):
        if options:
            raise TypeError("model options apply only when the model is given by name")
        return model
    if not isinstance(model, str) or model not in MODEL_REGISTRY.names():
        raise ValueError(f"'model' must be one of {MODEL_REGISTRY.names()} or a QuantizedModel; got {model!r}")
    cls = MODEL_REGISTRY.get(model)
    if not (isinstance(cls, type) and any(f"{c.__module__}:{c.__qualname__}" == _BASE for c in cls.__mro__)):
        raise TypeError(f"model {model!r} is registered as {MODEL_REGISTRY.target(model)}, which is not a "
                        "QuantizedModel subclass")
    return cls(**options)
