"""The parallel chunk kernel of full count tables (issue 16): exact, compact, no index arrays."""

import tracemalloc

import numpy as np
import pytest

from quark.encoding import LossLandscape
from quark.encoding import problem as problem_module
from quark.encoding.kernels import OrForm, chunk_histogram
from quark.exceptions import ProblemTooLargeError


def _form(rng, n, m, pol, weighted):
    masks = rng.integers(0, 1 << n, m) & rng.integers(0, 1 << n, m)  # about a quarter of the bits
    masks[: m // 4] &= rng.integers(0, 1 << n, m // 4)  # some sparser, some (below) empty
    masks[-1] = 0
    weights = rng.integers(0, 5, m) if weighted else None
    return OrForm.from_samples(masks, rng.integers(0, 2, m), pol, weights)


@pytest.mark.parametrize("n", [1, 3, 8, 9, 16, 17, 20])
@pytest.mark.parametrize("where", ["none", "bottom", "middle", "high"])
@pytest.mark.parametrize("weighted", [False, True])
def test_count_table_equals_counts_of_every_index(n, where, weighted):
    """Polarity among the run's bits (< 8), the chunk's middle bits (8..15), the high bits, or none."""
    rng = np.random.default_rng(n * 7 + len(where) + weighted)
    pol = {"none": -1, "bottom": min(n - 1, 5), "middle": min(n - 1, 11), "high": n - 1}[where]
    f = _form(rng, n, 37, pol, weighted)
    total = int(f.weights.sum())
    dtype = np.min_scalar_type(max(total, 1))
    seen = []
    table = f.count_table(n, dtype, progress=seen.append)
    assert table.dtype == dtype and table.shape == (1 << n,)
    np.testing.assert_array_equal(table, f.counts(np.arange(1 << n)))
    assert sum(seen) == 1 << n


def test_count_table_dtypes_and_their_limits():
    rng = np.random.default_rng(0)
    f = OrForm.from_samples(rng.integers(0, 1 << 12, 30), rng.integers(0, 2, 30), 11, np.full(30, 1000))
    table = f.count_table(12, np.uint16)  # counts up to 30,000
    np.testing.assert_array_equal(table, f.counts(np.arange(1 << 12)))
    np.testing.assert_array_equal(f.count_table(12, np.uint32), table)
    with pytest.raises(ValueError, match="unsigned dtype holding it"):
        f.count_table(12, np.uint8)
    with pytest.raises(ValueError, match="unsigned"):
        f.count_table(12, np.float64)


def test_chunk_histogram_matches_numpy():
    rng = np.random.default_rng(1)
    values = rng.integers(0, 9, 1 << 12).astype(np.uint8)
    hist = chunk_histogram(values, 256, 9)
    expect = np.stack([np.bincount(values[c * 256 : (c + 1) * 256], minlength=9) for c in range(16)])
    np.testing.assert_array_equal(hist, expect)
    assert hist.dtype == np.int64 and hist.flags.c_contiguous
    with pytest.raises(ValueError, match="not below n_bins=8"):
        chunk_histogram(values, 256, 8)
    with pytest.raises(ValueError, match="multiple of 256"):
        chunk_histogram(values[:100], 256, 9)


def _landscape(n, m=40, seed=0, **kw):
    rng = np.random.default_rng(seed)
    X = (rng.random((m, n - 1)) < 0.15).astype(np.uint8)
    return LossLandscape("perceptron", None, X, rng.integers(0, 2, m), **kw)


def test_landscape_count_table_takes_the_kernel_without_index_arrays(monkeypatch):
    """No chunked fill over int64 index arrays, and no allocation beyond the table itself."""
    land = _landscape(22)
    monkeypatch.setattr(problem_module, "fill_table", lambda *a, **k: pytest.fail("the generic fill ran"))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        table = land.count_table()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table.dtype == np.uint8
    assert peak < table.nbytes + (1 << 20)  # an int64 index chunk alone would be 8 MiB
    monkeypatch.undo()
    land._or_form = None  # the generic path: the same counts
    np.testing.assert_array_equal(table, land.count_table())


def test_weighted_landscape_count_table_is_exact():
    rng = np.random.default_rng(3)
    X = (rng.random((25, 17)) < 0.2).astype(np.uint8)
    land = LossLandscape("perceptron", None, X, rng.integers(0, 2, 25), sample_weight=rng.integers(1, 30, 25))
    table = land.count_table()
    assert table.dtype == np.uint16 and land._or_form is not None
    np.testing.assert_array_equal(table, land.correct_counts(np.arange(1 << 18)))


def test_count_table_of_32_qubits_is_refused_with_the_gib_it_needs():
    land = _landscape(32, m=8)
    with pytest.raises(ProblemTooLargeError, match=r"count table of 32 weight qubits would need 4\.\d\d GiB"):
        land.count_table(max_memory=2**31)
