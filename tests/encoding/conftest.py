"""What the oracle tests share: the set a threshold oracle marks, read off an Aer statevector."""

import pytest


@pytest.fixture(scope="session")
def oracle_marks():
    """``marks(orc, thresholds)`` -> ``(len(thresholds), 2**n)`` bool (:func:`quark.testing.oracle_marks`: it
    asserts that the work qubits come back to 0 and every amplitude keeps its size)."""
    pytest.importorskip("qiskit_aer")
    from quark.testing import oracle_marks as marks

    return marks
