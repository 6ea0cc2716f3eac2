"""Bit-level kernels (numba) for the hot loops of loss tables.

Boolean "OR-form" models — the paper's perceptron and line detectors — fire when a weight bit
enabled by the sample is set: ``out = ((k & mask_i) != 0) XOR polarity(k)``. Counting correct samples
for a weight index ``k`` is then a few integer operations per sample, with no bit decoding and no
floating point: about 10x the throughput of the generic matmul path.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["or_form_counts"]


@njit(parallel=True, cache=True, nogil=True)
def _counts(indices, masks, labels, weights, pol_bit, out):  # pragma: no cover - compiled
    for t in prange(indices.size):
        k = indices[t]
        p = (k >> pol_bit) & 1 if pol_bit >= 0 else 0
        c = 0
        for i in range(masks.size):
            fire = 1 if (k & masks[i]) != 0 else 0
            if (fire ^ p) == labels[i]:
                c += weights[i]
        out[t] = c


def or_form_counts(indices: np.ndarray, masks: np.ndarray, labels: np.ndarray, pol_bit: int) -> np.ndarray:
    """Correct-sample counts for weight indices of an OR-form model.

    Samples with equal (mask, label) are merged first, so the inner loop runs over distinct
    patterns only.
    """
    keys = np.stack([masks.astype(np.int64), labels.astype(np.int64)], axis=1)
    uniq, counts = np.unique(keys, axis=0, return_counts=True)
    out = np.empty(indices.size, dtype=np.int64)
    _counts(
        np.ascontiguousarray(indices, dtype=np.int64),
        np.ascontiguousarray(uniq[:, 0]),
        np.ascontiguousarray(uniq[:, 1]),
        counts.astype(np.int64),
        np.int64(pol_bit),
        out,
    )
    return out
