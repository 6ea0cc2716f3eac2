"""Grover circuits: state preparation, rounds of the Grover iterate, measurement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from quark._validation import check_int

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit

__all__ = ["grover_circuit"]


# -- Grover circuits -----------------------------------------------------------------------------
def grover_circuit(
    oracle: "QuantumCircuit",
    search_qubits: Sequence[int],
    measured_qubits: Sequence[int],
    iterations: int,
    *,
    measure: bool = True,
    state_preparation: "QuantumCircuit | None" = None,
) -> "QuantumCircuit":
    """``A`` (default: ``H`` on the search qubits), ``iterations`` rounds of ``grover_operator``, measure.

    The diffuser reflects about ``A|0>`` on ``search_qubits``; the classical register ``"meas"``
    holds bit ``i`` = measured qubit ``measured_qubits[i]``.

    Examples
    --------
    >>> from quark.encoding.oracles import table_oracle
    >>> qc = grover_circuit(table_oracle([1.0, 0.0, 1.0, 1.0]).bound(0.5), [0, 1], [0, 1], 1)
    >>> from qiskit.quantum_info import Statevector
    >>> Statevector(qc.remove_final_measurements(inplace=False)).probabilities().round(6).tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    from qiskit import ClassicalRegister
    from qiskit.circuit.library import grover_operator

    iterations = check_int(iterations, "iterations", minimum=0)
    qc = oracle.copy_empty_like(name=f"grover_{iterations}")
    if state_preparation is None:
        qc.h(list(search_qubits))
    else:
        qc.compose(state_preparation, inplace=True)
    if iterations:
        op = grover_operator(oracle, state_preparation=state_preparation, reflection_qubits=list(search_qubits))
        for _ in range(int(iterations)):
            qc.compose(op, inplace=True)
    if measure:
        creg = ClassicalRegister(len(measured_qubits), "meas")
        qc.add_register(creg)
        qc.measure(list(measured_qubits), creg)
    return qc
