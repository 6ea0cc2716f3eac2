"""The Aer backend: measured distributions of real circuits against the exact closed forms."""

import math

import dimod
import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.backends import available_backends, get_backend  # noqa: E402
from quark.backends.aer import AerBackend, aer_unusable_reason  # noqa: E402
from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape  # noqa: E402
from quark.exceptions import MissingDependencyError, ProblemTooLargeError  # noqa: E402
from quark.models import LineDetector  # noqa: E402
from quark.encoding import as_problem  # noqa: E402
from quark.testing import check_grover_backend, threshold_distribution, total_variation  # noqa: E402

SHOTS = 4000


@pytest.fixture(scope="module")
def backend():
    return AerBackend(aer_options={"max_parallel_threads": 1})


def _tv_bound(outcomes, shots=SHOTS):
    return 0.5 * math.sqrt(outcomes / shots) + 0.02  # the conformance kit's bound


def _joint_distribution(land, r, k):
    """PAPER.md: P(w) = c^k sin^2((2r+1)θ)/M + (m^k - c^k) cos^2((2r+1)θ)/(N_tot - M)."""
    c = land.correct_counts(np.arange(1 << land.n_qubits)).astype(np.float64) ** k
    m = float(land.n_samples) ** k
    M, N = c.sum(), (1 << land.n_qubits) * m
    theta = math.asin(math.sqrt(M / N))
    return c * math.sin((2 * r + 1) * theta) ** 2 / M + (m - c) * math.cos((2 * r + 1) * theta) ** 2 / (N - M)


LANDSCAPES = {
    "edge2-lines": lambda: LossLandscape("line-detector", None, *load_edge_detection(size=2)),
    "edge3-rows-paper": lambda: LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection()),
    "mnist2-perceptron": lambda: LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True)),
}


