"""Fault-tolerant resources from Microsoft's resource estimator (the ``qdk`` package, extra ``resources``).

Two steps, both by the estimator:

1. **Logical counts of one query.** The query circuit, compiled to Clifford + T + Toffoli +
   rotations (:data:`~quark.resources.targets.FT_BASIS`), goes to ``qdk.qiskit.estimate``, which
   reports its logical counts: qubits, T gates, rotations (and their depth), CCZ / CCiX
   (Toffoli-class) gates, measurements. Cached per distinct circuit.
2. **The whole search as one computation.** The counts of every query (times the queries made) and
   the measurements of every shot are summed into ``qdk.estimator.LogicalCounts`` and estimated under
   the surface-code assumptions (default: the estimator's ``qubit_gate_ns_e3`` qubits — 50 ns gates,
   100 ns measurements, 10^-3 error rates — a surface code, and a total error budget of 10^-3 for the
   whole search). The estimator chooses the code distance and the T factories; it returns the
   physical qubits, the runtime and the T states consumed (rotations synthesized into T gates).
"""

from __future__ import annotations

import warnings
from typing import Any

from quark._optional import require
from quark.resources.counting import cached

__all__ = ["logical_counts", "physical_estimate", "LOGICAL_FIELDS", "DEFAULT_PARAMS"]

#: The logical counts the estimator takes (``qdk.estimator.LogicalCounts``), summed over queries.
LOGICAL_FIELDS = ("tCount", "rotationCount", "rotationDepth", "cczCount", "ccixCount", "measurementCount")
#: What is assumed unless the caller says otherwise (the estimator's own defaults, written out).
DEFAULT_PARAMS: dict[str, Any] = {"qubitParams": {"name": "qubit_gate_ns_e3"}, "qecScheme": {"name": "surface_code"},
                                  "errorBudget": 1e-3}


def _qdk():
    return require("qdk.qiskit", extra="resources", feature="fault-tolerant resource estimates (target "
                   "'fault-tolerant', Microsoft's resource estimator)", package="qdk")


def logical_counts(compiled, key: str) -> dict[str, int]:
    """The estimator's logical counts of one compiled query circuit (cached by ``key``)."""
    qk = _qdk()

    def build():
        from qiskit import QuantumCircuit

        plain = QuantumCircuit(compiled.num_qubits)  # registers without a layout: the estimator's QASM import
        plain.compose(compiled, inplace=True)        # takes virtual qubits only
        with warnings.catch_warnings():  # qdk 1.33 marks this estimator API for a successor (qdk.qre); same counts
            warnings.simplefilter("ignore", DeprecationWarning)
            res = qk.estimate(plain, optimization_level=0)
        return {k: int(v) for k, v in dict(res.logical_counts).items()}

    return cached(("logical", key), build)


def physical_estimate(total: dict[str, int], params: dict | None = None) -> dict[str, Any]:
    """Physical resources of a computation with the logical counts ``total`` (see the module docstring).

    Returns ``physical_qubits``, ``runtime_s``, ``t_states``, ``logical_qubits`` (after the
    estimator's layout), ``code_distance``, ``t_factories``, ``ts_per_rotation`` and the
    estimator's ``job_params`` (every assumption it used).
    """
    _qdk()
    from qdk.estimator import LogicalCounts

    p = {**DEFAULT_PARAMS, **(params or {})}
    res = LogicalCounts(dict(total)).estimate(p)
    data = res.data() if callable(getattr(res, "data", None)) else res
    if "physicalCounts" not in data:
        raise RuntimeError(f"the resource estimator failed: {data.get('error') or data}")
    pc = data["physicalCounts"]
    b = pc["breakdown"]
    return {
        "physical_qubits": int(pc["physicalQubits"]),
        "runtime_s": float(pc["runtime"]) * 1e-9,
        "t_states": int(b["numTstates"]),
        "logical_qubits": int(b["algorithmicLogicalQubits"]),
        "logical_depth": int(b["logicalDepth"]),
        "code_distance": int(data["logicalQubit"]["codeDistance"]),
        "t_factories": int(b["numTfactories"]),
        "ts_per_rotation": int(b["numTsPerRotation"]) if b.get("numTsPerRotation") is not None else None,
        "job_params": data["jobParams"],
    }
