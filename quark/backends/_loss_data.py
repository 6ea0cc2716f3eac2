"""One problem's loss data for the exact kernel, computed once: a compact count table or a loss table.

A threshold becomes a *key*; for each key the data keeps how many settings of every chunk are
marked, so that the marked count ``M`` and "the j-th marked setting" — all the closed form needs —
cost one pass over the table per new threshold (and nothing for a count table whose per-chunk
histogram fits in memory: that histogram is built once, in parallel, right after the table).

Memory: the table itself (1 byte per setting for a 0-1 loss on fewer than 256 samples: 4 GiB at
32 weight qubits) plus the histogram (chunks x (m + 1) int64: 34 MB at 32 qubits, m = 64); no
step makes an index array or a float copy of the whole table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["LossData", "p_marked", "grover_rounds", "inverse_cdf", "sample_squared_amplitudes", "CHUNK", "BLOCK"]

CHUNK = 1 << 16  # settings per chunk: the unit in which marked members are located
BLOCK = 1 << 22  # settings per pass over the table: bounds temporary memory
_HIST_LIMIT = 1 << 24  # largest per-chunk histogram of counts (chunks x (m + 1)) kept in memory
_THRESHOLDS_KEPT = 8  # per-chunk marked counts kept for this many recent thresholds


def p_marked(n_marked: float, n_total: float, iterations: int) -> float:
    """``sin^2((2r + 1) theta)`` with ``sin^2 theta = n_marked / n_total`` (exact at the ends)."""
    if n_marked <= 0:
        return 0.0
    if n_marked >= n_total:
        return 1.0
    theta = math.asin(math.sqrt(n_marked / n_total))
    return math.sin((2 * iterations + 1) * theta) ** 2


def grover_rounds(amps: np.ndarray, mask: np.ndarray, iterations: int) -> np.ndarray:
    """Apply ``iterations`` rounds in place: sign flip of ``mask``, then ``a -> 2 * mean - a``."""
    n = amps.size
    for _ in range(iterations):
        np.negative(amps, out=amps, where=mask)
        mean = float(amps.sum(dtype=np.float64)) / n
        np.subtract(2.0 * mean, amps, out=amps)
    return amps


def inverse_cdf(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices ``k`` with ``cumsum(weights)[k-1] <= u < cumsum(weights)[k]`` (u in [0, total))."""
    cdf = np.cumsum(weights, dtype=np.float64)
    return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), weights.size - 1)