def test_passes_the_conformance_kit(backend):
    report = check_grover_backend(backend, shots=SHOTS)
    assert report["passed"], report["cases"]


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_counting_oracle_distribution_matches_closed_form(name):
    backend = AerBackend(aer_options={"max_parallel_threads": 1}, compact=False)  # the hardware form: one transpile
    land = LANDSCAPES[name]()
    assert backend.threshold_oracle(as_problem(land)).kind == "counting"
    table = land.table()
    rng = np.random.default_rng(7)
    levels = np.unique(table)
    for threshold in (levels[1], levels[len(levels) // 2]):
        for r in (1, 2):
            shots = backend.sample_threshold(land, float(threshold), r, SHOTS, rng).indices
            assert shots.shape == (SHOTS,) and shots.dtype == np.int64
            tvd = total_variation(shots, threshold_distribution(table, threshold, r))
            assert tvd < _tv_bound(table.size), (threshold, r, tvd)
    # the threshold is a circuit parameter: one transpiled oracle serves every threshold and round count
    assert backend.n_transpiled == 1


def test_threshold_circuit_statevector_is_the_closed_form(backend):
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    land = LANDSCAPES["edge2-lines"]()
    table = land.table()
    threshold = float(np.unique(table)[2])
    sim = AerSimulator(method="statevector", max_parallel_threads=1)
    for r in (1, 3):
        qc = backend.threshold_circuit(land, threshold, r, measure=False)
        qc.save_statevector()
        sv = np.asarray(sim.run(transpile(qc, sim, optimization_level=1)).result().get_statevector())
        p = (np.abs(sv) ** 2).reshape(-1, 1 << land.n_qubits).sum(axis=0)
        np.testing.assert_allclose(p, threshold_distribution(table, threshold, r), atol=1e-9)


def test_measured_index_bit_order_is_qubit_order(backend):
    table = np.ones(8)
    table[6] = 0.0  # bits (0, 1, 1): qubits 1 and 2
    shots = backend.sample_threshold(table, 0.5, 2, 200, np.random.default_rng(0)).indices
    assert np.bincount(shots, minlength=8).argmax() == 6
    assert (shots == 6).mean() > 0.9


def test_arithmetic_oracle_distribution_matches_closed_form(backend):
    rng = np.random.default_rng(5)
    bqm = dimod.BinaryQuadraticModel(
        {i: rng.integers(-4, 5) / 2 for i in range(4)}, {(i, j): float(rng.integers(-3, 4)) for i in range(4) for j in range(i + 1, 4)}, 0.0, "BINARY"
    )
    prob = as_problem(bqm)
    assert backend.threshold_oracle(prob).kind == "arithmetic"
    table = prob.table()
    threshold = float(np.unique(table)[2])
    shots = backend.sample_threshold(prob, threshold, 1, SHOTS, np.random.default_rng(1)).indices
    assert total_variation(shots, threshold_distribution(table, threshold, 1)) < _tv_bound(table.size)


@pytest.mark.parametrize(
    "make,copies",
    [
        (lambda: LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection(size=2)), 1),
        (lambda: LossLandscape("perceptron", None, np.array([[0, 1], [1, 0], [1, 1]]), np.array([1, 0, 1])), 2),
    ],
    ids=["edge2-paper", "3-samples-k2"],
)
def test_joint_distribution_matches_paper_formula(backend, make, copies):
    land = make()
    rng = np.random.default_rng(3)
    for r in (1, 2):
        shots = backend.sample_joint(land, r, SHOTS, copies, rng).indices
        assert shots.shape == (SHOTS,)
        tvd = total_variation(shots, _joint_distribution(land, r, copies))
        assert tvd < _tv_bound(1 << land.n_qubits), (r, tvd)


def test_same_generator_seed_same_shots(backend):
    land = LANDSCAPES["edge2-lines"]()
    a = backend.sample_threshold(land, 0.3, 1, 50, np.random.default_rng(11)).indices
    b = backend.sample_threshold(land, 0.3, 1, 50, np.random.default_rng(11)).indices
    np.testing.assert_array_equal(a, b)


def test_bad_input(backend):
    land = LANDSCAPES["edge2-lines"]()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="'shots'"):
        backend.sample_threshold(land, 0.3, 1, 0, rng)
    with pytest.raises(ValueError, match="'iterations'"):
        backend.sample_threshold(land, 0.3, -1, 10, rng)
    with pytest.raises(ValueError, match="'threshold'"):
        backend.sample_threshold(land, float("nan"), 1, 10, rng)
    with pytest.raises(ValueError, match="'copies'"):
        backend.sample_joint(land, 1, 10, 0, rng)
    with pytest.raises(TypeError, match="'rng'"):
        backend.sample_threshold(land, 0.3, 1, 10, 1234)
    # values are checked when the backend runs (scikit-learn's rule: __init__ only stores) ...
    with pytest.raises(ValueError, match="'method'"):
        AerBackend(method="stabilizer").sample_threshold(land, 0.3, 1, 10, rng)
    with pytest.raises(ValueError, match="'oracle'"):
        AerBackend(oracle="grover").threshold_oracle(land)
    # ... names where they are written, with the nearest valid one
    with pytest.raises(TypeError, match="'methd' \\(did you mean 'method'\\?\\)"):
        AerBackend(methd="statevector")
    with pytest.raises(TypeError, match="'max_parallel_thread' \\(did you mean 'max_parallel_threads'\\?\\)"):
        AerBackend(aer_options={"max_parallel_thread": 1})
    with pytest.raises(ValueError, match="unknown backend"):
        get_backend("aer-cpu")


def test_models_without_a_reversible_form(backend):
    X, y = load_edge_detection(size=2)
    land = LossLandscape("sign-mlp", None, X[:, :2], y)  # 3 spin weights
    with pytest.raises(ValueError, match="'line-detector'.*'perceptron'"):
        AerBackend(oracle="counting").sample_threshold(land, 0.5, 1, 10, np.random.default_rng(0))
    # 'auto' never tabulates: it refuses by name, pointing at the table oracle, which runs only when asked
    with pytest.raises(ValueError, match="reversible circuit form.*oracle='table'"):
        backend.threshold_oracle(as_problem(land))
    assert AerBackend(oracle="table").threshold_oracle(land).kind == "table"
    with pytest.raises(ValueError, match="max_table_qubits=2"):
        AerBackend(max_table_qubits=2).threshold_oracle(land)


def test_too_large_for_memory_names_qubits_and_memory():
    land = LANDSCAPES["edge2-lines"]()
    be = AerBackend(method="statevector", max_memory=1024.0, aer_options={"max_parallel_threads": 1}, compact=False)
    with pytest.raises(ProblemTooLargeError, match=r"13 qubits.*GiB|GiB.*13 qubits"):
        be.sample_threshold(land, 0.3, 1, 10, np.random.default_rng(0))


