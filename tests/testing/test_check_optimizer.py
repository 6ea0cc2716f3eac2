"""quark.testing.check_optimizer: every built-in optimizer passes, and a broken one is caught with the reason."""

import numpy as np
import pytest

from quark.optimizers import (AnnealingSearch, BlockSearch, ExhaustiveSearch, GroverAdaptiveSearch, QuarkSearch,
                              RandomSearch)
from quark.optimizers.registry import optimizer_names
from quark.testing import check_optimizer

# each built-in with what its guarantee needs on 6-qubit random tables (64 distinct losses)
BUILT_INS = {
    "exhaustive": (ExhaustiveSearch(), 1.0),
    "grover": (GroverAdaptiveSearch(), 0.9),            # stops confident: >= 97% at the optimum (docs/grover.md)
    "random": (RandomSearch(max_queries=256), 0.9),     # 4N draws: misses with probability (63/64)**256 = 2%
    "anneal": (AnnealingSearch(shots=50, polish=True), 0.9),
    "quark": (QuarkSearch(shots=64), 0.0),              # biases towards accuracy; no minimum-finding guarantee
    # a local search: no guarantee on random tables (measured: 6 of 12 at the optimum, block_size=3)
    "block": (BlockSearch(inner="exhaustive", block_size=3, restarts=3), 0.4),
}


def test_the_table_covers_every_built_in():
    assert set(BUILT_INS) <= set(optimizer_names())


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_every_built_in_optimizer_passes(name):
    opt, min_success = BUILT_INS[name]
    report = check_optimizer(opt, trials=12, min_success=min_success)
    assert report["passed"] and report["success_rate"] >= min_success
    assert any(v > 0 for v in report["mean_costs"].values())


def test_the_instance_given_is_not_changed():
    opt = GroverAdaptiveSearch(random_state=5)
    check_optimizer(opt, trials=2, min_success=0.0)
    assert opt.random_state == 5


class _Unseeded(ExhaustiveSearch):
    """Returns a setting drawn from a global generator: not reproducible."""

    def _search(self, problem, ledger, rng):
        ledger.update(model_evaluations=1)
        k = int(np.random.default_rng().integers(1 << problem.n_qubits))
        return k, float(problem.evaluate_indices(np.array([k]))[0]), {}


class _Free(ExhaustiveSearch):
    """Finds the optimum and charges nothing."""

    def _search(self, problem, ledger, rng):
        table = problem.table()
        return int(np.argmin(table)), float(table.min()), {}


class _Boaster(RandomSearch):
    """Claims the optimum after a few draws."""

    def _search(self, problem, ledger, rng):
        best, loss, info = super()._search(problem, ledger, rng)
        return best, loss, {**info, "reached_optimum": True}


@pytest.mark.parametrize("opt, match", [
    (_Unseeded(), "same random_state differ"),
    (_Free(), "nothing was charged"),
    (_Boaster(max_queries=2), "reported reached_optimum=True"),
    (RandomSearch(max_queries=2), "found the optimum on"),
])
def test_a_broken_optimizer_is_caught_with_the_reason(opt, match):
    with pytest.raises(AssertionError, match=match):
        check_optimizer(opt, trials=10)