def sample_squared_amplitudes(amps: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Measure ``shots`` times: draw indices with probability ``amps**2`` (chunked inverse CDF)."""
    n = amps.size
    chunk = min(CHUNK, n)
    n_chunks = n // chunk
    if n_chunks == 1:
        return inverse_cdf(amps.astype(np.float64) ** 2, rng.random(shots)).astype(np.int64)
    mass = np.empty(n_chunks, dtype=np.float64)
    rows = BLOCK // chunk
    for r0 in range(0, n_chunks, rows):
        blk = amps[r0 * chunk : (r0 + rows) * chunk].reshape(-1, chunk).astype(np.float64)
        mass[r0 : r0 + blk.shape[0]] = np.einsum("ij,ij->i", blk, blk)
    cum = np.cumsum(mass)
    u = rng.random(shots) * cum[-1]
    cid = np.minimum(np.searchsorted(cum, u, side="right"), n_chunks - 1)
    out = np.empty(shots, dtype=np.int64)
    order = np.argsort(cid, kind="stable")
    ids, starts = np.unique(cid[order], return_index=True)
    for c, s, e in zip(ids, starts, np.append(starts[1:], shots)):
        sel = order[s:e]
        a = amps[c * chunk : (c + 1) * chunk].astype(np.float64)
        local = u[sel] - (cum[c] - mass[c])
        pos = np.searchsorted(np.cumsum(a * a), local, side="right")
        out[sel] = c * chunk + np.minimum(pos, chunk - 1)
    return out


class LossData:
    """One problem's loss data, computed once: a count table (0-1 losses) or a float64 table.

    A threshold becomes a *key*: for a count table, the least count that is marked
    (``loss = (m - count) / m < threshold``); for a loss table, the threshold itself. For each key
    it keeps how many settings of every chunk are marked, so that the marked count ``M`` and
    "the j-th marked setting" cost a pass over the table once per new threshold (and nothing at
    all for a count table whose per-chunk histogram fits in memory).

    ``defer=True`` (the kernel's default): a one-chunk loss table whose problem can stand in for it
    (``defer_table()``: a squared-loss block, :mod:`quark.encoding.ellipsoid`) is not built; the problem
    enumerates each threshold's marked settings, and the table is built the first time that gives way
    or something needs it whole (a mask, the explicit statevector). The same positions either way.
    """

    def __init__(self, problem, max_memory: float | None, progress=None, *, defer: bool = False) -> None:
        self.n_qubits = problem.n_qubits
        self.size = 1 << self.n_qubits
        self.chunk = min(CHUNK, self.size)
        self.n_chunks = self.size // self.chunk
        self.hist: np.ndarray | None = None
        self._per_chunk: dict[Any, np.ndarray] = {}
        self._positions: tuple | None = None
        self.counts: np.ndarray | None = None
        self.losses: np.ndarray | None = None
        # a one-chunk loss table whose problem finds the settings below a threshold itself (a squared-loss
        # block: quark.encoding.ellipsoid) is built only when something needs it whole
        self._deferred = None
        self._max_memory = max_memory
        if problem.has_counts:
            self.counts = problem.count_table(max_memory=max_memory, progress=progress)
            self.m = int(problem.count_total if problem.count_total is not None else problem.n_samples)
            if self.n_chunks * (self.m + 1) <= _HIST_LIMIT:
                self.hist = self._histogram()
            # the loss of each count, exactly as the problem evaluates it
            self.count_loss = np.asarray(problem.loss_of_counts(np.arange(self.m + 1)), dtype=np.float64)
        elif defer and self.n_chunks == 1 and callable(getattr(problem, "defer_table", None)) and problem.defer_table():
            self._deferred = problem
        else:
            self.losses = np.ascontiguousarray(problem.table(np.float64, max_memory=max_memory, progress=progress))

    def _table(self) -> np.ndarray:
        """The loss table, built now if it was deferred."""
        if self.losses is None:
            self.losses = np.ascontiguousarray(self._deferred.table(np.float64, max_memory=self._max_memory))
        return self.losses

    def _values(self, idx: np.ndarray) -> np.ndarray:
        """The loss table's values at ``idx``: read, or computed per setting while the table is deferred."""
        return self.losses[idx] if self.losses is not None else self._deferred.table_values(idx)

    @property
    def nbytes(self) -> int:
        data = self.counts if self.counts is not None else self.losses
        return (0 if data is None else int(data.nbytes)) + (0 if self.hist is None else int(self.hist.nbytes))

    def _histogram(self) -> np.ndarray:
        m1 = self.m + 1
        if self.counts.dtype.kind == "u":  # one parallel pass, no int64 copy of the table
            from quark.encoding.kernels import chunk_histogram

            return chunk_histogram(self.counts, self.chunk, m1)
        hist = np.zeros(self.n_chunks * m1, dtype=np.int64)
        rows = max(1, BLOCK // self.chunk)
        for r0 in range(0, self.n_chunks, rows):
            blk = self.counts[r0 * self.chunk : (r0 + rows) * self.chunk].reshape(-1, self.chunk)
            keys = blk.astype(np.int64) + (np.arange(blk.shape[0], dtype=np.int64) * m1)[:, None]
            hist[r0 * m1 : (r0 + blk.shape[0]) * m1] = np.bincount(keys.ravel(), minlength=blk.shape[0] * m1)
        return hist.reshape(self.n_chunks, m1)

    def key(self, threshold: float):
        if self.counts is not None:  # marked: counts whose loss is below (loss falls as count rises)
            marked = np.flatnonzero(self.count_loss < threshold)
            return int(marked[0]) if marked.size else self.m + 1
        return float(threshold)

    def mask(self, key, start: int, stop: int) -> np.ndarray:
        if self.counts is not None:
            return self.counts[start:stop] >= key
        return self._table()[start:stop] < key

    def _small(self, key) -> tuple:
        """One-chunk tables: the marked and unmarked positions of the latest threshold, found in one pass.

        A search's thresholds only fall, and the settings below a lower threshold are among those below a
        higher one: after the first, a threshold's marked positions are read off the previous ones (the same
        positions, in the same order, from ``M`` settings instead of ``N``). A loss table's first threshold
        at or below its least loss marks nothing: no pass at all. A deferred table's problem enumerates
        them (the same positions, in the same order), the table built only where that gives way.
        """
        cached = self._positions
        if cached is None or cached[0] != key:
            if cached is not None and self._narrower(key, cached[0]):
                on = cached[1]
                marked = on[self._values(on) < key] if self.counts is None else on[self.counts[on] >= key]
            elif self.losses is None and self._deferred is not None \
                    and (found := self._deferred.settings_below(key)) is not None:
                marked = found
            elif self.counts is None and key <= self._least():
                marked = np.flatnonzero(np.zeros(0, dtype=bool))  # (the empty index array a pass would give)
            else:
                marked = np.flatnonzero(self.mask(key, 0, self.size))
            cached = self._positions = (key, marked, None, np.array([marked.size]))
        return cached

    def _narrower(self, key, previous) -> bool:
        """Whether ``key`` marks a subset of what ``previous`` marked (a threshold at or below the previous)."""
        return key <= previous if self.counts is None else key >= previous

    def _least(self) -> float:
        """A loss table's least loss (NaN when any is NaN: then no key is taken as marking nothing)."""
        least = self.__dict__.get("_least_loss")
        if least is None:
            least = self._least_loss = float(self._table().min())
        return least

    def marked_per_chunk(self, key) -> np.ndarray:
        if self.n_chunks == 1:
            return self._small(key)[3]
        got = self._per_chunk.get(key)
        if got is not None:
            return got
        if self.hist is not None:
            got = self.hist[:, min(key, self.m + 1) :].sum(axis=1)
        else:
            got = np.empty(self.n_chunks, dtype=np.int64)
            rows = max(1, BLOCK // self.chunk)
            for r0 in range(0, self.n_chunks, rows):
                stop = min(self.size, (r0 + rows) * self.chunk)
                got[r0 : r0 + (stop - r0 * self.chunk) // self.chunk] = (
                    self.mask(key, r0 * self.chunk, stop).reshape(-1, self.chunk).sum(axis=1)
                )
        if len(self._per_chunk) >= _THRESHOLDS_KEPT:
            self._per_chunk.pop(next(iter(self._per_chunk)))
        self._per_chunk[key] = got
        return got

    def n_marked(self, key) -> int:
        if self.n_chunks == 1:
            return int(self._small(key)[1].size)
        return int(self.marked_per_chunk(key).sum())

    def full_mask(self, key) -> np.ndarray:
        out = np.empty(self.size, dtype=bool)
        for s in range(0, self.size, BLOCK):
            out[s : s + BLOCK] = self.mask(key, s, min(self.size, s + BLOCK))
        return out

    def members(self, key, ranks: np.ndarray, marked: bool) -> np.ndarray:
        """The ``ranks``-th marked (or unmarked) settings, in index order."""
        if self.n_chunks == 1:  # a small table: keep the positions of the latest threshold
            key_, on, gaps, counts = self._small(key)
            if marked:
                return on[ranks]
            if gaps is None:  # gaps[j]: unmarked settings before the j-th marked one
                gaps = on - np.arange(on.size)
                self._positions = (key_, on, gaps, counts)
            # the r-th unmarked setting is r plus the marked ones before it: no pass over the table
            return ranks + np.searchsorted(gaps, ranks, side="right")
        per = self.marked_per_chunk(key)
        if not marked:
            per = self.chunk - per
        cum = np.cumsum(per)
        cid = np.searchsorted(cum, ranks, side="right")
        offs = ranks - (cum[cid] - per[cid])
        out = np.empty(ranks.size, dtype=np.int64)
        order = np.argsort(cid, kind="stable")
        ids, starts = np.unique(cid[order], return_index=True)
        for c, s, e in zip(ids, starts, np.append(starts[1:], ranks.size)):
            sel = order[s:e]
            m = self.mask(key, int(c) * self.chunk, (int(c) + 1) * self.chunk)
            pos = np.flatnonzero(m if marked else ~m)
            out[sel] = int(c) * self.chunk + pos[offs[sel]]
        return out


