"""Threshold oracles: phase -1 on every weight setting whose loss lies below a threshold.

- :func:`table_oracle` — the reference: a ``DiagonalGate`` of ``±1`` read off the loss table.
- :func:`counting_oracle` — the coherent counting oracle of a 0-1 loss (models with a reversible form).
- :func:`qubo_oracle` — the arithmetic oracle of a QUBO / HUBO.

:func:`choose_threshold_oracle` picks one for a problem.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.oracles._base import ThresholdOracle
from quark.encoding.oracles._fourier import PARAM as _PARAM, fourier_add as _fourier_add, fourier_add_terms, fourier_order
from quark.encoding.oracles._fourier import inverse_qft
from quark.encoding.oracles._fourier import sign_bits, sign_phase_oracle as _sign_phase_oracle
from quark.encoding.oracles.counting import COUNTING_FORMS, counting_oracle
from quark.encoding.problem import SearchProblem, as_problem

__all__ = ["ThresholdOracle", "table_oracle", "counting_oracle", "qubo_oracle", "integer_scaling",
           "is_exactly_scalable", "choose_threshold_oracle", "oracle_cost", "ORACLE_KINDS", "COUNTING_FORMS"]

#: Threshold oracles a gate-level backend can use.
ORACLE_KINDS = ("auto", "counting", "qubo", "table", "cheapest")


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


def qubo_oracle(problem, *, max_denominator: int = 1 << 16, max_value_qubits: int = 32, narrow: bool = False,
                swaps: bool = True, blocks: bool = False) -> ThresholdOracle:
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
    narrow : bool
        Per threshold, the narrowest value register that holds ``E - K`` for every energy in
        ``[lb, ub]`` (``K - lb`` values below, ``ub - K + 1`` at or above): two circuit shapes at
        most (:meth:`ThresholdOracle.at`); :attr:`ThresholdOracle.circuit` is the widest.
    swaps : bool
        Keep the inverse QFT's final qubit reversal (``False`` saves ``b // 2`` swaps).
    blocks : bool
        Terms on few variables gathered into diagonal blocks of at most ten qubits where a
        statevector simulator gains by it (:func:`~quark.encoding.oracles._fourier.fourier_add_terms`).

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

    variables, terms, offset = _polynomial_terms(problem)
    n = len(variables)
    s = integer_scaling([offset, *terms.values()], max_denominator=max_denominator)
    iterms = {t: int(round(c * s)) for t, c in terms.items()}
    ioff = int(round(offset * s))
    lb = ioff + sum(min(c, 0) for c in iterms.values())
    ub = ioff + sum(max(c, 0) for c in iterms.values())

    def width_of(kk: int) -> int:
        return sign_bits(kk - lb, ub - kk + 1)  # E - K for E in [lb, K - 1] (marked) and [K, ub]

    b = width_of(lb)  # the widest: 1 + bit_length(ub - lb), every K in [lb, ub + 1]
    if b > max_value_qubits:
        raise ValueError(
            f"the value register would need {b} qubits (integer scale {s}, energy range [{lb}, {ub}]), more "
            f"than max_value_qubits={max_value_qubits}; round the coefficients to coarser fractions"
        )

    def build(width: int):
        w = QuantumRegister(n, "w")
        val = QuantumRegister(width, "value")
        k = Parameter(_PARAM)
        U = QuantumCircuit(w, val, name="energy")
        U.h(val)
        order = fourier_order(list(val), swaps=swaps)
        _fourier_add(U, order, ioff - k)
        fourier_add_terms(U, order, [([w[i] for i in t], c) for t, c in sorted(iterms.items())], blocks=blocks)
        inverse_qft(U, list(val), swaps=swaps)
        oracle = _sign_phase_oracle(U, val[width - 1])
        oracle.name = "qubo_oracle"
        return oracle, k

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

    circuit, k = build(b)
    info = {
        "weight_qubits": n,
        "value_qubits": b,
        "scale": s,
        "bounds": (lb, ub),
        "terms": len(iterms),
        "degree": max((len(t) for t in iterms), default=0),
        "variables": variables,
    }
    orc = ThresholdOracle("qubo", n, circuit, k, info, k_of)
    if narrow:
        orc._width_of, orc._build, orc._shapes = width_of, build, {b: (circuit, k)}
    return orc


def oracle_cost(oracle: ThresholdOracle) -> int:
    """A lower bound on the oracle's CX count once synthesized (the table oracle's: exactly ``2**n - 2``).

    Every multi-qubit gate of an arithmetic oracle costs at least 2 CX (a CX 1, an inverse QFT on
    ``b`` qubits ``b (b - 1)``); a ``DiagonalGate`` on ``q`` qubits synthesizes to ``2**q - 2`` CX.
    """
    if oracle.kind == "table":
        return (1 << oracle.n_weights) - 2
    cost = 0
    for inst in oracle.circuit.data:
        q = inst.operation.num_qubits
        if q < 2:
            continue
        name = inst.operation.name
        cost += 1 if name == "cx" else q * (q - 1) if name.startswith("qft") else (1 << q) - 2 if name == "diagonal" else 2
    return cost


def choose_threshold_oracle(problem, kind: str = "auto", *, max_table_qubits: int = 16,
                            compact: bool = False) -> ThresholdOracle:
    """The threshold oracle of ``kind`` for a problem.

    ``"auto"``: the counting oracle for 0-1-loss landscapes of models with a reversible form, the
    arithmetic oracle for QUBOs / HUBOs whose coefficients scale to integers (dimod models,
    QuadraticPrograms, quadratic landscapes), else the table oracle up to ``max_table_qubits``.
    ``"cheapest"``: the table oracle where its ``2**n - 2`` CX are fewer than a lower bound on the
    ``"auto"`` oracle's in its hardware form (:func:`oracle_cost`; small registers), else the
    ``"auto"`` one.
    ``compact=True`` builds the simulator forms: the counting oracle without its ancilla
    (``form="phase"``), narrow counters and value registers, inverse QFTs without swaps, diagonal
    blocks of at most ten qubits for terms on few weights.
    """
    from quark.models.circuits import has_reversible_form

    if kind not in ORACLE_KINDS:
        raise ValueError(f"'oracle' must be one of {ORACLE_KINDS}; got {kind!r}")
    p = as_problem(problem)
    land = p if isinstance(p, LossLandscape) else None
    cheapest = kind == "cheapest"
    if kind in ("auto", "cheapest"):
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
        orc = counting_oracle(land, form="phase" if compact else "ancilla", narrow=compact, blocks=compact)
    elif kind == "qubo":
        orc = qubo_oracle(p, narrow=compact, swaps=not compact, blocks=compact)
    else:
        return table_oracle(p, max_qubits=max_table_qubits)
    if cheapest and p.n_qubits <= max_table_qubits:
        # compared in their hardware forms: what each would cost once synthesized
        hardware = orc if not compact else choose_threshold_oracle(p, kind, max_table_qubits=max_table_qubits)
        bound = oracle_cost(hardware)
        if (1 << p.n_qubits) - 2 < bound:
            table = table_oracle(p, max_qubits=max_table_qubits)
            table.info["instead_of"] = {"kind": orc.kind, "cx_lower_bound": bound, "cx": (1 << p.n_qubits) - 2}
            return table
    return orc
