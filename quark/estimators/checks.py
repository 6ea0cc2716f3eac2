"""The classifier's hyper-parameters: one table of checks, each naming the parameter it rejects."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from quark._validation import check_bool, check_choice, check_int, check_mapping, check_number, check_random_state
from quark.encoding.landscape import LOSSES
from quark.models import MODELS, QuantizedModel
from quark.estimators.binary import STARTS
from quark.estimators.schemes import SCHEMES
from quark.optimizers import OPTIMIZERS, Optimizer

__all__ = ["PARAMETER_CONSTRAINTS"]


def _one_of(options: Callable[[], Any], allow_object: type | None = None, extra: tuple = ()) -> Callable:
    def check(name: str, value: Any) -> None:
        if allow_object is not None and isinstance(value, allow_object):
            return
        allowed = sorted(options()) + list(extra)
        if not isinstance(value, str) or value not in allowed:
            also = f" or an instance of {allow_object.__name__}" if allow_object is not None else ""
            raise ValueError(f"'{name}' must be one of {allowed}{also}; got {value!r}")

    return check


def _auto_or_bool(name: str, value: Any) -> None:
    if not (value == "auto" if isinstance(value, str) else isinstance(value, (bool, np.bool_))):
        raise ValueError(f"'{name}' must be 'auto', True or False; got {value!r}")


def _scale(name: str, value: Any) -> None:
    if not (value in ("auto", "range") if isinstance(value, str) else isinstance(value, (bool, np.bool_))):
        raise ValueError(f"'{name}' must be 'auto', True, False or 'range'; got {value!r}")


def _backend(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str) and not hasattr(value, "sample_threshold") and not hasattr(
        value, "sample"
    ):
        raise TypeError(f"'{name}' must be a backend name (see quark.backends.available_backends()), a backend or None; "
                        f"got {type(value).__name__}")


def _class_weight(name: str, value: Any) -> None:
    if value is None or (isinstance(value, str) and value == "balanced"):
        return
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' must be None, 'balanced' or a dict {{class: weight}}; got {value!r}")
    for label, weight in value.items():
        check_number(weight, f"{name}[{label!r}]", minimum=0.0)


def _alpha(name: str, value: Any) -> None:
    if not (isinstance(value, str) and value == "auto"):
        check_number(value, name, minimum=0.0)


def _n_jobs(name: str, value: Any) -> None:
    if value is not None:
        check_int(value, name, minimum=None)
        if value == 0:
            raise ValueError(f"'{name}' must be None, a positive integer or -1 (all cores); got 0")


#: Every hyper-parameter, the check that validates it at ``fit`` (messages name the parameter).
PARAMETER_CONSTRAINTS: dict[str, Callable[[str, Any], Any]] = {
    "model": _one_of(lambda: MODELS, QuantizedModel, extra=("auto",)),
    "weight_bits": lambda n, v: check_int(v, n, allow_none=True),
    "loss": _one_of(lambda: LOSSES, extra=("auto",)),
    "optimizer": _one_of(lambda: OPTIMIZERS, Optimizer),
    "backend": _backend,
    "shots": lambda n, v: check_int(v, n, allow_none=True),
    "max_queries": lambda n, v: check_int(v, n, allow_none=True),
    "copies": lambda n, v: check_int(v, n),
    "max_qubits": lambda n, v: check_int(v, n, allow_none=True),
    "multi_class": lambda n, v: check_choice(v, n, SCHEMES),
    "scale": _scale,
    "binarize": _auto_or_bool,
    "alpha": _alpha,
    "start": lambda n, v: check_choice(v, n, STARTS),
    "class_weight": _class_weight,
    "n_jobs": _n_jobs,
    "model_options": lambda n, v: check_mapping(v, n),
    "optimizer_options": lambda n, v: check_mapping(v, n),
    "random_state": lambda n, v: check_random_state(v, n),
    "verbose": lambda n, v: check_bool(v, n),
}
