"""The counting sampler: counts what was executed, merges pubs without changing results."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from quark.optimizers import CostLedger
from quark.baselines.counting import CountingSampler, circuit_cost


def _circuit():
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.ry(t, 0)
    qc.cx(0, 1)
    qc.measure_all()
    return qc


def test_counts_executions_and_shots_from_results():
    qc = _circuit()
    led = CostLedger()
    s = CountingSampler(ledger=led, default_shots=50, seed=3)
    res = s.run([(qc, [0.3]), (qc, np.zeros((2, 3, 1))), (qc, [1.0], 7)]).result()
    assert res[1].data.meas.shape == (2, 3)
    assert res[2].data.meas.num_shots == 7
    assert (led.circuit_executions, led.shots) == (1 + 6 + 1, 50 + 6 * 50 + 7)
    assert (s.pubs, s.jobs) == (3, 1)
    # deterministic outcomes land where the pub asked: angle 0 -> |00>, angle pi -> |11>
    r = s.run([(qc, [[0.0], [np.pi]])]).result()[0].data.meas
    assert r[0].get_counts() == {"00": 50} and r[1].get_counts() == {"11": 50}


def test_merging_preserves_each_pubs_outcomes():
    qc = _circuit()
    angles = [0.0, np.pi, 0.0, np.pi]
    s = CountingSampler(default_shots=20, seed=1)
    res = s.run([(qc, [a]) for a in angles]).result()
    for a, r in zip(angles, res):
        assert r.data.meas.get_counts() == ({"00": 20} if a == 0 else {"11": 20})


def test_bad_shots_and_circuit_cost():
    with pytest.raises(ValueError, match="default_shots"):
        CountingSampler(default_shots=0)
    c = circuit_cost(_circuit().remove_final_measurements(inplace=False))
    assert (c["qubits"], c["two_qubit_gates"], c["two_qubit_depth"]) == (2, 1, 1)
