"""Resource estimates of fits and searches: per query x queries = totals, on every target."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape
from quark.exceptions import MissingDependencyError
from quark.optimizers import BlockSearch, ExhaustiveSearch, GroverAdaptiveSearch
from quark.resources import ResourceEstimate, clear_cache, estimate

pytest.importorskip("qiskit_aer")


@pytest.fixture(scope="module")
def edge_fit():
    X, y = load_edge_detection(size=2)
    return QuarkClassifier(model="line-detector", random_state=0).fit(X, y)


def _check_totals(est: ResourceEstimate, ledger) -> None:
    assert est.oracle_queries == ledger.oracle_queries > 0
    assert est.shots == ledger.shots
    assert sum(est.oracles.values()) == est.oracle_queries
    assert est.total_two_qubit_gates == pytest.approx(est.two_qubit_gates * est.oracle_queries)
    assert sum(p["queries"] for p in est.parts) == est.oracle_queries


def test_aer_estimate_of_a_fitted_classifier(edge_fit):
    est = estimate(edge_fit, target="aer")
    _check_totals(est, edge_fit.result_.ledger)
    assert est.target == "aer" and est.oracles == {"counting": est.oracle_queries}
    assert est.weight_qubits == edge_fit.result_.bits.size == 6
    assert est.qubits > est.weight_qubits              # counter and ancilla registers
    assert est.two_qubit_gates > 0 and est.depth > 0
    assert est.t_count is None and est.physical_qubits is None and est.runtime_s is None
    assert "query" in est.assumptions and "aer" in str(est).lower()


def test_ibm_target_routes_and_times(edge_fit):
    pytest.importorskip("qiskit_ibm_runtime")
    aer = estimate(edge_fit, target="aer")
    ibm = estimate(edge_fit, target="fake_brisbane")
    _check_totals(ibm, edge_fit.result_.ledger)
    assert ibm.target == "fake_brisbane"
    assert ibm.two_qubit_gates >= aer.two_qubit_gates  # decomposed to ECR and routed on the heavy hex
    assert set(ibm.parts[0]["ops"]) <= {"ecr", "rz", "sx", "x", "measure", "barrier", "delay", "id"}
    meas = ibm.assumptions["measure_duration_s"]
    assert ibm.runtime_per_query_s > 0
    assert ibm.runtime_s == pytest.approx(ibm.runtime_per_query_s * ibm.oracle_queries + ibm.shots * meas)
    from qiskit_ibm_runtime.fake_provider import FakeBrisbane

    by_object = estimate(edge_fit, target=FakeBrisbane())
    assert by_object.two_qubit_gates == ibm.two_qubit_gates


def test_fault_tolerant_estimate(edge_fit):
    pytest.importorskip("qdk")
    est = estimate(edge_fit, target="fault-tolerant")
    _check_totals(est, edge_fit.result_.ledger)
    assert est.t_count > 0 and est.toffoli_count >= 0
    assert est.logical_qubits >= est.qubits
    assert est.physical_qubits > est.logical_qubits
    assert est.runtime_s > 0 and est.runtime_per_query_s == pytest.approx(est.runtime_s / est.oracle_queries)
    assert est.assumptions["estimator_params"]["qecScheme"]["name"] == "surface_code"
    # a looser error budget cannot need more physical qubits
    loose = estimate(edge_fit, target="fault-tolerant", params={"errorBudget": 0.1})
    assert loose.physical_qubits <= est.physical_qubits


def test_tiny_mnist_perceptron_estimate():
    pytest.importorskip("qdk")
    X, y = load_tiny_mnist()
    clf = QuarkClassifier(model="perceptron", random_state=1).fit(X, y)
    est = estimate(clf, target="fault-tolerant")
    _check_totals(est, clf.result_.ledger)
    assert est.weight_qubits == clf.result_.bits.size and est.t_count > 0


def test_block_search_sums_its_block_steps():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 3))
    y = (X[:, 0] > 0).astype(np.uint8)
    land = LossLandscape("fixed-point-linear", None, X, y, loss="squared")
    res = BlockSearch(inner="grover", block_size=4, random_state=0).minimize(land)
    est = estimate(res, land, target="aer")
    _check_totals(est, res.ledger)
    sizes = res.info["block_sizes"]
    assert {p["weight_qubits"] for p in est.parts} == {s for s, d in sizes.items() if d["oracle_queries"]}
    assert est.weight_qubits == max(p["weight_qubits"] for p in est.parts) < land.n_qubits


def test_perceptron_block_fit_on_aer_counts_its_blocks_counting_oracles():
    X, y = load_tiny_mnist(size=3, dedupe=True)
    clf = QuarkClassifier(model="perceptron", random_state=0, optimizer="block",
                          optimizer_options={"block_size": 4, "inner_options": {"backend": "aer"}}).fit(X, y)
    est = estimate(clf, target="aer")
    _check_totals(est, clf.result_.ledger)
    assert est.oracles == {"counting": est.oracle_queries}
    assert est.weight_qubits == 4 < clf.result_.bits.size       # a block's register, not the whole one
    assert est.qubits > est.weight_qubits and est.two_qubit_gates > 0  # counter and ancilla registers


def test_circuits_are_counted_once(edge_fit, monkeypatch):
    from quark.resources import targets

    clear_cache()
    runs = []
    real = targets.TargetSpec.pass_manager

    def spy(self, *level):
        pm = real(self, *level)
        runs.append(1)
        return pm

    monkeypatch.setattr(targets.TargetSpec, "pass_manager", spy)
    first = estimate(edge_fit, target="aer")
    n = len(runs)
    again = estimate(edge_fit, target="aer")
    assert n == 1 and len(runs) == n                  # the second estimate compiled nothing
    assert again.parts == first.parts


def test_errors(edge_fit):
    with pytest.raises(ValueError, match="unknown target 'quantum-annealer'.*'aer', 'fault-tolerant'"):
        estimate(edge_fit, target="quantum-annealer")
    with pytest.raises(TypeError, match="'target' must be"):
        estimate(edge_fit, target=3)
    with pytest.raises(ValueError, match="not fitted"):
        estimate(QuarkClassifier(), target="aer")
    X, y = load_edge_detection(size=2)
    land = LossLandscape("line-detector", None, X, y)
    res = GroverAdaptiveSearch(random_state=0).minimize(land)
    with pytest.raises(ValueError, match="needs the problem"):
        estimate(res, target="aer")
    with pytest.raises(ValueError, match="no oracle queries.*'exhaustive'"):
        estimate(ExhaustiveSearch().minimize(land), land, target="aer")
    with pytest.raises(TypeError, match="fitted QuarkClassifier or a SearchResult"):
        estimate([1, 2], target="aer")


def test_missing_qdk_names_the_extra(edge_fit, monkeypatch):
    clear_cache()
    monkeypatch.setitem(sys.modules, "qdk.qiskit", None)
    with pytest.raises(MissingDependencyError, match=r"quark-qml\[resources\]"):
        estimate(edge_fit, target="fault-tolerant")


def test_training_data_rebuilds_the_landscapes(edge_fit):
    X, y = load_edge_detection(size=2)
    kept = estimate(edge_fit, target="aer")
    rebuilt = estimate(edge_fit, target="aer", X=X, y=y)
    assert rebuilt.parts == kept.parts
    with pytest.raises(ValueError, match="pass both X and y"):
        estimate(edge_fit, X=X)


def test_a_large_landscape_is_not_pickled_and_the_estimate_says_why(monkeypatch):
    import pickle

    from quark.estimators import binary

    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", random_state=0).fit(X, y)
    monkeypatch.setattr(binary, "KEEP_PROBLEM_BYTES", 16)
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.fits_[0].problem is None
    with pytest.raises(ValueError, match=r"training data \(0 MiB\) was not saved.*estimate\(clf, X=X, y=y\)"):
        estimate(loaded, target="aer")
    assert estimate(loaded, target="aer", X=X, y=y).oracle_queries == clf.result_.ledger.oracle_queries


def test_cache_modes_tell_shapes_from_exact_circuits():
    from quark.resources import query_oracle

    rng = np.random.default_rng(0)
    a = query_oracle(rng.permutation(16).astype(float), oracle="table", threshold=5.0)
    b = query_oracle(rng.permutation(16).astype(float), oracle="table", threshold=5.0)
    assert a.key("shape") == b.key("shape") == "table:4"
    assert a.key("exact") != b.key("exact")              # other marks, another diagonal
    X, y = load_edge_detection(size=2)
    land = LossLandscape("line-detector", None, X, y)
    lo, hi = query_oracle(land, threshold=0.2), query_oracle(land, threshold=0.6)
    assert lo.key("shape") == hi.key("shape") and lo.key("exact") != hi.key("exact")
    with pytest.raises(ValueError, match="'cache' must be one of"):
        estimate(GroverAdaptiveSearch(random_state=0).minimize(land), land, cache="nope")


@pytest.mark.parametrize("copies", [1, 2])
def test_the_papers_amplification_counts_its_joint_oracle(copies):
    from quark.optimizers import QuarkSearch

    X, y = load_edge_detection(size=2)
    land = LossLandscape("line-detector", None, X, y)
    res = QuarkSearch(copies=copies, random_state=0).minimize(land)
    est = estimate(res, land, target="aer")
    _check_totals(est, res.ledger)
    assert est.oracles == {"joint": res.ledger.oracle_queries}
    assert est.qubits > est.weight_qubits == land.n_qubits        # data index and work registers


def test_a_quantized_network_fit_is_estimated_per_block_of_a_unit():
    """A quantized-mlp fit keeps its landscape: ``oracle="auto"`` counts the unit oracle of every block (its
    pre-activation and loss registers beside the weights), the table oracle when asked, block by block."""
    from sklearn.datasets import make_circles

    X, y = make_circles(120, noise=0.1, factor=0.5, random_state=0)
    clf = QuarkClassifier(model="quantized-mlp", model_options={"hidden": 4}, random_state=0).fit(X, y)
    assert clf.fits_[0].problem is not None
    unit = estimate(clf, target="aer")
    _check_totals(unit, clf.result_.ledger)
    assert set(unit.oracles) == {"unit"} and unit.qubits > unit.weight_qubits
    est = estimate(clf, target="aer", oracle="table")
    _check_totals(est, clf.result_.ledger)
    assert set(est.oracles) == {"table"}
    sizes = clf.result_.info["block_sizes"]
    assert {p["weight_qubits"] for p in est.parts} == {s for s, d in sizes.items() if d["oracle_queries"]}
    # a hidden unit of 2 inputs: 2 x 2-bit weights + a 4-bit bias, its own block of 8 qubits
    assert 8 in {p["weight_qubits"] for p in est.parts}
    assert est.weight_qubits <= 10
    import pickle

    assert estimate(pickle.loads(pickle.dumps(clf)), target="aer", oracle="table").parts == est.parts   # saved models too
