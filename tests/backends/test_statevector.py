"""The exact kernel: closed form against the explicit statevector, sampled shots, paper figures."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quark.backends import get_backend
from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape
from quark.exceptions import ProblemTooLargeError
from quark.models import LineDetector
from quark.testing import check_grover_backend, total_variation


@pytest.fixture(scope="module")
def rows_paper():
    X, y = load_edge_detection(lines="rows")
    return LossLandscape(LineDetector(grouping="paper"), None, X, y)


@pytest.fixture(scope="module")
def mnist():
    X, y = load_tiny_mnist(digits=(6, 7), size=3, dedupe=True)
    return LossLandscape("perceptron", None, X, y)


def paper_formula(counts, m, iterations, copies=1):
    """PAPER.md, "What the joint oracle gives", written out independently of the kernel."""
    a = (np.asarray(counts, dtype=float) / m) ** copies
    theta = np.arcsin(np.sqrt(a.mean()))
    p = np.sin((2 * iterations + 1) * theta) ** 2
    return p, a * p / a.sum() + (1 - a) * (1 - p) / (1 - a).sum()


@given(
    n=st.integers(1, 9),
    seed=st.integers(0, 10_000),
    threshold=st.floats(-1.0, 600.0),
    iterations=st.integers(0, 25),
    ties=st.booleans(),
)
def test_closed_form_equals_explicit_statevector(n, seed, threshold, iterations, ties):
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 6, 1 << n).astype(float) * 100 if ties else rng.permutation(1 << n).astype(float)
    closed = StatevectorBackend().threshold_probabilities(table, threshold, iterations)
    explicit = StatevectorBackend(dtype=np.float64).threshold_probabilities(table, threshold, iterations, method="statevector")
    assert closed.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(closed, explicit, atol=1e-9)
    # and both agree with an independent statement of the closed form
    marked = table < threshold
    M, N = marked.sum(), table.size
    p = 0.0 if M == 0 else 1.0 if M == N else np.sin((2 * iterations + 1) * np.arcsin(np.sqrt(M / N))) ** 2
    assert closed[marked].sum() == pytest.approx(p, abs=1e-12)
    if 0 < M < N:
        assert np.ptp(closed[marked]) < 1e-15 and np.ptp(closed[~marked]) < 1e-15


def test_float32_amplitudes_stay_accurate_over_many_rounds():
    table = np.random.default_rng(0).permutation(1 << 14).astype(float)
    b = StatevectorBackend()  # float32 by default
    for r in (1, 50, 151, 100):  # 100 rounds ~ pi/4 sqrt(16384): the optimum for 1 marked
        closed = b.threshold_probabilities(table, 1.0, r)
        explicit = b.threshold_probabilities(table, 1.0, r, method="statevector")
        assert np.abs(closed - explicit).max() < 1e-4
    assert closed[table < 1.0].sum() > 0.999


def test_many_chunks_agree_and_sample_uniformly_in_each_set():
    """2**18 settings span four 2**16 chunks: marked members drawn across chunk boundaries."""
    n = 18
    rng = np.random.default_rng(3)
    table = rng.permutation(1 << n).astype(float)
    thr = 300.0  # 300 marked settings scattered over all chunks
    r = 20
    closed = StatevectorBackend()
    explicit = StatevectorBackend(method="statevector")
    p = closed.threshold_probabilities(table, thr, r)
    np.testing.assert_allclose(p, explicit.threshold_probabilities(table, thr, r), atol=1e-7)
    shots = 60_000
    for b in (closed, explicit):
        s = b.sample_threshold(table, thr, r, shots, np.random.default_rng(1)).indices
        marked = table[s] < thr
        p_marked = p[table < thr].sum()
        assert abs(marked.mean() - p_marked) < 4 * np.sqrt(p_marked * (1 - p_marked) / shots) + 1e-3
        # uniform within the marked set: every marked setting measured about equally often
        per = np.bincount(s[marked], minlength=1 << n)[table < thr]
        assert per.min() > 0.5 * per.mean() and per.max() < 1.6 * per.mean()
        # unmarked shots spread over every chunk
        assert len(np.unique(s[~marked] >> 16)) == 4


@pytest.mark.parametrize("method", ["closed_form", "statevector"])
def test_sampled_shots_match_the_exact_distribution(method):
    table = np.random.default_rng(5).integers(0, 8, 64).astype(float)
    b = StatevectorBackend(method=method)
    for thr, r in [(1.0, 3), (3.0, 1), (100.0, 2), (0.0, 4)]:
        exact = b.threshold_probabilities(table, thr, r)
        shots = b.sample_threshold(table, thr, r, 40_000, np.random.default_rng(r)).indices
        assert shots.dtype == np.int64 and shots.shape == (40_000,)
        assert total_variation(shots, exact) < 0.5 * np.sqrt(64 / 40_000) + 0.01


def test_conformance_kit_passes():
    assert check_grover_backend(StatevectorBackend(), shots=4000)["passed"]
    assert check_grover_backend(StatevectorBackend(method="statevector"), shots=4000)["passed"]


def test_marked_set_is_exactly_loss_below_threshold_on_count_tables(mnist, rows_paper):
    """Count tables (0-1 loss) mark what the problem's own loss values put below the threshold."""
    b = StatevectorBackend()
    for land in (mnist, rows_paper):
        losses = land.evaluate_indices(np.arange(1 << land.n_qubits))
        for thr in np.unique(losses).tolist() + [np.nextafter(losses.min(), -1), 2.0]:
            assert b.marked_count(land, thr) == int((losses < thr).sum())
            p = b.threshold_probabilities(land, thr, 2)
            assert not (losses < thr).any() or np.ptp(p[losses < thr]) < 1e-15


