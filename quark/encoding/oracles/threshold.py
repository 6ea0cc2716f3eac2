"""Threshold oracles: phase -1 on every weight setting whose loss lies below a threshold.

- :func:`table_oracle` — the reference: a ``DiagonalGate`` of ``±1`` read off the loss table.
- :func:`counting_oracle` — the coherent counting oracle of a 0-1 loss (models with a reversible form).
- :func:`qubo_oracle` — the arithmetic oracle of a QUBO / HUBO.

:func:`choose_threshold_oracle` picks one for a problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.oracles._fourier import PARAM as _PARAM, fourier_add as _fourier_add, sign_phase_oracle as _sign_phase_oracle, value_bits as _value_bits
from quark.encoding.problem import SearchProblem, as_problem

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

__all__ = ["ThresholdOracle", "table_oracle", "counting_oracle", "qubo_oracle", "integer_scaling",
           "is_exactly_scalable", "choose_threshold_oracle", "ORACLE_KINDS"]

#: Threshold oracles a gate-level backend can use.
ORACLE_KINDS = ("auto", "counting", "qubo", "table")


# -- containers ----------------------------------------------------------------------------------
@dataclass
class ThresholdOracle:
    """A phase oracle marking the weight settings below a threshold.

    Attributes
    ----------
    kind : {"counting", "qubo", "table"}
    n_weights : int
        Weight qubits: qubits ``0 .. n_weights-1`` of :attr:`circuit` (register ``"w"``).
    circuit : QuantumCircuit or None
        The oracle with the threshold as parameter ``"threshold_k"`` (``None`` for ``"table"``,
        whose circuit depends on the marked set: see :meth:`at`).
    info : dict
        Sizes and scalings (counter / value qubits, classes or terms, integer scale, bounds).
    """

    kind: str
    n_weights: int
    circuit: "QuantumCircuit | None"
    parameter: "Parameter | None"
    info: dict[str, Any] = field(default_factory=dict)
    _k_of_threshold: Any = None
    _table: np.ndarray | None = None

    def threshold_value(self, threshold: float) -> int | None:
        """The integer bound the circuit compares with (``None`` for the table oracle)."""
        if self._k_of_threshold is None:
            return None
        return int(self._k_of_threshold(float(threshold)))

    def at(self, threshold: float) -> tuple["QuantumCircuit", dict, tuple]:
        """``(circuit, parameter binding, cache key)`` of the oracle for ``threshold``.

        The key identifies the circuit *shape*: the same for every threshold of a parametric
        oracle, the marked set for the table oracle.
        """
        if not np.isfinite(threshold) and not np.isinf(threshold):
            raise ValueError(f"'threshold' must be a number; got {threshold!r}")
        if self.kind == "table":
            marked = self._table < threshold
            return _diagonal_oracle(marked), {}, ("table", hash(np.packbits(marked).tobytes()))
        return self.circuit, {self.parameter: self.threshold_value(threshold)}, (self.kind,)

    def bound(self, threshold: float) -> "QuantumCircuit":
        """The oracle circuit with the threshold bound (for inspection or other backends)."""
        qc, binding, _ = self.at(threshold)
        return qc.assign_parameters(binding) if binding else qc


# -- table ---------------------------------------------------------------------------------------
def _diagonal_oracle(marked: np.ndarray) -> "QuantumCircuit":
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit.library import DiagonalGate

    n = int(marked.size).bit_length() - 1
    w = QuantumRegister(n, "w")
    qc = QuantumCircuit(w, name="table_oracle")
    qc.append(DiagonalGate(np.where(marked, -1.0, 1.0).tolist()), list(w))
    return qc


def table_oracle(table, *, max_qubits: int = 20) -> ThresholdOracle:
    """The tabulated phase oracle: ``DiagonalGate(±1)`` from the loss table (the reference oracle).

    Parameters
    ----------
    table : array of length ``2**n``, LossLandscape or SearchProblem
        Losses by index.
    max_qubits : int
        Refuse larger tables (the diagonal has ``2**n`` entries and synthesizes to ``O(2**n)`` gates).

    Examples
    --------
    >>> orc = table_oracle([3.0, 1.0, 2.0, 0.0])
    >>> qc = orc.bound(1.5)            # marks indices 1 and 3
    >>> from qiskit.quantum_info import Operator
    >>> Operator(qc).data.diagonal().real.round(6).tolist()
    [1.0, -1.0, 1.0, -1.0]
    """
    if isinstance(table, SearchProblem):
        n = int(table.n_qubits)
        if n > max_qubits:
            raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n} (use oracle='counting' or 'qubo')")
        t = np.asarray(table.table(np.float64), dtype=np.float64)
    else:
        t = np.asarray(table, dtype=np.float64)
    if t.ndim != 1 or t.size < 2 or t.size & (t.size - 1):
        raise ValueError(f"'table' must be 1-D with a power-of-two length >= 2; got shape {t.shape}")
    n = t.size.bit_length() - 1
    if n > max_qubits:
        raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n}")
    return ThresholdOracle("table", n, None, None, {"weight_qubits": n}, None, t)


# -- counting ------------------------------------------------------------------------------------
def counting_oracle(landscape: "LossLandscape") -> ThresholdOracle:
    """The coherent counting oracle of a 0-1-loss landscape of a model with a reversible form.

    Samples with the same gate features ``u(x)`` (:meth:`GatedOrForm.gate_features`) share one
    correctness circuit: a class with ``mu1`` positive and ``mu0`` negative samples adds
    ``mu0 + (mu1 - mu0) * out(w)`` correct answers, so the counter needs one controlled addition per
    distinct feature row (the circuit is the per-sample one with identical sub-circuits merged).
    The register holds ``K - 1 - count`` in two's complement with ``bit_length(m) + 1`` qubits:
    it never overflows, and its sign qubit is 1 exactly when ``count >= K``, the smallest count
    whose loss ``(m - count) / m`` is below the threshold.

    Raises ``ValueError`` for another loss, or for a model without a reversible form (naming the
    models that have one).
    """
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    if not isinstance(landscape, LossLandscape):
        raise TypeError(f"'landscape' must be a LossLandscape; got {type(landscape).__name__}")
    if landscape.loss != "zero_one":
        raise ValueError(
            f"the counting oracle counts correct samples, i.e. the 'zero_one' loss; got loss={landscape.loss!r} "
            "(use oracle='qubo' for a quadratic loss or oracle='table' for a small landscape)"
        )
    form = landscape.model.reversible_form(landscape.X.shape[1])
    if landscape.n_qubits != form.n_weights:  # pragma: no cover - binary models have 1 bit per weight
        raise ValueError("the counting oracle needs one qubit per binary weight")
    m = landscape.n_samples
    u = form.gate_features(landscape.X)
    keys = u.astype(np.int64) @ (1 << np.arange(form.n_gates, dtype=np.int64))
    uniq, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    y = landscape.y.astype(np.int64)
    mu1 = np.bincount(inv, weights=y, minlength=uniq.size).astype(np.int64)
    mu0 = np.bincount(inv, weights=1 - y, minlength=uniq.size).astype(np.int64)
    c0 = int(mu0.sum())  # every negative sample is right when out = 0
    b = _value_bits(m)

    w = QuantumRegister(form.n_weights, "w")
    anc = QuantumRegister(1, "correct")
    val = QuantumRegister(b, "count")
    k = Parameter(_PARAM)
    U = QuantumCircuit(w, anc, val, name="count")
    U.h(val)  # QFT of |0>
    _fourier_add(U, list(val), k - 1 - c0)
    n_adds = 0
    for r in range(uniq.size):
        delta = int(mu1[r] - mu0[r])
        if delta == 0:
            continue
        row = u[first[r]]
        selected = [g for g in range(form.n_gates) if row[g]]
        n_adds += 1
        if form.polarity is None and len(selected) == 1:  # out(w) is one weight qubit: no ancilla
            _fourier_add(U, list(val), -delta, [w[selected[0]]])
        elif form.polarity is not None and not selected:
            _fourier_add(U, list(val), -delta, [w[form.polarity]])
        elif form.polarity is None and not selected:
            continue  # out = 0: adds nothing
        else:
            form.append_classical(U, list(w), row, anc[0])
            _fourier_add(U, list(val), -delta, [anc[0]])
            form.append_classical(U, list(w), row, anc[0])  # XORs of functions of w: self-inverse
    U.append(QFTGate(b).inverse(), list(val))
    oracle = _sign_phase_oracle(U, val[b - 1])
    oracle.name = "counting_oracle"

    losses = (m - np.arange(m + 1)) / m  # the landscape's (pred != y).mean() for each count

    def k_of(threshold: float) -> int:
        hit = np.nonzero(losses < threshold)[0]
        return int(hit[0]) if hit.size else m + 1

    info = {
        "weight_qubits": form.n_weights,
        "counter_qubits": b,
        "ancillas": 1,
        "samples": m,
        "classes": int(uniq.size),
        "controlled_adds": n_adds,
        "model": form.model_name,
    }
    return ThresholdOracle("counting", form.n_weights, oracle, k, info, k_of)


# -- QUBO / HUBO arithmetic ----------------------------------------------------------------------
def _polynomial_terms(problem) -> tuple[list, dict[tuple[int, ...], float], float]:
    """``(variables, {sorted position tuple: coefficient}, offset)`` of a QUBO / HUBO problem."""
    p = as_problem(problem)
    if p.classifies and not p.is_quadratic:
        what = f"model={p.model.name!r}, loss={p.loss!r}" if isinstance(p, LossLandscape) else repr(p)
        raise ValueError(
            f"the QUBO oracle needs a quadratic landscape (squared loss on a linear model); got {what} "
            "(use oracle='counting' or 'table')"
        )
    if not (p.is_quadratic or _has_symbolic_polynomial(p)):
        raise TypeError(
            "the QUBO oracle takes a dimod BinaryQuadraticModel or BinaryPolynomial, a binary "
            f"QuadraticProgram or a quadratic LossLandscape; got {type(problem).__name__}"
        )
    terms = p.polynomial(max_terms=1 << 62)
    offset = terms.pop((), 0.0)
    return list(p.variables), terms, float(offset)


def _has_symbolic_polynomial(p: SearchProblem) -> bool:
    from quark.encoding.problem import PolynomialProblem, RestrictedProblem

    while isinstance(p, RestrictedProblem):
        p = p.parent
    return isinstance(p, PolynomialProblem)


def is_exactly_scalable(problem) -> bool:
    """Whether a QUBO / HUBO has coefficients that scale to exact integers (the arithmetic oracle applies)."""
    try:
        _, terms, offset = _polynomial_terms(problem)
        integer_scaling([offset, *terms.values()])
    except (ValueError, TypeError):
        return False
    return True


def integer_scaling(coefficients: Sequence[float], *, max_denominator: int = 1 << 16) -> int:
    """The smallest positive integer ``s`` with every ``s * c`` an integer (to float precision).

    Raises ``ValueError`` when some coefficient is not a fraction with denominator
    ``<= max_denominator`` (e.g. ``sqrt(2)``): exact integer arithmetic is then impossible.

    Examples
    --------
    >>> integer_scaling([0.5, 1.0, -0.25])
    4
    >>> integer_scaling([1 / 3, 2.0])
    3
    """
    scale = 1
    for c in coefficients:
        c = float(c)
        if not np.isfinite(c):
            raise ValueError(f"coefficients must be finite; got {c!r}")
        f = Fraction(c).limit_denominator(max_denominator)
        if abs(float(f) - c) > 8 * np.finfo(float).eps * max(abs(c), 1e-300):
            raise ValueError(
                f"coefficient {c!r} is not an exact fraction with denominator <= {max_denominator}, so the "
                "arithmetic oracle cannot scale the problem to exact integers; round the coefficients "
                "(e.g. to a multiple of 2**-k) or use oracle='table' for a small problem"
            )
        scale = scale * f.denominator // math.gcd(scale, f.denominator)
    return int(scale)


def qubo_oracle(problem, *, max_denominator: int = 1 << 16, max_value_qubits: int = 32) -> ThresholdOracle:
    """The arithmetic oracle of a QUBO / HUBO: phase -1 exactly where ``energy < threshold``.

    Coefficients are scaled by the smallest integer ``s`` that makes them all integers
    (:func:`integer_scaling`); the value register holds ``s*E(x) - K`` (``K = ceil(s*threshold)``,
    clamped to the energy range) with ``1 + ceil(log2(ub - lb + 1))`` qubits for the integer energy
    bounds ``[lb, ub]`` — it cannot overflow. Terms of degree ``d`` become phase gates with ``d``
    controls, so a ``BinaryPolynomial`` of any degree works.

    Parameters
    ----------
    problem : dimod.BinaryQuadraticModel, dimod.BinaryPolynomial, QuadraticProgram, or LossLandscape
        A landscape must be quadratic (squared loss on a linear model).
    max_denominator : int
        Largest denominator accepted when scaling to integers.
    max_value_qubits : int
        Refuse larger value registers (a huge integer scale).

    Examples
    --------
    >>> import dimod
    >>> bqm = dimod.BinaryQuadraticModel({0: 1.5, 1: -1.0}, {(0, 1): -2.0}, 0.5, "BINARY")
    >>> orc = qubo_oracle(bqm)
    >>> orc.info["scale"], orc.info["bounds"], orc.info["value_qubits"]
    (2, (-5, 4), 5)
    >>> orc.threshold_value(0.0)       # 2*E < 0
    0
    """
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    variables, terms, offset = _polynomial_terms(problem)
    n = len(variables)
    s = integer_scaling([offset, *terms.values()], max_denominator=max_denominator)
    iterms = {t: int(round(c * s)) for t, c in terms.items()}
    ioff = int(round(offset * s))
    lb = ioff + sum(min(c, 0) for c in iterms.values())
    ub = ioff + sum(max(c, 0) for c in iterms.values())
    b = _value_bits(ub - lb)
    if b > max_value_qubits:
        raise ValueError(
            f"the value register would need {b} qubits (integer scale {s}, energy range [{lb}, {ub}]), more "
            f"than max_value_qubits={max_value_qubits}; round the coefficients to coarser fractions"
        )
    w = QuantumRegister(n, "w")
    val = QuantumRegister(b, "value")
    k = Parameter(_PARAM)
    U = QuantumCircuit(w, val, name="energy")
    U.h(val)
    _fourier_add(U, list(val), ioff - k)
    for t, c in sorted(iterms.items()):
        _fourier_add(U, list(val), c, [w[i] for i in t])
    U.append(QFTGate(b).inverse(), list(val))
    oracle = _sign_phase_oracle(U, val[b - 1])
    oracle.name = "qubo_oracle"

    def k_of(threshold: float) -> int:
        if threshold == math.inf:
            return ub + 1
        if threshold == -math.inf:
            return lb
        # E < T  <=>  s*E < s*T  <=>  s*E <= ceil(s*T) - 1. A threshold within float precision of an
        # attainable value (the loss of a measured state, as Grover adaptive search sets it) is that
        # value: the float energies of dimod and the exact integer ones may differ in the last bit.
        x = threshold * s
        j = round(x)
        kk = j if abs(x - j) <= 1e-9 * max(1.0, abs(x)) else math.ceil(x)
        return min(max(kk, lb), ub + 1)

    info = {
        "weight_qubits": n,
        "value_qubits": b,
        "scale": s,
        "bounds": (lb, ub),
        "terms": len(iterms),
        "degree": max((len(t) for t in iterms), default=0),
        "variables": variables,
    }
    return ThresholdOracle("qubo", n, oracle, k, info, k_of)




def choose_threshold_oracle(problem, kind: str = "auto", *, max_table_qubits: int = 16) -> ThresholdOracle:
    """The threshold oracle of ``kind`` for a problem; ``"auto"`` picks the cheapest that applies.

    ``"auto"``: the counting oracle for 0-1-loss landscapes of models with a reversible form, the
    arithmetic oracle for QUBOs / HUBOs whose coefficients scale to integers (dimod models,
    QuadraticPrograms, quadratic landscapes), else the table oracle up to ``max_table_qubits``.
    """
    from quark.models.circuits import has_reversible_form

    if kind not in ORACLE_KINDS:
        raise ValueError(f"'oracle' must be one of {ORACLE_KINDS}; got {kind!r}")
    p = as_problem(problem)
    land = p if isinstance(p, LossLandscape) else None
    if kind == "auto":
        if land is not None and land.loss == "zero_one" and has_reversible_form(land.model, land.X.shape[1]):
            kind = "counting"
        elif (p.is_quadratic or _has_symbolic_polynomial(p)) and is_exactly_scalable(p):
            kind = "qubo"
        elif p.n_qubits <= max_table_qubits:
            kind = "table"
        else:
            from quark.models.circuits import REVERSIBLE_MODELS

            what = f"model {land.model.name!r} with loss {land.loss!r}" if land is not None else repr(p)
            have = ", ".join(repr(k) for k in REVERSIBLE_MODELS)
            raise ValueError(
                f"no threshold oracle for a {what} of {p.n_qubits} qubits: the counting oracle needs the "
                f"'zero_one' loss of a model with a reversible circuit form ({have}), the arithmetic oracle a "
                f"QUBO/HUBO, and the table oracle at most max_table_qubits={max_table_qubits} qubits"
            )
    if kind == "counting":
        if land is None:
            raise ValueError(f"oracle='counting' needs a LossLandscape (a model with a reversible form); got {p!r}")
        return counting_oracle(land)
    if kind == "qubo":
        return qubo_oracle(p)
    return table_oracle(p, max_qubits=max_table_qubits)
