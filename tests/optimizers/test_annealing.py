"""AnnealingSearch: exact encodings keep the minimum, decoding is verified, costs are counted."""

from __future__ import annotations

import itertools
import warnings

import dimod
import numpy as np
import pytest
from dwave.samplers import TreeDecompositionSolver
from hypothesis import given, settings
from hypothesis import strategies as st

from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape, WeightEncoding
from quark.exceptions import ProblemTooLargeError
from quark.encoding.compile import compile_problem, quadratic_surrogate
from quark.encoding.reduction import reduce_polynomial, sparse_polynomial
from quark.optimizers import OPTIMIZERS, AnnealingSearch, ExhaustiveSearch, SearchWarning, as_problem, get_optimizer
from quark.optimizers.annealing import MIN_READS_AT_BEST


def _edge(size, model):
    return LossLandscape(model, None, *load_edge_detection(size=size))


def _mnist(size):
    return LossLandscape("perceptron", None, *load_tiny_mnist(size=size, dedupe=True))


def _random_table(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 20, size=1 << n).astype(float) / 20.0


def _ground_state(bqm):
    """An exact referee: ExactSolver when it is small, else the exact tree-decomposition solver."""
    if len(bqm.variables) <= 18:
        return dimod.ExactSolver().sample(bqm).first
    return TreeDecompositionSolver().sample(bqm).first


SMALL_INSTANCES = {
    "edge2-line": lambda: _edge(2, "line-detector"),
    "edge2-perceptron": lambda: _edge(2, "perceptron"),
    "edge3-line": lambda: _edge(3, "line-detector"),
    "edge3-line-any": lambda: LossLandscape("line-detector", None, *load_edge_detection(size=3, lines="any")),
    "edge3-perceptron": lambda: _edge(3, "perceptron"),
    "mnist2-perceptron": lambda: _mnist(2),
    "mnist3-perceptron": lambda: _mnist(3),
    "random-5": lambda: _random_table(5, 0),
    "random-6": lambda: _random_table(6, 1),
    "random-7": lambda: _random_table(7, 2),
}


@pytest.mark.parametrize("name", sorted(SMALL_INSTANCES))
def test_reduced_ground_state_is_the_landscape_minimum(name):
    problem = as_problem(SMALL_INSTANCES[name]())
    table = problem.table()
    compiled = compile_problem(problem, "reduced")
    assert compiled.penalty > compiled.penalty_bound
    gs = _ground_state(compiled.bqm)
    sample = np.array([[gs.sample[v] for v in range(compiled.n_variables)]], dtype=np.uint8)
    bits = compiled.decode(sample)
    assert np.isclose(gs.energy, table.min(), atol=1e-9)
    assert np.isclose(problem.evaluate(bits)[0], table.min(), atol=1e-12)
    assert not compiled.violations(sample).any()


def test_the_tree_decomposition_referee_agrees_with_exact_solver():
    compiled = compile_problem(as_problem(_random_table(6, 1)), "reduced")
    assert len(compiled.bqm.variables) == 18
    exact = dimod.ExactSolver().sample(compiled.bqm).first.energy
    assert np.isclose(TreeDecompositionSolver().sample(compiled.bqm).first.energy, exact)


_terms = st.dictionaries(
    st.frozensets(st.integers(0, 5), min_size=1, max_size=5).map(lambda t: tuple(sorted(t))),
    st.floats(-4, 4, allow_nan=False).filter(lambda c: abs(c) > 1e-3),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(poly=_terms)
def test_reduction_at_the_bound_is_exact_on_random_polynomials(poly):
    n = 6
    red = reduce_polynomial(poly, n)
    states = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)
    values = np.array([sum(c for t, c in poly.items() if all(s[i] for i in t)) for s in states])
    gs = dimod.ExactSolver().sample(red.bqm).first
    assert np.isclose(gs.energy, values.min(), atol=1e-9)
    # every state with correct products has energy equal to the polynomial
    full = np.zeros((len(states), red.n_variables), dtype=np.uint8)
    full[:, :n] = states
    for u, v, p in red.products:
        full[:, p] = full[:, u] & full[:, v]
    assert np.allclose(red.bqm.energies((full, range(red.n_variables))), values)


