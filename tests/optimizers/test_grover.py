"""GroverAdaptiveSearch: reaches the exhaustive optimum, counts every cost, steers on nothing hidden."""

import dimod
import numpy as np
import pytest

from quark import QuarkClassifier
from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape
from quark.optimizers import OPTIMIZERS, ExhaustiveSearch, GroverAdaptiveSearch, get_optimizer


@pytest.fixture(scope="module")
def edges_rows():
    X, y = load_edge_detection(lines="rows")
    return LossLandscape("line-detector", None, X, y)


@pytest.fixture(scope="module")
def mnist():
    X, y = load_tiny_mnist(digits=(6, 7), size=3, dedupe=True)
    return LossLandscape("perceptron", None, X, y)


class SpyBackend:
    """Delegates to the exact kernel, records every call, and cannot say how many are marked."""

    name = "spy"

    def __init__(self):
        self.inner = StatevectorBackend()
        self.calls = []

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        self.calls.append((threshold, iterations, shots))
        return self.inner.sample_threshold(problem, threshold, iterations, shots, rng)


def test_registered_and_default_name():
    assert OPTIMIZERS["grover"] is GroverAdaptiveSearch
    opt = get_optimizer("grover", shots=2, max_queries=50)
    assert isinstance(opt, GroverAdaptiveSearch) and opt.shots == 2 and opt.max_queries == 50


@pytest.mark.parametrize("name", ["edges_rows", "mnist"])
def test_reaches_the_exhaustive_optimum_in_95_percent_of_seeds(name, request):
    land = request.getfixturevalue(name)
    exact = ExhaustiveSearch().minimize(land)
    backend = StatevectorBackend()  # shared: the count table is built once for all seeds
    seeds = range(40)
    results = [GroverAdaptiveSearch(backend=backend, random_state=s).minimize(land) for s in seeds]
    hits = [r.loss == exact.loss for r in results]
    assert np.mean(hits) >= 0.95
    # the report agrees with the exhaustive check, and the budget held: 4.5 sqrt(N) queries
    assert all(r.info["reached_optimum"] == h for r, h in zip(results, hits))
    assert all(r.ledger.oracle_queries <= np.ceil(4.5 * np.sqrt(2**land.n_qubits)) for r in results)
    # and a Grover search is much cheaper than checking every setting
    assert np.median([r.ledger.model_evaluations for r in results]) < exact.ledger.model_evaluations / 4


def test_query_scaling_on_random_landscapes():
    """Distinct random losses, N = 4096: median queries to the optimum <= 2 sqrt(N), >= 95% success."""
    n = 12
    backend = StatevectorBackend()
    first, ok = [], []
    for s in range(100):
        table = np.random.default_rng(10_000 + s).permutation(1 << n).astype(float)
        res = GroverAdaptiveSearch(backend=backend, random_state=s).minimize(table)
        ok.append(res.loss == 0.0)
        first.append(res.info["queries_at_best"] if res.loss == 0.0 else np.inf)
    assert np.mean(ok) >= 0.95
    assert np.median(first) <= 2 * np.sqrt(2**n)


def test_seeds_are_reproducible(mnist):
    a = GroverAdaptiveSearch(random_state=11, shots=2).minimize(mnist)
    b = GroverAdaptiveSearch(random_state=11, shots=2).minimize(mnist)
    ta, tb = a.ledger.totals(), b.ledger.totals()
    ta.pop("wall_time_s"), tb.pop("wall_time_s")
    ia, ib = dict(a.info), dict(b.info)
    assert ia.pop("simulation_s") >= 0 and ib.pop("simulation_s") >= 0  # measured seconds, not seeded
    assert a.index == b.index and ta == tb and ia == ib
    assert [h["best_loss"] for h in a.history] == [h["best_loss"] for h in b.history]


