"""Threshold oracles: phase -1 on every weight setting whose loss lies below a threshold.

- :func:`table_oracle` — the reference: a ``DiagonalGate`` of ``±1`` read off the loss table.
- :func:`counting_oracle` — the coherent counting oracle of a 0-1 loss (models with a reversible form).
- :func:`~quark.encoding.oracles.arithmetic_oracle` — the arithmetic oracle of a QUBO / HUBO (real coefficients).
- :func:`~quark.encoding.oracles.unit_oracle` — the unit oracle of a block of one network unit (sign steps).

:func:`choose_threshold_oracle` picks one for a problem.
"""

from __future__ import annotations


import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.oracles._base import ThresholdOracle
from quark.encoding.oracles._counted import unrestricted
from quark.encoding.oracles.arithmetic import (
    arithmetic_oracle,
    has_polynomial_form,
    integer_scaling,
    is_exactly_scalable,
)
from quark.encoding.oracles.counting import COUNTING_FORMS, LOSS_FACTORS, counting_oracle
from quark.encoding.oracles.unit import unit_applies, unit_oracle
from quark.encoding.problem import RestrictedProblem, SearchProblem, TableProblem, as_problem

__all__ = ["ThresholdOracle", "table_oracle", "counting_oracle", "arithmetic_oracle", "integer_scaling",
           "is_exactly_scalable", "choose_threshold_oracle", "counting_applies", "unit_oracle", "oracle_cost", "ORACLE_KINDS",
           "COUNTING_FORMS"]

#: Threshold oracles a gate-level backend can use.
ORACLE_KINDS = ("auto", "counting", "arithmetic", "unit", "table", "cheapest")


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
            raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n} (use oracle='counting' or 'arithmetic')")
        t = np.asarray(table.table(np.float64), dtype=np.float64)
    else:
        t = np.asarray(table, dtype=np.float64)
    if t.ndim != 1 or t.size < 2 or t.size & (t.size - 1):
        raise ValueError(f"'table' must be 1-D with a power-of-two length >= 2; got shape {t.shape}")
    n = t.size.bit_length() - 1
    if n > max_qubits:
        raise ValueError(f"the table oracle takes at most {max_qubits} weight qubits; got {n}")
    cost = _table_cost(table) if isinstance(table, SearchProblem) else 0
    return ThresholdOracle("table", n, None, None, {"weight_qubits": n, "compile_evaluations": cost}, None, t)


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


def _table_cost(p: SearchProblem) -> int:
    """Model evaluations a table oracle spends computing its ``2**n`` losses (none for a given table)."""
    return 0 if isinstance(p, TableProblem) else (1 << p.n_qubits) * int(p.evaluation_cost)


def counting_applies(problem) -> bool:
    """Whether the counting oracle is coherent for a problem: any loss of a model with a reversible form,
    or a restriction of such a landscape (a block search's)."""
    from quark.models.circuits import has_reversible_form

    p, _, _ = unrestricted(as_problem(problem))
    return isinstance(p, LossLandscape) and p.encoding.kind == "binary" and p.loss in LOSS_FACTORS \
        and has_reversible_form(p.model, p.X.shape[1])


def no_coherent_oracle(p: SearchProblem, max_table_qubits: int) -> ValueError:
    """The refusal of ``oracle="auto"`` for a problem no coherent oracle computes, naming the alternatives."""
    from quark.models.circuits import REVERSIBLE_MODELS

    have = ", ".join(repr(k) for k in REVERSIBLE_MODELS)
    if isinstance(p, LossLandscape):
        what = f"the {p.loss!r} loss of model {p.model.name!r}"
    elif isinstance(p, RestrictedProblem):
        what = f"a restriction of {p.parent!r}"
    else:
        what = repr(p)
    unit = ""
    if getattr(p, "parent", None) is not None and type(p.parent).__name__ == "NetworkLandscape":
        from quark.encoding.oracles.unit import _refusal

        unit = f"; {_refusal(p)}" if type(p).__name__ == "RestrictedUnit" else \
            "; the unit oracle needs a block within one unit (blocks='unit')"
    table = (f"oracle='table' computes all 2**{p.n_qubits} losses classically first (counted as compile_evaluations)"
             if p.n_qubits <= max_table_qubits else
             f"oracle='table' takes at most max_table_qubits={max_table_qubits} qubits")
    return ValueError(
        f"no coherent threshold oracle for {what} ({p.n_qubits} qubits): the counting oracle needs a model with a "
        f"reversible circuit form ({have}), the arithmetic oracle a polynomial of the bits (loss='squared' on a "
        f"linear model, a dimod model or QuadraticProgram), the unit oracle a block of one network unit{unit}; {table}, or use backend='statevector' (the exact kernel)"
    )


