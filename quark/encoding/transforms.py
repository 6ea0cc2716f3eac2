"""Fast transforms of functions on bit strings: Möbius (subset sums) and Walsh–Hadamard.

Both run in ``O(n 2**n)`` with one vectorized NumPy pass per bit, never ``O(4**n)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["mobius_transform", "walsh_hadamard_transform"]


def _pairs(a: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of the entries whose bit ``i`` is 0 and 1 (C order: bit i is the middle axis)."""
    v = a.reshape(-1, 2, 1 << i)
    return v[:, 0, :], v[:, 1, :]


def mobius_transform(table: np.ndarray) -> np.ndarray:
    """Coefficients ``c`` of the multilinear polynomial ``f(b) = sum_{S subset of b} c[S]``.

    ``c[S]`` (``S`` an index whose set bits are the variables of the monomial) is the coefficient
    of ``prod_{i in S} b_i``.

    Examples
    --------
    >>> mobius_transform(np.array([0.0, 1.0, 2.0, 5.0])).tolist()   # f = b0 + 2 b1 + 2 b0 b1
    [0.0, 1.0, 2.0, 2.0]
    """
    a = np.array(table, dtype=np.float64, copy=True)
    n = _n_bits(a)
    for i in range(n):
        lo, hi = _pairs(a, i)
        hi -= lo
    return a


def walsh_hadamard_transform(table: np.ndarray) -> np.ndarray:
    """Coefficients ``c`` of ``f(b) = sum_S c[S] prod_{i in S} z_i`` with ``z_i = (-1)**b_i``.

    ``z_i`` is the eigenvalue of Pauli ``Z`` on qubit ``i`` in state ``|b_i>``.

    Examples
    --------
    >>> walsh_hadamard_transform(np.array([0.0, 1.0])).tolist()      # b0 = (1 - z0) / 2
    [0.5, -0.5]
    """
    a = np.array(table, dtype=np.float64, copy=True)
    n = _n_bits(a)
    for i in range(n):
        lo, hi = _pairs(a, i)
        s = lo + hi
        hi[...] = lo - hi
        lo[...] = s
    return a / a.size


def _n_bits(a: np.ndarray) -> int:
    if a.ndim != 1 or a.size == 0 or a.size & (a.size - 1):
        raise ValueError(f"a table over bit strings must be 1-D with a power-of-two length; got shape {a.shape}")
    return a.size.bit_length() - 1