@pytest.mark.parametrize("name", ["edge3-line", "mnist3-perceptron", "random-6"])
def test_automatic_penalty_found_at_run_time_keeps_the_minimum(name):
    problem = as_problem(SMALL_INSTANCES[name]())
    res = AnnealingSearch(random_state=0).minimize(problem)
    compiled = compile_problem(problem, "reduced").with_penalty(res.info["penalty"])
    gs = _ground_state(compiled.bqm)
    assert np.isclose(gs.energy, problem.table().min(), atol=1e-9)
    # the penalty actually used is the last of a doubling schedule that started below the bound
    pens = [r["penalty"] for r in res.info["rounds"]]
    assert pens == sorted(pens) and pens[-1] == res.info["penalty"]


@pytest.mark.parametrize("name", ["edge3-line", "edge3-line-any", "mnist3-perceptron", "edge3-perceptron"])
def test_default_settings_reach_the_exhaustive_optimum_in_95_percent_of_seeds(name):
    land = SMALL_INSTANCES[name]()
    optimum = ExhaustiveSearch().minimize(land).loss
    hits = sum(AnnealingSearch(random_state=seed).minimize(land).loss <= optimum + 1e-12 for seed in range(20))
    assert hits >= 19


def test_decoded_loss_is_verified_not_taken_from_the_energy():
    land = _mnist(3)
    res = AnnealingSearch(shots=30, random_state=3).minimize(land)
    assert res.loss == pytest.approx(land.evaluate(res.bits))
    assert res.info["max_energy_error"] < 1e-9  # valid reads: energy == true loss
    finite = res.info["read_losses"][np.isfinite(res.info["read_losses"])]
    assert len(res.info["read_losses"]) == res.ledger.annealer_reads and finite.min() == res.loss


def test_ledger_counts_reads_sweeps_and_every_verification():
    land = _edge(2, "line-detector")
    res = AnnealingSearch(shots=25, penalty="bound", sample_options={"num_sweeps": 40}, random_state=0).minimize(land)
    assert len(res.info["rounds"]) == 1
    assert res.ledger.annealer_reads == 25
    assert res.ledger.annealer_sweeps == 25 * 40
    assert res.ledger.model_evaluations == res.info["n_verified"] * land.n_samples
    assert res.info["n_verified"] == res.info["n_distinct"]
    assert res.info["sampling_time_s"] > 0 and "sampling_ns" in res.info["timing"]
    assert res.history and res.history[-1]["best_loss"] == res.loss


@pytest.mark.filterwarnings("ignore:penalty=")
def test_polish_is_counted_and_never_worse():
    land = _mnist(3)
    plain = AnnealingSearch(shots=5, penalty=2.0, sample_options={"num_sweeps": 20}, random_state=1).minimize(land)
    pol = AnnealingSearch(shots=5, penalty=2.0, sample_options={"num_sweeps": 20}, polish=True, n_polish=3, random_state=1).minimize(land)
    assert pol.loss <= plain.loss
    extra = pol.ledger.model_evaluations - plain.ledger.model_evaluations
    assert extra > 0 and extra % (land.n_qubits * land.n_samples) == 0
    assert pol.loss == pytest.approx(land.evaluate(pol.bits))


@pytest.mark.filterwarnings("ignore:penalty=")
def test_polish_reaches_a_single_flip_local_minimum():
    table = _random_table(6, 5)
    res = AnnealingSearch(shots=1, penalty=0.01, sample_options={"num_sweeps": 1}, polish=True, random_state=0).minimize(table)
    k = res.index
    assert all(table[k ^ (1 << i)] >= table[k] for i in range(6))


def test_seeds_are_reproducible():
    land = _mnist(3)
    a = AnnealingSearch(shots=20, random_state=11).minimize(land)
    b = AnnealingSearch(shots=20, random_state=11).minimize(land)
    assert np.array_equal(a.info["read_losses"], b.info["read_losses"])
    assert a.info["rounds"] == b.info["rounds"]
    c = AnnealingSearch(shots=20, random_state=12).minimize(land)
    assert not np.array_equal(a.info["read_losses"], c.info["read_losses"])


def test_qubo_of_a_linear_model_is_sent_as_is():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), rng.integers(0, 2, 30)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(4, bits=3), X, y, loss="squared")
    res = AnnealingSearch(random_state=0).minimize(land)
    assert res.info["encoding"] == "qubo" and res.info["n_auxiliary"] == 0
    assert res.loss == pytest.approx(ExhaustiveSearch().minimize(land).loss)
    assert res.weights is not None and np.allclose(res.weights, land.decode(res.bits))


