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

__all__ = ["CACHE_MODES", "QueryOracle", "query_oracle", "query_circuit", "count_query", "fingerprint", "clear_cache"]

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


#: How queries are recognised as already counted: ``"shape"`` — the same gates on the same qubits (rotation
#: angles and the table oracle's marks ignored: they change no gate count except where an angle happens to be
#: a Clifford one); ``"exact"`` — the same gates with the same parameters.
CACHE_MODES = ("shape", "exact")


class QueryOracle:
    """The oracle of one query (threshold bound, built on first use) and what the Grover iterate needs.

    Attributes
    ----------
    kind : str
        The oracle kind (``"counting"``, ``"qubo"``/``"arithmetic"``, ``"unit"``, ``"table"``, ``"joint"``).
    n_weights : int
        Weight qubits.
    """

    def __init__(self, build, kind: str, n_weights: int, search_qubits: list, state_preparation=None) -> None:
        self._build, self._circuit = build, None
        self.kind, self.n_weights = kind, int(n_weights)
        self.search_qubits, self.state_preparation = list(search_qubits), state_preparation
        self._keys: dict[str, str] = {}

    @property
    def circuit(self):
        """The oracle circuit, threshold bound."""
        if self._circuit is None:
            self._circuit = self._build()
        return self._circuit

    def key(self, mode: str = "exact") -> str:
        """What identifies the query in the count cache (see :data:`CACHE_MODES`)."""
        if mode not in self._keys:
            if mode == "shape" and self.kind == "table":  # a diagonal of +-1 on n qubits: its shape is n
                self._keys[mode] = f"table:{self.n_weights}"
            else:
                self._keys[mode] = f"{self.kind}:{mode}:{fingerprint(self.circuit, parameters=mode == 'exact')}"
        return self._keys[mode]

    def iterate(self):
        """The Grover iterate: the oracle, then the reflection about the start state on the search qubits."""
        from qiskit.circuit.library import grover_operator

        return grover_operator(self.circuit, state_preparation=self.state_preparation,
                               reflection_qubits=self.search_qubits)


def query_oracle(problem, *, oracle: str = "auto", threshold: float | None = None, joint_copies: int | None = None,
                 max_table_qubits: int = 16) -> QueryOracle:
    """The :class:`QueryOracle` of one query on ``problem``.

    Parameters
    ----------
    problem : SearchProblem
        The problem the search queried (a block's restriction for a block step).
    oracle : str
        Oracle kind, as for the gate-level backends (``"auto"``: what they pick).
    threshold : float, optional
        The threshold bound into the oracle (it changes rotation angles, not the gate structure);
        the caller passes the search's final loss. Default 0.
    joint_copies : int, optional
        The paper's joint oracle with this many data copies instead of a threshold oracle.
    """
    if joint_copies is not None:
        from quark.encoding.oracles import joint_oracle

        jo = joint_oracle(problem, int(joint_copies))
        return QueryOracle(lambda: jo.circuit, "joint", jo.n_weights, list(jo.search_qubits), jo.state_preparation)
    from quark.encoding.oracles import choose_threshold_oracle

    orc = choose_threshold_oracle(problem, oracle, max_table_qubits=max_table_qubits, compact=False)
    t = 0.0 if threshold is None else float(threshold)
    return QueryOracle(lambda: orc.bound(t), orc.kind, orc.n_weights, list(range(orc.n_weights)))


def query_circuit(problem, **options):
    """``(Grover iterate, oracle kind, weight qubits)`` of one query on ``problem`` (options of :func:`query_oracle`)."""
    q = query_oracle(problem, **options)
    return q.iterate(), q.kind, q.n_weights


def _standard_names() -> frozenset:
    from qiskit.circuit.library import get_standard_gate_name_mapping

    return frozenset(get_standard_gate_name_mapping()) | {"mcx", "mcphase", "diagonal"}


_STANDARD: frozenset = frozenset()


def fingerprint(circuit, *, parameters: bool = True) -> str:
    """A digest of a circuit's instructions, their qubits and (``parameters=True``) their parameters."""
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
        if op.params and parameters:
            try:  # one conversion for all parameters (a diagonal gate has 2**n of them)
                h.update(np.asarray(op.params, dtype=np.complex128).round(12).tobytes())
            except (TypeError, ValueError):
                h.update(repr(op.params).encode())
        if op.name not in _STANDARD and getattr(op, "definition", None) is not None:
            h.update(fingerprint(op.definition, parameters=parameters).encode())
    return h.hexdigest()


def _two_qubit_gates(circuit) -> int:
    return sum(1 for inst in circuit.data
               if len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False) and not inst.clbits)


def _depth(circuit) -> int:
    return int(circuit.depth(lambda inst: not getattr(inst.operation, "_directive", False)))


def count_query(query, spec: TargetSpec, key: str | None = None) -> dict[str, Any]:
    """Counts of one query compiled for ``spec``, cached per distinct query.

    ``query`` is a :class:`QueryOracle` (cached by its oracle's key; the iterate is built only on a
    miss) or a circuit (cached by its :func:`fingerprint`, or ``key``).

    Returns ``qubits`` (logical), ``two_qubit_gates``, ``depth``, ``ops`` (gate counts after
    compilation), ``duration_s`` (IBM devices: the scheduled length from the device's gate
    durations; else ``None``) and, for the fault-tolerant target, ``toffolis`` and ``t_gates``.
    """
    key = key or (query.key() if isinstance(query, QueryOracle) else fingerprint(query))

    def build():
        circuit = query.iterate() if isinstance(query, QueryOracle) else query
        n_dev = spec.n_device_qubits
        if n_dev is not None and circuit.num_qubits > n_dev:
            raise ValueError(f"one query needs {circuit.num_qubits} qubits; the device {spec.name!r} has {n_dev}")
        level = spec.optimization_level
        try:
            tqc = spec.pass_manager().run(circuit)
        except BaseException as exc:  # Qiskit 2.6 panics (a Rust PanicException) in optimize_1q_gates_decomposition on
            if type(exc).__name__ != "PanicException" or level == 0:  # some joint oracles with Aer's target
                raise
            level = 0
            tqc = spec.pass_manager(0).run(circuit)
        ops = {str(k): int(v) for k, v in tqc.count_ops().items()}
        out = {"qubits": int(circuit.num_qubits), "two_qubit_gates": _two_qubit_gates(tqc), "depth": _depth(tqc),
               "ops": ops, "duration_s": None, "optimization_level": level}
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
