"""BlockSearch: block-wise inner searches reach exact optima when one block covers the problem,
block-wise local optima otherwise, with every inner cost on one ledger."""

import warnings

import dimod
import numpy as np
import pytest

from quark.encoding import LossLandscape
from quark.optimizers import BlockSearch, ExhaustiveSearch, GroverAdaptiveSearch, SearchWarning


def _landscape(n_features=4, m=40, seed=0, loss="hinge"):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_features))
    y = (X @ rng.normal(size=n_features) > 0).astype(np.uint8)
    return LossLandscape("fixed-point-linear", None, X, y, loss=loss)


def _block_local_optimum(problem, bits, block_size):
    """True when no block of the cyclic partition can lower the loss on its own (checked exhaustively)."""
    loss = float(problem.evaluate(bits[None, :])[0])
    n = problem.n_qubits
    for s in range(0, n, block_size):
        block = np.arange(s, min(s + block_size, n))
        sub = problem.restrict(block, bits)
        if sub.table().min() < loss - 1e-9:
            return False
    return True


def test_one_block_is_the_inner_search_and_reaches_the_optimum():
    land = _landscape(n_features=3)          # 12 weight bits
    res = BlockSearch(inner="exhaustive", block_size=16, random_state=0).minimize(land)
    assert res.loss == pytest.approx(land.table().min())
    assert res.info["reached_optimum"] is True
    assert res.info["blocks_per_sweep"] == 1


def test_blocks_end_in_a_blockwise_local_optimum_and_report_the_true_loss():
    land = _landscape(n_features=4, loss="squared")   # 16 bits, blocks of 4
    res = BlockSearch(inner="exhaustive", block_size=4, order="cyclic", random_state=1).minimize(land)
    assert res.info["converged"] is True
    assert res.info["reached_optimum"] is None           # a block-wise optimum is not known to be global
    assert res.loss == pytest.approx(float(land.evaluate(res.bits[None, :])[0]))
    assert _block_local_optimum(land, res.bits, 4)
    # no worse than the start it was given; far better than the median loss
    assert res.loss <= np.median(land.table())


def test_warm_start_at_the_optimum_stays_there():
    land = _landscape(n_features=3, seed=2)
    table = land.table()
    best = int(np.argmin(table))
    init = (best >> np.arange(land.n_qubits)) & 1
    res = BlockSearch(inner="exhaustive", block_size=4, init=init, random_state=0).minimize(land)
    assert res.loss == pytest.approx(table[best])
    assert res.info["sweeps"][0]["improving_blocks"] == 0


def test_grover_inner_costs_add_up_on_one_ledger():
    land = _landscape(n_features=3, seed=3)
    res = BlockSearch(inner="grover", block_size=6, max_sweeps=3, random_state=0).minimize(land)
    assert res.ledger.oracle_queries > 0 and res.ledger.circuit_executions > 0
    assert res.info["block_steps"] >= 2
    assert 0.0 <= res.info["inner_reached_optimum"] <= 1.0
    # the same seed, the same search: bits, loss and every count
    again = BlockSearch(inner="grover", block_size=6, max_sweeps=3, random_state=0).minimize(land)
    np.testing.assert_array_equal(res.bits, again.bits)
    assert res.ledger.oracle_queries == again.ledger.oracle_queries


def test_inner_instance_is_cloned_and_seeded():
    land = _landscape(n_features=3, seed=4)
    inner = GroverAdaptiveSearch(shots=4)
    res = BlockSearch(inner=inner, block_size=6, random_state=5).minimize(land)
    assert inner.get_params()["random_state"] is None     # the caller's instance is left alone
    assert res.loss <= float(np.median(land.table()))


def test_inner_parameters_are_checked_once_per_block_search(monkeypatch):
    """The blocks' copies of the inner search differ only in their seed and warm start: the first
    block's search checks the parameters, the others reuse the check; a bad one still fails."""
    land = _landscape(n_features=5, seed=2, loss="squared")
    calls = []
    real = GroverAdaptiveSearch._validate
    monkeypatch.setattr(GroverAdaptiveSearch, "_validate", lambda self: (calls.append(1), real(self)))
    res = BlockSearch(inner=GroverAdaptiveSearch(), block_size=6, random_state=3).minimize(land)
    assert res.info["block_steps"] > 2 and len(calls) == 1
    with pytest.raises(ValueError, match="growth"):
        BlockSearch(inner=GroverAdaptiveSearch(growth=0.5), block_size=6, random_state=3).minimize(land)