def test_registry_and_gpu():
    infos = {b.name: b for b in available_backends()}
    assert infos["aer"].usable and infos["aer"].kind == "grover"
    assert isinstance(get_backend("aer", oracle="table"), AerBackend)
    reason = aer_unusable_reason("GPU")
    assert infos["aer-gpu"].usable == (reason == "")
    if reason:
        assert "gpu" in reason.lower()
        with pytest.raises((MissingDependencyError, RuntimeError), match="gpu|GPU"):
            get_backend("aer-gpu").sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 1, np.random.default_rng(0))  # checked when it runs
    else:  # pragma: no cover - only on a machine with a CUDA GPU and qiskit-aer-gpu
        be = get_backend("aer-gpu")
        shots = be.sample_threshold(np.r_[np.ones(7), 0.0], 0.5, 2, 100, np.random.default_rng(0)).indices
        assert (shots == 7).mean() > 0.9


def test_matrix_product_state_method_agrees():
    be = AerBackend(method="matrix_product_state", aer_options={"max_parallel_threads": 1})
    land = LANDSCAPES["edge3-rows-paper"]()
    table = land.table()
    threshold = float(np.unique(table)[1])
    shots = be.sample_threshold(land, threshold, 1, SHOTS, np.random.default_rng(2)).indices
    assert total_variation(shots, threshold_distribution(table, threshold, 1)) < _tv_bound(table.size)


def test_optimizers_run_on_aer(backend):
    """Grover adaptive search reaches the exhaustive optimum, and QuarkSearch favours accurate weights, on Aer."""
    from quark.optimizers import GroverAdaptiveSearch, QuarkSearch

    for name, seeds in (("edge3-rows-paper", 2), ("mnist2-perceptron", 1)):
        land = LANDSCAPES[name]()
        best = float(land.table().min())
        for seed in range(seeds):
            res = GroverAdaptiveSearch(backend=backend, random_state=seed).minimize(land)
            assert res.loss == best, (name, seed, res.loss, best)
            assert res.ledger.oracle_queries > 0 and res.ledger.circuit_executions > 0
    land = LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection(size=2))
    res = QuarkSearch(backend=backend, iterations=1, shots=1000, copies=1, random_state=0).minimize(land)
    assert res.loss == float(land.table().min())


def test_agrees_with_the_exact_kernel(backend):
    """Side by side with the statevector kernel: same closed form, so their shot histograms agree."""
    kernel = get_backend("statevector")
    land = LossLandscape("perceptron", None, np.array([[0, 1], [1, 0], [1, 1]]), np.array([1, 0, 1]))  # m = 3: no padding
    for call in (
        lambda b, rng: b.sample_joint(land, 1, SHOTS, 2, rng),
        lambda b, rng: b.sample_threshold(land, 0.5, 1, SHOTS, rng),
    ):
        a = np.bincount(call(backend, np.random.default_rng(1)), minlength=8) / SHOTS
        k = np.bincount(call(kernel, np.random.default_rng(2)), minlength=8) / SHOTS
        assert 0.5 * np.abs(a - k).sum() < 2 * _tv_bound(8)


def test_threshold_circuit_for_every_round_count_including_zero():
    from quark.backends import get_backend
    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape

    X, y = load_edge_detection(size=2)
    land = LossLandscape("line-detector", None, X, y)
    backend = get_backend("aer")
    for rounds in (0, 1, 2):
        circ = backend.threshold_circuit(land, 0.3, rounds)
        assert not circ.parameters  # the threshold is bound (or absent at zero rounds)
        assert circ.num_clbits == land.n_qubits


def test_block_search_of_a_perceptron_runs_the_counting_oracle_on_its_blocks():
    # Tiny-MNIST 3x3: 10 weight qubits in blocks of 4; each block's restriction gets the counting oracle
    # (the frozen weights as per-sample data), never a table, and the fit reaches the exact kernel's loss
    from quark import QuarkClassifier

    X, y = load_tiny_mnist(size=3, dedupe=True)
    fits = {}
    for name in ("statevector", "aer"):
        inner = {"backend": name}
        if name == "aer":
            inner["backend_options"] = {"aer_options": {"max_parallel_threads": 1}}
        fits[name] = QuarkClassifier(model="perceptron", random_state=0, optimizer="block",
                                     optimizer_options={"block_size": 4, "inner_options": inner}).fit(X, y).result_
    aer, kernel = fits["aer"], fits["statevector"]
    assert aer.info["oracles"] == {"counting": aer.info["block_steps"]} and aer.info["block_steps"] > 2
    assert kernel.info["oracles"] == {}
    assert aer.ledger.compile_evaluations == 0  # nothing tabulated
    assert aer.loss == pytest.approx(kernel.loss, abs=1e-12)
