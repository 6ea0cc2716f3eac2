"""Full tables over bit strings: the memory guard and the chunked fill every table shares."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from quark._memory import check_fits
from quark.encoding.bits import MAX_INDEX_QUBITS

__all__ = ["check_table_fits", "fill_table", "chunked", "check_float_dtype", "TABLE_CHUNK"]

#: Settings per chunk of a table fill when the evaluator does not say otherwise.
TABLE_CHUNK = 1 << 16


def check_float_dtype(dtype) -> np.dtype:
    """A floating dtype for a table of losses (integer dtypes would truncate them)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"'dtype' must be a NumPy floating dtype; got {dtype!r}") from None
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"'dtype' must be a floating dtype (losses are real numbers; an integer type truncates them); got {dt}")
    return dt


def check_table_fits(n_qubits: int, itemsize: int, what: str, max_memory: float | None = None, *, scratch: int = 0) -> None:
    """Refuse a table of ``2**n_qubits`` entries that would not fit (or has no int64 index)."""
    if n_qubits > MAX_INDEX_QUBITS:
        raise ValueError(
            f"{what} would have 2**{n_qubits} entries: past {MAX_INDEX_QUBITS} qubits a table has no int64 index "
            "(search such problems block-wise, or with annealing)"
        )
    check_fits(float(1 << n_qubits) * itemsize + scratch, what, max_memory)


def fill_table(fn: Callable[[np.ndarray], np.ndarray], n_qubits: int, dtype, step: int = TABLE_CHUNK,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
    """``out[k] = fn(k)`` for every index ``k < 2**n_qubits``, ``step`` indices at a time.

    ``progress`` (optional) is called with the number of entries filled by each chunk.
    """
    size = 1 << n_qubits
    out = np.empty(size, dtype=dtype)
    for start in range(0, size, step):
        stop = min(size, start + step)
        out[start:stop] = fn(np.arange(start, stop, dtype=np.int64))
        if progress is not None:
            progress(stop - start)
    return out


def chunked(items: np.ndarray, fn: Callable[[np.ndarray], np.ndarray], dtype, step: int) -> np.ndarray:
    """``fn`` applied to ``items`` (along the first axis) ``step`` rows at a time, concatenated."""
    out = np.empty(items.shape[0], dtype=dtype)
    for start in range(0, items.shape[0], step):
        out[start : start + step] = fn(items[start : start + step])
    return out
