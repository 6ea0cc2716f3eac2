"""What the oracle tests share: the set a threshold oracle marks, read off an Aer statevector."""

import math

import numpy as np
import pytest


@pytest.fixture(scope="session")
def oracle_marks():
    """``marks(orc, thresholds)`` -> ``(len(thresholds), 2**n)`` bool: the settings the oracle flips, asserting
    that its work qubits come back to 0 and every amplitude keeps its size (a pure phase flip)."""
    pytest.importorskip("qiskit_aer")
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector", max_parallel_threads=1)

    def marks(orc, thresholds):
        n = orc.n_weights
        out = []
        for t in thresholds:
            qc, binding, _ = orc.at(t)
            c = qc.copy_empty_like()
            c.h(range(n))
            c.compose(qc, inplace=True)
            c = c.assign_parameters(binding) if binding else c
            c.save_statevector()
            sv = np.asarray(sim.run(transpile(c, sim, optimization_level=1)).result().get_statevector())
            np.testing.assert_allclose(np.abs(sv[1 << n:]), 0.0, atol=1e-9)
            phase = sv[: 1 << n] * math.sqrt(1 << n)
            np.testing.assert_allclose(np.abs(phase), 1.0, atol=1e-9)
            out.append(phase.real < 0)
        return np.array(out)

    return marks