def test_loss_data_is_computed_once_per_problem(mnist, monkeypatch):
    calls = []
    original = LossLandscape.count_table

    def counting(self, **kw):
        calls.append(1)
        return original(self, **kw)

    monkeypatch.setattr(LossLandscape, "count_table", counting)
    X, y = load_tiny_mnist(digits=(6, 7), size=3, dedupe=True)
    land = LossLandscape("perceptron", None, X, y)
    b = StatevectorBackend()
    rng = np.random.default_rng(0)
    for thr in (0.5, 0.4, 0.3, 0.3):
        b.sample_threshold(land, thr, 3, 10, rng)
    b.marked_count(land, 0.35)
    b.sample_joint(land, 2, 10, 1, rng)
    assert len(calls) == 1


def test_seeded_samples_are_reproducible():
    table = np.random.default_rng(0).permutation(256).astype(float)
    for method in ("closed_form", "statevector"):
        b = StatevectorBackend(method=method)
        a1 = b.sample_threshold(table, 10.0, 3, 100, np.random.default_rng(42)).indices
        a2 = b.sample_threshold(table, 10.0, 3, 100, np.random.default_rng(42)).indices
        assert np.array_equal(a1, a2)


def test_single_shot_draws_follow_the_documented_stream():
    """One shot (the searches' default) draws one double (marked with probability sin^2((2r+1)θ)),
    then one integer: the rank of the setting among the marked (or unmarked) ones in index order."""
    import math

    table = np.random.default_rng(1).normal(size=1 << 9)
    b = StatevectorBackend()
    for seed in range(60):
        threshold, k = float(np.sort(table)[seed % 40 + 1]), seed % 5
        marked = np.flatnonzero(table < threshold)
        rest = np.flatnonzero(table >= threshold)
        theta = math.asin(math.sqrt(marked.size / table.size))
        rng = np.random.default_rng(seed)
        if rng.random(1)[0] < math.sin((2 * k + 1) * theta) ** 2:
            want = marked[rng.integers(0, marked.size, size=1)]
        else:
            want = rest[rng.integers(0, rest.size, size=1)]
        got = b.sample_threshold(table, threshold, k, 1, np.random.default_rng(seed)).indices
        np.testing.assert_array_equal(got, want)


