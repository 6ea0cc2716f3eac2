"""The exact NumPy kernel: Grover search over the weight register, simulated without circuits.

Grover iterations from the uniform superposition with a phase oracle keep every amplitude real,
and when the oracle flips the phase of a *marked set* the state never leaves the plane spanned by
the uniform superpositions over the marked and the unmarked settings. With ``M`` of ``N``
settings marked and ``sin^2(theta) = M / N``, after ``r`` rounds

    P(marked) = sin^2((2r + 1) theta),

spread uniformly over the marked set, the rest uniformly over the unmarked set. Both oracles of
Quark have this form: the threshold oracle of Dürr–Høyer search (marked: ``loss < threshold``) and
the paper's joint oracle on weights ⊗ data index (marked: correctly classified pairs, or with
``k`` data copies, tuples that are all correct). :class:`StatevectorBackend` draws its shots from
that closed form by default, and keeps an explicit statevector path (real float32/float64
amplitudes, oracle = sign flip, diffuser = ``2 * mean - a``) to check it.

Shots are *sampled*: every measured index comes from the distribution, one draw per shot.

Memory: the closed form needs only the problem's loss data — a compact count table
(``uint8``/``uint16`` correct-sample counts, 1–2 bytes per setting) for 0-1 losses, else a
``float64`` loss table — so 30 weight qubits take 1 GiB (0-1 loss) or 8 GiB; the explicit path
adds the amplitudes (4 bytes per setting in float32) and a 1-byte mask.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, ClassVar

import numpy as np

from quark._memory import check_fits
from quark.backends.base import GroverBackend

__all__ = ["StatevectorBackend"]

_METHODS = ("auto", "closed_form", "statevector")
_CHUNK = 1 << 16  # settings per chunk: the unit in which marked members are located
_BLOCK = 1 << 22  # settings per pass over the table: bounds temporary memory
_HIST_LIMIT = 1 << 24  # largest per-chunk histogram of counts (chunks x (m + 1)) kept in memory
_THRESHOLDS_KEPT = 8  # per-chunk marked counts kept for this many recent thresholds


def _check_nonneg_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"'{name}' must be a non-negative integer; got {value!r}")
    return int(value)


def _check_pos_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"'{name}' must be a positive integer; got {value!r}")
    return int(value)


def _p_marked(n_marked: float, n_total: float, iterations: int) -> float:
    """``sin^2((2r + 1) theta)`` with ``sin^2 theta = n_marked / n_total`` (exact at the ends)."""
    if n_marked <= 0:
        return 0.0
    if n_marked >= n_total:
        return 1.0
    theta = math.asin(math.sqrt(n_marked / n_total))
    return math.sin((2 * iterations + 1) * theta) ** 2


def _grover_rounds(amps: np.ndarray, mask: np.ndarray, iterations: int) -> np.ndarray:
    """Apply ``iterations`` rounds in place: sign flip of ``mask``, then ``a -> 2 * mean - a``."""
    n = amps.size
    for _ in range(iterations):
        np.negative(amps, out=amps, where=mask)
        mean = float(amps.sum(dtype=np.float64)) / n
        np.subtract(2.0 * mean, amps, out=amps)
    return amps


def _inverse_cdf(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices ``k`` with ``cumsum(weights)[k-1] <= u < cumsum(weights)[k]`` (u in [0, total))."""
    cdf = np.cumsum(weights, dtype=np.float64)
    return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), weights.size - 1)


