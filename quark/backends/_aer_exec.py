"""Running transpiled circuits on Aer without the primitive's per-call work.

``SamplerV2.run`` converts the circuit to Aer's native form (``AerCircuit``) and binds parameters
on every call: for the small circuits of Grover adaptive search that is most of a call's time
(about 20 ms of 27 for a 12-qubit QUBO circuit of 390 gates; docs/aer.md). :class:`AerRunner`
converts each transpiled circuit once, keeps the threshold a runtime parameter (Aer binds it in
C++), and reads per-shot memory. A :class:`~quark.backends.gate.GroverPieces` (``A``, ``k`` Grover
iterates, a measurement) is never built as a ``QuantumCircuit``: Aer's conversion of each piece is
recorded once (the calls ``_assemble_op`` makes on an ``AerCircuit``) and replayed ``k`` times,
which costs a pybind11 call per gate instead of Qiskit's and Aer's Python work per gate.

It relies on Aer's compiler functions (``assemble_circuit``, ``_assemble_op``,
``generate_aer_config``) and its controller entry point; if any of them is missing or fails, the
runner says why once (``RuntimeWarning``) and every later call goes through ``SamplerV2``.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any

import numpy as np

__all__ = ["AerRunner"]

_CACHE_SIZE = 64


class _Recorder:
    """Stands in for an ``AerCircuit``: records the calls Aer's converter makes on it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        def record(*args, **kwargs):
            self.calls.append((name, args, kwargs))

        return record


