"""A block search's shared inner steps (one checked inner search, no copies, checked blocks restricted without
second checks) find exactly what the public route finds: every bit, loss, ledger count, history entry and info
value, every prediction; a standalone search keeps its checks and warnings."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits

from quark import QuarkClassifier
from quark.encoding import LossLandscape
from quark.optimizers import BlockSearch, GroverAdaptiveSearch, SearchWarning

CLOCKS = {"wall_time_s", "simulation_s"}  # seconds measured, never the same twice


def _plain(x):
    """``x`` with the clock readings left out and arrays and floats spelled exactly (bytes, hex)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items() if k not in CLOCKS}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return ("array", x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, float):
        return ("float", "nan" if x != x else x.hex())
    return x


def _fingerprint(res):
    return _plain({"bits": res.bits, "loss": res.loss, "ledger": res.ledger.totals(), "latest": res.ledger.latest,
                   "history": res.history, "info": res.info, "variables": res.variables, "weights": res.weights})


def _both(monkeypatch, run):
    """``run()`` on the public route (every step a checked copy's minimize, every block restricted with its
    checks) and on the shared one."""
    with monkeypatch.context() as m:
        m.setattr(BlockSearch, "_lean", False)
        slow = run()
    return slow, run()


def _linear(loss, seed=3, m=80, d=12):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, d))
    y = (X @ rng.normal(size=d) > 0).astype(int)
    return LossLandscape("fixed-point-linear", None, X, y, loss=loss, alpha=0.05)


@pytest.mark.parametrize("loss", ["squared", "hinge"])
def test_a_block_search_on_a_real_valued_landscape_is_the_same_to_the_bit(monkeypatch, loss):
    def run():  # a fresh landscape each time: its caches of G w(bits) follow the bits it was last asked about
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SearchWarning)
            return BlockSearch(block_size=10, random_state=1).minimize(_linear(loss))

    slow, lean = _both(monkeypatch, run)
    assert slow.info["block_steps"] > 10            # many shared steps, several improving
    assert sum(s["improving_blocks"] for s in slow.info["sweeps"]) > 1
    assert _fingerprint(lean) == _fingerprint(slow)


def test_a_table_problem_and_a_cold_inner_start_are_the_same_to_the_bit(monkeypatch):
    table = np.random.default_rng(5).normal(size=1 << 14)

    def run():
        return BlockSearch(block_size=7, inner_start="random", random_state=2).minimize(table)

    slow, lean = _both(monkeypatch, run)
    assert _fingerprint(lean) == _fingerprint(slow)


def test_a_four_class_digits_fit_is_the_same_to_the_bit(monkeypatch):
    X, y = load_digits(return_X_y=True)
    keep = y < 4
    X, y = X[keep], y[keep]
    train, test = slice(0, 400), slice(400, None)

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return QuarkClassifier(random_state=0, n_jobs=1).fit(X[train], y[train])

    slow, lean = _both(monkeypatch, run)
    assert len(lean.results_) == 6                   # one-vs-one: six block searches
    assert [_fingerprint(r) for r in lean.results_] == [_fingerprint(r) for r in slow.results_]
    assert np.array_equal(lean.predict(X[test]), slow.predict(X[test]))
    assert lean.decision_function(X[test]).tobytes() == slow.decision_function(X[test]).tobytes()


def test_a_standalone_search_still_checks_its_parameters_and_warns_at_the_callers_line():
    with pytest.raises(ValueError, match="confidence"):
        GroverAdaptiveSearch(confidence=1.5).minimize(np.arange(16.0))
    losses = np.random.default_rng(0).permutation(1 << 12).astype(float)
    with pytest.warns(SearchWarning) as caught:
        GroverAdaptiveSearch(max_queries=2, random_state=0).minimize(losses)   # too few queries: a miss
    assert caught[0].filename == __file__


def test_a_shared_step_is_the_search_a_fresh_copy_runs():
    """The template a block search shares keeps nothing from one step to the next: a step on it after other
    steps returns what the same step on a fresh, checked copy returns."""
    land = _linear("squared", seed=4)
    bits = np.random.default_rng(1).integers(0, 2, land.n_qubits).astype(np.uint8)
    blocks = [np.arange(i, i + 8) for i in (0, 8, 16, 0)]
    template = GroverAdaptiveSearch(init=np.zeros(8, dtype=np.uint8))
    template.minimize(land.restrict(blocks[0], bits))  # checked, its backend resolved
    for seed, block in enumerate(blocks):
        fresh = GroverAdaptiveSearch(init=bits[block], random_state=seed).minimize(land.restrict(block, bits))
        template.random_state = seed
        template.init = int(bits[block].astype(np.int64) @ (1 << np.arange(8)))
        sub = land._restrict_block(block, bits)
        template._guard(sub)
        shared = template._run(sub, np.random.default_rng(seed))
        assert _fingerprint(shared) == _fingerprint(fresh)


def test_a_subclass_of_the_inner_search_keeps_the_public_route():
    """An inner search whose class does not itself declare its steps shareable (a subclass with its own
    minimize) gets every block step through its minimize."""
    calls = []

    class Counting(GroverAdaptiveSearch):
        def minimize(self, problem):
            calls.append(problem.n_qubits)
            return super().minimize(problem)

    res = BlockSearch(inner=Counting(), block_size=4, random_state=0).minimize(np.arange(1 << 10, dtype=float))
    assert len(calls) == res.info["block_steps"] > 3
