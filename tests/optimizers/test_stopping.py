"""The evidence-based stop of Grover adaptive search (quark/optimizers/_stopping.py and its use)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from quark.backends.statevector import StatevectorBackend
from quark.optimizers import GroverAdaptiveSearch
from quark.optimizers._stopping import MarkedPosterior
from quark.optimizers.base import SearchWarning


def _distinct(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).permutation(1 << n).astype(float)


def test_prior_is_the_rank_of_a_uniform_first_setting():
    post = MarkedPosterior(4096)
    assert post.w.sum() == pytest.approx(1.0)
    assert post.w[0] == pytest.approx(1 / 4096)  # the first setting is the optimum with probability 1/N
    assert post.p_remaining == pytest.approx(1 - 1 / 4096)


def test_misses_move_the_posterior_towards_none_left_and_an_improvement_away():
    post = MarkedPosterior(1024)
    before = post.p_remaining
    post.update(16, improved=False)
    assert post.p_remaining < before
    for _ in range(10):
        post.update(post.next_k(0.01), improved=False)
    low = post.p_remaining
    assert low < 0.2
    post.update(3, improved=True)  # a success proves something was below the old threshold ...
    assert post.p_remaining > low  # ... and the new threshold has not been tested yet


def test_an_improvement_is_exact_on_the_exact_points():
    """After a success from a point mass at M = 5, the new M is uniform on 0..4."""
    post = MarkedPosterior(1024)
    post.w[:] = 0.0
    post.w[5] = 1.0
    post.update(0, improved=True)
    assert post.w[:5] == pytest.approx(np.full(5, 0.2))
    assert post.w[5:].sum() == pytest.approx(0.0)


def test_plan_brings_the_risk_down_if_all_its_rounds_miss():
    post = MarkedPosterior(4096)
    while post.w[0] <= 0.2:  # misses of the search phase, until verification starts
        post.update(post.next_k(0.01), improved=False)
    seq = post.plan(0.01)
    assert seq is not None and seq.size >= 1
    after = MarkedPosterior(4096)
    after.w = post.w.copy()
    for k in seq:
        after.update(int(k), improved=False)
    # the plan works on buckets of M (averaged miss probabilities), so it is close, not exact;
    # the stop itself reads the exact posterior
    assert after.p_remaining < 0.02


def test_default_stops_confident_at_the_optimum_with_fewer_queries_than_the_budget():
    sq = math.sqrt(1 << 12)
    queries, reached = [], []
    for seed in range(30):
        res = GroverAdaptiveSearch(random_state=seed).minimize(_distinct(12, seed))
        assert res.info["stop_reason"] in ("confident", "budget")
        queries.append(res.ledger.oracle_queries / sq)
        reached.append(res.info["reached_optimum"])
        assert res.info["p_remaining"] is not None
        if res.info["stop_reason"] == "confident":
            assert res.info["p_remaining"] < 0.01
    assert np.mean(reached) >= 0.9
    assert np.median(queries) < 3.5  # the BBHT schedule spends its whole 4.5 sqrt(N)


def test_bbht_schedule_runs_to_the_budget_and_textbook_ignores_confidence():
    table = _distinct(10, 1)
    bbht = GroverAdaptiveSearch(confidence=None, random_state=0).minimize(table)
    textbook = GroverAdaptiveSearch(restart=True, random_state=0).minimize(table)
    for res in (bbht, textbook):
        assert res.info["stop_reason"] == "budget" and res.info["p_remaining"] is None
        assert res.ledger.oracle_queries == res.info["budget"]


def test_the_stop_never_reads_the_marked_count():
    """A backend whose marked count lies changes what is reported, never what is searched."""

    class Lying(StatevectorBackend):
        def marked_count(self, problem, threshold):
            return 123

    table = _distinct(10, 2)
    honest = GroverAdaptiveSearch(random_state=3).minimize(table)
    with pytest.warns(SearchWarning, match=r"missed the optimum.*stopped: confident.*confidence=0\.999"):
        lied = GroverAdaptiveSearch(backend=Lying(), random_state=3).minimize(table)
    assert lied.index == honest.index and lied.ledger.oracle_queries == honest.ledger.oracle_queries
    assert lied.info["rounds"] == honest.info["rounds"]


def test_seeded_runs_repeat():
    table = _distinct(11, 4)
    a = GroverAdaptiveSearch(random_state=7).minimize(table)
    b = GroverAdaptiveSearch(random_state=7).minimize(table)
    assert (a.index, a.ledger.oracle_queries, a.info["rounds"]) == (b.index, b.ledger.oracle_queries, b.info["rounds"])


def test_a_backend_that_cannot_count_warns_when_the_budget_stopped_an_unconvinced_search():
    """Without a marked count the posterior is all there is: a search cut by a small budget says so."""

    class NoCount:
        def __init__(self):
            self._inner = StatevectorBackend()

        def sample_threshold(self, problem, threshold, k, shots, rng):
            return self._inner.sample_threshold(problem, threshold, k, shots, rng)

    table = _distinct(10, 5)
    with pytest.warns(SearchWarning, match="may have missed the optimum"):
        res = GroverAdaptiveSearch(backend=NoCount(), max_queries=20, random_state=0).minimize(table)
    assert res.info["stop_reason"] == "budget" and res.info["reached_optimum"] is None
    assert res.info["p_remaining"] >= 0.01
    with warnings.catch_warnings():
        warnings.simplefilter("error", SearchWarning)  # a confident stop does not warn
        res = GroverAdaptiveSearch(backend=NoCount(), random_state=0).minimize(table)
    assert res.info["stop_reason"] == "confident"


def test_ties_make_the_search_longer_not_wrong():
    """A 0-1-style loss with many ties: the returned loss is still the minimum."""
    rng = np.random.default_rng(0)
    table = rng.binomial(40, 0.5, size=1 << 11).astype(float)
    reached = [GroverAdaptiveSearch(random_state=s).minimize(table).info["reached_optimum"] for s in range(20)]
    assert np.mean(reached) >= 0.9


@pytest.mark.parametrize("value", [0.0, 1.0, 1.5, -0.1, float("nan"), "high"])
def test_confidence_must_lie_strictly_between_0_and_1(value):
    with pytest.raises((ValueError, TypeError), match="confidence"):
        GroverAdaptiveSearch(confidence=value).minimize(np.arange(8.0))


def test_shared_decisions_equal_a_fresh_posterior_and_survive_a_full_tree(monkeypatch):
    """The decision tree shared by searches of one size gives the decisions a private posterior
    would; with the tree full, a search goes on alone with the same decisions."""
    from quark.optimizers import _stopping
    from quark.optimizers._stopping import PosteriorWalk

    history = [False, False, True, False, False, False, True, False, False, False, False, False]

    def walk_decisions():
        walk, ks = PosteriorWalk(2048, 0.01), []
        for improved in history:
            ks.append(walk.next_k())
            walk.update(ks[-1], improved)
        return ks, walk.p_remaining

    post, fresh = MarkedPosterior(2048), []
    for improved in history:
        fresh.append(post.next_k(0.01))
        post.update(fresh[-1], improved)
    assert walk_decisions() == (fresh, pytest.approx(post.p_remaining))
    assert walk_decisions()[0] == fresh  # the second walk reads the tree
    monkeypatch.setattr(_stopping, "TREE_BYTES", 0)  # nothing more may be cached
    monkeypatch.setattr(_stopping, "_TREES", {})
    assert walk_decisions()[0] == fresh


def test_a_miss_keeps_the_verification_plan():
    """After a planned round misses, the rest of the plan still proves the target: it is not re-made."""
    post = MarkedPosterior(4096)
    while post.w[0] <= 0.2:
        post.update(post.next_k(0.01), improved=False)
    k = post.next_k(0.01)
    plan = list(post.pending)
    assert k in plan and len(plan) >= 1
    post.update(k, improved=False)
    plan.remove(k)
    assert list(post.pending) == plan
    post.update(3, improved=True)
    assert post.pending == ()
