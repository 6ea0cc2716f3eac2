"""The container every threshold oracle comes in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

__all__ = ["ThresholdOracle", "below_bound"]


@dataclass
class ThresholdOracle:
    """A phase oracle marking the weight settings below a threshold.

    Attributes
    ----------
    kind : {"counting", "arithmetic", "unit", "table"}
    n_weights : int
        Weight qubits: qubits ``0 .. n_weights-1`` of :attr:`circuit` (register ``"w"``).
    circuit : QuantumCircuit or None
        The oracle with the threshold as parameter ``"threshold_k"``, valid for every threshold
        (``None`` for ``"table"``, whose circuit depends on the marked set: see :meth:`at`). An
        oracle built with ``narrow=True`` has smaller circuits for most thresholds: :meth:`at`
        returns the one a threshold needs.
    info : dict
        Sizes and scalings (counter / value qubits, classes or terms, integer scale, bounds), and
        ``error_bound``: the largest difference between the loss the circuit compares and the exact
        loss (0 where the oracle is exact; see :attr:`error_bound`).
    """

    kind: str
    n_weights: int
    circuit: "QuantumCircuit | None"
    parameter: "Parameter | None"
    info: dict[str, Any] = field(default_factory=dict)
    _k_of_threshold: Any = None
    _table: np.ndarray | None = None
    #: ``K -> register width`` and ``width -> (circuit, parameter)`` of narrow registers (else None)
    _width_of: Callable[[int], int] | None = None
    _build: Callable[[int], tuple] | None = None
    _shapes: dict = field(default_factory=dict, repr=False)

    @property
    def error_bound(self) -> float:
        """Largest ``|circuit loss - exact loss|`` over all settings (0: marks are exactly ``loss < t``).

        A setting whose exact loss lies further than this from the threshold is marked exactly as
        ``loss < threshold`` would mark it; only settings within it of the threshold may differ.
        """
        return float(self.info.get("error_bound", 0.0))

    @property
    def compile_evaluations(self) -> int:
        """Model evaluations spent building the oracle classically (the table oracle's ``2**n`` losses)."""
        return int(self.info.get("compile_evaluations", 0))

    def threshold_value(self, threshold: float) -> int | None:
        """The integer bound the circuit compares with (``None`` for the table oracle)."""
        if self._k_of_threshold is None:
            return None
        return int(self._k_of_threshold(float(threshold)))

    def at(self, threshold: float) -> tuple["QuantumCircuit", dict, tuple]:
        """``(circuit, parameter binding, cache key)`` of the oracle for ``threshold``.

        The key identifies the circuit *shape*: the same for every threshold of a parametric
        oracle (one per register width of a narrow one), the marked set for the table oracle.
        """
        if not np.isfinite(threshold) and not np.isinf(threshold):
            raise ValueError(f"'threshold' must be a number; got {threshold!r}")
        if self.kind == "table":
            marked = self._table < threshold
            key = ("table", hash(np.packbits(marked).tobytes()))
            if key not in self._shapes:
                if len(self._shapes) >= 64:
                    self._shapes.pop(next(iter(self._shapes)))
                self._shapes[key] = _diagonal_oracle(marked)
            return self._shapes[key], {}, key
        k = self.threshold_value(threshold)
        if self._width_of is None:
            return self.circuit, {self.parameter: k}, (self.kind,)
        width = int(self._width_of(k))
        if width not in self._shapes:
            self._shapes[width] = self._build(width)
        qc, param = self._shapes[width]
        return qc, {param: k}, (self.kind, width)

    def bound(self, threshold: float) -> "QuantumCircuit":
        """The oracle circuit with the threshold bound (for inspection or other backends)."""
        qc, binding, _ = self.at(threshold)
        return qc.assign_parameters(binding) if binding else qc


def _diagonal_oracle(marked: np.ndarray) -> "QuantumCircuit":
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit.library import DiagonalGate

    n = int(marked.size).bit_length() - 1
    w = QuantumRegister(n, "w")
    qc = QuantumCircuit(w, name="table_oracle")
    qc.append(DiagonalGate(np.where(marked, -1.0, 1.0).tolist()), list(w))
    return qc


def below_bound(x: float, lo: int, hi: int) -> int:
    """The integer ``K`` with ``V < x  <=>  V < K`` for integers ``V``, clamped to ``[lo, hi + 1]``.

    ``x`` within float precision of an integer ``j`` counts as ``j`` (the threshold of a Grover
    adaptive search is a measured setting's float loss; the circuit's integer value of that same
    setting must not be marked by a last-bit difference). ``lo`` / ``hi`` bound the values ``V``.
    """
    import math

    if x == math.inf:
        return hi + 1
    if x == -math.inf:
        return lo
    j = round(x)
    k = j if abs(x - j) <= 1e-9 * max(1.0, abs(x)) else math.ceil(x)
    return int(min(max(k, lo), hi + 1))