def test_ledger_counts_what_a_device_pays(mnist):
    spy = SpyBackend()
    shots = 3
    res = GroverAdaptiveSearch(backend=spy, shots=shots, random_state=4).minimize(mnist)
    led = res.ledger
    ks = [k for _, k, _ in spy.calls]
    assert led.circuit_executions == len(spy.calls) == res.info["rounds"]
    assert led.shots == shots * len(spy.calls)
    assert led.grover_iterations == sum(ks)
    assert led.oracle_queries == shots * sum(ks) <= res.info["budget"]
    # one random start + each distinct measured setting, m model evaluations apiece
    m = mnist.n_samples
    assert led.model_evaluations % m == 0 and m * 2 <= led.model_evaluations <= m * (1 + shots * len(ks))
    assert led.annealer_reads == 0
    # the history: start, each improvement, end; best loss never rises
    best = [h["best_loss"] for h in res.history]
    assert best == sorted(best, reverse=True) and best[-1] == res.loss
    assert len(res.history) == res.info["improvements"] + 2


def test_steers_only_on_measured_losses(mnist):
    """Every threshold is the loss of a setting it measured (or drew at random); nothing else."""
    spy = SpyBackend()
    res = GroverAdaptiveSearch(backend=spy, random_state=2).minimize(mnist)
    seen = {h["best_loss"] for h in res.history}
    assert {t for t, _, _ in spy.calls} <= seen
    # a backend that cannot count marked settings: the search runs, the report says "unknown"
    assert res.info["n_marked_final"] is None and res.info["reached_optimum"] is None


def test_the_range_grows_only_after_rounds_without_improvement():
    spy = SpyBackend()
    table = np.random.default_rng(0).permutation(1 << 14).astype(float)
    res = GroverAdaptiveSearch(backend=spy, random_state=0).minimize(table)
    ks = np.array([k for _, k, _ in spy.calls])
    assert ks.max() < np.sqrt(2**14)  # capped at sqrt(N)
    assert ks[0] == 0  # the range starts at 1: {0}
    assert res.info["rounds"] == len(ks)


def test_textbook_schedule_restarts_the_range_after_an_improvement():
    table = np.random.default_rng(0).permutation(1 << 12).astype(float)
    for restart in (False, True):
        spy = SpyBackend()
        res = GroverAdaptiveSearch(backend=spy, restart=restart, random_state=3).minimize(table)
        thresholds = [t for t, _, _ in spy.calls]
        after = [spy.calls[i + 1][1] for i in range(len(spy.calls) - 1) if thresholds[i + 1] < thresholds[i]]
        assert len(after) == res.info["improvements"] - (thresholds[-1] > res.loss)
        if restart:  # the round after each improvement draws from {0}
            assert after and all(k == 0 for k in after)
        else:
            assert any(k > 0 for k in after)
    with pytest.raises(TypeError, match="'restart'"):
        GroverAdaptiveSearch(restart="yes").minimize(table)


def test_budget_patience_and_target_loss(mnist):
    res = GroverAdaptiveSearch(max_queries=7, random_state=0).minimize(mnist)
    assert res.ledger.oracle_queries <= 7 and res.info["stop_reason"] == "budget" and res.info["budget"] == 7
    res = GroverAdaptiveSearch(patience=3, random_state=0).minimize(mnist)
    assert res.info["stop_reason"] == "patience"
    opt = ExhaustiveSearch().minimize(mnist).loss
    res = GroverAdaptiveSearch(target_loss=opt, max_queries=10_000, random_state=1).minimize(mnist)
    assert res.info["stop_reason"] == "target_loss" and res.loss <= opt
    assert res.ledger.oracle_queries == res.info["queries_at_best"]  # stopped at once
    res = GroverAdaptiveSearch(budget_factor=1.0, random_state=0).minimize(mnist)
    assert res.info["budget"] == 32


def test_explicit_statevector_path_finds_the_optimum():
    table = np.random.default_rng(1).permutation(256).astype(float)
    hits = [
        GroverAdaptiveSearch(backend_options={"method": "statevector", "dtype": np.float64}, random_state=s).minimize(table).loss == 0.0
        for s in range(20)
    ]
    assert np.mean(hits) >= 0.9


