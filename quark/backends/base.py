"""The backend interface for Grover-style search: one sampling method to implement, one result container.

A backend runs amplitude amplification from the uniform superposition over the weight register
and *measures* it: it returns :class:`Samples` — the measured outcomes (one per shot, never a
distribution's argmax), how many circuits ran, the device seconds billed and what else it knows
(job ids, circuit sizes). Optimizers charge the ledger from that container, the same way for
every backend; backends never touch the ledger.

Writing a backend: subclass :class:`GroverBackend`, implement :meth:`~GroverBackend._sample_threshold`
(and :meth:`~GroverBackend._sample_joint` for the paper's weights ⊗ data amplification); the public
``sample_threshold`` / ``sample_joint`` validate the arguments, coerce the problem and wrap the
result once. Capabilities are declared, not probed: ``supports_joint`` follows from whether
``_sample_joint`` is implemented, and an exact simulator that can count marked settings (for
reports only — a device cannot) mixes in :class:`MarkedCounter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from quark._params import ParamsMixin
from quark._validation import check_int, check_number, check_rng

__all__ = ["GroverBackend", "Samples", "MarkedCounter"]


@dataclass(frozen=True)
class Samples:
    """What a backend measured in one call.

    Attributes
    ----------
    indices : ndarray of int64, shape (shots,)
        The measured bit-string index of every shot (bit *i* = ``(k >> i) & 1``).
    shots : int
    circuit_executions : int
        Circuits (jobs) run to take them.
    device_time_s : float or None
        Device seconds billed (real QPUs; 0 on simulators); ``None`` when the service did not say.
    metadata : dict
        Backend-specific facts (the circuit's qubits and gate counts, job ids, wall seconds...).

    ``numpy.asarray(samples)`` gives :attr:`indices`.
    """

    indices: np.ndarray
    shots: int
    circuit_executions: int = 1
    device_time_s: float | None = 0.0
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __array__(self, dtype=None, copy=None):
        return self.indices if dtype is None else self.indices.astype(dtype)

    def __len__(self) -> int:
        return int(self.indices.size)

    @classmethod
    def coerce(cls, value: Any, shots: int, n_qubits: int) -> "Samples":
        """A :class:`Samples` from what a backend returned (a container, or a bare index array)."""
        if isinstance(value, Samples) and getattr(value, "_checked", None) == (shots, n_qubits):
            return value  # already checked by the template method
        if not isinstance(value, Samples):
            value = cls(np.asarray(value), shots)
        idx = np.asarray(value.indices)
        if idx.shape != (shots,) or not (np.issubdtype(idx.dtype, np.integer) or idx.size == 0):
            raise RuntimeError(f"a backend must return {shots} measured integer indices; got shape {idx.shape}, dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or (n_qubits < 63 and idx.max() >= (1 << n_qubits))):
            raise RuntimeError(f"a backend returned indices outside [0, 2**{n_qubits})")
        if idx.dtype != np.int64:
            value = cls(idx.astype(np.int64), value.shots, value.circuit_executions, value.device_time_s, value.metadata)
        return value.checked(shots, n_qubits)

    def checked(self, shots: int, n_qubits: int) -> "Samples":
        """Mark as checked for ``(shots, n_qubits)`` (what :meth:`coerce` verified, or a trusted kernel made)."""
        object.__setattr__(self, "_checked", (shots, n_qubits))
        return self


class MarkedCounter(ABC):
    """Capability of exact simulators: how many settings lie below a threshold.

    For reports only (``info["n_marked_final"]``, ``reached_optimum``): a device cannot know it, and
    no search may use it to decide anything (a simulator may use what it knows to skip simulating
    rounds whose outcome is certain — see :meth:`GroverBackend.threshold_sampler` — never to change them).
    """

    @abstractmethod
    def marked_count(self, problem, threshold: float) -> int:
        """Settings whose loss is strictly below ``threshold``."""


class GroverBackend(ParamsMixin, ABC):
    """Base class of backends that run Grover iterations over a weight register.

    Class attributes
    ----------------
    name : str
        Registry name (``"statevector"``, ``"aer"``, ...).
    properties : dict
        Declared facts, e.g. ``{"exact": True, "gate_level": False, "needs_credentials": False}``.
    """

    name: ClassVar[str]
    properties: ClassVar[dict[str, Any]] = {}

    # -- the template methods --------------------------------------------------------------------
    def sample_threshold(self, problem, threshold: float, iterations: int, shots: int, rng: np.random.Generator) -> Samples:
        """Measure the weight register after ``iterations`` Grover rounds, ``shots`` times.

        The oracle flips the phase of every bit string whose loss is strictly below
        ``threshold``; the diffuser reflects about the uniform superposition.

        Parameters
        ----------
        problem : SearchProblem or anything :func:`quark.encoding.as_problem` accepts
        threshold : float
            Marked set: ``loss < threshold`` (``inf`` marks everything).
        iterations : int
            Grover rounds (oracle + diffuser), ``>= 0``.
        shots : int
            Measurements.
        rng : numpy.random.Generator
            Source of all randomness (a backend with its own seed takes it from here).

        Returns
        -------
        Samples
        """
        from quark.encoding.problem import as_problem

        iterations = check_int(iterations, "iterations", minimum=0)
        shots = check_int(shots, "shots")
        threshold = check_number(threshold, "threshold", allow_inf=True)
        check_rng(rng)
        prob = as_problem(problem)
        return Samples.coerce(self._sample_threshold(prob, threshold, iterations, shots, rng), shots, prob.n_qubits)

    def sample_joint(self, problem, iterations: int, shots: int, copies: int, rng: np.random.Generator) -> Samples:
        """The paper's amplification on weights ⊗ ``copies`` data registers; measured weight indices."""
        from quark.encoding.problem import as_problem

        if not self.supports_joint:
            raise NotImplementedError(f"backend {self.name!r} does not run the paper's joint amplification")
        iterations = check_int(iterations, "iterations", minimum=0)
        shots = check_int(shots, "shots")
        copies = check_int(copies, "copies")
        check_rng(rng)
        prob = as_problem(problem)
        if not prob.classifies:
            prob.correct_samples([])  # raises the TypeError that says what the joint oracle needs
        return Samples.coerce(self._sample_joint(prob, iterations, shots, copies, rng), shots, prob.n_qubits)

    def threshold_sampler(self, problem):
        """A sampler bound to one problem, for a search that calls it round after round.

        Returns ``sample(threshold, iterations, shots, rng) -> Samples``; the search has checked the
        arguments once. The default goes through :meth:`sample_threshold`; the exact kernel returns
        a leaner one, which also has ``misses_certain(threshold) -> bool``: True only when no round at
        that threshold can measure a setting below it (nothing lies below), so that a search may take
        such rounds as misses without simulating their draws (simulation only: it runs and pays the same
        rounds, each as the simulator's one-shot round: one circuit, no device seconds). A sampler without
        that method is sampled every round.
        """
        from quark.encoding.problem import as_problem

        prob = as_problem(problem)
        return lambda threshold, iterations, shots, rng: self.sample_threshold(prob, threshold, iterations, shots, rng)

    @property
    def supports_joint(self) -> bool:
        """Whether this backend runs the paper's joint amplification (implements ``_sample_joint``)."""
        return type(self)._sample_joint is not GroverBackend._sample_joint

    def prepare(self, problem, *, progress=None) -> None:
        """Build whatever the backend computes once per problem (tables, oracles) before a search.

        ``progress`` (optional) is called with units of work done; optimizers call this first so
        that a progress bar moves while a large table is built.
        """

    # -- what subclasses implement ---------------------------------------------------------------
    @abstractmethod
    def _sample_threshold(self, problem, threshold: float, iterations: int, shots: int,
                          rng: np.random.Generator) -> Samples | np.ndarray:
        """Measured indices (or :class:`Samples`) after ``iterations`` rounds; arguments already validated."""

    def _sample_joint(self, problem, iterations: int, shots: int, copies: int,
                      rng: np.random.Generator) -> Samples | np.ndarray:
        raise NotImplementedError  # pragma: no cover - guarded by supports_joint
