"""Aer's simulator forms and direct execution: the same distributions as the closed form, faster.

``compact=True`` (oracles without ancilla, narrow registers, diagonal blocks), ``oracle="cheapest"``
(the tabulated oracle where it synthesizes smaller) and the direct execution path (``lean=True``;
``SamplerV2`` with ``lean=False`` or after a failure) are checked against the closed form with the
conformance kit's TVD bound, and against each other shot for shot.
"""

import math

import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.backends.aer import AerBackend  # noqa: E402
from quark.backends.gate import GroverPieces  # noqa: E402
from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape, as_problem  # noqa: E402
from quark.models import LineDetector  # noqa: E402
from quark.testing import check_grover_backend, threshold_distribution, total_variation  # noqa: E402

SHOTS = 4000

LANDSCAPES = {
    "edge2-lines": lambda: LossLandscape("line-detector", None, *load_edge_detection(size=2)),
    "edge3-rows-paper": lambda: LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection()),
    "mnist2-perceptron": lambda: LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True)),
}


def _tv_bound(outcomes, shots=SHOTS):
    return 0.5 * math.sqrt(outcomes / shots) + 0.02  # the conformance kit's bound


def _random_qubo(n, seed):
    import dimod

    rng = np.random.default_rng(seed)
    return dimod.BinaryQuadraticModel({i: float(rng.integers(-4, 5)) for i in range(n)},
                                      {(i, j): float(rng.integers(-4, 5)) for i in range(n) for j in range(i + 1, n)
                                       if rng.random() < 0.6}, 0.0, "BINARY")


