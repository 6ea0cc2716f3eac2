"""What every gate-level backend shares: oracle choice, circuits, the transpile cache, bit-array decoding.

:class:`GateLevelBackend` builds the real circuits of :mod:`quark.encoding.oracles` for a problem —
the coherent counting oracle for landscapes of models with a reversible form, the arithmetic
(QUBO/HUBO) oracle, the tabulated ``DiagonalGate`` oracle when asked for, and the
paper's joint weights ⊗ data oracle — caches them per problem, transpiles each circuit shape once
(the threshold is a circuit parameter, bound per run), and runs them through the subclass's
:meth:`~GateLevelBackend._execute` (Aer's or IBM Quantum's ``SamplerV2``). Subclasses provide the
target (:meth:`~GateLevelBackend._transpile`), the memory check, and execution.
"""

from __future__ import annotations

import logging
import weakref
from abc import abstractmethod
from typing import Any, ClassVar

import numpy as np

from quark._validation import check_choice, check_int
from quark.backends.base import GroverBackend, Samples

logger = logging.getLogger("quark")

__all__ = ["GateLevelBackend", "GroverPieces", "bitarray_to_indices", "two_qubit_gates", "LOADERS", "INDEX_STATES"]

LOADERS = ("features", "pixels")
INDEX_STATES = ("uniform", "padded")
_CACHE_SIZE = 64


def bitarray_to_indices(packed: np.ndarray, n_bits: int) -> np.ndarray:
    """Per-shot integers from a ``BitArray``'s packed big-endian bytes (last byte = lowest bits)."""
    n_bytes = packed.shape[1]
    out = np.zeros(packed.shape[0], dtype=np.int64)
    for b in range(n_bytes):
        out |= packed[:, n_bytes - 1 - b].astype(np.int64) << (8 * b)
    return out & ((1 << n_bits) - 1)


def two_qubit_gates(circuit) -> int:
    """Two-qubit operations of a circuit (directives such as barriers excluded)."""
    return sum(
        1
        for inst in circuit.data
        if len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False) and not inst.clbits
    )


class GroverPieces:
    """``A``, ``iterations`` copies of the Grover iterate ``Q`` and a measurement: a circuit not yet built.

    Aer's runner converts the transpiled pieces once and concatenates their native forms per round
    count (:mod:`quark.backends._aer_exec`), so most round counts never become a ``QuantumCircuit``;
    :meth:`circuit` builds the ``QuantumCircuit`` for whatever needs one (``SamplerV2``).
    """

    def __init__(self, start, iterate, iterations: int, measured: list[int]) -> None:
        self.start, self.iterate, self.iterations, self.measured = start, iterate, int(iterations), list(measured)
        self._circuit = None

    @property
    def num_qubits(self) -> int:
        return self.start.num_qubits

    @property
    def num_clbits(self) -> int:
        return self.start.num_clbits

    @property
    def parameters(self):
        return self.iterate.parameters if self.iterations else self.start.parameters

    def size(self) -> int:
        return self.start.size() + self.iterations * self.iterate.size() + len(self.measured)

    def count_ops(self) -> dict:
        ops = dict(self.start.count_ops())
        for name, c in self.iterate.count_ops().items():
            ops[name] = ops.get(name, 0) + self.iterations * c
        ops["measure"] = ops.get("measure", 0) + len(self.measured)
        return ops

    def measurement(self):
        """The measurement alone, on the wires of :attr:`start`."""
        qc = self.start.copy_empty_like(name="measure")
        qc.measure(self.measured, list(range(len(self.measured))))
        return qc

    def circuit(self):
        """The whole ``QuantumCircuit`` (built once)."""
        if self._circuit is None:
            t_start, t_q = self.start, self.iterate
            qc = t_start.copy(name=f"grover_{self.iterations}")
            if qc.qubits == t_q.qubits and qc.clbits[: t_q.num_clbits] == t_q.clbits:
                for _ in range(self.iterations):  # same wires: append the (never mutated) instructions as they are
                    for inst in t_q.data:
                        qc._append(inst)
                qc.global_phase += self.iterations * t_q.global_phase
            else:
                for _ in range(self.iterations):
                    qc.compose(t_q, inplace=True, copy=False)
            qc.measure(self.measured, list(range(len(self.measured))))
            self._circuit = qc
        return self._circuit


