"""Every problem an optimizer accepts, behind one small interface.

``minimize`` takes a :class:`~quark.encoding.LossLandscape`, a dimod ``BinaryQuadraticModel`` or
``BinaryPolynomial``, a binary qiskit-optimization ``QuadraticProgram``, or a loss table (an
array of length ``2**n``); :func:`as_problem` wraps each as a :class:`SearchProblem`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from quark._memory import check_fits
from quark.encoding.bits import as_bit_array, index_to_bits
from quark.encoding.landscape import LossLandscape

__all__ = ["SearchProblem", "as_problem", "LandscapeProblem", "TableProblem", "PolynomialProblem"]

_CHUNK = 1 << 16


class SearchProblem(ABC):
    """A function of ``n_qubits`` bits to minimize.

    Attributes
    ----------
    n_qubits : int
    variables : list
        Labels; bit ``i`` is ``variables[i]``.
    evaluation_cost : int
        Model evaluations one classical evaluation of a bit string costs (``m`` training samples
        for a landscape, 1 otherwise).
    """

    n_qubits: int
    variables: list
    evaluation_cost: int = 1
    landscape: LossLandscape | None = None

    @abstractmethod
    def evaluate_indices(self, indices: np.ndarray) -> np.ndarray:
        """Losses of integer-indexed bit strings."""

    def evaluate(self, bits) -> np.ndarray:
        """Losses of a batch of bit strings ``(B, n_qubits)`` (any width; indices stop at 62 bits)."""
        b = as_bit_array(bits, self.n_qubits).reshape(-1, self.n_qubits)
        weights = np.left_shift(np.int64(1), np.arange(self.n_qubits, dtype=np.int64))
        return self.evaluate_indices(b.astype(np.int64) @ weights)

    def table(self, dtype=np.float64, *, max_bytes: float | None = None) -> np.ndarray:
        """All ``2**n_qubits`` losses (memory-guarded, chunked)."""
        n = self.n_qubits
        check_fits((1 << n) * np.dtype(dtype).itemsize, f"the loss table of {n} qubits", max_bytes)
        out = np.empty(1 << n, dtype=dtype)
        for start in range(0, 1 << n, _CHUNK):
            stop = min(1 << n, start + _CHUNK)
            out[start:stop] = self.evaluate_indices(np.arange(start, stop, dtype=np.int64))
        return out

    def decode(self, bits: np.ndarray) -> np.ndarray | None:
        """Weights of a bit string, where the problem has an encoding."""
        return None


class LandscapeProblem(SearchProblem):
    """A :class:`LossLandscape` (weights decoded, model evaluations counted per sample)."""

    def __init__(self, landscape: LossLandscape) -> None:
        self.landscape = landscape
        self.n_qubits = landscape.n_qubits
        self.variables = list(range(self.n_qubits))
        self.evaluation_cost = landscape.n_samples

    def evaluate_indices(self, indices):
        return self.landscape.evaluate_indices(indices)

    def evaluate(self, bits):
        b = as_bit_array(bits, self.n_qubits).reshape(-1, self.n_qubits)
        return np.asarray(self.landscape.evaluate(b), dtype=np.float64)

    def table(self, dtype=np.float64, *, max_bytes=None):
        return self.landscape.table(dtype, max_bytes=max_bytes)

    def decode(self, bits):
        return self.landscape.decode(bits)


class TableProblem(SearchProblem):
    """A loss table: entry ``k`` is the loss of the bit string with index ``k``."""

    def __init__(self, table) -> None:
        t = np.asarray(table, dtype=np.float64)
        if t.ndim != 1 or t.size < 2 or t.size & (t.size - 1):
            raise ValueError(f"a loss table must be 1-D with a power-of-two length >= 2; got shape {t.shape}")
        if not np.isfinite(t).all():
            raise ValueError("the loss table contains NaN or infinity")
        self._table = t
        self.n_qubits = t.size.bit_length() - 1
        self.variables = list(range(self.n_qubits))

    def evaluate_indices(self, indices):
        return self._table[np.asarray(indices, dtype=np.int64)]

    def table(self, dtype=np.float64, *, max_bytes=None):
        return self._table.astype(dtype, copy=False)


class PolynomialProblem(SearchProblem):
    """A dimod ``BinaryQuadraticModel`` or ``BinaryPolynomial`` (SPIN ones are read as BINARY).

    Bit ``i`` is ``variables[i]``, the model's own variable order.
    """

    def __init__(self, model) -> None:
        import dimod

        if isinstance(model, dimod.BinaryQuadraticModel):
            self.model = model.binary
        elif isinstance(model, dimod.BinaryPolynomial):
            self.model = model if model.vartype is dimod.BINARY else model.to_binary()
        else:  # pragma: no cover - guarded by as_problem
            raise TypeError(type(model).__name__)
        self.variables = _ordered(self.model.variables)
        self.n_qubits = len(self.variables)
        if self.n_qubits == 0:
            raise ValueError("the problem has no variables")

    def evaluate_indices(self, indices):
        return self.evaluate(index_to_bits(np.asarray(indices, dtype=np.int64), self.n_qubits))

    def evaluate(self, bits):
        bits = as_bit_array(bits, self.n_qubits).reshape(-1, self.n_qubits)
        # float samples: dimod multiplies biases into the samples' dtype, and integer biases on
        # unsigned samples overflow
        return np.asarray(self.model.energies((bits.astype(np.float64), self.variables), dtype=np.float64), dtype=np.float64)


def _ordered(variables) -> list:
    """A deterministic bit order: a BQM's own order; a polynomial's (a set) sorted."""
    if isinstance(variables, (set, frozenset)):
        try:
            return sorted(variables)
        except TypeError:  # mixed label types
            return sorted(variables, key=lambda v: (type(v).__name__, repr(v)))
    return list(variables)


def _quadratic_program_to_bqm(qp) -> Any:
    import dimod

    if qp.linear_constraints or qp.quadratic_constraints:
        raise ValueError(
            "the QuadraticProgram has constraints; convert it first with "
            "qiskit_optimization.converters.QuadraticProgramToQubo"
        )
    if any(v.vartype.name != "BINARY" for v in qp.variables):
        raise ValueError("every variable of the QuadraticProgram must be binary")
    sign = 1.0 if qp.objective.sense.name == "MINIMIZE" else -1.0
    names = [v.name for v in qp.variables]
    bqm = dimod.BinaryQuadraticModel(dimod.BINARY)
    bqm.add_variables_from((n, 0.0) for n in names)
    for i, c in qp.objective.linear.to_dict().items():
        bqm.add_linear(names[i], sign * c)
    for (i, j), c in qp.objective.quadratic.to_dict().items():
        if i == j:
            bqm.add_linear(names[i], sign * c)
        else:
            bqm.add_quadratic(names[i], names[j], sign * c)
    bqm.offset = sign * qp.objective.constant
    return bqm


def as_problem(problem) -> SearchProblem:
    """Wrap anything ``minimize`` accepts (see the module docstring)."""
    if isinstance(problem, SearchProblem):
        return problem
    if isinstance(problem, LossLandscape):
        return LandscapeProblem(problem)
    mod = type(problem).__module__
    if mod.startswith("dimod"):
        import dimod

        if isinstance(problem, (dimod.BinaryQuadraticModel, dimod.BinaryPolynomial)):
            return PolynomialProblem(problem)
    if mod.startswith("qiskit_optimization"):
        from qiskit_optimization import QuadraticProgram

        if isinstance(problem, QuadraticProgram):
            return PolynomialProblem(_quadratic_program_to_bqm(problem))
    if isinstance(problem, (list, tuple, np.ndarray)):
        return TableProblem(problem)
    raise TypeError(
        "problem must be a LossLandscape, a dimod BinaryQuadraticModel or BinaryPolynomial, a binary "
        f"QuadraticProgram, or a loss table of length 2**n; got {type(problem).__name__}"
    )