def test_restarts_keep_the_best_and_count_all():
    land = _landscape(n_features=4, seed=6)
    one = BlockSearch(inner="exhaustive", block_size=4, random_state=0).minimize(land)
    more = BlockSearch(inner="exhaustive", block_size=4, restarts=3, random_state=0).minimize(land)
    assert more.loss <= one.loss + 1e-12
    assert more.ledger.model_evaluations > one.ledger.model_evaluations
    assert {s["restart"] for s in more.info["sweeps"]} == {0, 1, 2, 3}


@pytest.mark.parametrize("order", ["cyclic", "random", "impact"])
def test_every_order_converges_on_a_small_problem(order):
    land = _landscape(n_features=4, seed=7)
    res = BlockSearch(inner="exhaustive", block_size=8, order=order, random_state=0).minimize(land)
    assert res.info["converged"]
    assert res.loss == pytest.approx(float(land.evaluate(res.bits[None, :])[0]))


def test_sweep_budget_exhausted_is_a_search_warning():
    table = np.random.default_rng(0).permutation(1 << 12).astype(float)
    with pytest.warns(SearchWarning, match="max_sweeps=1"):
        res = BlockSearch(inner="exhaustive", block_size=3, max_sweeps=1, init="zeros", random_state=0).minimize(table)
    assert res.info["stop_reason"] == "max_sweeps"


def test_hybrid_decomposer_on_a_bqm_matches_the_bqm_energy():
    pytest.importorskip("hybrid")
    rng = np.random.default_rng(0)
    n = 80
    bqm = dimod.BinaryQuadraticModel(
        {i: rng.normal() for i in range(n)},
        {(i, j): rng.normal() for i in range(n) for j in range(i + 1, n) if rng.random() < 0.1},
        0.0, "BINARY")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SearchWarning)
        res = BlockSearch(inner="exhaustive", block_size=8, decomposer="auto", random_state=0).minimize(bqm)
    assert res.info["decomposer"] == "hybrid"
    sample = {v: int(res.bits[i]) for i, v in enumerate(bqm.variables)}
    assert res.loss == pytest.approx(bqm.energy(sample))
    # a decomposition's answer is far below a random assignment's energy
    randoms = [bqm.energy({v: int(b) for v, b in zip(bqm.variables, rng.integers(0, 2, n))}) for _ in range(50)]
    assert res.loss < min(randoms)


def test_hybrid_decomposer_refuses_a_non_quadratic_problem():
    with pytest.raises(ValueError, match="decomposer='quark'"):
        BlockSearch(decomposer="hybrid").minimize(_landscape(n_features=2))


@pytest.mark.parametrize("params, match", [
    ({"block_size": 31}, "block_size"),
    ({"order": "greedy"}, "order"),
    ({"inner": "block"}, "inner"),
    ({"inner": GroverAdaptiveSearch(), "inner_options": {"shots": 2}}, "inner_options"),
    ({"init": "ones"}, "init"),
    ({"inner_start": "best"}, "inner_start"),
    ({"skip_unchanged": "yes"}, "skip_unchanged"),
])
def test_bad_parameters_name_themselves(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        BlockSearch(**params).minimize(np.arange(16.0))


def test_an_init_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="init"):
        BlockSearch(init=[0, 1, 1]).minimize(np.arange(16.0))


def test_block_search_equals_exhaustive_when_blocks_cover_small_tables():
    rng = np.random.default_rng(9)
    for _ in range(5):
        table = rng.normal(size=1 << 8)
        res = BlockSearch(inner="exhaustive", block_size=8, random_state=0).minimize(table)
        assert res.loss == ExhaustiveSearch().minimize(table).loss


def test_block_sizes_add_up_to_the_ledger():
    rng = np.random.default_rng(3)
    table = rng.permutation(1 << 10).astype(float)
    res = BlockSearch(inner="grover", block_size=4, random_state=0).minimize(table)
    sizes = res.info["block_sizes"]
    assert set(sizes) == {4, 2}                      # 10 bits: blocks of 4, 4 and 2
    assert sum(d["oracle_queries"] for d in sizes.values()) == res.ledger.oracle_queries
    assert sum(d["shots"] for d in sizes.values()) == res.ledger.shots
    assert sum(d["steps"] for d in sizes.values()) == res.info["block_steps"]
    assert all(len(d["block"]) == s and d["inner"] == "grover" for s, d in sizes.items())
    assert res.info["optimizer"] == "block"


