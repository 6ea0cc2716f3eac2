"""One validation layer: every public entry point checks its arguments with these.

Each check returns the value in canonical form (a Python ``int``, ``float``, ``bool``) or raises
a built-in error whose message names the argument and says what it must be::

    'shots' must be a positive integer; got 0

Booleans are never accepted as numbers, floats never as integers (``1.7`` is not silently ``1``),
strings never as booleans (``"no"`` is not ``True``), and numbers must be finite unless asked.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "check_int",
    "check_number",
    "check_bool",
    "check_choice",
    "check_mapping",
    "check_random_state",
    "check_rng",
    "check_indices",
    "check_finite_array",
    "check_array",
    "check_path",
    "check_names",
    "as_array",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, *, minimum: int | None = 1, maximum: int | None = None,
              allow_none: bool = False) -> int | None:
    """An integer in ``[minimum, maximum]`` (``None`` when ``allow_none``).

    Examples
    --------
    >>> check_int(3, "shots")
    3
    >>> check_int(0, "shots")
    Traceback (most recent call last):
        ...
    ValueError: 'shots' must be a positive integer; got 0
    """
    if value is None and allow_none:
        return None
    if not _is_int(value) or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if minimum == 1 and maximum is None:
            kind = "a positive integer"
        elif minimum == 0 and maximum is None:
            kind = "a non-negative integer"
        elif maximum is None:
            kind = f"an integer >= {minimum}"
        elif minimum is None:
            kind = f"an integer <= {maximum}"
        else:
            kind = f"an integer in [{minimum}, {maximum}]"
        raise (TypeError if isinstance(value, str) else ValueError)(
            f"'{name}' must be {kind}{' or None' if allow_none else ''}; got {value!r}"
        )
    return int(value)


def check_number(value: Any, name: str, *, above: float | None = None, minimum: float | None = None,
                 maximum: float | None = None, below: float | None = None, allow_none: bool = False,
                 allow_inf: bool = False) -> float | None:
    """A real number (finite unless ``allow_inf``), optionally ``> above``, ``< below`` and in ``[minimum, maximum]``.

    Examples
    --------
    >>> check_number(0.5, "growth", above=1.0)
    Traceback (most recent call last):
        ...
    ValueError: 'growth' must be a finite number greater than 1; got 0.5
    """
    if value is None and allow_none:
        return None
    ok = isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if ok:
        v = float(value)
        ok = not math.isnan(v) and (allow_inf or math.isfinite(v))
        ok = ok and (above is None or v > above) and (minimum is None or v >= minimum)
        ok = ok and (maximum is None or v <= maximum) and (below is None or v < below)
    if not ok:
        parts = []
        if above is not None:
            parts.append(f"greater than {above:g}")
        if minimum is not None:
            parts.append(f">= {minimum:g}")
        if maximum is not None:
            parts.append(f"<= {maximum:g}")
        if below is not None:
            parts.append(f"less than {below:g}")
        kind = "a number" if allow_inf else "a finite number"
        if parts:
            kind += " " + " and ".join(parts)
        raise (TypeError if isinstance(value, str) else ValueError)(
            f"'{name}' must be {kind}{' or None' if allow_none else ''}; got {value!r}"
        )
    return float(value)


def check_bool(value: Any, name: str) -> bool:
    """A boolean (``True``/``False``, NumPy's too); ``"no"``, ``0`` or ``None`` are errors.

    Examples
    --------
    >>> check_bool("no", "bias")
    Traceback (most recent call last):
        ...
    TypeError: 'bias' must be True or False; got 'no'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"'{name}' must be True or False; got {value!r}")
    return bool(value)


def check_choice(value: Any, name: str, choices: Collection | Callable[[], Collection]) -> Any:
    """One of ``choices`` (a collection, or a function returning one, e.g. a registry's names)."""
    options = choices() if callable(choices) else choices
    if not isinstance(value, str) or value not in options:
        listed = sorted(options) if not isinstance(options, (tuple, list)) else list(options)
        raise ValueError(f"'{name}' must be one of {listed}; got {value!r}")
    return value


def check_mapping(value: Any, name: str, *, allow_none: bool = True) -> dict | None:
    """A mapping with string keys (``None`` when allowed), returned as a plain ``dict`` copy."""
    if value is None and allow_none:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"'{name}' must be a dict{' or None' if allow_none else ''}; got {type(value).__name__}")
    bad = [k for k in value if not isinstance(k, str)]
    if bad:
        raise TypeError(f"'{name}' must have string keys (option names); got {bad[0]!r}")
    return dict(value)