def test_every_problem_type_is_accepted():
    land = _edge(2, "line-detector")
    optimum = land.table().min()
    poly = land.to_polynomial()
    labelled = dimod.BinaryPolynomial({tuple(f"w{i}" for i in t): c for t, c in poly.items()}, dimod.BINARY)
    lin = LossLandscape("spin-perceptron", None, np.eye(3), np.array([1, 0, 1]), loss="squared")
    for problem, expected in [
        (land, optimum),
        (land.table(), optimum),
        (poly, optimum),
        (labelled, optimum),
        (lin.to_bqm(), lin.table().min()),
        (lin.to_quadratic_program(), lin.table().min()),
    ]:
        res = AnnealingSearch(shots=50, random_state=0).minimize(problem)
        assert res.loss == pytest.approx(expected)
    res = AnnealingSearch(shots=50, random_state=0).minimize(labelled)
    assert set(res.sample) == {f"w{i}" for i in range(land.n_qubits)}


def test_surrogate_reports_the_true_loss_past_the_table_limit():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 9)), rng.integers(0, 2, 40)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(10, bits=3), X, y)  # 30 bits, 0-1 loss
    with pytest.raises(ProblemTooLargeError, match="surrogate"):
        AnnealingSearch(shots=5).minimize(land)
    res = AnnealingSearch(encoding="surrogate", shots=20, random_state=0).minimize(land)
    assert res.info["encoding"] == "surrogate"
    assert res.loss == pytest.approx(land.evaluate(res.bits))
    assert res.loss < 0.5  # far better than chance on its own training data


def test_perceptron_surrogate_is_the_squared_signed_preactivation():
    land = _mnist(2)
    bqm, how = quadratic_surrogate(land)
    assert "pre-activation" in how
    bits = np.random.default_rng(0).integers(0, 2, size=(16, land.n_qubits)).astype(np.uint8)
    a = bits[:, :-1].astype(float) @ land.X.T.astype(float) - 0.5
    s = (1 - 2 * bits[:, -1:].astype(float)) * a
    expected = ((s - (2.0 * land.y - 1)) ** 2).mean(axis=1)
    assert np.allclose(bqm.energies((bits, range(land.n_qubits))), expected)


def test_walsh_surrogate_is_the_least_squares_quadratic_fit():
    n = 5
    table = _random_table(n, 7)
    bqm, how = quadratic_surrogate(table)
    assert "least-squares" in how
    bits = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(float)
    pairs = [bits[:, i] * bits[:, j] for i in range(n) for j in range(i + 1, n)]
    features = np.column_stack([np.ones(1 << n), bits, *pairs])
    fit = features @ np.linalg.lstsq(features, table, rcond=None)[0]
    assert np.allclose(bqm.energies((bits.astype(np.uint8), range(n))), fit)


def test_reduction_is_deterministic_and_sparse_for_or_models():
    land = _mnist(3)
    problem = as_problem(land)
    a, b = compile_problem(problem, "reduced"), compile_problem(problem, "reduced")
    assert a.products == b.products and a.bqm == b.bqm
    coeffs, flip = sparse_polynomial(problem.table())
    assert flip != 0 and np.count_nonzero(np.abs(coeffs) > 1e-9) < len(land.to_polynomial())


def test_penalty_below_the_bound_warns():
    with pytest.warns(UserWarning, match="bound"):
        reduce_polynomial({(0, 1, 2): -2.0, (0,): 1.0}, 3, penalty=0.5)


def test_polynomial_too_large_to_reduce_suggests_the_surrogate():
    problem = as_problem(_edge(3, "perceptron"))
    with pytest.raises(ProblemTooLargeError, match="surrogate"):
        compile_problem(problem, "reduced", max_terms=100)


class _BadSampler(dimod.Sampler):
    parameters: dict = {}
    properties: dict = {}

    def __init__(self, mode):
        self.mode = mode

    def sample(self, bqm, **kwargs):
        if self.mode == "empty":
            return dimod.SampleSet.from_samples(([], list(bqm.variables)), "BINARY", energy=[])
        ss = dimod.SampleSet.from_samples_bqm(({v: 0 for v in bqm.variables}), bqm)
        ss.record.energy[:] = np.nan
        return ss


