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
``float64`` loss table — so 30 weight qubits take 1 GiB (0-1 loss) or 8 GiB, 32 take 4 GiB (0-1
loss); the explicit path adds the amplitudes (4 bytes per setting in float32) and a 1-byte mask.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, ClassVar

import numpy as np

from quark._memory import check_fits
from quark._validation import check_choice, check_number
from quark.backends._loss_data import LossData, grover_rounds, inverse_cdf, p_marked, sample_squared_amplitudes
from quark.backends.base import GroverBackend, MarkedCounter, Samples

__all__ = ["StatevectorBackend"]

_METHODS = ("auto", "closed_form", "statevector")
_INDEX_STATES = ("uniform", "padded")


class StatevectorBackend(GroverBackend, MarkedCounter):
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
    index_state : {"uniform", "padded"}, default="uniform"
        Joint oracle only: ``"uniform"`` puts each data register in a uniform superposition over
        exactly the ``m`` training samples (the closed form below); ``"padded"`` sizes it to the
        next power of two, the padding indices never marked (as the prototype's QRAM loader did).
        The same names as the gate-level backends' joint oracle.

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
    >>> samples = backend.sample_threshold(table, 1.0, 3, 1000, np.random.default_rng(0))
    >>> 0.93 < float(np.mean(samples.indices == 0)) < 0.99
    True
    """

    name: ClassVar[str] = "statevector"
    #: Whether its samplers say when a round cannot measure a marked setting, so that a search takes such
    #: rounds as misses without drawing them (simulation only: the same results; off to compare, in tests
    #: and benchmarks/simulation_shortcuts.py)
    _skip_certain_misses: ClassVar[bool] = True
    #: Whether a block's loss table waits until something needs it whole, where its problem finds the settings
    #: below a threshold itself (a squared-loss block: quark.encoding.ellipsoid) — simulation only: the same
    #: marked sets, draws and checks to the last bit (off to compare, in tests and benchmarks/simulation_shortcuts.py)
    _defer_tables: ClassVar[bool] = True
    # max_qubits: the 1-byte count table of a 0-1 loss at 34 qubits is 16 GiB (the real guard is memory)
    properties: ClassVar[dict[str, Any]] = {"exact": True, "seeded": True, "max_qubits": 34, "needs_credentials": False}

    def __init__(self, method: str = "auto", dtype=np.float32, max_memory: float | None = None,
                 index_state: str = "uniform"):
        self.method = method
        self.dtype = dtype
        self.max_memory = max_memory
        self.index_state = index_state

    @property
    def _cache(self) -> weakref.WeakKeyDictionary:
        """Loss data per problem, made on first use (``__init__`` only stores the parameters)."""
        cache = self.__dict__.get("_loss_cache")
        if cache is None:
            cache = self.__dict__["_loss_cache"] = weakref.WeakKeyDictionary()
        return cache

    def _validate(self) -> None:
        valid = self.__dict__.get("_valid_params")
        if valid is not None and valid[0] is self.method and valid[1] is self.dtype \
                and valid[2] is self.max_memory and valid[3] is self.index_state:
            return  # these very values passed (a block step asks three times): checked on use, not re-checked
        self._check_params()
        self._valid_params = (self.method, self.dtype, self.max_memory, self.index_state)

    def _check_params(self) -> None:
        check_choice(self.method, "method", _METHODS)
        try:
            dt = np.dtype(self.dtype)
        except TypeError:
            dt = None
        if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"'dtype' must be numpy.float32 or numpy.float64; got {self.dtype!r}")
        check_number(self.max_memory, "max_memory", above=0, allow_none=True)
        check_choice(self.index_state, "index_state", _INDEX_STATES)

    @property
    def _dtype(self) -> np.dtype:
        return np.dtype(self.dtype)

    # the cache holds weak references and large tables: neither is worth pickling or copying
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_loss_cache", None)
        state.pop("_valid_params", None)  # checked again after a round trip (objects, not values, are compared)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __deepcopy__(self, memo) -> "StatevectorBackend":
        return StatevectorBackend(self.method, self.dtype, self.max_memory, self.index_state)

    # -- loss data ---------------------------------------------------------------------------------
    def _data(self, problem, progress=None) -> LossData:
        self._validate()  # every threshold path starts here: parameters are checked on use
        data = self._cache.get(problem)
        if data is None:
            data = LossData(problem, self.max_memory, progress, defer=self._defer_tables and not self._explicit())
            self._cache[problem] = data
        return data

    def prepare(self, problem, *, progress=None) -> None:
        """Build the problem's count or loss table now (``progress`` gets the settings filled per chunk)."""
        from quark.encoding.problem import as_problem

        self._data(as_problem(problem), progress)

    def _explicit(self) -> bool:
        return self.method == "statevector"

    def _check_explicit_fits(self, n_states: int, extra: int, what: str) -> None:
        check_fits(n_states * (self._dtype.itemsize + 1) + extra, what, self.max_memory)

    # -- threshold oracle (Dürr–Høyer) ------------------------------------------------------------
    def marked_count(self, problem, threshold: float) -> int:
        """How many settings lie strictly below ``threshold`` (for reports; a device cannot know it)."""
        from quark.encoding.problem import as_problem

        data = self._data(as_problem(problem))
        return data.n_marked(data.key(float(threshold)))

    def _threshold_amplitudes(self, data: LossData, key, iterations: int) -> np.ndarray:
        n = data.size
        self._check_explicit_fits(n, data.nbytes, f"the statevector of {data.n_qubits} weight qubits ({self._dtype.name})")
        mask = data.full_mask(key)
        amps = np.full(n, 1.0 / math.sqrt(n), dtype=self._dtype)
        return grover_rounds(amps, mask, iterations)

    def threshold_probabilities(self, problem, threshold: float, iterations: int, *, method: str | None = None) -> np.ndarray:
        """The exact measurement distribution after ``iterations`` rounds (length ``2**n``, float64).

        ``method`` (default: the backend's) picks the closed form or the explicit statevector.
        """
        from quark._validation import check_int
        from quark.encoding.problem import as_problem

        method = check_choice(self.method if method is None else method, "method", _METHODS)
        iterations = check_int(iterations, "iterations", minimum=0)
        threshold = check_number(threshold, "threshold", allow_inf=True)
        data = self._data(as_problem(problem))
        key = data.key(threshold)
        if method == "statevector":
            a = self._threshold_amplitudes(data, key, iterations).astype(np.float64)
            return a * a
        check_fits(data.size * 9, f"the distribution of {data.n_qubits} weight qubits", self.max_memory)
        n_marked = data.n_marked(key)
        p = p_marked(n_marked, data.size, iterations)
        mask = data.full_mask(key)
        on = p / n_marked if n_marked else 0.0
        off = (1.0 - p) / (data.size - n_marked) if n_marked < data.size else 0.0
        return np.where(mask, on, off)

    def _sample_threshold(self, problem, threshold, iterations, shots, rng) -> np.ndarray:
        """Closed form: each shot is marked with probability ``sin^2((2r+1) theta)``, then a uniform
        member of its set is drawn. Explicit: the amplitudes are evolved round by round and measured
        by inverse CDF."""
        return self._draw(self._data(problem), threshold, iterations, shots, rng)

    def threshold_sampler(self, problem) -> "_KernelSampler":
        """The closed-form (or explicit) draw bound to the problem's loss data: no per-round checks.

        On the closed form it also says when a round's outcome is certain (:meth:`_KernelSampler.misses_certain`);
        not on the explicit statevector (each of its rounds checks its memory, which a skipped round would not)
        nor in a subclass that draws otherwise (overrides ``_draw``): only its own draws say what it measures.
        """
        from quark.encoding.problem import as_problem

        knows = self._skip_certain_misses and not self._explicit() and type(self)._draw is StatevectorBackend._draw
        return _KernelSampler(self, self._data(as_problem(problem)), knows)

    def _draw(self, data: LossData, threshold: float, iterations: int, shots: int, rng) -> np.ndarray:
        key = data.key(threshold)
        if self._explicit():
            amps = self._threshold_amplitudes(data, key, iterations)
            return sample_squared_amplitudes(amps, shots, rng)
        n_marked = data.n_marked(key)
        p = p_marked(n_marked, data.size, iterations)
        if shots == 1:  # the default: the same draws as below (one double, one integer), without the arrays
            if rng.random() < p:
                return data.members(key, np.array([rng.integers(0, n_marked)], dtype=np.int64), True)
            return data.members(key, np.array([rng.integers(0, data.size - n_marked)], dtype=np.int64), False)
        is_marked = rng.random(shots) < p
        out = np.empty(shots, dtype=np.int64)
        k = int(is_marked.sum())
        if k:
            out[is_marked] = data.members(key, rng.integers(0, n_marked, size=k), True)
        if k < shots:
            out[~is_marked] = data.members(key, rng.integers(0, data.size - n_marked, size=shots - k), False)
        return out

    # -- joint oracle (the paper) -----------------------------------------------------------------
    def _data_states(self, problem) -> float:
        """What a weight's correct count is out of: the data register's states (the padded power of
        two), or the samples (their total weight when weighted)."""
        m = problem.n_samples
        if self.index_state == "padded":
            return 1 << (m - 1).bit_length()
        return problem.count_total if problem.count_total is not None else m

    def _joint_marked_fraction(self, problem, copies: int) -> np.ndarray:
        """Per weight setting, the marked fraction of its data states: ``(c(w) / D) ** copies``."""
        size = 1 << problem.n_qubits
        check_fits(size * 8 * 4, f"the joint distribution of {problem.n_qubits} weight qubits", self.max_memory)
        data = self._data(problem)
        counts = data.counts
        if counts is None:  # another loss than 0-1: the counts are not the threshold oracle's data
            counts = getattr(data, "joint_counts", None)
            if counts is None:
                counts = data.joint_counts = problem.count_table(max_memory=self.max_memory)
        return (counts.astype(np.float64) / self._data_states(problem)) ** copies

    def _joint_amplitudes(self, problem, iterations: int, copies: int) -> np.ndarray:
        """Explicit statevector on weights ⊗ ``copies`` data registers; shape ``(N_w, D**copies)``."""
        n_w = 1 << problem.n_qubits
        if getattr(problem, "sample_weight", None) is not None:
            raise NotImplementedError("the explicit joint statevector takes unweighted samples; use method='closed_form'")
        d = 1 << (problem.n_samples - 1).bit_length() if self.index_state == "padded" else problem.n_samples
        n_states = n_w * d**copies
        self._check_explicit_fits(
            n_states, n_w * d, f"the joint statevector of {problem.n_qubits} weight qubits and {copies} "
            f"data register(s) of {d} states ({n_states} amplitudes)"
        )
        correct = np.zeros((n_w, d), dtype=bool)
        correct[:, : problem.n_samples] = problem.correct_samples(np.arange(n_w, dtype=np.int64))
        mask = correct
        for _ in range(copies - 1):  # (w, i1, ..., ik) is marked when every copy is correct
            mask = (mask[..., None] & correct.reshape((n_w,) + (1,) * (mask.ndim - 1) + (d,)))
        mask = mask.reshape(-1)
        amps = np.full(n_states, 1.0 / math.sqrt(n_states), dtype=self._dtype)
        return grover_rounds(amps, mask, iterations).reshape(n_w, -1)

    def joint_probabilities(self, landscape, iterations: int, copies: int = 1, *, method: str | None = None) -> np.ndarray:
        """Exact distribution of the measured weight register after the paper's amplification.

        Closed form (the paper's joint oracle), with ``a(w) = (c(w)/m)**copies``
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
        >>> round(float(P.max()), 2)                    # the paper's figure: 0.16 of 8 settings at 6 rounds
        0.16
        """
        from quark._validation import check_int
        from quark.encoding.problem import as_problem

        self._validate()
        method = check_choice(self.method if method is None else method, "method", _METHODS)
        iterations = check_int(iterations, "iterations", minimum=0)
        copies = check_int(copies, "copies")
        landscape = as_problem(landscape)
        if not landscape.classifies:
            landscape.correct_samples([])
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
        p = p_marked(marked, frac.size, iterations)
        return (p / marked if marked > 0 else 0.0), ((1.0 - p) / unmarked if unmarked > 0 else 0.0)

    def _sample_joint(self, landscape, iterations, shots, copies, rng) -> np.ndarray:
        """The paper's amplification on weights ⊗ ``copies`` data registers; measured weight indices.

        Closed form: each shot lands in the marked subspace with probability ``p``, then its
        weight is drawn with probability proportional to its marked mass ``(c(w)/m)**copies``
        (else to its unmarked mass). Explicit: the joint statevector is evolved and the weight
        register measured (its marginal, by inverse CDF).
        """
        self._validate()
        if self._explicit():
            a = self._joint_amplitudes(landscape, iterations, copies).astype(np.float64)
            return inverse_cdf(np.einsum("ij,ij->i", a, a), rng.random(shots)).astype(np.int64)
        frac = self._joint_marked_fraction(landscape, copies)
        p = p_marked(float(frac.sum()), frac.size, iterations)
        is_marked = rng.random(shots) < p
        out = np.empty(shots, dtype=np.int64)
        k = int(is_marked.sum())
        if k:
            out[is_marked] = inverse_cdf(frac, rng.random(k))
        if k < shots:
            out[~is_marked] = inverse_cdf(1.0 - frac, rng.random(shots - k))
        return out


class _KernelSampler:
    """The kernel's draw bound to one problem's loss data (what :meth:`StatevectorBackend.threshold_sampler`
    returns): ``sample(threshold, iterations, shots, rng) -> Samples``, and :meth:`misses_certain`."""

    __slots__ = ("_backend", "_data", "_knows_misses")

    def __init__(self, backend: StatevectorBackend, data: LossData, knows_misses: bool) -> None:
        self._backend, self._data, self._knows_misses = backend, data, knows_misses

    def __call__(self, threshold, iterations, shots, rng) -> Samples:
        data = self._data
        drawn = self._backend._draw(data, float(threshold), int(iterations), int(shots), rng)
        return Samples(drawn, int(shots)).checked(shots, data.n_qubits)

    def misses_certain(self, threshold: float) -> bool:
        """Whether every round at ``threshold`` measures an unmarked setting, whatever its ``k`` and its draws.

        True when nothing lies below ``threshold`` (``M = 0``: ``P(marked) = sin²((2k+1)·0) = 0``), so every
        measured setting's loss is at least the threshold. Simulator knowledge, like
        :meth:`StatevectorBackend.marked_count`: a search may use it to skip *simulating* such rounds — never
        to change which rounds it runs or what it pays.
        """
        if not self._knows_misses:
            return False
        data = self._data
        return data.n_marked(data.key(float(threshold))) == 0
