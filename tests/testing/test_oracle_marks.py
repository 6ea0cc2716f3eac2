"""quark.testing.oracle_marks: a gate-level oracle's marks, and the two ways an oracle can be broken."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("qiskit_aer")
from qiskit import QuantumCircuit  # noqa: E402

from quark.testing import oracle_marks  # noqa: E402


class _Given:
    """A threshold oracle made of one fixed circuit (whatever the threshold)."""

    def __init__(self, circuit: QuantumCircuit, n_weights: int) -> None:
        self.circuit, self.n_weights = circuit, n_weights

    def at(self, threshold):
        return self.circuit, None, None


def test_marks_of_a_real_oracle_are_the_settings_below_the_threshold():
    import dimod

    from quark.backends.aer import AerBackend
    from quark.encoding.problem import PolynomialProblem

    problem = PolynomialProblem(dimod.BinaryQuadraticModel({0: 1.0, 1: -2.0, 2: 0.5}, {(0, 1): 1.5, (1, 2): -1.0},
                                                           0.25, "BINARY"))
    orc = AerBackend().threshold_oracle(problem)
    thresholds = np.unique(problem.table())[[0, 2, 4]] + 1e-3
    marks = oracle_marks(orc, thresholds)
    assert marks.shape == (3, 8)
    np.testing.assert_array_equal(marks, problem.table()[None, :] < thresholds[:, None])


def test_a_phase_flip_on_one_setting_is_read_as_that_mark():
    qc = QuantumCircuit(2)
    qc.cz(0, 1)                     # flips |11>
    assert oracle_marks(_Given(qc, 2), [0.0])[0].tolist() == [False, False, False, True]


def test_an_oracle_that_leaves_a_work_qubit_set_is_refused():
    qc = QuantumCircuit(3)
    qc.cx(0, 2)                     # the work qubit keeps a copy of weight bit 0
    with pytest.raises(AssertionError, match="work qubits"):
        oracle_marks(_Given(qc, 2), [0.0])


def test_an_oracle_that_changes_amplitude_sizes_is_refused():
    qc = QuantumCircuit(2)
    qc.h(0)                         # not a phase flip
    with pytest.raises(AssertionError, match="pure phase flip"):
        oracle_marks(_Given(qc, 2), [0.0])
