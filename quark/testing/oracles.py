"""The settings a threshold oracle marks, read off an Aer statevector: how a gate-level oracle is checked
against the loss table it stands for (tests, benchmarks, a plug-in oracle's author)."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

__all__ = ["oracle_marks"]


def oracle_marks(orc, thresholds: Iterable[float], *, atol: float = 1e-9) -> np.ndarray:
    """``(len(thresholds), 2**n)`` bools: the weight settings ``orc`` flips at each threshold.

    The oracle runs once per threshold on the uniform superposition of its ``n`` weight qubits (Aer's
    statevector method, one thread); every work qubit must come back to 0 and every amplitude keep its size
    — a pure phase flip — else ``AssertionError`` says which.

    Parameters
    ----------
    orc : ThresholdOracle
        A threshold oracle (``orc.n_weights``, ``orc.at(threshold) -> (circuit, binding, ...)``), e.g.
        ``AerBackend().threshold_oracle(problem)``.
    thresholds : iterable of float
        The thresholds to read the marks at.
    atol : float, default=1e-9
        Tolerance of the two checks.

    Examples
    --------
    >>> import dimod
    >>> from quark.backends.aer import AerBackend
    >>> from quark.encoding.problem import PolynomialProblem
    >>> problem = PolynomialProblem(dimod.BinaryQuadraticModel({0: 1.0, 1: 2.0}, {(0, 1): -2.0}, 0.0, "BINARY"))
    >>> marks = oracle_marks(AerBackend().threshold_oracle(problem), [0.5, 1.5])
    >>> marks.tolist() == [(problem.table() < t).tolist() for t in (0.5, 1.5)]
    True
    """
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector", max_parallel_threads=1)
    n = orc.n_weights
    out = []
    for t in thresholds:
        qc, binding, *_ = orc.at(t)
        c = qc.copy_empty_like()
        c.h(range(n))
        c.compose(qc, inplace=True)
        c = c.assign_parameters(binding) if binding else c
        c.save_statevector()
        sv = np.asarray(sim.run(transpile(c, sim, optimization_level=1)).result().get_statevector())
        work = float(np.abs(sv[1 << n:]).max(initial=0.0))
        if work > atol:
            raise AssertionError(f"the oracle leaves its work qubits entangled at threshold {t}: amplitude {work:.3g}")
        phase = sv[: 1 << n] * math.sqrt(1 << n)
        size = float(np.abs(np.abs(phase) - 1.0).max())
        if size > atol:
            raise AssertionError(f"the oracle is not a pure phase flip at threshold {t}: an amplitude's size moved by {size:.3g}")
        out.append(phase.real < 0)
    return np.array(out)