def check_random_state(value: Any, name: str = "random_state") -> Any:
    """``None``, a non-negative int, a NumPy ``Generator`` or ``RandomState``."""
    if value is None or isinstance(value, (np.random.Generator, np.random.RandomState)):
        return value
    if not _is_int(value) or value < 0:
        raise (TypeError if not _is_int(value) else ValueError)(
            f"'{name}' must be None, a non-negative int or a numpy Generator; got {value!r}"
        )
    return value


def check_rng(rng: Any) -> np.random.Generator:
    """A NumPy ``Generator`` (what optimizers hand to backends)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"'rng' must be a numpy Generator (see quark._random.as_generator); got {type(rng).__name__}")
    return rng


def check_indices(indices: Any, n_qubits: int, name: str = "indices") -> np.ndarray:
    """Integer indices of ``n_qubits``-bit strings as a 1-D ``int64`` array (floats are errors).

    A single index or a 1-D sequence of them; anything nested deeper is an error (a flattened batch
    would lose its shape).

    Examples
    --------
    >>> check_indices([1.7], 2)
    Traceback (most recent call last):
        ...
    TypeError: 'indices' must hold integers; got dtype float64
    """
    arr = as_array(indices, name)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise TypeError(f"'{name}' must hold integers; got dtype {arr.dtype}")
    if arr.ndim > 1:
        raise ValueError(f"'{name}' must be one index or a 1-D sequence of them; got shape {arr.shape}")
    if arr.size and (arr.min() < 0 or int(arr.max()) >= (1 << n_qubits)):
        raise ValueError(f"'{name}' must lie in [0, 2**{n_qubits}); got values in [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64, copy=False).reshape(-1)


def as_array(value: Any, name: str) -> np.ndarray:
    """``np.asarray(value)``, with ragged nesting (NumPy's own ``ValueError``) named as ``name``'s fault."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"'{name}' must be a rectangular array (rows of equal length); {exc}") from None


def check_array(values: Any, name: str, *, ndim: int | None = None, min_size: int = 0,
                allow_nonfinite: bool = False) -> np.ndarray:
    """A ``float64`` array of real numbers (booleans count as 0/1), ``ndim``-D when given.

    Strings, complex numbers and Python objects are ``TypeError`` (never silently parsed or
    truncated); ragged nesting, a wrong number of dimensions, fewer than ``min_size`` entries, NaN and
    infinity (unless ``allow_nonfinite``) are ``ValueError``. The result is a new array when
    conversion was needed; callers that keep it should copy it.

    Examples
    --------
    >>> check_array([[0, 1], [1, 0]], "X", ndim=2).dtype
    dtype('float64')
    >>> check_array([1.0, float("nan")], "images")
    Traceback (most recent call last):
        ...
    ValueError: 'images' contains NaN or infinity
    >>> check_array(["a", "b"], "table")
    Traceback (most recent call last):
        ...
    TypeError: 'table' must hold real numbers; got dtype <U1
    """
    arr = as_array(values, name)
    real = arr.dtype == bool or (np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating))
    if not real:
        raise TypeError(f"'{name}' must hold real numbers; got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"'{name}' must be a {ndim}-D array; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"'{name}' must have at least {min_size} entries; got shape {arr.shape}")
    out = arr.astype(np.float64, copy=False)
    if not allow_nonfinite and not np.isfinite(out).all():
        raise ValueError(f"'{name}' contains NaN or infinity")
    return out


def check_finite_array(values: Any, name: str) -> np.ndarray:
    """A float64 array without NaN or infinity (:func:`check_array` of any shape)."""
    return check_array(values, name)


def check_path(value: Any, name: str = "path") -> Path:
    """A file-system path (``str`` or ``os.PathLike``) as a :class:`~pathlib.Path`."""
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"'{name}' must be a file path (str or pathlib.Path); got {type(value).__name__}")
    return Path(value)


def check_names(value: Any, name: str, *, allow_none: bool = True) -> list[str] | None:
    """A list of strings (column names), given as any sequence but never as one bare string."""
    if value is None and allow_none:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(f"'{name}' must be a list of strings{' or None' if allow_none else ''}; got {value!r}")
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise TypeError(f"'{name}' must hold strings; got {bad[0]!r}")
    return list(value)
