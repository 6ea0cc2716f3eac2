"""One oracle query as a circuit, compiled for a target and counted; counts cached per distinct circuit.

A query of Grover search is one application of the Grover iterate ``Q = -A S_0 A^dagger O``: the
threshold oracle ``O`` that the gate-level backends build for the problem
(:func:`~quark.encoding.oracles.choose_threshold_oracle`, its hardware form) and the diffuser — or,
for the paper's amplification, the joint weights ⊗ data oracle with its own state preparation.
Whatever oracle that function picks today is what gets counted, so better oracles change the
estimates without a change here.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from quark.resources.targets import TargetSpec

__all__ = ["query_circuit", "count_query", "fingerprint", "clear_cache"]

_CACHE: dict[tuple, dict[str, Any]] = {}
_CACHE_SIZE = 512


def clear_cache() -> None:
    """Forget every cached count (circuit compilations and fault-tolerant logical counts)."""
    _CACHE.clear()


def cached(key: tuple, build):
    """``build()`` once per ``key`` (a bounded cache shared by the counting and fault-tolerant modules)."""
    hit = _CACHE.get(key)
    if hit is None:
        hit = build()
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


def query_circuit(problem, *, oracle: str = "auto", threshold: float | None = None, joint_copies: int | None = None,
                  max_table_qubits: int = 16):
    """``(Grover iterate, oracle kind, weight qubits)`` of one query on ``problem``.

    Parameters
    ----------
    problem : SearchProblem
        The problem the search queried (a block's restriction for a block step).
    oracle : str
        Oracle kind, as for the gate-level backends (``"auto"``: what they pick).
    threshold : float, optional
        The threshold bound into the oracle (it changes rotation angles only); default: the
        problem's loss midway between its bounds is not known cheaply, so the caller passes the
        search's final loss.
    joint_copies : int, optional
        Count the paper's joint oracle with this many data copies instead of a threshold oracle.
    """
    from qiskit.circuit.library import grover_operator

    if joint_copies is not None:
        from quark.encoding.oracles import joint_oracle

        jo = joint_oracle(problem, int(joint_copies))
        Q = grover_operator(jo.circuit, state_preparation=jo.state_preparation, reflection_qubits=jo.search_qubits)
        return Q, "joint", jo.n_weights
    from quark.encoding.oracles import choose_threshold_oracle

    orc = choose_threshold_oracle(problem, oracle, max_table_qubits=max_table_qubits, compact=False)
    qc = orc.bound(0.0 if threshold is None else float(threshold))
    n = orc.n_weights
    Q = grover_operator(qc, reflection_qubits=list(range(n)))
    return Q, orc.kind, n


def _standard_names() -> frozenset:
    from qiskit.circuit.library import get_standard_gate_name_mapping

    return frozenset(get_standard_gate_name_mapping()) | {"mcx", "mcphase", "diagonal"}


_STANDARD: frozenset = frozenset()


def fingerprint(circuit) -> str:
    """A digest of a circuit's instructions, their qubits and parameters: equal circuits, equal digests."""
    global _STANDARD
    if not _STANDARD:
        _STANDARD = _standard_names()
    h = hashlib.blake2b(digest_size=16)
    index = {q: i for i, q in enumerate(circuit.qubits)}
    h.update(str(circuit.num_qubits).encode())
    for inst in circuit.data:
        op = inst.operation
        h.update(op.name.encode())
        h.update(np.asarray([index[q] for q in inst.qubits], dtype=np.int32).tobytes())
        for p in op.params:
            try:
                h.update(np.asarray(p, dtype=np.complex128).round(12).tobytes())
            except (TypeError, ValueError):
                h.update(repr(p).encode())
        if op.name not in _STANDARD and getattr(op, "definition", None) is not None:
            h.update(fingerprint(op.definition).encode())
    return h.hexdigest()


def _two_qubit_gates(circuit) -> int:
    return sum(1 for inst in circuit.data
               if len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False) and not inst.clbits)


def _depth(circuit) -> int:
    return int(circuit.depth(lambda inst: not getattr(inst.operation, "_directive", False)))


def count_query(circuit, spec: TargetSpec, key: str | None = None) -> dict[str, Any]:
    """Counts of one query circuit compiled for ``spec`` (cached by the circuit's :func:`fingerprint`).

    Returns ``qubits`` (logical), ``two_qubit_gates``, ``depth``, ``ops`` (gate counts after
    compilation), ``duration_s`` (IBM devices: the scheduled length from the device's gate
    durations; else ``None``) and, for the fault-tolerant target, ``toffolis`` and ``t_gates``.
    """
    key = key or fingerprint(circuit)

    def build():
        n_dev = spec.n_device_qubits
        if n_dev is not None and circuit.num_qubits > n_dev:
            raise ValueError(f"one query needs {circuit.num_qubits} qubits; the device {spec.name!r} has {n_dev}")
        tqc = spec.pass_manager().run(circuit)
        ops = {str(k): int(v) for k, v in tqc.count_ops().items()}
        out = {"qubits": int(circuit.num_qubits), "two_qubit_gates": _two_qubit_gates(tqc), "depth": _depth(tqc),
               "ops": ops, "duration_s": None}
        if spec.kind == "ibm":
            try:
                out["duration_s"] = float(tqc.estimate_duration(spec.backend.target, unit="s"))
            except Exception:  # pragma: no cover - a device without durations
                out["duration_s"] = None
        if spec.kind == "fault-tolerant":
            out["toffolis"] = ops.get("ccx", 0)
            out["t_gates"] = ops.get("t", 0) + ops.get("tdg", 0)
            out["circuit"] = tqc
        return out

    return cached(("count", key, spec.key), build)