def test_init_default_is_random_alone_and_every_init_is_honoured_or_refused():
    from quark.optimizers import BlockSearch

    table = np.random.default_rng(5).permutation(1 << 8).astype(float)
    first = lambda res: res.history[0]["best_loss"]  # noqa: E731 - the loss of the start
    assert BlockSearch().init is None
    a, b = (BlockSearch(inner="exhaustive", block_size=4, random_state=s).minimize(table) for s in (0, 0))
    assert first(a) == first(b)                                       # None: a seeded random start
    assert first(BlockSearch(inner="exhaustive", block_size=4, init="zeros").minimize(table)) == table[0]
    start = [1, 1, 0, 0, 1, 0, 1, 0]
    k = sum(bit << i for i, bit in enumerate(start))
    assert first(BlockSearch(inner="exhaustive", block_size=4, init=start).minimize(table)) == table[k]
    for bad, match in (("ones", "'init' must be one of"), ([1, 0], "'init' must have 8 bits"), ([2] * 8, "only 0 and 1")):
        with pytest.raises(ValueError, match=match):
            BlockSearch(inner="exhaustive", block_size=4, init=bad).minimize(table)


def _squared_landscape(seed: int, n_samples: int) -> LossLandscape:
    """A small real-valued squared-loss landscape: 3 features, 4 weights of 2 bits, labels the first feature's sign."""
    from quark.encoding import WeightEncoding

    X = np.random.default_rng(seed).normal(size=(n_samples, 3))
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(4, bits=2), X, (X[:, 0] > 0).astype(int),
                         loss="squared")


def test_block_steps_on_aer_count_the_oracles_they_ran():
    pytest.importorskip("qiskit_aer")
    land = _squared_landscape(seed=0, n_samples=20)
    inner = GroverAdaptiveSearch(backend="aer", backend_options={"oracle_bits": 8, "aer_options": {"max_parallel_threads": 1}})
    with warnings.catch_warnings():  # two sweeps may not converge: only the oracle tally is checked here
        warnings.simplefilter("ignore", SearchWarning)
        res = BlockSearch(inner=inner, block_size=4, max_sweeps=2, random_state=0).minimize(land)
    assert res.info["oracles"] == {"arithmetic": res.info["block_steps"]}
    assert BlockSearch(inner="exhaustive", block_size=4, random_state=0).minimize(land).info["oracles"] == {}


def test_block_search_on_aer_runs_the_arithmetic_oracle_and_reaches_the_kernels_block_optima():
    """Real-valued blocks on gate-level circuits (the arithmetic oracle ``oracle="auto"`` builds): every
    block step reaches its block's optimum, so the sweeps pass through the same bits as on the exact kernel."""
    pytest.importorskip("qiskit_aer")
    from quark.encoding import WeightEncoding

    rng = np.random.default_rng(3)
    X = rng.normal(size=(24, 2))
    y = (X @ np.array([1.0, -0.6]) > 0).astype(int)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=2), X, y, loss="squared")
    assert not np.allclose(X, np.round(X))  # real-valued features: no exact integer QUBO

    def fit(backend, **options):
        inner = GroverAdaptiveSearch(backend=backend, **options)
        return BlockSearch(inner=inner, block_size=3, order="cyclic", init="zeros", random_state=0).minimize(land)

    aer = fit("aer", backend_options={"aer_options": {"max_parallel_threads": 1}})
    kernel = fit("statevector")
    exact = BlockSearch(inner="exhaustive", block_size=3, order="cyclic", init="zeros", random_state=0).minimize(land)
    assert exact.loss < land.evaluate(np.zeros((1, land.n_qubits), dtype=np.uint8))[0]  # the blocks had to move
    assert aer.info["oracles"] == {"arithmetic": aer.info["block_steps"]} and aer.info["block_steps"] >= 2
    assert kernel.info["oracles"] == {}                        # the kernel builds no oracle circuit
    assert kernel.info["inner_reached_optimum"] == 1.0         # the kernel knows each block's optimum
    assert aer.info["inner_reached_optimum"] is None           # circuits cannot know it, and do not claim it
    assert np.array_equal(aer.bits, kernel.bits) and np.array_equal(aer.bits, exact.bits)
    assert aer.loss == kernel.loss == exact.loss
    assert _block_local_optimum(land, aer.bits, 3)
    assert aer.ledger.oracle_queries > 0 and aer.info["simulation_s"] > 0


