"""Running transpiled circuits on Aer without the primitive's per-call work.

``SamplerV2.run`` converts the circuit to Aer's native form (``AerCircuit``) and binds parameters
on every call: for the small circuits of Grover adaptive search that is most of a call's time
(about 20 ms of 27 for a 12-qubit QUBO circuit of 390 gates; docs/aer.md). :class:`AerRunner`
converts each transpiled circuit once, keeps the threshold a runtime parameter (Aer binds it in
C++), and reads per-shot memory. A :class:`~quark.backends.gate.GroverPieces` (``A``, ``k`` Grover
iterates, a measurement) is never built as a ``QuantumCircuit``: Aer's conversion of each piece is
recorded once (the calls ``_assemble_op`` makes on an ``AerCircuit``) and replayed ``k`` times,
which costs a pybind11 call per gate instead of Qiskit's and Aer's Python work per gate.

Within one threshold, a search runs the same circuit at several round counts ``k``; the state
before measurement after ``j`` rounds is ``(Q^j) A |0>`` whatever ``k`` follows, so the runner
saves it (Aer's ``save_statevector``, placed where Aer's truncation of unmeasured gates leaves the
sampled vector as it was) and a later call of ``k >= j`` rounds at the same threshold starts there
(``set_statevector``) and simulates only ``k - j`` rounds: the same state up to floating-point
rounding, so the same measurement distribution, and from the same seed the same shots as the whole
circuit (and as ``SamplerV2``) in all but measure-zero cases. This is the simulator's shortcut,
not the algorithm's: a device reruns all ``k`` rounds, and the circuit every call reports (and the
ledger charges) is the ``k``-round one. Saved states are kept for the statevector method only, up
to ``_STATE_BYTES`` in all.

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
#: Bytes of saved statevectors one runner keeps (least recently used threshold first out).
_STATE_BYTES = 1 << 26
_STATE_LABEL = "quark_resume_state"


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
        self._splits: dict[tuple, tuple] = {}
        method = getattr(simulator.options, "method", "automatic")
        #: Whether a call may resume from a saved state (statevector simulation only; False after a failure).
        self.resume = method in ("automatic", "statevector")
        self._states: "OrderedDict[tuple, tuple]" = OrderedDict()  # (start, Q, values) -> (start, Q, {j: state})
        self._state_bytes = 0

    def run(self, tqc, values: list, shots: int, seed: int, *, lean: bool = True) -> np.ndarray:
        """Integers of the classical register (bit ``i`` = clbit ``i``), one per shot.

        ``lean=False`` (or after a failure of the direct path) runs through ``SamplerV2``.
        """
        if lean and self.direct_ok:
            try:
                if self.resume and self._resumable(tqc):
                    try:
                        return self._run_resumed(tqc, values, shots, seed)
                    except Exception as exc:  # noqa: BLE001 - resuming failed: does the whole circuit run?
                        failure = exc
                    indices = self._run_lean(tqc, values, shots, seed)
                    self._stop_resuming(failure)  # it does: only Aer's set/save path is broken
                    return indices
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
    def _prepare(self, tqc, save: bool = False) -> tuple:
        """``(tqc, AerCircuit, parameter slots, bound-slot cache)``, converted once per circuit
        (``save``: a ``GroverPieces`` that also saves its state before the measurement)."""
        key = (id(tqc), save)
        hit = self._assembled.pop(key, None)
        if hit is None or hit[0] is not tqc:
            from quark.backends.gate import GroverPieces

            if isinstance(tqc, GroverPieces):
                aer_circuit, slots = self._assemble_pieces(tqc, save=save)
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
        """Aer's conversion of ``circuit``, recorded: ``([(method, args, kwargs)], [(op index, position,
        expression)], [instruction index of each call])``."""
        key = id(circuit)
        hit = self._recipes.get(key)
        if hit is not None and hit[0] is circuit:
            return hit[1]
        from qiskit_aer.backends.aer_compiler import _assemble_op

        rec = _Recorder()
        qubit_indices = {q: i for i, q in enumerate(circuit.qubits)}
        clbit_indices = {c: i for i, c in enumerate(circuit.clbits)}
        slots, owners = [], []
        for i, inst in enumerate(circuit.data):
            before = len(rec.calls)
            n_ops = _assemble_op(circuit, rec, inst, qubit_indices, clbit_indices, False, -1, None, None)
            if n_ops != len(rec.calls) - before:
                raise RuntimeError(f"Aer's conversion of {inst.operation.name!r} made {len(rec.calls) - before} calls for {n_ops} ops")
            for pos, p in enumerate(getattr(inst.operation, "params", ())):
                if getattr(p, "parameters", None):
                    slots.append((len(rec.calls) - 1, pos, p))
            owners += [i] * n_ops
        while len(self._recipes) >= 2 * _CACHE_SIZE:
            self._recipes.pop(next(iter(self._recipes)))
        self._recipes[key] = (circuit, (rec.calls, slots, owners))
        return rec.calls, slots, owners

    def _measure(self, start, measured: list, save: bool) -> list:
        """Recorded conversion of the measurement (after saving the state, with ``save``)."""
        mkey = (id(start), tuple(measured), save)
        hit = self._measurements.get(mkey)
        if hit is None or hit[0] is not start:
            qc = start.copy_empty_like(name="measure")
            if save:
                from qiskit_aer.library import SaveStatevector

                qc.append(SaveStatevector(start.num_qubits, label=_STATE_LABEL), qc.qubits)
            qc.measure(measured, list(range(len(measured))))
            hit = (start, self._recipe(qc)[0])
            self._recipes.pop(id(qc), None)
            self._measurements[mkey] = hit
        return hit[1]

    def _split(self, q, measured: list):
        """The iterate's calls split as Aer's truncation sees the last round: ``(ancestors, rest)``, each
        ``(calls, slots)``, or ``None`` when the last round does not reach every qubit.

        Aer drops the operations that no measurement depends on (the value register's last gates)
        before it samples; a circuit that saved the whole state would keep them and sample another
        vector. So the state is saved after the ancestors only and the rest is put after the
        measurement (dropped as before): the sampled vector is the one of the whole circuit, and a
        resumed call first applies the rest.
        """
        key = (id(q), tuple(measured))
        hit = self._splits.get(key)
        if hit is not None and hit[0] is q:
            return hit[1]
        calls, slots, owners = self._recipe(q)
        index = {b: i for i, b in enumerate(q.qubits)}
        reached, ancestor = set(measured), [False] * len(q.data)
        for i in range(len(q.data) - 1, -1, -1):  # Aer's check_result_ancestor, last operation first
            inst = q.data[i]
            if inst.operation.name in ("barrier", "nop"):
                continue
            qubits = {index[b] for b in inst.qubits}
            if qubits & reached:
                ancestor[i] = True
                reached |= qubits
        split = None
        if len(reached) == q.num_qubits:  # then every earlier operation is an ancestor
            parts: tuple = ([], []), ([], [])
            where = {}
            for c, owner in enumerate(owners):
                part = parts[0] if ancestor[owner] else parts[1]
                where[c] = (part, len(part[0]))
                part[0].append(calls[c])
            for c, pos, expr in slots:
                part, at = where[c]
                part[1].append((at, pos, expr))
            split = parts
        while len(self._splits) >= 2 * _CACHE_SIZE:
            self._splits.pop(next(iter(self._splits)))
        self._splits[key] = (q, split)
        return split

    def _assemble_pieces(self, pieces, *, save: bool = False, state=None, rounds: int | None = None) -> tuple:
        """The ``AerCircuit`` of ``A Q^k M`` from the recorded conversions of ``A``, ``Q`` and ``M``.

        With ``save`` (``k >= 1``), the last round is split (:meth:`_split`): ``A Q^(k-1) Q_anc save M
        Q_rest``. With ``state`` (saved after ``j`` rounds, ``rounds = k - j``): ``set(state) Q_rest
        Q^(rounds-1) Q_anc save M Q_rest``, or ``set(state) M`` for ``rounds = 0``.
        """
        from qiskit.circuit import ParameterExpression
        from qiskit_aer.backends.backend_utils import CircuitHeader
        from qiskit_aer.backends.controller_wrappers import AerCircuit

        start, q = pieces.start, pieces.iterate
        rounds = pieces.iterations if rounds is None else int(rounds)
        whole = self._recipe(q)[:2]
        if state is None:
            segments = [self._recipe(start)[:2]]
        else:
            segments = [([("set_statevector", (list(range(start.num_qubits)), [state]), {})], [])]
        if save or state is not None:
            anc, rest = self._split(q, pieces.measured)
            if state is not None and rounds:
                segments.append(rest)  # the saved state lacks its last round's rest
            if rounds:
                segments += [whole] * (rounds - 1) + [anc, (self._measure(start, pieces.measured, True), []), rest]
            else:
                segments.append((self._measure(start, pieces.measured, False), []))
        else:
            segments += [whole] * rounds + [(self._measure(start, pieces.measured, False), [])]
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
        slots, offset = [], 0
        for calls, part_slots in segments:
            for name, args, kwargs in calls:
                getattr(ac, name)(*args, **kwargs)
            slots += [(offset + i, pos, p) for i, pos, p in part_slots]
            offset += len(calls)
        return ac, slots

    @staticmethod
    def _bind(tqc, slots, values) -> list:
        """Aer's ``parameterizations`` entry of one run: every parameter slot's value."""
        by_name = dict(zip((p.name for p in tqc.parameters), values))
        binds, seen = [], {}
        for idx, pos, expr in slots:  # the iterate's expressions repeat once per round
            value = seen.get(id(expr))
            if value is None:
                value = seen[id(expr)] = float(expr.bind({p: by_name[p.name] for p in expr.parameters}))
            binds.append([(idx, pos), [value]])
        return binds

    def _bound(self, tqc, slots, bound, values) -> list:
        """:meth:`_bind`, cached per circuit and values."""
        if not slots:
            return []
        vkey = tuple(float(v) for v in values)
        binds = bound.get(vkey)
        if binds is None:
            binds = self._bind(tqc, slots, vkey)
            if len(bound) >= 16:
                bound.popitem(last=False)
            bound[vkey] = binds
        return binds

    def _execute(self, tqc, aer_circuit, binds, shots, seed, **extra) -> dict:
        """One Aer run of a converted circuit: its result's ``data``."""
        from qiskit_aer.backends.aer_compiler import generate_aer_config

        options = {"shots": int(shots), "seed_simulator": int(seed), "memory": True, **extra}
        if binds:
            options["parameterizations"] = [binds]
        config = generate_aer_config([tqc], self.sim.options, **options)
        out = self.sim._execute_circuits([aer_circuit], None, config)
        if not isinstance(out, dict) or not out.get("success", False):
            status = out.get("status") if isinstance(out, dict) else out
            results = out.get("results", []) if isinstance(out, dict) else []
            detail = results[0].get("status") if results else ""
            raise RuntimeError(f"Aer simulation failed: {status} {detail}".strip())
        return out["results"][0]["data"]

    @staticmethod
    def _indices(data: dict, shots: int) -> np.ndarray:
        memory = data["memory"]
        if len(memory) != shots:  # pragma: no cover - a defensive check on Aer's output
            raise RuntimeError(f"Aer returned {len(memory)} shots for {shots}")
        return np.fromiter((int(h, 16) for h in memory), dtype=np.int64, count=shots)

    def _run_lean(self, tqc, values, shots, seed) -> np.ndarray:
        tqc, aer_circuit, slots, bound = self._prepare(tqc)
        binds = self._bound(tqc, slots, bound, values)
        return self._indices(self._execute(tqc, aer_circuit, binds, shots, seed), shots)

    # -- resuming from saved states --------------------------------------------------------------
    def _resumable(self, tqc) -> bool:
        from quark.backends.gate import GroverPieces

        return (isinstance(tqc, GroverPieces) and tqc.iterations > 0 and 16.0 * 2.0**tqc.num_qubits <= _STATE_BYTES / 4
                and self._split(tqc.iterate, tqc.measured) is not None)

    def _stop_resuming(self, exc: Exception) -> None:
        self.resume = False
        self._states.clear()
        self._state_bytes = 0
        warnings.warn(
            f"Aer could not resume from a saved state ({type(exc).__name__}: {exc}); simulating every round "
            "from the start from now on (slower per call, same distributions)",
            RuntimeWarning, stacklevel=4,
        )

    def _run_resumed(self, pieces, values, shots, seed) -> np.ndarray:
        """``pieces`` run from the latest state saved at the same threshold after at most ``k`` rounds."""
        start, q, k = pieces.start, pieces.iterate, pieces.iterations
        vkey = tuple(float(v) for v in values)
        skey = (id(start), id(q), vkey)
        entry = self._states.pop(skey, None)
        if entry is None or entry[0] is not start or entry[1] is not q:
            if entry is not None:
                self._state_bytes -= sum(s.nbytes for s in entry[2].values())
            entry = (start, q, {})
        self._states[skey] = entry  # most recently used last
        saved = entry[2]
        j = max((r for r in saved if r <= k), default=0)
        extra = {}
        if j == 0:
            tqc, aer_circuit, slots, bound = self._prepare(pieces, save=True)
            binds = self._bound(tqc, slots, bound, vkey)
        else:
            aer_circuit, slots = self._assemble_pieces(pieces, save=True, state=saved[j], rounds=k - j)
            binds = self._bind(pieces, slots, vkey) if slots else []
            if getattr(self.sim.options, "method", "") == "automatic":
                extra["method"] = "statevector"  # set_statevector is a statevector instruction
        data = self._execute(pieces, aer_circuit, binds, shots, seed, **extra)
        if k not in saved:  # (a call of j = k rounds samples the saved state itself: nothing to save)
            state = np.ascontiguousarray(data[_STATE_LABEL], dtype=np.complex128)
            saved[k] = state
            self._state_bytes += state.nbytes
            self._evict()
        return self._indices(data, shots)

    def _evict(self) -> None:
        """Least recently used thresholds first, then the fewest rounds of the current one."""
        while self._state_bytes > _STATE_BYTES and len(self._states) > 1:
            _, (_, _, old) = self._states.popitem(last=False)
            self._state_bytes -= sum(s.nbytes for s in old.values())
        if self._state_bytes > _STATE_BYTES and self._states:
            saved = next(reversed(self._states.values()))[2]
            while self._state_bytes > _STATE_BYTES and len(saved) > 1:
                self._state_bytes -= saved.pop(min(saved)).nbytes