def test_other_problem_types():
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": -2.0, "c": 0.5}, {("a", "b"): -1.5, ("b", "c"): 2.0}, 0.0, "BINARY")
    exact = dimod.ExactSolver().sample(bqm).first
    res = GroverAdaptiveSearch(random_state=0).minimize(bqm)
    assert res.loss == pytest.approx(exact.energy) and res.sample == exact.sample
    qp = pytest.importorskip("qiskit_optimization").QuadraticProgram()
    for v in "xyz":
        qp.binary_var(v)
    qp.minimize(linear={"x": 1, "y": -1, "z": 2}, quadratic={("x", "y"): -3})
    res = GroverAdaptiveSearch(random_state=0).minimize(qp)
    assert res.loss == -3.0 and res.sample == {"x": 1, "y": 1, "z": 0}


def test_verbose_draws_a_query_bar(capsys):
    GroverAdaptiveSearch(verbose=True, random_state=0).minimize(np.arange(64.0))
    err = capsys.readouterr().err
    assert "GroverAdaptiveSearch" in err and "query" in err


def test_classifier_passes_backend_shots_and_max_queries(edges_rows):
    X, y = load_edge_detection(lines="rows")
    clf = QuarkClassifier(model="line-detector", optimizer="grover", shots=2, max_queries=300, random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0
    led = clf.result_.ledger
    assert led.oracle_queries <= 300 and led.shots == 2 * led.circuit_executions


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"shots": 0}, ValueError, "'shots' must be a positive integer; got 0"),
        ({"max_queries": 0}, ValueError, "'max_queries' must be a positive integer or None; got 0"),
        ({"max_queries": 1.5}, ValueError, "'max_queries' must be a positive integer"),
        ({"budget_factor": 0}, ValueError, "'budget_factor'"),
        ({"growth": 1.0}, ValueError, "'growth'"),
        ({"patience": -1}, ValueError, "'patience'"),
        ({"target_loss": "low"}, TypeError, "'target_loss'"),
        ({"target_loss": float("nan")}, ValueError, "'target_loss'"),
        ({"restart": "yes"}, TypeError, "'restart' must be True or False"),
        ({"backend": "qasm"}, ValueError, "'backend' of GroverAdaptiveSearch must be one of .*got 'qasm'"),
        ({"backend_options": {"method": "magic"}}, ValueError, "'method'"),
    ],
)
def test_bad_input(kwargs, exc, match):
    opt = GroverAdaptiveSearch(**kwargs)  # __init__ only stores (scikit-learn's rule); the search checks
    with pytest.raises(exc, match=match):
        opt.minimize(np.arange(8.0))


def test_a_backend_without_grover_circuits_is_refused():
    with pytest.raises(TypeError, match="sample_threshold"):
        GroverAdaptiveSearch(backend=object()).minimize(np.arange(8.0))


def test_unknown_options_are_refused_at_construction_with_the_nearest_name():
    # GroverAdaptiveSearch(backend="aer", shot=5) once built and failed inside qiskit-aer
    with pytest.raises(TypeError, match="'shot' \\(did you mean 'shots'\\?\\)"):
        GroverAdaptiveSearch(backend="aer", shot=5)
    with pytest.raises(TypeError, match="backend 'aer'.*'shot'"):
        GroverAdaptiveSearch(backend="aer", backend_options={"shot": 5})
    with pytest.raises(TypeError, match="'max_parallel_thread' \\(did you mean 'max_parallel_threads'\\?\\)"):
        GroverAdaptiveSearch(backend="aer", backend_options={"aer_options": {"max_parallel_thread": 1}}).minimize(
            np.arange(4.0))
    # backend options go with a backend named here; an instance carries its own
    with pytest.raises(TypeError, match="apply only when 'backend' is given by name"):
        GroverAdaptiveSearch(backend=StatevectorBackend(), backend_options={"method": "auto"})

        GroverAdaptiveSearch(backend=object())


# -- which oracle a gate-level search ran (Aer) ------------------------------------------------------
def _real_squared_landscape():
    from quark.encoding import WeightEncoding

    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 2))
    y = (X @ [1.0, -0.6] + 0.4 * rng.normal(size=30) > 0).astype(int)
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=2), X, y, loss="squared")