def test_memory_guard_names_the_gib_needed():
    table = np.arange(1 << 12, dtype=float)
    with pytest.raises(ProblemTooLargeError, match="GiB"):
        StatevectorBackend(method="statevector", max_memory=1e4).sample_threshold(table, 3.0, 1, 1, np.random.default_rng(0))
    X, y = load_edge_detection(lines="rows")
    land = LossLandscape(LineDetector(grouping="paper"), None, X, y)
    with pytest.raises(ProblemTooLargeError, match=r"4 data register\(s\).*GiB"):  # 8 * 512**4 amplitudes
        StatevectorBackend(method="statevector").joint_probabilities(land, 1, copies=4)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "exact"}, "'method'"),
        ({"dtype": np.complex128}, "'dtype'"),
        ({"dtype": "int8"}, "'dtype'"),
        ({"max_memory": 0}, "'max_memory'"),
    ],
)
def test_bad_options(kwargs, match):
    backend = StatevectorBackend(**kwargs)  # __init__ only stores; the backend checks when it runs
    with pytest.raises(ValueError, match=match):
        backend.sample_threshold(np.arange(8.0), 3.0, 1, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        backend.threshold_probabilities(np.arange(8.0), 3.0, 1)


def test_bad_arguments():
    b = StatevectorBackend()
    rng = np.random.default_rng(0)
    table = np.arange(8.0)
    with pytest.raises(ValueError, match="'shots' must be a positive integer; got 0"):
        b.sample_threshold(table, 1.0, 1, 0, rng)
    with pytest.raises(ValueError, match="'iterations'"):
        b.sample_threshold(table, 1.0, -1, 5, rng)
    with pytest.raises(ValueError, match="'threshold'"):
        b.sample_threshold(table, float("nan"), 1, 5, rng)
    with pytest.raises(TypeError, match="LossLandscape"):
        b.sample_joint(table, 1, 5, 1, rng)
    with pytest.raises(ValueError, match="'copies'"):
        X, y = load_edge_detection(lines="rows")
        b.sample_joint(LossLandscape(LineDetector(grouping="paper"), None, X, y), 1, 5, 0, rng)
    with pytest.raises(ValueError, match="unknown backend"):
        get_backend("statevektor")


def test_registry_copy_and_pickle():
    b = get_backend("statevector", method="statevector", dtype=np.float64)
    assert isinstance(b, StatevectorBackend) and b.method == "statevector" and b.dtype == np.float64
    table = np.arange(16.0)
    b.sample_threshold(table, 2.0, 1, 3, np.random.default_rng(0))  # fills the cache
    for clone in (pickle.loads(pickle.dumps(b)), copy.deepcopy(b)):
        assert repr(clone) == repr(b)
        assert clone.sample_threshold(table, 2.0, 1, 3, np.random.default_rng(0)).indices.shape == (3,)


# -- the paper's joint oracle ----------------------------------------------------------------------
@pytest.mark.parametrize("copies", [1, 2])
@pytest.mark.parametrize("padded", [False, True])
def test_joint_closed_form_equals_explicit_statevector(rows_paper, mnist, copies, padded):
    b = StatevectorBackend(index_state="padded" if padded else "uniform", dtype=np.float64)
    lands = [rows_paper] if copies == 2 else [rows_paper, mnist]
    for land in lands:
        for r in (0, 1, 3, 6):
            closed = b.joint_probabilities(land, r, copies)
            explicit = b.joint_probabilities(land, r, copies, method="statevector")
            np.testing.assert_allclose(closed, explicit, atol=1e-10)
            if not padded:
                _, formula = paper_formula(land.correct_counts(np.arange(1 << land.n_qubits)), land.n_samples, r, copies)
                np.testing.assert_allclose(closed, formula, atol=1e-12)


def test_joint_padding_changes_the_rotation(mnist):
    """The prototype padded 39 patterns to 64 data states (never marked): a smaller marked fraction."""
    plain = StatevectorBackend().joint_probabilities(mnist, 3)
    padded = StatevectorBackend(index_state="padded").joint_probabilities(mnist, 3)
    assert np.abs(plain - padded).max() > 1e-4


def test_paper_figures_for_the_rows_task(rows_paper):
    """PAPER.md: at 6 rounds P(marked) = 0.996 and P(best w) = 0.16 of 8; copies 2/8/32 give 0.20/0.50/0.96."""
    b = StatevectorBackend()
    counts = rows_paper.correct_counts(np.arange(8))
    assert counts.max() == 512 and int(np.argmax(counts)) == 1  # the rows gate alone is perfect
    p6, _ = paper_formula(counts, 512, 6)
    assert p6 == pytest.approx(0.996, abs=5e-4)
    assert b.joint_probabilities(rows_paper, 6).max() == pytest.approx(0.16, abs=5e-3)
    assert int(np.argmax(b.joint_probabilities(rows_paper, 6))) == 1
    for copies, figure in [(2, 0.20), (8, 0.50), (32, 0.96)]:
        # at the round (up to 50) where the amplification peaks
        best = max(b.joint_probabilities(rows_paper, r, copies)[1] for r in range(51))
        assert best == pytest.approx(figure, abs=5e-3)


@pytest.mark.parametrize("method", ["closed_form", "statevector"])
def test_joint_shots_match_the_exact_distribution(rows_paper, method):
    b = StatevectorBackend(method=method)
    exact = b.joint_probabilities(rows_paper, 6, 2)
    shots = b.sample_joint(rows_paper, 6, 40_000, 2, np.random.default_rng(0)).indices
    assert shots.shape == (40_000,) and shots.min() >= 0 and shots.max() < 8
    assert total_variation(shots, exact) < 0.5 * np.sqrt(8 / 40_000) + 0.01


def test_float_losses_use_the_loss_table_and_the_joint_oracle_still_counts_correct_samples():
    X, y = load_edge_detection(lines="rows")
    land = LossLandscape("line-detector", None, X, y, loss="squared")
    losses = land.table()
    b = StatevectorBackend(dtype=np.float64)
    thr = float(np.sort(np.unique(losses))[3])
    assert b.marked_count(land, thr) == int((losses < thr).sum())
    np.testing.assert_allclose(b.threshold_probabilities(land, thr, 2),
                               b.threshold_probabilities(land, thr, 2, method="statevector"), atol=1e-10)
    zero_one = LossLandscape("line-detector", None, X, y)
    np.testing.assert_allclose(b.joint_probabilities(land, 3), b.joint_probabilities(zero_one, 3), atol=1e-14)


def test_count_table_spanning_several_chunks():
    """18 weight qubits: the per-chunk histogram of counts locates marked members in 4 chunks."""
    rng = np.random.default_rng(0)
    X = (rng.random((40, 17)) < 0.2).astype(np.uint8)
    y = rng.integers(0, 2, 40)
    land = LossLandscape("perceptron", None, X, y)
    losses = land.table()
    b = StatevectorBackend()
    for thr in np.unique(losses)[:6]:
        assert b.marked_count(land, thr) == int((losses < thr).sum())
    thr = float(np.unique(losses)[4])
    shots = b.sample_threshold(land, thr, 4, 20_000, np.random.default_rng(1)).indices
    marked = losses[shots] < thr
    p = b.threshold_probabilities(land, thr, 4)[losses < thr].sum()
    assert abs(marked.mean() - p) < 4 * np.sqrt(p * (1 - p) / 20_000)
    assert set(np.unique(shots[marked])) <= set(np.flatnonzero(losses < thr))
    assert len(np.unique(shots >> 16)) == 4


def test_the_sampler_says_a_round_misses_for_certain_only_when_nothing_lies_below(mnist, monkeypatch):
    table = np.array([3.0, 1.0, 1.0, 2.0, 5.0, 1.0, 4.0, 2.0])
    sample = StatevectorBackend().threshold_sampler(table)
    assert [sample.misses_certain(t) for t in (1.0, 0.5, 1.0 + 1e-12, 2.0, np.inf)] == [True, True, False, False, False]
    # and then no draw can measure a setting below the threshold, whatever k
    rng = np.random.default_rng(0)
    assert all(table[sample(1.0, k, 50, rng).indices].min() >= 1.0 for k in range(6))
    # the 0-1 loss's count table: the same answer as the marked count
    counted = StatevectorBackend().threshold_sampler(mnist)
    losses = np.unique(mnist.table())
    assert counted.misses_certain(losses[0]) and not counted.misses_certain(losses[1])
    # the explicit statevector, a subclass that draws otherwise, the switch off: they never say so

    class Other(StatevectorBackend):
        def _draw(self, data, threshold, iterations, shots, rng):
            return super()._draw(data, threshold, iterations, shots, rng)

    for backend in (StatevectorBackend(method="statevector"), Other()):
        assert not backend.threshold_sampler(table).misses_certain(1.0)
    monkeypatch.setattr(StatevectorBackend, "_skip_certain_misses", False)
    assert not StatevectorBackend().threshold_sampler(table).misses_certain(1.0)