def choose_threshold_oracle(problem, kind: str = "auto", *, max_table_qubits: int = 16, compact: bool = False,
                            bits: int | None = None) -> ThresholdOracle:
    """The threshold oracle of ``kind`` for a problem.

    ``"auto"``: a coherent oracle, never the table — the counting oracle for every loss of a model
    with a reversible form (sample weights and ``alpha`` included) and its restrictions, the arithmetic oracle for
    problems whose polynomial is known (quadratic landscapes and their restrictions, dimod models,
    QuadraticPrograms; real coefficients on a fixed-point grid of ``bits``), the unit oracle for a
    block of one hidden sign unit of a quantized network, or of its output unit under the 0-1 loss
    (:func:`~quark.encoding.oracles.unit_oracle`; ``bits``: its loss accumulator). A loss table handed in
    as the problem is its own oracle (nothing is computed). Anything else is refused, naming
    ``oracle="table"``.
    ``"table"``: the ``DiagonalGate`` of the loss table, up to ``max_table_qubits``; for a landscape
    its ``2**n`` losses are computed classically first: ``info["compile_evaluations"]``.
    ``"cheapest"``: the table oracle where its ``2**n - 2`` CX are fewer than a lower bound on the
    ``"auto"`` oracle's in its hardware form (:func:`oracle_cost`; small registers), else the
    ``"auto"`` one.
    ``compact=True`` builds the simulator forms: the counting oracle without its ancilla
    (``form="phase"``), narrow counters and value registers, inverse QFTs without swaps, diagonal
    blocks of at most ten qubits for terms on few weights.
    """
    if kind not in ORACLE_KINDS:
        raise ValueError(f"'oracle' must be one of {ORACLE_KINDS}; got {kind!r}")
    p = as_problem(problem)
    cheapest = kind == "cheapest"
    if kind in ("auto", "cheapest"):
        if counting_applies(p):
            kind = "counting"
        elif has_polynomial_form(p):
            kind = "arithmetic"
        elif unit_applies(p):
            kind = "unit"
        elif isinstance(p, TableProblem):
            kind = "table"
        else:
            raise no_coherent_oracle(p, max_table_qubits)
    if kind == "counting":
        if not isinstance(unrestricted(p)[0], LossLandscape):
            raise ValueError("oracle='counting' needs a LossLandscape (a model with a reversible form) or a "
                             f"restriction of one; got {p!r}")
        orc = counting_oracle(p, form="phase" if compact else "ancilla", narrow=compact, blocks=compact, bits=bits)
    elif kind == "arithmetic":
        orc = arithmetic_oracle(p, bits=bits, narrow=compact, swaps=not compact, blocks=compact)
    elif kind == "unit":
        orc = unit_oracle(p, bits=bits, compact=compact)
    else:
        return table_oracle(p, max_qubits=max_table_qubits)
    if cheapest and p.n_qubits <= max_table_qubits:
        # compared in their hardware forms: what each would cost once synthesized
        hardware = orc if not compact else choose_threshold_oracle(p, kind, max_table_qubits=max_table_qubits, bits=bits)
        bound = oracle_cost(hardware)
        if (1 << p.n_qubits) - 2 < bound:
            table = table_oracle(p, max_qubits=max_table_qubits)
            table.info["instead_of"] = {"kind": orc.kind, "cx_lower_bound": bound, "cx": (1 << p.n_qubits) - 2}
            return table
    return orc