def test_grover_on_aer_runs_the_arithmetic_oracle_and_reaches_the_exact_kernels_optimum():
    pytest.importorskip("qiskit_aer")
    land = _real_squared_landscape()
    best = float(land.table().min())
    from quark.backends import get_backend

    for seed in (0, 1):
        kernel = GroverAdaptiveSearch(random_state=seed).minimize(land)
        be = get_backend("aer", oracle_bits=11, aer_options={"max_parallel_threads": 1})
        aer = GroverAdaptiveSearch(backend=be, random_state=seed).minimize(land)
        # the backend's report says what ran: the arithmetic oracle's Grover iterate, its size
        assert be.report and {r["oracle"] for r in be.report} == {"arithmetic"} and be.report[0]["two_qubit_gates"] > 0
        assert kernel.info["oracle"] is None  # the exact kernel runs no circuit
        assert aer.info["oracle"] == "arithmetic" and 0.0 < aer.info["oracle_error_bound"] < 0.1
        assert aer.ledger.compile_evaluations == 0  # nothing tabulated
        assert abs(aer.loss - kernel.loss) < 1e-12 and abs(aer.loss - best) < 1e-12
        assert aer.loss == pytest.approx(land.evaluate(aer.bits), abs=0)  # the returned loss is the exact one


def test_the_table_oracle_runs_only_when_asked_and_its_losses_are_charged():
    pytest.importorskip("qiskit_aer")
    X, y = load_edge_detection(size=2)
    land = LossLandscape("sign-mlp", None, X[:, :2], y)  # no coherent oracle
    with pytest.raises(ValueError, match="oracle='table'"):
        GroverAdaptiveSearch(backend="aer", random_state=0).minimize(land)
    res = GroverAdaptiveSearch(backend="aer", backend_options={"oracle": "table"}, random_state=0).minimize(land)
    cost = (1 << land.n_qubits) * land.n_samples
    assert res.info["oracle"] == "table" and res.info["compile_evaluations"] == cost
    assert res.ledger.compile_evaluations == cost


# -- certain misses: rounds the exact kernel knows will miss, run without simulating their draws -----------
def _same_search(a, b):
    """Two searches that must agree in everything but measured seconds and the simulator's own count."""
    assert (a.index, a.loss) == (b.index, b.loss)
    ta, tb = a.ledger.totals(), b.ledger.totals()
    ta.pop("wall_time_s"), tb.pop("wall_time_s")
    assert ta == tb and a.ledger.latest == b.ledger.latest
    strip = lambda history: [{k: v for k, v in h.items() if k != "wall_time_s"} for h in history]  # noqa: E731
    assert strip(a.history) == strip(b.history)
    ia, ib = dict(a.info), dict(b.info)
    for info in (ia, ib):
        info.pop("simulation_s"), info.pop("unsimulated_rounds")
    assert ia == ib


def _with_and_without(monkeypatch, problem, **kwargs):
    on = GroverAdaptiveSearch(**kwargs).minimize(problem)
    with monkeypatch.context() as m:
        m.setattr(StatevectorBackend, "_skip_certain_misses", False)
        off = GroverAdaptiveSearch(**kwargs).minimize(problem)
    assert off.info["unsimulated_rounds"] == 0
    _same_search(on, off)
    return on


@pytest.mark.filterwarnings("ignore::quark.optimizers.base.SearchWarning")  # small budgets miss, both ways
@pytest.mark.parametrize("seed", range(4))
def test_certain_misses_change_nothing_but_the_simulation(monkeypatch, mnist, seed):
    rng = np.random.default_rng(seed)
    distinct = rng.permutation(1 << 10).astype(float)
    ties = rng.integers(0, 6, 1 << 11).astype(float)  # a few levels: many settings share the optimum
    optimum = ExhaustiveSearch().minimize(mnist)
    improved_then_missed = []
    for problem in (distinct, ties, mnist):
        best = int(np.argmin(problem)) if isinstance(problem, np.ndarray) else int(optimum.index)
        other = int(rng.integers(0, 1 << (10 if problem is distinct else 11 if problem is ties else mnist.n_qubits)))
        # a warm start at the optimum: nothing below from the first round on, so no round is drawn
        res = _with_and_without(monkeypatch, problem, init=best, random_state=seed)
        assert res.info["unsimulated_rounds"] == res.info["rounds"] > 0 and res.info["stop_reason"] == "confident"
        # a random start and a warm start elsewhere: improvements first, then the certain misses
        for kwargs in ({}, {"init": other}):
            res = _with_and_without(monkeypatch, problem, random_state=seed, **kwargs)
            if res.info["reached_optimum"] and res.info["improvements"]:
                assert 0 < res.info["unsimulated_rounds"] < res.info["rounds"]
                improved_then_missed.append(res.info["unsimulated_rounds"])
        # every way a search stops early, while it misses for certain
        for cap in (9, 1):  # the budget truncates a round: it is the last one, charged as far as it ran
            res = _with_and_without(monkeypatch, problem, init=best, max_queries=cap, random_state=seed)
            assert res.info["stop_reason"] == "budget" and res.ledger.oracle_queries == cap
        res = _with_and_without(monkeypatch, problem, init=best, patience=2, random_state=seed)
        assert res.info["stop_reason"] == "patience" and res.info["unsimulated_rounds"] == 2
        _with_and_without(monkeypatch, problem, patience=3, random_state=seed)
        table = problem if isinstance(problem, np.ndarray) else problem.table()
        _with_and_without(monkeypatch, problem, target_loss=float(np.sort(table)[2]), random_state=seed)
        _with_and_without(monkeypatch, problem, init=best, target_loss=-1.0, random_state=seed)  # never reached
    assert len(improved_then_missed) >= 3


