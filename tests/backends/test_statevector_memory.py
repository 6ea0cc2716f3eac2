"""Memory on the exact kernel's large path (issue 16): the count table is the only large array, and
whatever would not fit is refused up front with the GiB it would need."""

import tracemalloc

import numpy as np
import pytest

from quark.backends.statevector import StatevectorBackend
from quark.encoding import LossLandscape, as_problem
from quark.exceptions import ProblemTooLargeError
from quark.optimizers import GroverAdaptiveSearch


def _landscape(n, m=40, seed=0, **kw):
    rng = np.random.default_rng(seed)
    X = (rng.random((m, n - 1)) < 0.15).astype(np.uint8)
    w = rng.random(n - 1) < 0.3
    y = ((X @ w) > 0).astype(np.uint8) ^ (rng.random(m) < 0.1)
    return LossLandscape("perceptron", None, X, y, **kw)


def _peak(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_search_allocates_nothing_of_the_table_size():
    """23 qubits: building the loss data takes the 8 MiB table (and a small histogram); the whole
    search after it stays below one byte per setting — no index array, mask or float copy."""
    n = 23
    warm = StatevectorBackend()  # numba loads its kernels on first use: not the table's memory
    GroverAdaptiveSearch(backend=warm, random_state=0).minimize(_landscape(17))
    land = _landscape(n)
    backend = StatevectorBackend()
    _, peak_build = _peak(lambda: backend.prepare(land))
    data = backend._data(as_problem(land))
    assert data.counts.dtype == np.uint8 and data.hist is not None
    assert peak_build < (1 << n) + data.hist.nbytes + (1 << 20)
    # the stopping rule's posterior tables are per register size, a few MiB growing with log N:
    # built once here (as by any earlier search of this size), so the peak below is the search's own
    from quark.optimizers._stopping import PLAN_DEPTH, _combos, _points

    tables = _points(1 << n)
    assert tables.nbytes < 8 * 2**20
    for depth in range(1, PLAN_DEPTH + 1):
        _combos(tuple(int(g) for g in tables.grid), depth)
    res, peak_search = _peak(lambda: GroverAdaptiveSearch(backend=backend, random_state=0).minimize(land))
    assert res.info["reached_optimum"]
    # what the search itself may keep: one posterior per round in the shared decision tree and a few
    # cached sin^2 rows — a few dozen vectors of ~4,000 points, under a quarter byte per setting here
    posterior = 64 * tables.M.nbytes
    assert posterior < (1 << n) // 4
    assert peak_search < (1 << n) // 2 + posterior


@pytest.mark.parametrize("loss, what", [("zero_one", r"count table of 32 weight qubits would need 4\.\d\d GiB"),
                                        ("squared", r"loss table of 32 qubits \(float64\) would need 32\.\d\d GiB")])
def test_32_qubits_refused_before_any_allocation(loss, what):
    land = _landscape(32, m=8, loss=loss)
    backend = StatevectorBackend(max_memory=2**31)
    with pytest.raises(ProblemTooLargeError, match=what):
        backend.marked_count(land, 0.5)
    with pytest.raises(ProblemTooLargeError, match=what):
        GroverAdaptiveSearch(backend=backend, random_state=0).minimize(land)


def test_full_distributions_and_statevectors_are_guarded_separately():
    """24 qubits in 120 MB: the 16 MiB count table fits (with its fill scratch), the 9 bytes per setting of
    a full distribution do not; the explicit statevector (5 bytes per setting) does."""
    land = _landscape(24, m=12)
    backend = StatevectorBackend(max_memory=120e6)
    assert backend.marked_count(land, 2.0) == 1 << 24
    with pytest.raises(ProblemTooLargeError, match=r"distribution of 24 weight qubits would need 0\.14 GiB"):
        backend.threshold_probabilities(land, 0.5, 1)
    with pytest.raises(ProblemTooLargeError, match=r"joint distribution of 24 weight qubits would need 0\.50 GiB"):
        backend.joint_probabilities(land, 1)
    small = StatevectorBackend(method="statevector", max_memory=60e6)
    with pytest.raises(ProblemTooLargeError, match=r"the count table of 24 weight qubits would need 0\.11 GiB"):
        small.sample_threshold(land, 0.5, 1, 10, np.random.default_rng(0))
