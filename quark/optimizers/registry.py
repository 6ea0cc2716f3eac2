"""Optimizers by name: built-ins and plug-ins of the ``quark.optimizers`` entry-point group, resolved on use.

The registry holds ``"module:Class"`` strings, so optimizers that run others by name (``BlockSearch``'s
``inner``) ask it without importing the package that lists them.
"""

from __future__ import annotations

from typing import Any

from quark._registry import Registry, RegistryView, inherits

__all__ = ["OPTIMIZERS", "OPTIMIZER_REGISTRY", "register_optimizer", "optimizer_names", "get_optimizer",
           "is_optimizer"]

#: Every optimizer name, built-ins and plug-ins (entry-point group ``quark.optimizers``).
OPTIMIZER_REGISTRY = Registry("optimizer", "quark.optimizers")

for _name, _target in {
    "exhaustive": "quark.optimizers.exhaustive:ExhaustiveSearch",
    "random": "quark.optimizers.exhaustive:RandomSearch",
    "anneal": "quark.optimizers.annealing:AnnealingSearch",
    "grover": "quark.optimizers.grover:GroverAdaptiveSearch",
    "quark": "quark.optimizers.quark_search:QuarkSearch",
    "block": "quark.optimizers.block:BlockSearch",
    "none": "quark.optimizers.start:NoSearch",
}.items():
    OPTIMIZER_REGISTRY.register(_name, _target)

#: Optimizer classes by the string name the classifier and the command line accept (read-only, plug-ins included).
OPTIMIZERS: RegistryView = OPTIMIZER_REGISTRY.view()

_BASE = "quark.optimizers.base:Optimizer"


def register_optimizer(name: str, target: str, *, description: str = "") -> None:
    """Register an optimizer class under ``name`` (``target`` is ``"module:Class"``, imported on use).

    Installed packages register through the ``quark.optimizers`` entry-point group instead.
    """
    OPTIMIZER_REGISTRY.register(name, target, description=description)


def optimizer_names() -> list[str]:
    """Registered optimizer names, plug-ins included.

    Examples
    --------
    >>> "grover" in optimizer_names()
    True
    """
    return OPTIMIZER_REGISTRY.names()


def is_optimizer(obj: Any) -> bool:
    """Whether ``obj`` is an :class:`~quark.optimizers.base.Optimizer` instance."""
    return inherits(obj, _BASE)


def get_optimizer(name: Any, **params: Any):
    """An optimizer from its name, with its parameters; an instance passes through.

    Examples
    --------
    >>> get_optimizer("exhaustive")
    ExhaustiveSearch(random_state=None, verbose=False, callback=None)
    """
    if is_optimizer(name):
        if params:
            raise TypeError("parameters apply only when the optimizer is given by name; use set_params on an instance")
        return name
    if not isinstance(name, str) or name not in OPTIMIZER_REGISTRY.names():
        raise ValueError(f"unknown optimizer {name!r}; expected one of {OPTIMIZER_REGISTRY.names()}")
    cls = OPTIMIZER_REGISTRY.get(name)
    if not (isinstance(cls, type) and any(f"{c.__module__}:{c.__qualname__}" == _BASE for c in cls.__mro__)):
        raise TypeError(f"optimizer {name!r} is registered as {OPTIMIZER_REGISTRY.target(name)}, which is not an "
                        "Optimizer subclass")
    return cls(**params)
