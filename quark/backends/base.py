"""The backend interface for Grover-style search: one sampling method to implement.

A backend runs amplitude amplification from the uniform superposition over the weight register
and *measures* it: it returns measured outcomes (shots), never a distribution's argmax. Optimizers
count the costs in the ledger from what they asked for, the same way for every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np

__all__ = ["GroverBackend"]


class GroverBackend(ABC):
    """Base class of backends that run Grover iterations over a weight register.

    Subclasses implement :meth:`sample_threshold` (Dürr–Høyer / Grover adaptive search) and may
    implement :meth:`sample_joint` (the paper's weights ⊗ data amplification).

    Class attributes
    ----------------
    name : str
        Registry name (``"statevector"``, ``"aer"``, ...).
    properties : dict
        Declared capabilities, e.g. ``{"max_qubits": 30, "exact": True}``.
    """

    name: ClassVar[str]
    properties: ClassVar[dict[str, Any]] = {}

    @abstractmethod
    def sample_threshold(
        self, problem, threshold: float, iterations: int, shots: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Measure the weight register after ``iterations`` Grover rounds, ``shots`` times.

        The oracle flips the phase of every bit string whose loss is strictly below
        ``threshold``; the diffuser reflects about the uniform superposition.

        Parameters
        ----------
        problem : SearchProblem
            What to search (see :func:`quark.optimizers.problem.as_problem`).
        threshold : float
            Marked set: ``loss < threshold``.
        iterations : int
            Grover rounds (oracle + diffuser), ``>= 0``.
        shots : int
            Measurements.
        rng : numpy.random.Generator
            Source of all randomness (a backend with its own seed takes it from here).

        Returns
        -------
        ndarray of int64, shape (shots,)
            Measured bit-string indices (bit *i* = ``(k >> i) & 1``).
        """

    def sample_joint(self, landscape, iterations: int, shots: int, copies: int, rng: np.random.Generator) -> np.ndarray:
        """The paper's amplification on weights ⊗ data (``copies`` data registers); weight indices."""
        raise NotImplementedError(f"backend {self.name!r} does not run the paper's joint amplification")

    def pop_device_time(self) -> float:
        """Device seconds billed since the last call (real QPUs); optimizers add it to the ledger's
        ``qpu_time_s``. Simulators bill nothing."""
        return 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