def test_block_steps_share_one_backend(monkeypatch):
    """The inner searches of every block run on one backend instance (a gate-level backend keeps its
    simulator and transpiler there), built once per block search, not once per step."""
    import quark.backends.registry as registry

    built = []
    real = registry.get_backend
    monkeypatch.setattr(registry, "get_backend", lambda *a, **k: built.append(a) or real(*a, **k))
    res = BlockSearch(inner=GroverAdaptiveSearch(backend="statevector"), block_size=2, max_sweeps=2,
                      random_state=0).minimize(_table(8, 1))
    assert res.info["block_steps"] >= 4 and len(built) == 1


def test_a_block_circuit_past_memory_is_refused_with_the_block_size_and_max_qubits_that_fit():
    pytest.importorskip("qiskit_aer")
    from quark.exceptions import ProblemTooLargeError

    land = _squared_landscape(seed=3, n_samples=24)
    inner = GroverAdaptiveSearch(backend="aer", backend_options={"max_memory": 16 * 2**14})  # 14 qubits fit
    with pytest.raises(ProblemTooLargeError) as info:
        BlockSearch(inner=inner, block_size=8, init="zeros", random_state=0).minimize(land)
    msg = str(info.value)
    assert "at most 14 fit" in msg and "QuarkClassifier(max_qubits=14)" in msg
    size = int(msg.split("blocks of ")[2].split(" bits fit")[0])
    assert 1 <= size < 8 and f"block_size={size}" in msg
    assert inner.qubits_needed(land.restrict(np.arange(size), np.zeros(8, dtype=np.uint8)))[0] <= 14


# -- warm starts and skipping settled blocks -------------------------------------------------------
def _table(n, seed):
    return np.random.default_rng(seed).permutation(1 << n).astype(np.float64)


def test_grover_warm_start_finds_the_optimum_and_reports_honestly():
    n = 10
    hits, queries_warm, queries_cold = [], [], []
    for seed in range(40):
        table = _table(n, seed)
        start = int(np.argsort(table)[int(np.random.default_rng(seed).integers(0, 30))])  # a good setting
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SearchWarning)
            warm = GroverAdaptiveSearch(init=start, random_state=seed).minimize(table)
            cold = GroverAdaptiveSearch(random_state=seed).minimize(table)
        assert warm.info["start"] == "warm" and cold.info["start"] == "random"
        assert warm.history[0]["best_loss"] == table[start]          # the first threshold is the incumbent's
        # reached_optimum is measured against the table, warm or cold
        assert warm.info["reached_optimum"] == (warm.loss == table.min())
        hits.append(warm.loss == table.min())
        queries_warm.append(warm.ledger.oracle_queries)
        queries_cold.append(cold.ledger.oracle_queries)
    assert np.mean(hits) >= 0.95
    assert np.median(queries_warm) < np.median(queries_cold)


def test_grover_warm_start_from_the_optimum_stops_confident_there():
    table = _table(12, 3)
    best = int(np.argmin(table))
    bits = (best >> np.arange(12)) & 1
    for init in (best, bits):
        res = GroverAdaptiveSearch(init=init, random_state=0).minimize(table)
        assert res.index == best and res.info["improvements"] == 0
        assert res.info["stop_reason"] == "confident" and res.info["reached_optimum"] is True
        # far cheaper than the 4.5 sqrt(N) budget: the log-uniform prior is proven away in ~2 sqrt(N)
        assert res.ledger.oracle_queries <= 2.5 * 64


@pytest.mark.parametrize("init, match", [(4096, r"index in \[0, 2\*\*12\)"), (-1, "index"),
                                         (np.zeros(5, dtype=np.uint8), "12 bits")])
def test_grover_bad_warm_start_is_refused(init, match):
    with pytest.raises(ValueError, match=match):
        GroverAdaptiveSearch(init=init).minimize(_table(12, 0))


def test_block_inner_searches_start_warm_from_the_incumbent_unless_asked_cold():
    land = _landscape(n_features=4, loss="squared")
    starts = {}
    for inner_start in ("incumbent", "random"):
        seen = []

        class Spy(GroverAdaptiveSearch):
            def minimize(self, problem):
                res = super().minimize(problem)
                seen.append((self.init, res))
                return res

        BlockSearch(inner=Spy(), block_size=8, order="cyclic", inner_start=inner_start,
                    init="zeros", random_state=0).minimize(land)
        starts[inner_start] = seen
    warm = starts["incumbent"]
    assert all(res.info["start"] == "warm" for _, res in warm)
    assert all(res.info["start"] == "random" and init is None for init, res in starts["random"])
    # the first search of block 0 starts at the zeros it was given; its first threshold is their loss
    init0, res0 = warm[0]
    assert not np.any(init0) and res0.history[0]["best_loss"] == pytest.approx(float(land.evaluate(np.zeros(land.n_qubits))))


