"""A backend that fails mid-search: one BackendError naming it, with the ledger spent and the best so far."""

from __future__ import annotations

import numpy as np
import pytest

from quark.backends import get_backend
from quark.backends.base import Samples
from quark.encoding import as_problem
from quark.exceptions import BackendError
from quark.optimizers import AnnealingSearch, BlockSearch, GroverAdaptiveSearch, QuarkSearch

TABLE = np.random.default_rng(3).permutation(256).astype(float)


class Flaky:
    """The exact kernel, failing on call ``fail_at`` (1-based); optionally after part of that call's jobs ran."""

    name = "flaky"

    def __init__(self, fail_at: int, partial_shots: int = 0):
        self.inner = get_backend("statevector")
        self.fail_at, self.partial_shots = fail_at, partial_shots
        self.calls: list[tuple[int, int]] = []  # (iterations, shots) of every call that returned

    def __deepcopy__(self, memo):  # one device, however often the optimizer is cloned
        return self

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        if len(self.calls) + 1 == self.fail_at:
            exc = ConnectionError("the QPU went offline")
            if self.partial_shots:
                done = self.inner.sample_threshold(problem, threshold, iterations, self.partial_shots, rng)
                exc.partial_samples = Samples(done.indices, self.partial_shots, 2, 0.0)
            raise exc
        self.calls.append((iterations, shots))
        return self.inner.sample_threshold(problem, threshold, iterations, shots, rng)


def test_grover_failure_names_the_backend_and_keeps_the_ledger_and_best():
    backend = Flaky(fail_at=4)
    with pytest.raises(BackendError) as caught:
        GroverAdaptiveSearch(backend=backend, shots=3, random_state=0).minimize(TABLE)
    err = caught.value
    assert err.backend == "flaky" and err.optimizer == "GroverAdaptiveSearch"
    assert "backend 'flaky' failed during GroverAdaptiveSearch: ConnectionError: the QPU went offline" in str(err)
    assert isinstance(err.__cause__, ConnectionError)
    led = err.ledger
    assert led.shots == sum(s for _, s in backend.calls) == 9
    assert led.oracle_queries == sum(k * s for k, s in backend.calls)
    assert led.grover_iterations == sum(k for k, _ in backend.calls)
    assert led.model_evaluations > 0 and led.wall_time_s > 0
    # the best setting measured so far, and its loss is the problem's own
    assert err.best_loss == as_problem(TABLE).evaluate(err.best_bits)
    assert err.best_loss == min(h["best_loss"] for h in led.history)


def test_jobs_that_ran_before_the_failure_are_charged():
    backend = Flaky(fail_at=2, partial_shots=4)
    with pytest.raises(BackendError) as caught:
        GroverAdaptiveSearch(backend=backend, shots=10, random_state=0).minimize(TABLE)
    led = caught.value.ledger
    (k0, s0), = backend.calls
    assert led.shots == s0 + 4 and led.circuit_executions == 1 + 2


def test_annealing_sampler_failure_keeps_the_reads_spent():
    import dimod

    class FlakySampler(dimod.Sampler):
        parameters = {"num_reads": [], "seed": []}
        properties: dict = {}

        def __init__(self):
            self.calls = 0

        def sample(self, bqm, num_reads=10, seed=None):
            self.calls += 1
            if self.calls == 2:
                raise TimeoutError("sampler timed out")
            return dimod.RandomSampler().sample(bqm, num_reads=num_reads, seed=seed)

    bqm = dimod.BinaryQuadraticModel({0: 1.0, 1: -1.0}, {(0, 1): 2.0}, 0.0, "BINARY")
    # a cubic polynomial: reduced to a QUBO with an adaptive penalty (several sampler calls)
    poly = dimod.BinaryPolynomial({(0, 1, 2): -3.0, (0,): 1.0, (1, 3): 1.0, (2, 3): -1.0}, "BINARY")
    sampler = FlakySampler()
    with pytest.raises(BackendError) as caught:
        AnnealingSearch(sampler, shots=8, encoding="reduced", random_state=0).minimize(poly)
    err = caught.value
    assert err.backend == "FlakySampler" and isinstance(err.__cause__, TimeoutError)
    assert err.ledger.annealer_reads == 8  # the first call's reads
    assert AnnealingSearch(dimod.ExactSolver()).minimize(bqm).loss == -1.0  # a working sampler: no error


def test_block_search_failure_carries_every_block_spent_and_the_whole_best():
    backend = Flaky(fail_at=12)
    table = np.random.default_rng(5).permutation(1 << 12).astype(float)
    block = BlockSearch(inner=GroverAdaptiveSearch(backend=backend, shots=2), block_size=4, random_state=0)
    with pytest.raises(BackendError) as caught:
        block.minimize(table)
    err = caught.value
    assert err.backend == "flaky" and "BlockSearch (inside GroverAdaptiveSearch)" in str(err)
    # the blocks searched before, and the failed block's own spending up to its failure
    assert err.ledger.shots == 2 * len(backend.calls) == 22
    assert err.ledger.model_evaluations > len(backend.calls)
    assert err.best_bits.shape == (12,) and err.best_loss == as_problem(table).evaluate(err.best_bits)


def test_errors_before_anything_is_spent_are_not_rewrapped():
    with pytest.raises(ValueError, match="'backend' of GroverAdaptiveSearch must be one of"):
        GroverAdaptiveSearch(backend="nowhere").minimize(TABLE)
    with pytest.raises(ValueError, match="takes no option"):
        AnnealingSearch("neal", sample_options={"num_sweep": 3}).minimize(np.arange(4.0))


def test_quark_search_failure_is_a_backend_error():
    from quark.backends.statevector import StatevectorBackend
    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape

    class Broken(StatevectorBackend):
        name = "broken"

        def _sample_joint(self, *args, **kwargs):
            raise OSError("lost the connection")

    land = LossLandscape("line-detector", None, *load_edge_detection(size=2))
    with pytest.raises(BackendError, match="backend 'broken' failed during QuarkSearch: OSError"):
        QuarkSearch(backend=Broken(), iterations=1, shots=4, random_state=0).minimize(land)
