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

__all__ = ["fourier_add", "value_bits", "sign_phase_oracle", "PARAM"]

#: Name of the threshold parameter of parametric oracles.
PARAM = "threshold_k"
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


def value_bits(span: int) -> int:
    """Two's-complement qubits for every value in ``[-(span+1), span]`` (``span >= 0``)."""
    return 1 + int(span + 1 - 1).bit_length() if span >= 0 else 1


def sign_phase_oracle(compute: "QuantumCircuit", sign_qubit) -> "QuantumCircuit":
    """``U^dagger Z_sign U``: phase -1 where the value register is negative, then uncompute."""
    qc = compute.copy_empty_like(name=compute.name)
    qc.compose(compute, inplace=True)
    qc.z(sign_qubit)
    qc.compose(compute.inverse(), inplace=True)
    return qc


