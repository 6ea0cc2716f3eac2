"""Bit-level kernels (numba) for the hot loops of loss tables.

Boolean "OR-form" models — the paper's perceptron and line detectors — fire when a weight bit
enabled by the sample is set: ``out = ((k & mask_i) != 0) XOR polarity(k)``. Counting correct samples
for a weight index ``k`` is then a few integer operations per sample, with no bit decoding and no
floating point (benchmarks/landscape.py: about 30x the generic matmul path on full tables).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

__all__ = ["OrForm"]

# Below this many indices a plain NumPy broadcast beats starting numba's thread pool: a Grover
# search checks one or a few measured settings at a time.
_SMALL_BATCH = 2048


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


@dataclass(frozen=True)
class OrForm:
    """An OR-form model on fixed data, with equal (mask, label) samples merged once.

    ``masks[i]`` holds the weight bits that pattern ``i`` enables, ``labels[i]`` its label and
    ``weights[i]`` how many training samples share both; ``pol_bit`` is the polarity weight (-1: none).
    """

    masks: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    pol_bit: int

    @classmethod
    def from_samples(cls, masks: np.ndarray, labels: np.ndarray, pol_bit: int,
                     sample_weight: np.ndarray | None = None) -> "OrForm":
        """Merge equal (mask, label) samples; integer ``sample_weight`` counts a sample that many times."""
        keys = np.stack([np.asarray(masks, dtype=np.int64), np.asarray(labels, dtype=np.int64)], axis=1)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.int64)
        counts = np.bincount(inverse, weights=w, minlength=uniq.shape[0])
        return cls(
            np.ascontiguousarray(uniq[:, 0]),
            np.ascontiguousarray(uniq[:, 1]),
            np.rint(counts).astype(np.int64),
            int(pol_bit),
        )

    def counts(self, indices: np.ndarray) -> np.ndarray:
        """Correctly classified training samples of each weight index (``int64``)."""
        idx = np.ascontiguousarray(indices, dtype=np.int64)
        if idx.size <= _SMALL_BATCH:
            fire = (idx[:, None] & self.masks[None, :]) != 0
            if self.pol_bit >= 0:
                fire ^= ((idx >> self.pol_bit) & 1).astype(bool)[:, None]
            return (fire == self.labels.astype(bool)[None, :]) @ self.weights
        out = np.empty(idx.size, dtype=np.int64)
        _counts(idx, self.masks, self.labels, self.weights, np.int64(self.pol_bit), out)
        return out
