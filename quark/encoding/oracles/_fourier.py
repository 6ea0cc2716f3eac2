"""The Fourier-space value register shared by the counting and the arithmetic oracles.

The phases of Qiskit's ``QuadraticFormGate`` (Gilliam et al., arXiv:1912.04088, Fig. 6): Hadamards
(the QFT of ``|0>``), phase rotations that add integers, and an inverse ``QFTGate``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit

__all__ = ["fourier_add", "fourier_add_terms", "value_bits", "sign_bits", "fourier_order", "inverse_qft",
           "sign_phase_oracle", "PARAM", "BLOCK_QUBITS"]

#: Name of the threshold parameter of parametric oracles.
PARAM = "threshold_k"
#: Largest diagonal block of :func:`fourier_add_terms` (weights and register together): the size of
#: the diagonal blocks Aer's own fusion builds from phase gates (``fusion_max_qubit.diagonal``).
BLOCK_QUBITS = 10
_TWO_PI = 2.0 * math.pi


def fourier_add(qc: "QuantumCircuit", value: Sequence, amount, controls: Sequence = ()) -> None:
    """Add ``amount`` (int or parameter expression) to a value register held in Fourier space.

    The phases of ``QuadraticFormGate``: qubit ``j`` of a ``b``-qubit register turns by
    ``2*pi*2**j*amount/2**b``, controlled on ``controls`` (all in ``|1>``).
    """
    b = len(value)
    for j, q in enumerate(value):
        angle = _TWO_PI * (2**j) / (2**b) * amount
        if isinstance(amount, (int, np.integer)):
            angle = math.remainder(float(angle), _TWO_PI)  # a full turn is the identity
            if abs(angle) < 1e-15:
                continue
        if not controls:
            qc.p(angle, q)
        elif len(controls) == 1:
            qc.cp(angle, controls[0], q)
        else:
            qc.mcp(angle, list(controls), q)


def fourier_add_terms(qc: "QuantumCircuit", value: Sequence, terms: Sequence[tuple[Sequence, int]], *,
                      blocks: bool = False) -> int:
    """Add ``sum_t amount_t * AND(controls_t)`` (integers) to a Fourier-space register.

    Without ``blocks`` each term is :func:`fourier_add` (one phase gate per register qubit, the term's
    qubits as controls). With ``blocks`` terms whose controls fit in a set of at most
    ``BLOCK_QUBITS - len(value)`` qubits are gathered, where a statevector simulator gains by it, into
    one ``DiagonalGate`` on those qubits and the register: the same unitary (the product of the
    terms' phases, ``2**(g + b)`` entries for ``g`` control qubits), one pass over the amplitudes
    instead of one per phase gate. A term with few controls costs a simulator nearly a full pass per
    phase gate, one with many a small slice: blocks take the former. Returns the blocks made.
    """
    b = len(value)
    rest = list(terms)
    made = 0
    if blocks and BLOCK_QUBITS - b >= 1:
        index = {q: qc.find_bit(q).index for t in terms for q in t[0]}
        keyed = [(tuple(sorted(index[q] for q in c)), int(a)) for c, a in terms]
        groups, left = _blocks(keyed, b, BLOCK_QUBITS - b)
        for controls, members in groups:
            _append_block(qc, value, controls, members)
        rest = [(tuple(qc.qubits[i] for i in c), a) for c, a in left]
        made = len(groups)
    for controls, amount in rest:
        fourier_add(qc, value, amount, list(controls))
    return made


def _phase_gates(amount: int, b: int) -> int:
    """Phase gates of a Fourier addition of ``amount`` on ``b`` qubits (turns by whole circles vanish)."""
    a = abs(int(amount)) % (1 << b)
    return 0 if a == 0 else b - ((a & -a).bit_length() - 1)


def _blocks(terms: list[tuple[tuple[int, ...], int]], b: int, max_controls: int):
    """Greedy grouping of ``(control qubit indices, amount)`` terms: ``([(controls, members)], rest)``.

    Cost model (one unit = one pass of a diagonal block over the statevector, measured on Aer at
    16 qubits): a phase gate with ``c`` controls costs about ``0.18 * 0.75**(c - 1)``; a block is
    made where the terms it takes cost more than one unit.
    """

    def cost(t) -> float:
        return _phase_gates(t[1], b) * 0.18 * 0.75 ** (len(t[0]) - 1)

    open_ = [i for i, t in enumerate(terms) if 1 <= len(t[0]) <= max_controls and _phase_gates(t[1], b)][:400]
    groups = []
    while len(open_) >= 2:
        supports = sorted({frozenset(terms[i][0]) for i in open_}, key=lambda s: (len(s), sorted(s)))
        candidates = list(supports)
        for x in range(len(supports)):
            for y in range(x + 1, len(supports)):
                u = supports[x] | supports[y]
                if len(u) <= max_controls:
                    candidates.append(u)
        best, best_gain = None, 0.0
        for g in candidates:
            gain = sum(cost(terms[i]) for i in open_ if g.issuperset(terms[i][0])) - 1.0
            if gain > best_gain + 1e-9:
                best, best_gain = g, gain
        if best is None:
            break
        members = [i for i in open_ if best.issuperset(terms[i][0])]
        open_ = [i for i in open_ if i not in members]
        groups.append((tuple(sorted(best)), [terms[i] for i in members]))
    taken = {id(t) for _, m in groups for t in m}
    return groups, [t for t in terms if id(t) not in taken]


def _append_block(qc, value, controls: tuple[int, ...], members) -> None:
    """One ``DiagonalGate`` on ``controls + value``: the phases of the member terms' Fourier additions.

    ``value`` is addressed as in :func:`fourier_add` (qubit ``j`` carries ``2**j``).
    """
    from qiskit.circuit.library import DiagonalGate

    g, b = len(controls), len(value)
    idx = np.arange(1 << (g + b), dtype=np.int64)
    bits = ((idx[:, None] >> np.arange(g + b)) & 1).astype(bool)
    pos = {q: i for i, q in enumerate(controls)}
    total = np.zeros(idx.size, dtype=np.int64)  # sum of the amounts whose controls are all 1
    for ctrl, amount in members:
        total += np.where(bits[:, [pos[q] for q in ctrl]].all(axis=1), amount, 0)
    reg = bits[:, g:].astype(np.int64) @ (np.int64(1) << np.arange(b, dtype=np.int64))
    phase = _TWO_PI * ((total * reg) % (1 << b)) / (1 << b)
    qc.append(DiagonalGate(np.exp(1j * phase).tolist()), [qc.qubits[i] for i in controls] + list(value))


def value_bits(span: int) -> int:
    """Two's-complement qubits for every value in ``[-(span+1), span]`` (``span >= 0``)."""
    return 1 + int(span + 1 - 1).bit_length() if span >= 0 else 1


def sign_bits(negative: int, nonnegative: int) -> int:
    """Two's-complement qubits for the values ``[-negative, nonnegative - 1]`` (at least 1)."""
    return 1 + max(int(negative), int(nonnegative), 1).__sub__(1).bit_length()


def fourier_order(value: Sequence, *, swaps: bool = True) -> list:
    """The order in which :func:`fourier_add` addresses ``value`` before ``inverse_qft(..., swaps=swaps)``.

    Without the QFT's final qubit reversal the Fourier-space value is held with its qubits reversed.
    """
    return list(value) if swaps else list(reversed(value))


def inverse_qft(qc: "QuantumCircuit", value: Sequence, *, swaps: bool = True) -> None:
    """Append the inverse QFT on ``value``: the register ends in ``|v>``, its sign in ``value[-1]``.

    ``swaps=False`` drops the qubit reversal (``b // 2`` swaps, 3 CX each); the adds before it must
    then address the register in :func:`fourier_order`.
    """
    if swaps:
        from qiskit.circuit.library import QFTGate

        qc.append(QFTGate(len(value)).inverse(), list(value))
        return
    from qiskit.synthesis import synth_qft_full

    qc.compose(synth_qft_full(len(value), do_swaps=False, inverse=True), list(value), inplace=True)


def sign_phase_oracle(compute: "QuantumCircuit", sign_qubit) -> "QuantumCircuit":
    """``U^dagger Z_sign U``: phase -1 where the value register is negative, then uncompute."""
    qc = compute.copy_empty_like(name=compute.name)
    qc.compose(compute, inplace=True)
    qc.z(sign_qubit)
    qc.compose(compute.inverse(), inplace=True)
    return qc