class AerRunner:
    """Per-shot measured integers of transpiled circuits on one ``AerSimulator``.

    Parameters
    ----------
    simulator : qiskit_aer.AerSimulator
    """

    def __init__(self, simulator) -> None:
        self.sim = simulator
        self.direct_ok = True  # False once the direct path has failed
        self._assembled: "OrderedDict[int, tuple]" = OrderedDict()
        self._recipes: dict[int, tuple] = {}
        self._measurements: dict[int, Any] = {}

    def run(self, tqc, values: list, shots: int, seed: int, *, lean: bool = True) -> np.ndarray:
        """Integers of the classical register (bit ``i`` = clbit ``i``), one per shot.

        ``lean=False`` (or after a failure of the direct path) runs through ``SamplerV2``.
        """
        if lean and self.direct_ok:
            try:
                return self._run_lean(tqc, values, shots, seed)
            except Exception as exc:  # noqa: BLE001 - any failure of Aer's internals: fall back for good
                self.direct_ok = False
                warnings.warn(
                    f"Aer's direct execution path failed ({type(exc).__name__}: {exc}); running through "
                    "SamplerV2 from now on (slower per call, same distributions)",
                    RuntimeWarning, stacklevel=3,
                )
        return self._run_sampler(tqc, values, shots, seed)

    # -- SamplerV2 -------------------------------------------------------------------------------
    def _run_sampler(self, tqc, values, shots, seed) -> np.ndarray:
        from qiskit_aer.primitives import SamplerV2

        from quark.backends.gate import GroverPieces, bitarray_to_indices

        if isinstance(tqc, GroverPieces):
            tqc = tqc.circuit()
        sampler = SamplerV2.from_backend(self.sim, seed=seed, default_shots=shots)
        pub = (tqc, [values]) if values else (tqc,)
        bits = sampler.run([pub], shots=shots).result()[0].data.meas
        return bitarray_to_indices(bits.array.reshape(shots, -1), tqc.num_clbits)

    # -- direct ----------------------------------------------------------------------------------
    def _prepare(self, tqc) -> tuple:
        """``(tqc, AerCircuit, parameter slots, bound-slot cache)``, converted once per circuit."""
        key = id(tqc)
        hit = self._assembled.pop(key, None)
        if hit is None or hit[0] is not tqc:
            from quark.backends.gate import GroverPieces

            if isinstance(tqc, GroverPieces):
                aer_circuit, slots = self._assemble_pieces(tqc)
            else:
                from qiskit_aer.backends.aer_compiler import assemble_circuit

                aer_circuit, index_map = assemble_circuit(tqc)
                slots = [(index_map[i], pos, p) for i, inst in enumerate(tqc.data)
                         for pos, p in enumerate(getattr(inst.operation, "params", ())) if getattr(p, "parameters", None)]
            hit = (tqc, aer_circuit, slots, OrderedDict())
            while len(self._assembled) >= _CACHE_SIZE:
                self._assembled.popitem(last=False)
        self._assembled[key] = hit  # most recently used last
        return hit

    def _recipe(self, circuit) -> tuple:
        """Aer's conversion of ``circuit``, recorded: ``([(method, args, kwargs)], [(op index, position, expression)])``."""
        key = id(circuit)
        hit = self._recipes.get(key)
        if hit is not None and hit[0] is circuit:
            return hit[1]
        from qiskit_aer.backends.aer_compiler import _assemble_op

        rec = _Recorder()
        qubit_indices = {q: i for i, q in enumerate(circuit.qubits)}
        clbit_indices = {c: i for i, c in enumerate(circuit.clbits)}
        slots = []
        for inst in circuit.data:
            before = len(rec.calls)
            n_ops = _assemble_op(circuit, rec, inst, qubit_indices, clbit_indices, False, -1, None, None)
            if n_ops != len(rec.calls) - before:
                raise RuntimeError(f"Aer's conversion of {inst.operation.name!r} made {len(rec.calls) - before} calls for {n_ops} ops")
            for pos, p in enumerate(getattr(inst.operation, "params", ())):
                if getattr(p, "parameters", None):
                    slots.append((len(rec.calls) - 1, pos, p))
        while len(self._recipes) >= 2 * _CACHE_SIZE:
            self._recipes.pop(next(iter(self._recipes)))
        self._recipes[key] = (circuit, (rec.calls, slots))
        return rec.calls, slots

    def _assemble_pieces(self, pieces) -> tuple:
        """The ``AerCircuit`` of ``A Q^k M`` from the recorded conversions of ``A``, ``Q`` and ``M``."""
        from qiskit.circuit import ParameterExpression
        from qiskit_aer.backends.backend_utils import CircuitHeader
        from qiskit_aer.backends.controller_wrappers import AerCircuit

        start, q = pieces.start, pieces.iterate
        a_calls, a_slots = self._recipe(start)
        q_calls, q_slots = self._recipe(q)
        mkey = (id(start), tuple(pieces.measured))
        hit = self._measurements.get(mkey)
        if hit is None or hit[0] is not start:
            measurement = pieces.measurement()
            hit = (start, self._recipe(measurement)[0])
            self._recipes.pop(id(measurement), None)
            self._measurements[mkey] = hit
        m_calls = hit[1]
        phase = start.global_phase + pieces.iterations * q.global_phase
        phase = 0.0 if isinstance(phase, ParameterExpression) and phase.parameters else float(phase)
        header = CircuitHeader(
            n_qubits=start.num_qubits,
            qreg_sizes=[[r.name, r.size] for r in start.qregs],
            memory_slots=start.num_clbits,
            creg_sizes=[[r.name, r.size] for r in start.cregs],
            name=f"grover_{pieces.iterations}",
            global_phase=phase,
        )
        ac = AerCircuit()
        ac.set_header(header)
        ac.num_qubits = start.num_qubits
        ac.num_memory = start.num_clbits
        ac.global_phase_angle = phase
        for calls in [a_calls] + [q_calls] * pieces.iterations + [m_calls]:
            for name, args, kwargs in calls:
                getattr(ac, name)(*args, **kwargs)
        slots = list(a_slots)
        n_a, n_q = len(a_calls), len(q_calls)
        for r in range(pieces.iterations):
            slots += [(n_a + r * n_q + i, pos, p) for i, pos, p in q_slots]
        return ac, slots

    def _run_lean(self, tqc, values, shots, seed) -> np.ndarray:
        from qiskit_aer.backends.aer_compiler import generate_aer_config

        tqc, aer_circuit, slots, bound = self._prepare(tqc)
        binds: list[Any] = []
        if slots:
            vkey = tuple(float(v) for v in values)
            binds = bound.get(vkey)
            if binds is None:
                by_name = dict(zip((p.name for p in tqc.parameters), vkey))
                binds, seen = [], {}
                for idx, pos, expr in slots:  # the iterate's expressions repeat once per round
                    value = seen.get(id(expr))
                    if value is None:
                        value = seen[id(expr)] = float(expr.bind({p: by_name[p.name] for p in expr.parameters}))
                    binds.append([(idx, pos), [value]])
                if len(bound) >= 16:
                    bound.popitem(last=False)
                bound[vkey] = binds
        options = {"shots": int(shots), "seed_simulator": int(seed), "memory": True}
        if binds:
            options["parameterizations"] = [binds]
        config = generate_aer_config([tqc], self.sim.options, **options)
        out = self.sim._execute_circuits([aer_circuit], None, config)
        if not isinstance(out, dict) or not out.get("success", False):
            status = out.get("status") if isinstance(out, dict) else out
            results = out.get("results", []) if isinstance(out, dict) else []
            detail = results[0].get("status") if results else ""
            raise RuntimeError(f"Aer simulation failed: {status} {detail}".strip())
        memory = out["results"][0]["data"]["memory"]
        if len(memory) != shots:  # pragma: no cover - a defensive check on Aer's output
            raise RuntimeError(f"Aer returned {len(memory)} shots for {shots}")
        return np.fromiter((int(h, 16) for h in memory), dtype=np.int64, count=shots)