class GateLevelBackend(GroverBackend):
    """Base of backends that run real Grover circuits (see the module docstring).

    Parameters shared by every gate-level backend
    ---------------------------------------------
    oracle : {"auto", "counting", "arithmetic", "unit", "table", "cheapest"}
        Threshold oracle (:func:`~quark.encoding.oracles.choose_threshold_oracle`). ``"auto"`` runs a
        coherent oracle (counting, arithmetic, or unit for a network block) and never the table; ``"table"`` computes the ``2**n``
        losses classically first (a search charges them to ``compile_evaluations``); ``"cheapest"``
        takes the tabulated oracle where it synthesizes to fewer CX than the coherent one.
    oracle_bits : int, optional
        Value-register qubits of an oracle that rounds real coefficients (sample weights, penalties) to
        a fixed-point grid; default: from the landscape's spread (see
        :func:`~quark.encoding.oracles.arithmetic_oracle`).
    loader : {"features", "pixels"}
        Data loader of the joint oracle.
    index_state : {"uniform", "padded"}
        Index superposition of the joint oracle: exactly the ``m`` samples (the exact kernel's
        distribution) or the prototype's ``2**a`` entries with never-marked padding.
    max_table_qubits : int
        Largest loss table the table oracle accepts.

    Attributes
    ----------
    report : list of dict
        One entry per circuit shape transpiled: ``circuit``, ``kind``, ``oracle``, ``iterations``,
        ``qubits``, ``depth``, ``two_qubit_gates``, ``ops``. A backend that concatenates transpiled
        rounds (Aer) reports the Grover iterate once per oracle shape (``iterations=1``): a circuit of
        ``k`` rounds is ``k`` copies of it after the Hadamards.
    """

    properties: ClassVar[dict[str, Any]] = {"exact": False, "gate_level": True}
    #: Whether transpiled pieces (``A`` and the Grover iterate) may be concatenated: only when the
    #: transpiler keeps the trivial layout (Aer at optimization level <= 1).
    compose_pieces: ClassVar[bool] = False

    def _validate_gate_options(self) -> None:
        from quark.encoding.oracles import ORACLE_KINDS

        check_choice(self.oracle, "oracle", (*ORACLE_KINDS, "qubo"))
        check_int(getattr(self, "oracle_bits", None), "oracle_bits", minimum=2, allow_none=True)
        check_choice(self.loader, "loader", LOADERS)
        check_choice(self.index_state, "index_state", INDEX_STATES)
        check_int(self.max_table_qubits, "max_table_qubits")

    def _init_caches(self) -> None:
        self._oracles: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()
        self._transpiled: dict[tuple, Any] = {}
        self._circuit_info: dict[int, tuple] = {}
        self.report: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        # the caches start empty on first use, so that __init__ only stores the parameters
        if name in ("_oracles", "_transpiled", "_circuit_info", "report") and "_transpiled" not in self.__dict__:
            self._init_caches()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def compact_oracles(self) -> bool:
        """Whether oracles take their simulator forms (:func:`~quark.encoding.oracles.choose_threshold_oracle`)."""
        return False

    @property
    def n_transpiled(self) -> int:
        """Circuit shapes transpiled and cached so far (each serves every threshold it is built for:
        all of them, or, for a compact oracle, those its register width holds)."""
        return sum(1 for k in self._transpiled if k[0] == "pieces") if self.compose_pieces else len(self._transpiled)

    # -- oracles ----------------------------------------------------------------------------------
    def _problem_cache(self, problem) -> dict:
        # every oracle and circuit starts here: the parameters are checked on use, not in __init__
        validate = getattr(self, "_validate", None)
        if validate is not None:
            validate()
        try:
            return self._oracles.setdefault(problem, {})
        except TypeError as exc:  # not weak-referenceable: correct, only slower (oracles rebuilt per call)
            logger.debug("%s: oracles of %s are not cached (%s)", type(self).__name__, type(problem).__name__, exc)
            return {}

    def threshold_oracle(self, problem):
        """The :class:`~quark.encoding.oracles.ThresholdOracle` this backend uses for ``problem`` (cached)."""
        from quark.encoding.oracles import choose_threshold_oracle
        from quark.encoding.problem import as_problem

        p = as_problem(problem)
        cache = self._problem_cache(p)
        bits = getattr(self, "oracle_bits", None)
        key = (self.oracle, self.compact_oracles, self.max_table_qubits, bits)
        if key not in cache:
            cache[key] = choose_threshold_oracle(p, self.oracle, max_table_qubits=self.max_table_qubits,
                                                 compact=self.compact_oracles, bits=bits)
        return cache[key]

    def joint_oracle(self, problem, copies: int = 1):
        """The :class:`~quark.encoding.oracles.JointOracle` of :meth:`sample_joint` (cached)."""
        from quark.encoding.oracles import joint_oracle
        from quark.encoding.problem import as_problem

        copies = check_int(copies, "copies")
        p = as_problem(problem)
        cache = self._problem_cache(p)
        key = ("joint", copies, self.loader, self.index_state)
        if key not in cache:
            cache[key] = joint_oracle(p, copies, loader=self.loader, index_state=self.index_state)
        return cache[key]

    # -- circuits (not transpiled; for inspection and other tools) -------------------------------
    def threshold_circuit(self, problem, threshold: float, iterations: int, *, measure: bool = True):
        """The Grover circuit of :meth:`sample_threshold`, threshold bound, not transpiled."""
        from quark.encoding.oracles import grover_circuit

        orc = self.threshold_oracle(problem)
        qc, binding, _ = orc.at(threshold)
        n = orc.n_weights
        circ = grover_circuit(qc, list(range(n)), list(range(n)), iterations, measure=measure)
        # zero rounds hold no oracle, so no threshold parameter to bind
        binding = {p: v for p, v in (binding or {}).items() if p in circ.parameters}
        circ = circ.assign_parameters(binding) if binding else circ
        circ.name = f"{orc.kind}_grover_{iterations}"
        return circ

    def joint_circuit(self, problem, iterations: int, copies: int = 1, *, measure: bool = True):
        """The Grover circuit of :meth:`sample_joint`, not transpiled."""
        from quark.encoding.oracles import grover_circuit

        jo = self.joint_oracle(problem, copies)
        circ = grover_circuit(jo.circuit, jo.search_qubits, list(range(jo.n_weights)), iterations, measure=measure,
                              state_preparation=jo.state_preparation)
        circ.name = f"joint_grover_{iterations}"
        return circ

    # -- sampling ---------------------------------------------------------------------------------
    def _sample_threshold(self, problem, threshold, iterations, shots, rng) -> Samples:
        orc = self.threshold_oracle(problem)
        qc, binding, shape = orc.at(threshold)
        n = orc.n_weights
        meta = {"kind": "threshold", "oracle": orc.kind, "iterations": iterations}
        tqc = self._grover_circuit((id(orc), shape), orc, qc, list(range(n)), None, iterations, meta)
        by_name = {p.name: float(v) for p, v in binding.items()}
        values = [by_name[p.name] for p in tqc.parameters]  # an unused parameter vanishes (0 rounds)
        return self._samples(tqc, values, shots, rng, n, meta)

    def _sample_joint(self, problem, iterations, shots, copies, rng) -> Samples:
        jo = self.joint_oracle(problem, copies)
        meta = {"kind": "joint", "oracle": "joint", "iterations": iterations, "copies": copies}
        tqc = self._grover_circuit((id(jo), "joint", copies), jo, jo.circuit, jo.search_qubits, jo.state_preparation,
                                   iterations, meta, n_measured=jo.n_weights)
        return self._samples(tqc, [], shots, rng, jo.n_weights, meta)

    def _samples(self, tqc, values, shots, rng, n_weights, meta) -> Samples:
        indices, device_s, run_meta = self._execute(tqc, values, shots, rng, n_weights)
        hit = self._circuit_info.get(id(tqc))
        if hit is None or hit[0] is not tqc:  # sizes once per transpiled circuit, not per call
            hit = (tqc, {"qubits": tqc.num_qubits, "size": tqc.size(), "ops": dict(tqc.count_ops())})
            if len(self._circuit_info) >= 2 * _CACHE_SIZE:
                self._circuit_info.pop(next(iter(self._circuit_info)))
            self._circuit_info[id(tqc)] = hit
        circuit = {**hit[1], "ops": dict(hit[1]["ops"]), **meta}
        return Samples(indices, shots, int(run_meta.pop("jobs", 1)), device_s, {"circuit": circuit, **run_meta})

    # -- transpiled circuits, cached --------------------------------------------------------------
    def _lru(self, key: tuple, owner: Any, build) -> Any:
        """Least-recently-used cache; ``owner`` (whose id is in ``key``) is kept alive with the entry."""
        hit = self._transpiled.pop(key, None)
        if hit is None:
            hit = (build(), owner)
            while len(self._transpiled) >= _CACHE_SIZE:
                self._transpiled.pop(next(iter(self._transpiled)))
        self._transpiled[key] = hit  # most recently used last
        return hit[0]

    def _describe(self, circuit, tqc, meta: dict) -> None:
        self.report.append({
            "circuit": circuit.name, **meta,
            "qubits": circuit.num_qubits,
            "depth": tqc.depth(lambda inst: not getattr(inst.operation, "_directive", False)),
            "two_qubit_gates": two_qubit_gates(tqc),
            "ops": dict(tqc.count_ops()),
        })

    def _grover_circuit(self, key: tuple, owner: Any, oracle, search: list, prep, iterations: int, meta: dict,
                        n_measured: int | None = None):
        """The transpiled circuit of ``iterations`` rounds, measuring the first ``n_measured`` qubits.

        With :attr:`compose_pieces`, ``A`` (with the classical register) and the Grover iterate ``Q``
        are transpiled once per oracle and a round count only concatenates copies of transpiled
        ``Q`` (a :class:`GroverPieces`); otherwise each (oracle, rounds) circuit is transpiled once.
        """
        measured = list(range(len(search) if n_measured is None else n_measured))
        if not self.compose_pieces:
            def whole():
                from quark.encoding.oracles import grover_circuit

                self._check_memory(oracle.num_qubits)
                circ = grover_circuit(oracle, search, measured, iterations, state_preparation=prep)
                circ.name = f"{meta['oracle']}_grover_{iterations}"
                tqc = self._transpile(circ)
                self._describe(circ, tqc, meta)
                return tqc

            return self._lru(("rounds", *key, iterations), owner, whole)

        def pieces():
            from qiskit import ClassicalRegister
            from qiskit.circuit.library import grover_operator

            self._check_memory(oracle.num_qubits)
            start = oracle.copy_empty_like(name="A")
            start.add_register(ClassicalRegister(len(measured), "meas"))
            if prep is None:
                start.h(search)
            else:
                start.compose(prep, inplace=True)
            Q = grover_operator(oracle, state_preparation=prep, reflection_qubits=search)
            t_start, t_q = self._transpile(start), self._transpile(Q)
            Q.name = f"{meta['oracle']}_grover_iterate"
            self._describe(Q, t_q, {**meta, "iterations": 1})  # one round; a circuit of k rounds repeats it k times
            return t_start, t_q

        def compose():
            t_start, t_q = self._lru(("pieces", *key), owner, pieces)
            return GroverPieces(t_start, t_q, iterations, measured)

        return self._lru(("rounds", *key, iterations), owner, compose)

    # -- what subclasses implement ---------------------------------------------------------------
    @abstractmethod
    def _transpile(self, circuit):
        """``circuit`` transpiled for this backend's target."""

    @abstractmethod
    def _check_memory(self, n_qubits: int) -> None:
        """Refuse a circuit of ``n_qubits`` whose simulation would not fit (a clear error with GiB)."""

    @abstractmethod
    def _execute(self, tqc, values: list, shots: int, rng: np.random.Generator,
                 n_weights: int) -> tuple[np.ndarray, float | None, dict]:
        """Run a transpiled circuit: ``(measured indices, device seconds billed or None, metadata)``.

        ``metadata`` may hold ``"jobs"`` (circuit executions, default 1).
        """