def test_skipping_settled_blocks_is_exact_with_an_exhaustive_inner_search():
    for seed in range(4):
        land = _landscape(n_features=5, m=60, seed=seed, loss="squared")   # 20 bits, blocks of 4
        runs = {skip: BlockSearch(inner="exhaustive", block_size=4, order=order, skip_unchanged=skip,
                                  random_state=seed).minimize(land)
                for order in ("cyclic",) for skip in (True, False)}
        a, b = runs[True], runs[False]
        assert np.array_equal(a.bits, b.bits) and a.loss == b.loss
        assert [s["improving_blocks"] for s in a.info["sweeps"]] == [s["improving_blocks"] for s in b.info["sweeps"]]
        assert b.info["skipped_blocks"] == 0 and a.info["skipped_blocks"] > 0
        assert a.info["block_steps"] + a.info["skipped_blocks"] == b.info["block_steps"]
        assert a.ledger.model_evaluations < b.ledger.model_evaluations   # the skipped searches are not paid


def test_skipping_with_random_partitions_is_exact_too():
    land = _landscape(n_features=4, m=50, seed=7, loss="squared")
    a = BlockSearch(inner="exhaustive", block_size=8, order="random", random_state=3).minimize(land)
    b = BlockSearch(inner="exhaustive", block_size=8, order="random", skip_unchanged=False,
                    random_state=3).minimize(land)
    assert np.array_equal(a.bits, b.bits) and a.loss == b.loss


def test_only_settled_searches_let_a_block_be_skipped():
    land = _landscape(n_features=4, loss="squared")
    # BBHT to the budget never stops confident: nothing is settled, nothing skipped
    bbht = BlockSearch(inner=GroverAdaptiveSearch(confidence=None), block_size=4, order="cyclic",
                       random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SearchWarning)
        res = bbht.minimize(land)
    assert res.info["skipped_blocks"] == 0
    # the default inner search stops confident: the last sweep skips the blocks nothing changed around
    res = BlockSearch(inner="grover", block_size=4, order="cyclic", random_state=0).minimize(land)
    last = res.info["sweeps"][-1]
    assert last["improving_blocks"] == 0 and last["skipped_blocks"] >= 1
    assert res.info["simulation_s"] > 0


def test_grover_blocks_with_and_without_skipping_agree_on_small_problems():
    """Skipped blocks were settled by a confident stop: the fits agree wherever those stops were right."""
    same = 0
    for seed in range(6):
        land = _landscape(n_features=4, m=50, seed=seed, loss="squared")
        a = BlockSearch(inner="grover", block_size=8, order="cyclic", random_state=seed).minimize(land)
        b = BlockSearch(inner="grover", block_size=8, order="cyclic", skip_unchanged=False,
                        random_state=seed).minimize(land)
        same += bool(np.array_equal(a.bits, b.bits))
        assert a.info["block_steps"] <= b.info["block_steps"]
    assert same >= 5


def test_a_block_search_run_again_on_the_same_landscape_repeats_itself_to_the_bit():
    # a linear landscape's restrictions update its weights and G w from the bits that changed since the last
    # block; a second search must not start from the first one's rounding (this data diverged before)
    from quark.encoding import LossLandscape

    rng = np.random.default_rng(1)
    d, m = int(rng.integers(10, 60)), int(rng.integers(50, 400))
    X = rng.normal(size=(m, d)) * rng.uniform(0.1, 10, size=d)
    y = (X[:, 0] + rng.normal(size=m) > 0).astype(int)

    def land():
        return LossLandscape("fixed-point-linear", None, X, y, loss="squared", alpha=0.01)

    def fingerprint(res):
        return res.loss, np.asarray(res.bits).tobytes(), [s["loss"] for s in res.info["sweeps"]], \
            res.ledger.oracle_queries

    shared = land()
    runs = [fingerprint(BlockSearch(block_size=12, random_state=1, init="random").minimize(shared)) for _ in range(2)]
    fresh = fingerprint(BlockSearch(block_size=12, random_state=1, init="random").minimize(land()))
    assert runs[0] == fresh and runs[1] == fresh
