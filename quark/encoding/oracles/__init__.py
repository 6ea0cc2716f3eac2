"""Oracle circuits for gate-level Grover search over a weight register (Qiskit).

Five oracles, each a phase oracle ``|w>|0...0> -> (-1)^{f(w)} |w>|0...0>`` whose work qubits
return to ``|0>``:

- :func:`table_oracle` — the reference: a ``DiagonalGate`` of ``±1`` read off the loss table
  (``2**n`` entries; small problems only).
- :func:`counting_oracle` — the *coherent counting oracle* for the 0-1 loss of a model with a
  reversible form (:mod:`quark.models.circuits`): for each training sample the model's circuit
  writes "classified correctly" into an ancilla, a counter register accumulates it (weighted by the
  sample weights, less the ridge penalty), the sign of ``threshold_count - 1 - count`` flips the
  phase, and everything is uncomputed. Marked: the settings with ``loss < threshold``.
- :func:`arithmetic_oracle` — the *arithmetic oracle* of a dimod ``BinaryQuadraticModel`` (or any
  ``BinaryPolynomial``, or a quadratic landscape with real coefficients): coefficients scaled to
  integers, exactly or on a fixed-point grid, are added into a value register holding ``E(x) - K``
  in two's complement; the sign bit flips the phase. Marked: ``E(x) < threshold``, exactly, or for
  the rounded energy within the oracle's stated :attr:`~ThresholdOracle.error_bound`.
- :func:`unit_oracle` — the *unit oracle* of a block of one unit of a quantized network (a hidden
  sign unit; the output unit under the 0-1 loss): per sample, its pre-activation (affine in the block's
  bits, rounded onto a per-sample grid) into a value register, its loss step added into an accumulator
  on that register's sign, uncomputed; the accumulator's sign flips the phase.
- :func:`joint_oracle` — the paper's oracle on weights ⊗ data index: a QRAM-style loader
  ``|i> -> |u(x_i), y_i, t_i>``, the model's reversible forward pass, a phase on every
  (weight, sample) pair classified correctly (``k`` copies: all of them), uncomputed.

Counter and value registers use the Fourier-space adder of Qiskit's ``QuadraticFormGate``
(Gilliam et al., arXiv:1912.04088, Fig. 6): Hadamards (the QFT of ``|0>``), phase rotations that
add integers, and an inverse ``QFTGate``. Quark's version adds from computed ancillas as well as
from weight qubits, takes terms of any degree, sizes the register from the bounds of the value so
it never overflows, and keeps the threshold a circuit ``Parameter`` (``"threshold_k"``), so one
transpiled circuit serves every threshold of a Grover adaptive search.

Bit order: weight qubit ``i`` is bit ``i`` of the measured index (Qiskit little-endian).

Examples
--------
>>> from quark.datasets import load_edge_detection
>>> from quark.encoding import LossLandscape
>>> X, y = load_edge_detection(size=2)
>>> land = LossLandscape("line-detector", None, X, y)
>>> orc = counting_oracle(land)
>>> orc.n_weights, orc.info["counter_qubits"], orc.circuit.num_qubits
(6, 6, 13)
>>> orc.threshold_value(0.25)        # loss < 0.25  <=>  more than 12 of 16 correct
13
"""

from __future__ import annotations

from quark.encoding.oracles.arithmetic import DEFAULT_PRECISION, arithmetic_oracle, fixed_point_grid
from quark.encoding.oracles.grover import grover_circuit
from quark.encoding.oracles.joint import JointOracle, joint_oracle
from quark.encoding.oracles.threshold import (
    COUNTING_FORMS,
    ORACLE_KINDS,
    ThresholdOracle,
    choose_threshold_oracle,
    counting_applies,
    counting_oracle,
    integer_scaling,
    is_exactly_scalable,
    oracle_cost,
    table_oracle,
    unit_oracle,
)

__all__ = [
    "ThresholdOracle",
    "JointOracle",
    "table_oracle",
    "counting_oracle",
    "arithmetic_oracle",
    "joint_oracle",
    "unit_oracle",
    "fixed_point_grid",
    "counting_applies",
    "DEFAULT_PRECISION",
    "grover_circuit",
    "integer_scaling",
    "is_exactly_scalable",
    "choose_threshold_oracle",
    "oracle_cost",
    "ORACLE_KINDS",
    "COUNTING_FORMS",
]