@pytest.mark.parametrize("mode, match", [("empty", "no samples"), ("nan", "NaN")])
def test_a_sampler_returning_nothing_usable_is_an_error(mode, match):
    with pytest.raises(RuntimeError, match=match):
        AnnealingSearch(_BadSampler(mode)).minimize(_random_table(3, 0))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"backend": "no-such-sampler"}, ValueError, "'backend' must be one of .* got 'no-such-sampler'"),
        ({"backend": "statevector"}, ValueError, "Grover"),
        ({"backend": object()}, TypeError, "dimod sampler"),
        ({"encoding": "cubic"}, ValueError, "'encoding' must be one of"),
        ({"encoding": "qubo"}, ValueError, "needs a quadratic loss"),
        ({"encoding": "hubo"}, ValueError, "sample_poly"),
        ({"shots": 0}, ValueError, "'shots' must be a positive integer"),
        ({"penalty": "big"}, TypeError, "'penalty'"),
        ({"penalty": -1.0}, ValueError, "'penalty' must be a finite number greater than 0"),
        ({"sample_options": {"num_sweep": 10}}, ValueError, "takes no option 'num_sweep' \\(did you mean 'num_sweeps'\\?\\)"),
    ],
)
def test_bad_arguments_are_named(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        AnnealingSearch(**kwargs).minimize(_edge(2, "line-detector"))


def test_registered_as_anneal():
    assert OPTIMIZERS["anneal"] is AnnealingSearch
    opt = get_optimizer("anneal", backend="exact", random_state=0)
    res = opt.minimize(_edge(2, "perceptron"))
    assert res.info["encoding"] == "hubo" and res.loss == pytest.approx(_edge(2, "perceptron").table().min())


def test_classifier_maps_backend_and_shots_to_sampler_and_reads():
    from quark import QuarkClassifier

    X, y = load_edge_detection(size=3)
    clf = QuarkClassifier(model="line-detector", optimizer="anneal", backend="sqa", shots=30, random_state=0)
    clf.fit(X, y)
    assert clf.result_.info["sampler"] == "sqa"
    assert [r["reads"] for r in clf.result_.info["rounds"]] == [30] * len(clf.result_.info["rounds"])
    assert clf.score(X, y) == 1.0


def test_compile_cost_of_a_table_built_polynomial_is_reported():
    hubo = AnnealingSearch(shots=10, random_state=0).minimize(_mnist(2))
    assert hubo.info["compile_evaluations"] == 2**5 * _mnist(2).n_samples
    lin = LossLandscape("spin-perceptron", None, np.eye(3), np.array([1, 0, 1]), loss="squared")
    assert AnnealingSearch(shots=10, random_state=0).minimize(lin).info["compile_evaluations"] == 0


@pytest.mark.parametrize("polish", [False, True])
def test_problems_wider_than_an_int64_index(polish):
    """A QUBO solver must not stop at 62 variables: results are bit arrays, not indices."""
    rng = np.random.default_rng(0)
    n = 80
    bqm = dimod.BinaryQuadraticModel(rng.normal(size=n), {(i, i + 1): rng.normal() for i in range(n - 1)}, 0.5, "BINARY")
    res = AnnealingSearch(polish=polish, random_state=0).minimize(bqm)
    assert res.bits.shape == (n,)
    assert res.loss == pytest.approx(bqm.energy(res.sample))
    # a chain: the exact optimum by dynamic programming over the path
    best = {0: 0.0, 1: 0.0}
    for i in range(n):
        h = bqm.get_linear(i)
        if i == 0:
            best = {b: h * b for b in (0, 1)}
        else:
            J = bqm.get_quadratic(i - 1, i)
            best = {b: min(best[a] + J * a * b for a in (0, 1)) + h * b for b in (0, 1)}
    assert res.loss == pytest.approx(min(best.values()) + bqm.offset)


# -- evidence of the optimum (docs/annealing.md, "When annealing warns") ---------------------------------------
def test_a_lone_read_at_the_returned_loss_is_little_evidence_and_warns():
    land = _edge(3, "line-detector")
    with pytest.warns(SearchWarning, match=r"1 of 1 reads reached the returned loss.*little evidence.*shots=10"):
        res = AnnealingSearch(shots=1, sample_options={"num_sweeps": 5}, penalty="bound", random_state=0).minimize(land)
    assert res.info["reads_at_best"] == 1 and res.info["polish_improved"] is False


def test_a_polish_that_improves_the_best_read_warns():
    land = _mnist(3)
    with pytest.warns(SearchWarning, match="greedy polish lowered the best read's loss"):
        res = AnnealingSearch(shots=5, penalty=2.0, sample_options={"num_sweeps": 20}, polish=True,
                              random_state=1).minimize(land)
    assert res.info["polish_improved"] is True and res.info["reads_at_best"] == 0


def test_many_reads_at_the_best_loss_say_nothing():
    land = _edge(3, "line-detector")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SearchWarning)
        res = AnnealingSearch(shots=50, random_state=0).minimize(land)
    assert res.loss == 0.0 and res.info["reads_at_best"] >= MIN_READS_AT_BEST