def _sample_squared_amplitudes(amps: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Measure ``shots`` times: draw indices with probability ``amps**2`` (chunked inverse CDF)."""
    n = amps.size
    chunk = min(_CHUNK, n)
    n_chunks = n // chunk
    if n_chunks == 1:
        return _inverse_cdf(amps.astype(np.float64) ** 2, rng.random(shots)).astype(np.int64)
    mass = np.empty(n_chunks, dtype=np.float64)
    rows = _BLOCK // chunk
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


class _LossData:
    """One problem's loss data, computed once: a count table (0-1 losses) or a float64 table.

    A threshold becomes a *key*: for a count table, the least count that is marked
    (``loss = (m - count) / m < threshold``); for a loss table, the threshold itself. For each key
    it keeps how many settings of every chunk are marked, so that the marked count ``M`` and
    "the j-th marked setting" cost a pass over the table once per new threshold (and nothing at
    all for a count table whose per-chunk histogram fits in memory).
    """

    def __init__(self, problem, max_bytes: float | None) -> None:
        land = problem.landscape
        self.n_qubits = problem.n_qubits
        self.size = 1 << self.n_qubits
        self.chunk = min(_CHUNK, self.size)
        self.n_chunks = self.size // self.chunk
        self.hist: np.ndarray | None = None
        self._per_chunk: dict[Any, np.ndarray] = {}
        self.counts: np.ndarray | None = None
        if land is not None and land.loss == "zero_one":
            self.counts = land.count_table(max_bytes=max_bytes)
            self.m = land.n_samples
            if self.n_chunks * (self.m + 1) <= _HIST_LIMIT:
                self.hist = self._histogram()
            # The loss of each count, exactly as the problem evaluates it (the float of a 0-1 loss
            # depends on how it is computed: 1 - c/m and (m - c)/m differ in the last bit).
            first = self._first_occurrences()
            present = first >= 0
            self.count_loss = np.full(self.m + 1, np.nan)
            self.count_loss[present] = problem.evaluate_indices(first[present])
            if np.any(np.diff(self.count_loss[present]) > 0):  # not a 0-1 loss after all: use losses
                self.counts, self.hist = None, None
        self.losses: np.ndarray | None = None
        if self.counts is None:
            self.losses = np.ascontiguousarray(problem.table(np.float64, max_bytes=max_bytes))

    @property
    def nbytes(self) -> int:
        data = self.counts if self.counts is not None else self.losses
        return int(data.nbytes) + (0 if self.hist is None else int(self.hist.nbytes))

    def _histogram(self) -> np.ndarray:
        m1 = self.m + 1
        hist = np.zeros(self.n_chunks * m1, dtype=np.int64)
        rows = max(1, _BLOCK // self.chunk)
        for r0 in range(0, self.n_chunks, rows):
            blk = self.counts[r0 * self.chunk : (r0 + rows) * self.chunk].reshape(-1, self.chunk)
            keys = blk.astype(np.int64) + (np.arange(blk.shape[0], dtype=np.int64) * m1)[:, None]
            hist[r0 * m1 : (r0 + blk.shape[0]) * m1] = np.bincount(keys.ravel(), minlength=blk.shape[0] * m1)
        return hist.reshape(self.n_chunks, m1)

    def _first_occurrences(self) -> np.ndarray:
        """For each count ``0..m``, the first setting that has it (``-1`` where none does)."""
        first = np.full(self.m + 1, -1, dtype=np.int64)
        if self.hist is not None:
            for c in np.flatnonzero(self.hist.sum(axis=0)):
                ch = int(np.argmax(self.hist[:, c] > 0))
                blk = self.counts[ch * self.chunk : (ch + 1) * self.chunk]
                first[c] = ch * self.chunk + int(np.argmax(blk == c))
            return first
        for s in range(0, self.size, _BLOCK):
            blk = self.counts[s : s + _BLOCK]
            for c in np.flatnonzero((np.bincount(blk, minlength=self.m + 1) > 0) & (first < 0)):
                first[c] = s + int(np.argmax(blk == c))
        return first

    def key(self, threshold: float):
        if self.counts is not None:  # marked: counts whose loss is below (loss falls as count rises)
            marked = np.flatnonzero(self.count_loss < threshold)
            return int(marked[0]) if marked.size else self.m + 1
        return float(threshold)

    def mask(self, key, start: int, stop: int) -> np.ndarray:
        if self.counts is not None:
            return self.counts[start:stop] >= key
        return self.losses[start:stop] < key

    def marked_per_chunk(self, key) -> np.ndarray:
        got = self._per_chunk.get(key)
        if got is not None:
            return got
        if self.hist is not None:
            got = self.hist[:, min(key, self.m + 1) :].sum(axis=1)
        else:
            got = np.empty(self.n_chunks, dtype=np.int64)
            rows = max(1, _BLOCK // self.chunk)
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
        return int(self.marked_per_chunk(key).sum())

    def full_mask(self, key) -> np.ndarray:
        out = np.empty(self.size, dtype=bool)
        for s in range(0, self.size, _BLOCK):
            out[s : s + _BLOCK] = self.mask(key, s, min(self.size, s + _BLOCK))
        return out

    def members(self, key, ranks: np.ndarray, marked: bool) -> np.ndarray:
        """The ``ranks``-th marked (or unmarked) settings, in index order."""
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


class StatevectorBackend(GroverBackend):
    """Exact Grover search on the weight register with NumPy (the default backend).

    Parameters
    ----------
    method : {"auto", "closed_form", "statevector"}, default="auto"
        ``"closed_form"`` draws shots from the exact two-dimensional rotation (cost independent
        of the number of rounds); ``"statevector"`` applies every oracle and diffuser to an
        explicit array of real amplitudes and measures it. ``"auto"`` uses the closed form, which
        is exact for both oracles Quark runs.
    dtype : {numpy.float32, numpy.float64}, default=numpy.float32
        Amplitude precision of the explicit path.
    max_memory : float, optional
        Bytes this backend may allocate (default: 90% of available memory, or
        ``QUARK_MAX_MEMORY``); larger problems raise
        :class:`~quark.exceptions.ProblemTooLargeError` saying how many GiB they need.
    pad_data : bool, default=False
        Joint oracle only: size each data register to the next power of two, with the padding
        indices never marked (as the prototype's QRAM loader did). ``False`` puts each data
        register in a uniform superposition over exactly the ``m`` training samples, as
        PAPER.md's formula assumes.

    Notes
    -----
    The loss data of each problem (a count table for 0-1 losses, else a float64 loss table) is
    computed once and cached for the backend's lifetime (weakly keyed by the landscape or
    problem), so a whole Dürr–Høyer run builds it once.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.backends import get_backend
    >>> backend = get_backend("statevector")
    >>> table = np.arange(16.0)                       # loss of setting k is k: only 0 is below 1
    >>> p = backend.threshold_probabilities(table, threshold=1.0, iterations=3)
    >>> round(float(p[0]), 3)                          # three rounds amplify 1 of 16 to 96%
    0.961
    >>> shots = backend.sample_threshold(table, 1.0, 3, 1000, np.random.default_rng(0))
    >>> 0.93 < float(np.mean(shots == 0)) < 0.99
    True
    """

    name: ClassVar[str] = "statevector"
    # max_qubits: the 1-byte count table of a 0-1 loss at 34 qubits is 16 GiB (the real guard is memory)
    properties: ClassVar[dict[str, Any]] = {"exact": True, "seeded": True, "max_qubits": 34, "needs_credentials": False}

    def __init__(self, method: str = "auto", dtype=np.float32, max_memory: float | None = None, pad_data: bool = False):
        if method not in _METHODS:
            raise ValueError(f"'method' must be one of {_METHODS}; got {method!r}")
        try:
            dt = np.dtype(dtype)
        except TypeError:
            dt = None
        if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"'dtype' must be numpy.float32 or numpy.float64; got {dtype!r}")
        if max_memory is not None and (isinstance(max_memory, bool) or not isinstance(max_memory, (int, float)) or max_memory <= 0):
            raise ValueError(f"'max_memory' must be a positive number of bytes or None; got {max_memory!r}")
        if not isinstance(pad_data, (bool, np.bool_)):
            raise TypeError(f"'pad_data' must be a bool; got {type(pad_data).__name__}")
        self.method = method
        self.dtype = dt
        self.max_memory = max_memory
        self.pad_data = bool(pad_data)
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._counts_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return (f"StatevectorBackend(method={self.method!r}, dtype={self.dtype.name}, "
                f"max_memory={self.max_memory!r}, pad_data={self.pad_data!r})")

    # the cache holds weak references and large tables: neither is worth pickling or copying
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_cache"] = state["_counts_cache"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cache = weakref.WeakKeyDictionary()
        self._counts_cache = weakref.WeakKeyDictionary()

    def __deepcopy__(self, memo) -> "StatevectorBackend":
        return StatevectorBackend(self.method, self.dtype, self.max_memory, self.pad_data)

    # -- loss data ---------------------------------------------------------------------------------
    def _data(self, problem) -> _LossData:
        key = problem.landscape if problem.landscape is not None else problem
        data = self._cache.get(key)
        if data is None:
            data = _LossData(problem, self.max_memory)
            self._cache[key] = data
        return data

    @staticmethod
    def _problem(problem):
        from quark.optimizers.problem import as_problem  # optimizers import backends: import lazily

        return as_problem(problem)

    def _explicit(self) -> bool:
        return self.method == "statevector"

    def _check_explicit_fits(self, n_states: int, extra: int, what: str) -> None:
        check_fits(n_states * (self.dtype.itemsize + 1) + extra, what, self.max_memory)

    # -- threshold oracle (Dürr–Høyer) ------------------------------------------------------------
    def marked_count(self, problem, threshold: float) -> int:
        """How many settings lie strictly below ``threshold`` (for reports; a device cannot know it)."""
        prob = self._problem(problem)
        data = self._data(prob)
        return data.n_marked(data.key(float(threshold)))

    def _threshold_state(self, problem, threshold, iterations):
        prob = self._problem(problem)
        iterations = _check_nonneg_int(iterations, "iterations")
        threshold = float(threshold)
        if math.isnan(threshold):
            raise ValueError("'threshold' must be a number; got nan")
        data = self._data(prob)
        return prob, data, data.key(threshold), iterations

    def _threshold_amplitudes(self, data: _LossData, key, iterations: int) -> np.ndarray:
        n = data.size
        self._check_explicit_fits(n, data.nbytes, f"the statevector of {data.n_qubits} weight qubits ({self.dtype.name})")
        mask = data.full_mask(key)
        amps = np.full(n, 1.0 / math.sqrt(n), dtype=self.dtype)
        return _grover_rounds(amps, mask, iterations)

    def threshold_probabilities(self, problem, threshold: float, iterations: int, *, method: str | None = None) -> np.ndarray:
        """The exact measurement distribution after ``iterations`` rounds (length ``2**n``, float64).

        ``method`` (default: the backend's) picks the closed form or the explicit statevector.
        """
        method = self.method if method is None else method
        if method not in _METHODS:
            raise ValueError(f"'method' must be one of {_METHODS}; got {method!r}")
        _, data, key, iterations = self._threshold_state(problem, threshold, iterations)
        if method == "statevector":
            a = self._threshold_amplitudes(data, key, iterations).astype(np.float64)
            return a * a
        check_fits(data.size * 9, f"the distribution of {data.n_qubits} weight qubits", self.max_memory)
        n_marked = data.n_marked(key)
        p = _p_marked(n_marked, data.size, iterations)
        mask = data.full_mask(key)
        on = p / n_marked if n_marked else 0.0
        off = (1.0 - p) / (data.size - n_marked) if n_marked < data.size else 0.0
        return np.where(mask, on, off)

    def sample_threshold(self, problem, threshold: float, iterations: int, shots: int, rng: np.random.Generator) -> np.ndarray:
        """Measure after ``iterations`` rounds of the threshold oracle (marked: ``loss < threshold``).

        See :meth:`GroverBackend.sample_threshold`. Closed form: each shot is marked with
        probability ``sin^2((2r+1) theta)``, then a uniform member of its set is drawn. Explicit:
        the amplitudes are evolved round by round and measured by inverse CDF.
        """
        shots = _check_pos_int(shots, "shots")
        _, data, key, iterations = self._threshold_state(problem, threshold, iterations)
        if self._explicit():
            amps = self._threshold_amplitudes(data, key, iterations)
            return _sample_squared_amplitudes(amps, shots, rng)
        n_marked = data.n_marked(key)
        p = _p_marked(n_marked, data.size, iterations)
        is_marked = rng.random(shots) < p
        out = np.empty(shots, dtype=np.int64)
        k = int(is_marked.sum())
        if k:
            out[is_marked] = data.members(key, rng.integers(0, n_marked, size=k), True)
        if k < shots:
            out[~is_marked] = data.members(key, rng.integers(0, data.size - n_marked, size=shots - k), False)
        return out

    # -- joint oracle (the paper) -----------------------------------------------------------------
    def _data_states(self, m: int) -> int:
        return 1 << (m - 1).bit_length() if self.pad_data else m

    def _joint_inputs(self, landscape, iterations, copies):
        from quark.encoding.landscape import LossLandscape

        if not isinstance(landscape, LossLandscape):
            land = getattr(landscape, "landscape", None)
            if land is None:
                raise TypeError(
                    "the joint oracle marks correctly classified (weight, sample) pairs, so it needs a "
                    f"LossLandscape (model and data); got {type(landscape).__name__}"
                )
            landscape = land
        return landscape, _check_nonneg_int(iterations, "iterations"), _check_pos_int(copies, "copies")

    def _joint_marked_fraction(self, landscape, copies: int) -> np.ndarray:
        """Per weight setting, the marked fraction of its data states: ``(c(w) / D) ** copies``."""
        size = 1 << landscape.n_qubits
        check_fits(size * 8 * 4, f"the joint distribution of {landscape.n_qubits} weight qubits", self.max_memory)
        counts = None
        if landscape.loss == "zero_one":  # shares the threshold oracle's count table
            counts = self._data(self._problem(landscape)).counts
        if counts is None:
            counts = self._counts_cache.get(landscape)
            if counts is None:
                counts = self._counts_cache[landscape] = landscape.count_table(max_bytes=self.max_memory)
        return (counts.astype(np.float64) / self._data_states(landscape.n_samples)) ** copies

    def _joint_amplitudes(self, landscape, iterations: int, copies: int) -> np.ndarray:
        """Explicit statevector on weights ⊗ ``copies`` data registers; shape ``(N_w, D**copies)``."""
        from quark.encoding.bits import index_to_bits

        n_w = 1 << landscape.n_qubits
        d = self._data_states(landscape.n_samples)
        n_states = n_w * d**copies
        self._check_explicit_fits(
            n_states, n_w * d, f"the joint statevector of {landscape.n_qubits} weight qubits and {copies} "
            f"data register(s) of {d} states ({n_states} amplitudes)"
        )
        correct = np.zeros((n_w, d), dtype=bool)
        scores = landscape.scores(index_to_bits(np.arange(n_w, dtype=np.int64), landscape.n_qubits))
        correct[:, : landscape.n_samples] = (scores > 0) == landscape.y.astype(bool)
        mask = correct
        for _ in range(copies - 1):  # (w, i1, ..., ik) is marked when every copy is correct
            mask = (mask[..., None] & correct.reshape((n_w,) + (1,) * (mask.ndim - 1) + (d,)))
        mask = mask.reshape(-1)
        amps = np.full(n_states, 1.0 / math.sqrt(n_states), dtype=self.dtype)
        return _grover_rounds(amps, mask, iterations).reshape(n_w, -1)

    def joint_probabilities(self, landscape, iterations: int, copies: int = 1, *, method: str | None = None) -> np.ndarray:
        """Exact distribution of the measured weight register after the paper's amplification.

        Closed form (PAPER.md, "What the joint oracle gives"), with ``a(w) = (c(w)/m)**copies``
        the marked fraction of weight ``w``'s data states and ``p = sin^2((2r+1) theta)``,
        ``sin^2 theta = mean_w a(w)``::

            P(w) = a(w) p / sum(a) + (1 - a(w)) (1 - p) / sum(1 - a)

        Examples
        --------
        >>> from quark.datasets import load_edge_detection
        >>> from quark.encoding import LossLandscape
        >>> from quark.models import LineDetector
        >>> X, y = load_edge_detection(lines="rows")
        >>> land = LossLandscape(LineDetector(grouping="paper"), None, X, y)
        >>> P = StatevectorBackend().joint_probabilities(land, iterations=6)
        >>> round(float(P.max()), 2)                    # PAPER.md: 0.16 of 8 settings at 6 rounds
        0.16
        """
        method = self.method if method is None else method
        if method not in _METHODS:
            raise ValueError(f"'method' must be one of {_METHODS}; got {method!r}")
        landscape, iterations, copies = self._joint_inputs(landscape, iterations, copies)
        if method == "statevector":
            a = self._joint_amplitudes(landscape, iterations, copies).astype(np.float64)
            return np.einsum("ij,ij->i", a, a)
        frac = self._joint_marked_fraction(landscape, copies)
        on, off = self._joint_split(frac, iterations)
        return on * frac + off * (1.0 - frac)

    @staticmethod
    def _joint_split(frac: np.ndarray, iterations: int) -> tuple[float, float]:
        """Probability per unit of marked and of unmarked mass after ``iterations`` rounds."""
        marked = float(frac.sum())
        unmarked = float(frac.size - marked)
        p = _p_marked(marked, frac.size, iterations)
        return (p / marked if marked > 0 else 0.0), ((1.0 - p) / unmarked if unmarked > 0 else 0.0)

    def sample_joint(self, landscape, iterations: int, shots: int, copies: int, rng: np.random.Generator) -> np.ndarray:
        """The paper's amplification on weights ⊗ ``copies`` data registers; measured weight indices.

        Closed form: each shot lands in the marked subspace with probability ``p``, then its
        weight is drawn with probability proportional to its marked mass ``(c(w)/m)**copies``
        (else to its unmarked mass). Explicit: the joint statevector is evolved and the weight
        register measured (its marginal, by inverse CDF).
        """
        shots = _check_pos_int(shots, "shots")
        landscape, iterations, copies = self._joint_inputs(landscape, iterations, copies)
        if self._explicit():
            a = self._joint_amplitudes(landscape, iterations, copies).astype(np.float64)
            return _inverse_cdf(np.einsum("ij,ij->i", a, a), rng.random(shots)).astype(np.int64)
        frac = self._joint_marked_fraction(landscape, copies)
        p = _p_marked(float(frac.sum()), frac.size, iterations)
        is_marked = rng.random(shots) < p
        out = np.empty(shots, dtype=np.int64)
        k = int(is_marked.sum())
        if k:
            out[is_marked] = _inverse_cdf(frac, rng.random(k))
        if k < shots:
            out[~is_marked] = _inverse_cdf(1.0 - frac, rng.random(shots - k))
        return out