@pytest.mark.parametrize("oracle", ["auto", "cheapest"])
def test_compact_backend_passes_the_conformance_kit(oracle):
    report = check_grover_backend(AerBackend(aer_options={"max_parallel_threads": 1}, compact=True, oracle=oracle), shots=SHOTS)
    assert report["passed"], report["cases"]


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_compact_counting_distribution_matches_closed_form(name):
    backend = AerBackend(aer_options={"max_parallel_threads": 1}, compact=True)
    land = LANDSCAPES[name]()
    orc = backend.threshold_oracle(as_problem(land))
    assert orc.kind == "counting" and orc.info["form"] == "phase" and orc.info["ancillas"] == 0
    table = land.table()
    rng = np.random.default_rng(7)
    levels = np.unique(table)
    for threshold in (levels[1], levels[len(levels) // 2]):
        for r in (1, 2):
            s = backend.sample_threshold(land, float(threshold), r, SHOTS, rng)
            assert s.metadata["circuit"]["qubits"] <= orc.circuit.num_qubits
            tvd = total_variation(s.indices, threshold_distribution(table, threshold, r))
            assert tvd < _tv_bound(table.size), (threshold, r, tvd)
    assert backend.n_transpiled <= 2  # one oracle, at most two register widths, every round count


@pytest.mark.parametrize("options", [{"compact": True}, {"compact": True, "oracle": "cheapest"}, {"lean": False}])
def test_arithmetic_distribution_matches_closed_form(options):
    backend = AerBackend(aer_options={"max_parallel_threads": 1}, **options)
    prob = as_problem(_random_qubo(6, 3))
    table = prob.table()
    want = "table" if options.get("oracle") == "cheapest" else "arithmetic"
    assert backend.threshold_oracle(prob).kind == want
    rng = np.random.default_rng(1)
    for threshold in np.unique(table)[[2, 6]]:
        shots = backend.sample_threshold(prob, float(threshold), 2, SHOTS, rng).indices
        assert total_variation(shots, threshold_distribution(table, threshold, 2)) < _tv_bound(table.size)


def test_direct_path_and_sampler_give_the_same_shots():
    """Same seed, same circuit: Aer's direct path and SamplerV2 return identical shots (compact or not)."""
    land = LANDSCAPES["edge2-lines"]()
    threshold = float(np.unique(land.table())[2])
    for compact in (False, True):
        lean = AerBackend(aer_options={"max_parallel_threads": 1}, compact=compact)
        slow = AerBackend(aer_options={"max_parallel_threads": 1}, compact=compact, lean=False)
        for r in (0, 1, 3):
            a = lean.sample_threshold(land, threshold, r, 300, np.random.default_rng(r)).indices
            b = slow.sample_threshold(land, threshold, r, 300, np.random.default_rng(r)).indices
            np.testing.assert_array_equal(a, b)
        assert lean._runner.direct_ok


def test_a_failing_direct_path_falls_back_to_the_sampler_once(monkeypatch):
    backend = AerBackend(aer_options={"max_parallel_threads": 1}, compact=True)
    land = LANDSCAPES["mnist2-perceptron"]()
    threshold = float(np.unique(land.table())[1])

    def broken(*args, **kwargs):
        raise AttributeError("no such Aer internal")

    monkeypatch.setattr(backend._runner, "_execute", broken)  # Aer's entry point of every direct run
    with pytest.warns(RuntimeWarning, match="SamplerV2"):
        s = backend.sample_threshold(land, threshold, 1, SHOTS, np.random.default_rng(0))
    assert not backend._runner.direct_ok
    assert total_variation(s.indices, threshold_distribution(land.table(), threshold, 1)) < _tv_bound(1 << land.n_qubits)


def test_rounds_resumed_from_a_saved_state_give_the_same_shots():
    """A call of k rounds at a threshold already run for j < k rounds starts from the saved state: the
    same shots, seed for seed, as simulating all k rounds (a simulator shortcut; the reported circuit
    is the k-round one)."""
    prob = as_problem(_random_qubo(6, 5))
    threshold = float(np.unique(prob.table())[3])
    resumed = AerBackend(aer_options={"max_parallel_threads": 1})
    whole = AerBackend(aer_options={"max_parallel_threads": 1})
    whole._runner.resume = False
    for k in (1, 3, 2, 5, 5, 0, 4):
        a = resumed.sample_threshold(prob, threshold, k, 200, np.random.default_rng(k))
        b = whole.sample_threshold(prob, threshold, k, 200, np.random.default_rng(k))
        np.testing.assert_array_equal(a.indices, b.indices)
        assert a.metadata["circuit"] == b.metadata["circuit"] and a.metadata["circuit"]["iterations"] == k
    (saved,) = [entry[2] for entry in resumed._runner._states.values()]  # one threshold, one shape
    assert sorted(saved) == [1, 2, 3, 4, 5] and not whole._runner._states


def test_grover_adaptive_search_with_and_without_resuming_is_the_same_search():
    from quark.optimizers import GroverAdaptiveSearch

    prob = _random_qubo(7, 11)
    results = []
    for resume in (True, False):
        opt = GroverAdaptiveSearch(backend="aer", random_state=3, backend_options={"aer_options": {"max_parallel_threads": 1}})
        opt._backend()._runner.resume = resume
        res = opt.minimize(prob)
        ledger = {k: v for k, v in res.ledger.as_dict().items() if k != "wall_time_s"}
        results.append((res.bits.tolist(), res.loss, ledger, res.info["rounds"]))
    assert results[0] == results[1]


def test_a_failing_resume_simulates_every_round_from_then_on(monkeypatch):
    backend = AerBackend(aer_options={"max_parallel_threads": 1})
    prob = as_problem(_random_qubo(5, 2))
    table = prob.table()
    threshold = float(np.unique(table)[2])

    def broken(*args, **kwargs):
        raise AttributeError("no set_statevector here")

    monkeypatch.setattr(backend._runner, "_run_resumed", broken)
    with pytest.warns(RuntimeWarning, match="saved state"):
        s = backend.sample_threshold(prob, threshold, 2, SHOTS, np.random.default_rng(0))
    assert not backend._runner.resume and backend._runner.direct_ok
    assert total_variation(s.indices, threshold_distribution(table, threshold, 2)) < _tv_bound(table.size)


def test_round_counts_share_the_transpiled_pieces():
    backend = AerBackend(aer_options={"max_parallel_threads": 1}, compact=True)
    land = LANDSCAPES["edge2-lines"]()
    for r in (0, 1, 5):
        s = backend.sample_threshold(land, 0.3, r, 10, np.random.default_rng(r))
        assert s.metadata["circuit"]["iterations"] == r
    rounds = [v[0] for k, v in backend._transpiled.items() if k[0] == "rounds"]
    assert rounds and all(isinstance(p, GroverPieces) for p in rounds)
    five = next(p for p in rounds if p.iterations == 5)
    assert five.size() == five.circuit().size() and five.count_ops() == dict(five.circuit().count_ops())


def test_grover_adaptive_search_on_compact_and_cheapest_reaches_the_optimum():
    from quark.optimizers import GroverAdaptiveSearch

    land = LANDSCAPES["mnist2-perceptron"]()
    best = float(land.table().min())
    for options in ({"compact": True}, {"compact": True, "oracle": "cheapest"}):
        backend = AerBackend(aer_options={"max_parallel_threads": 1}, **options)
        res = GroverAdaptiveSearch(backend=backend, random_state=0).minimize(land)
        assert res.loss == best, (options, res.loss, best)
