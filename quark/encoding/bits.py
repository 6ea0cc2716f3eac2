"""Bit strings and integer indices, with one documented order.

Quark's bit order: bit *i* of a bit string is variable *i* of every export (dimod, qiskit), and the
integer index ``k`` of a bit string holds bit *i* = ``(k >> i) & 1`` (little-endian, as Qiskit
numbers qubits).
"""

from __future__ import annotations

import numpy as np

from quark._validation import as_array

__all__ = ["index_to_bits", "bits_to_index", "as_bit_array", "MAX_INDEX_QUBITS"]

#: Indices are held in ``int64``; one bit is kept free so that ``2**n`` itself fits.
MAX_INDEX_QUBITS = 62


def index_to_bits(index: int | np.ndarray, n_bits: int) -> np.ndarray:
    """Bit strings of integer indices.

    Parameters
    ----------
    index : int or array of int
        Indices in ``[0, 2**n_bits)``.
    n_bits : int
        Length of each bit string.

    Returns
    -------
    numpy.ndarray of uint8, shape ``index.shape + (n_bits,)``
        ``bits[..., i] == (index >> i) & 1``.

    Examples
    --------
    >>> index_to_bits(6, 4).tolist()
    [0, 1, 1, 0]
    >>> index_to_bits([1, 2], 2).tolist()
    [[1, 0], [0, 1]]
    """
    if not 0 <= n_bits <= MAX_INDEX_QUBITS:
        raise ValueError(f"'n_bits' must be in [0, {MAX_INDEX_QUBITS}]; got {n_bits}")
    idx = np.asarray(index, dtype=np.int64)
    shifts = np.arange(n_bits, dtype=np.int64)
    return ((idx[..., None] >> shifts) & 1).astype(np.uint8)


def bits_to_index(bits: np.ndarray) -> np.ndarray | int:
    """Integer indices of bit strings (inverse of :func:`index_to_bits`).

    Examples
    --------
    >>> int(bits_to_index([0, 1, 1, 0]))
    6
    """
    b = as_bit_array(bits)
    n = b.shape[-1]
    if n > MAX_INDEX_QUBITS:
        raise ValueError(f"bit strings longer than {MAX_INDEX_QUBITS} have no int64 index; got {n}")
    weights = np.left_shift(np.int64(1), np.arange(n, dtype=np.int64))
    out = b.astype(np.int64) @ weights
    return out


def _only_zeros_and_ones(arr: np.ndarray) -> bool:
    """Whether every entry is 0 or 1 (a reduction or two: this runs on every measured batch)."""
    if arr.dtype.kind in "ub":
        return bool(arr.max() <= 1)
    if arr.dtype.kind == "i":
        return bool(arr.min() >= 0 and arr.max() <= 1)
    return bool(((arr == 0) | (arr == 1)).all())


def as_bit_array(bits, n_bits: int | None = None, name: str = "bits") -> np.ndarray:
    """Validate and convert bit strings to a ``uint8`` array of 0s and 1s.

    Raises
    ------
    ValueError
        If an entry is not 0 or 1, or the last axis is not ``n_bits`` long.
    """
    arr = as_array(bits, name)
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if arr.ndim == 0:
        raise ValueError(f"'{name}' must be a bit string or an array of bit strings; got a scalar")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.size == 0):
        raise TypeError(f"'{name}' must hold the numbers 0 and 1; got dtype {arr.dtype}")
    if arr.size and not _only_zeros_and_ones(arr):
        raise ValueError(f"'{name}' must hold only 0 and 1")
    if n_bits is not None and arr.shape[-1] != n_bits:
        raise ValueError(f"'{name}' must have {n_bits} bits per string; got {arr.shape[-1]}")
    return arr.astype(np.uint8, copy=False)
