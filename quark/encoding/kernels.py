"""Bit-level kernels (numba) for the hot loops of loss tables.

Boolean "OR-form" models — the paper's perceptron and line detectors — fire when a weight bit
enabled by the sample is set: ``out = ((k & mask_i) != 0) XOR polarity(k)``. Counting correct samples
for a weight index ``k`` is then a few integer operations per sample, with no bit decoding and no
floating point (benchmarks/landscape.py: about 30x the generic matmul path on full tables).

Full count tables (:meth:`OrForm.count_table`) go further: indices ``k = high | mid | bottom``
share their high bits within a 65,536-setting chunk and their middle bits within a 256-setting
run, and a sample that the shared bits already fire, or that no bottom bit can fire, contributes
a constant to the whole run. Only the few samples left ("active": about 10 of 64 on the sparse
images of benchmarks/grover_largest.py) are added entry by entry, in vectorized loops over the
256 bottom values. The chunks run in parallel (numba ``prange``), write the compact table in place
(no index arrays, no float copy) and give exactly :meth:`OrForm.counts` of every index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

__all__ = ["OrForm", "chunk_histogram", "COUNT_CHUNK_BITS"]

# Below this many indices a plain NumPy broadcast beats starting numba's thread pool: a Grover
# search checks one or a few measured settings at a time.
_SMALL_BATCH = 2048

#: A count table is filled in chunks of ``2**COUNT_CHUNK_BITS`` settings sharing their high bits
#: (the exact kernel's chunk, quark.backends._loss_data.CHUNK), runs of ``2**_RUN_BITS`` inside.
COUNT_CHUNK_BITS = 16
_RUN_BITS = 8
_SLAB = 1 << 24  # settings per kernel call: the unit of progress reports


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


@njit(parallel=True, cache=True, nogil=True)
def _count_chunks(masks, labels, weights, pol_bit, chunk_bits, run_bits, first, out):  # pragma: no cover - compiled
    """``out[j]`` = correct-sample count of index ``(first << chunk_bits) + j`` (see the module docstring).

    Every contribution is a non-negative weight and a count never exceeds the total, so the
    accumulators can be ``out``'s own compact dtype.
    """
    n_run = 1 << run_bits
    bottom = n_run - 1
    n_mid = 1 << (chunk_bits - run_bits)
    n_chunks = out.size >> chunk_bits
    n_s = masks.size
    for c in prange(n_chunks):
        h = (first + c) << chunk_bits
        act1 = np.empty(n_s, np.int64)  # samples the chunk's high bits do not fire
        act2 = np.empty(n_s, np.int64)  # ... nor the run's middle bits, with bottom bits that may
        acc = np.empty(n_run, out.dtype)
        f0 = 0  # weights of the samples the high bits fire, by label
        f1 = 0
        n1 = 0
        for i in range(n_s):
            if (h & masks[i]) != 0:
                if labels[i]:
                    f1 += weights[i]
                else:
                    f0 += weights[i]
            else:
                act1[n1] = i
                n1 += 1
        for mid in range(n_mid):
            q = h | (mid << run_bits)
            g0 = f0  # fired (output 1 before the polarity), by label
            g1 = f1
            z0 = 0  # never fired in this run (output 0 before the polarity), by label
            z1 = 0
            n2 = 0
            for a in range(n1):
                i = act1[a]
                mk = masks[i]
                if (q & mk) != 0:
                    if labels[i]:
                        g1 += weights[i]
                    else:
                        g0 += weights[i]
                elif (mk & bottom) == 0:
                    if labels[i]:
                        z1 += weights[i]
                    else:
                        z0 += weights[i]
                else:
                    act2[n2] = i
                    n2 += 1
            # correct when (fired XOR polarity) == label: the constant part for polarity 0 and 1
            k0 = out.dtype.type(g1 + z0)
            k1 = out.dtype.type(g0 + z1)
            if 0 <= pol_bit < run_bits:  # the polarity varies within the run
                for b in range(n_run):
                    acc[b] = k1 if (b >> pol_bit) & 1 else k0
                for a in range(n2):
                    i = act2[a]
                    ml = masks[i] & bottom
                    w = out.dtype.type(weights[i])
                    t = labels[i]
                    for b in range(n_run):
                        f = 1 if (b & ml) != 0 else 0
                        acc[b] += w if (f ^ ((b >> pol_bit) & 1)) == t else 0
            else:
                ph = (q >> pol_bit) & 1 if pol_bit >= 0 else 0
                kk = k1 if ph else k0
                for b in range(n_run):
                    acc[b] = kk
                for a in range(n2):
                    i = act2[a]
                    ml = masks[i] & bottom
                    w = out.dtype.type(weights[i])
                    if labels[i] ^ ph:  # correct when fired
                        for b in range(n_run):
                            acc[b] += w if (b & ml) != 0 else 0
                    else:
                        for b in range(n_run):
                            acc[b] += 0 if (b & ml) != 0 else w
            o = (c << chunk_bits) + (mid << run_bits)
            for b in range(n_run):
                out[o + b] = acc[b]


@njit(parallel=True, cache=True, nogil=True)
def _chunk_histogram(values, chunk, n_bins, hist):  # pragma: no cover - compiled
    for c in prange(hist.shape[0]):
        row = hist[c]
        for j in range(c * chunk, (c + 1) * chunk):
            v = values[j]
            row[v if v < n_bins else n_bins] += 1  # the last column: out of range


def chunk_histogram(values: np.ndarray, chunk: int, n_bins: int) -> np.ndarray:
    """``hist[c, v]``: how many of ``values[c*chunk : (c+1)*chunk]`` equal ``v`` (``int64``, parallel).

    ``values`` is a 1-D unsigned integer array whose length is a multiple of ``chunk`` and whose
    entries are below ``n_bins`` (a count table and ``m + 1``).
    """
    values = np.ascontiguousarray(values)
    if values.ndim != 1 or values.size % chunk or values.dtype.kind != "u":
        raise ValueError(f"chunk_histogram needs a 1-D unsigned array with a multiple of {chunk} entries")
    hist = np.zeros((values.size // chunk, n_bins + 1), dtype=np.int64)
    _chunk_histogram(values, np.int64(chunk), np.int64(n_bins), hist)
    if hist[:, n_bins].any():
        raise ValueError(f"a value is not below n_bins={n_bins}")
    return np.ascontiguousarray(hist[:, :n_bins])


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

    def count_table(self, n_qubits: int, dtype, progress=None) -> np.ndarray:
        """Correct-sample counts of every index ``k < 2**n_qubits`` in the unsigned ``dtype``.

        Equal to ``counts(np.arange(2**n_qubits))`` without its index array; the chunks are filled
        in parallel, ``progress`` (optional) is called with the settings of every ``2**24``-setting
        slab. ``dtype`` must hold the total weight.
        """
        dt = np.dtype(dtype)
        if dt.kind != "u" or int(self.weights.sum()) > np.iinfo(dt).max:
            raise ValueError(f"a count table of total {int(self.weights.sum())} needs an unsigned dtype holding it; got {dt}")
        size = 1 << n_qubits
        chunk_bits = min(COUNT_CHUNK_BITS, n_qubits)
        run_bits = min(_RUN_BITS, chunk_bits)
        out = np.empty(size, dtype=dt)
        slab = max(_SLAB, 1 << chunk_bits)
        labels = np.ascontiguousarray(self.labels, dtype=np.int64)
        for start in range(0, size, slab):
            stop = min(size, start + slab)
            _count_chunks(self.masks, labels, self.weights, np.int64(self.pol_bit), np.int64(chunk_bits),
                          np.int64(run_bits), np.int64(start >> chunk_bits), out[start:stop])
            if progress is not None:
                progress(stop - start)
        return out


@njit(cache=True, nogil=True)
def _quadratic_table(const, lin, Q, out):  # pragma: no cover - compiled
    b = lin.shape[0]
    out[0] = const
    cross = np.empty(max(1, 1 << max(b - 1, 0)))
    for j in range(b):
        h = 1 << j
        step = lin[j] + Q[j, j]
        cross[0] = 0.0
        out[h] = out[0] + step
        # cross[x] = cross[x less its lowest set bit i] + 2 Q[i, j], filled by i from the top down: each x
        # reads an entry whose lowest set bit lies above i (or 0), already filled; no search for the bit
        for i in range(j - 1, -1, -1):
            q = 2.0 * Q[i, j]
            lo = 1 << i
            for x in range(lo, h, 2 * lo):
                cross[x] = cross[x - lo] + q
        src, dst = out[:h], out[h : 2 * h]  # two views: the compiler sees no overlap and vectorizes
        for x in range(1, h):
            dst[x] = src[x] + step + cross[x]


def quadratic_table(const: float, lin: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """All ``2**b`` values of ``const + lin.x + x^T Q x`` (``Q`` symmetric) over bit strings ``x``,
    index ``k`` holding bit ``i`` of ``k`` as ``x_i``: by doubling, ``O(2**b)`` additions.

    ``f(x + e_j) - f(x) = lin_j + Q_jj + 2 sum_{i<j} Q_ij x_i`` for ``x`` below ``2**j``, and the cross
    sum itself grows one set bit at a time.

    Examples
    --------
    >>> Q = np.array([[1.0, 0.5], [0.5, 2.0]])
    >>> quadratic_table(0.0, np.array([1.0, -1.0]), Q).tolist()      # x = 00, 10, 01, 11 (bit 0 first)
    [0.0, 2.0, 1.0, 4.0]
    """
    lin = np.ascontiguousarray(lin, dtype=np.float64)
    Q = np.ascontiguousarray(Q, dtype=np.float64)
    out = np.empty(1 << lin.shape[0], dtype=np.float64)
    _quadratic_table(float(const), lin, Q, out)
    return out