def test_certain_misses_on_a_table_of_several_chunks(monkeypatch):
    table = np.random.default_rng(5).permutation(1 << 17).astype(float)
    res = _with_and_without(monkeypatch, table, init=1 + int(np.argmin(table[1:])), random_state=0)
    assert res.info["unsimulated_rounds"] > 0


def test_certain_misses_only_where_a_miss_is_all_a_round_is(monkeypatch):
    """More shots, the BBHT schedule (its k comes from the stream), a caller's Generator (its state is
    theirs), the explicit statevector and any backend that only samples: every round is drawn."""
    table = np.random.default_rng(2).permutation(1 << 10).astype(float)
    best = int(np.argmin(table))
    for kwargs in ({"shots": 2}, {"confidence": None}, {"restart": True},
                   {"backend_options": {"method": "statevector"}}):
        res = _with_and_without(monkeypatch, table, init=best, random_state=1, **kwargs)
        assert res.info["unsimulated_rounds"] == 0
    gens = [np.random.default_rng(3), np.random.default_rng(3)]
    res = GroverAdaptiveSearch(init=best, random_state=gens[0]).minimize(table)
    assert res.info["unsimulated_rounds"] == 0
    with monkeypatch.context() as m:
        m.setattr(StatevectorBackend, "_skip_certain_misses", False)
        GroverAdaptiveSearch(init=best, random_state=gens[1]).minimize(table)
    assert gens[0].random() == gens[1].random()  # the caller's stream is where it would be
    spy = SpyBackend()
    res = GroverAdaptiveSearch(backend=spy, init=best, random_state=0).minimize(table)
    assert len(spy.calls) == res.info["rounds"] and res.info["unsimulated_rounds"] == 0


def test_a_classifier_fit_is_the_same_with_and_without_certain_misses(monkeypatch):
    from sklearn.datasets import load_digits

    X, y = load_digits(n_class=4, return_X_y=True)
    X, y = X[:240], y[:240]
    fits, unsimulated = [], []
    for skip in (True, False):
        with monkeypatch.context() as m:
            m.setattr(StatevectorBackend, "_skip_certain_misses", skip)
            clf = QuarkClassifier(random_state=0, n_jobs=1).fit(X, y)
        ledgers = [{k: v for k, v in r.ledger.totals().items() if k != "wall_time_s"} for r in clf.results_]
        steps = sum(r.info["block_steps"] for r in clf.results_)
        unsimulated.append(sum(r.info["unsimulated_rounds"] for r in clf.results_))
        fits.append((clf.predict(X), clf.decision_function(X), clf.bits_, ledgers, steps))
    (p1, d1, b1, l1, s1), (p2, d2, b2, l2, s2) = fits
    assert s1 == s2 > 6  # one-vs-one block searches of several steps each
    shots = sum(led["shots"] for led in l1)  # one per round
    assert 0 < unsimulated[0] < shots and unsimulated[1] == 0  # most rounds, not all, taken as certain misses
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(b1, b2)
    assert l1 == l2
