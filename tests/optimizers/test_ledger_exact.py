"""Exact ledgers: every counted field of every optimizer, to the unit, from what a spy saw.

Each test runs a search on a backend (or sampler) that records every request it got and every
result it returned, rebuilds the costs from that record alone and compares them with the ledger
field by field. A test here fails when a cost is dropped, double-counted, taken from the request
instead of the result, or charged at the wrong moment (the history snapshots are checked too).

Problems are small (the 8-qubit line detector of the edge-detection images, m = 512, and random
tables), so the whole file runs in seconds; every run is seeded.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

from quark.backends.base import Samples
from quark.backends.samplers import neal_sampler
from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection
from quark.encoding import LossLandscape
from quark.encoding.problem import as_problem
from quark.optimizers import (
    LEDGER_FIELDS,
    AnnealingSearch,
    BlockSearch,
    CostLedger,
    ExhaustiveSearch,
    GroverAdaptiveSearch,
    QuarkSearch,
    RandomSearch,
)

pytestmark = pytest.mark.filterwarnings("ignore::quark.optimizers.base.SearchWarning")


# -- problems -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lines() -> LossLandscape:
    """The line detector on the 3x3 edge-detection images: 8 weight qubits, m = 512, a 0-1 loss."""
    X, y = load_edge_detection(lines="rows")
    return LossLandscape("line-detector", None, X, y)


@pytest.fixture(scope="module")
def perceptron() -> LossLandscape:
    """A binary perceptron on the same images: 10 weight qubits, m = 512."""
    X, y = load_edge_detection(lines="rows")
    return LossLandscape("perceptron", None, X, y)


def random_table(n: int, seed: int) -> np.ndarray:
    """Distinct losses over ``2**n`` settings (a bare table: one model evaluation per check)."""
    return np.random.default_rng(seed).permutation(1 << n).astype(np.float64)


def counted(ledger: CostLedger) -> dict[str, int]:
    """The ledger's counted fields (not the clocks)."""
    return {name: getattr(ledger, name) for name in LEDGER_FIELDS}


def zero_except(**fields: int) -> dict[str, int]:
    """Every counted field zero but ``fields``."""
    return {name: fields.get(name, 0) for name in LEDGER_FIELDS}


# -- spies ----------------------------------------------------------------------------------------
@dataclass
class Request:
    """One backend call: what the search asked for."""

    kind: str  # "threshold" or "joint"
    threshold: float | None
    iterations: int
    shots: int
    copies: int | None = None


class SpyStatevector(StatevectorBackend):
    """The exact kernel, recording every request and every :class:`Samples` it returned.

    Parameters
    ----------
    executions : int
        ``circuit_executions`` each returned :class:`Samples` claims (a real device may split one
        request into several jobs; the ledger must take the backend's word, not assume 1).
    device_time_s : float or None
        Device seconds each :class:`Samples` claims (``None``: the device did not say).
    lie : int, optional
        What :meth:`marked_count` answers instead of the truth: a search that steered on it
        would ask for different rounds.
    """

    name = "spy-statevector"

    def __init__(self, executions: int = 1, device_time_s: float | None = 0.0, lie: int | None = None) -> None:
        super().__init__()
        self.executions = executions
        self.device_time_s = device_time_s
        self.lie = lie
        self.requests: list[Request] = []
        self.returned: list[Samples] = []
        self.marked_calls: list[tuple[float, int]] = []  # (threshold, requests made before the call)

    def _wrap(self, samples: Samples | np.ndarray, shots: int) -> Samples:
        indices = np.asarray(samples, dtype=np.int64)
        out = Samples(indices, shots, self.executions, self.device_time_s)
        self.returned.append(out)
        return out

    def threshold_sampler(self, problem):
        inner = super().threshold_sampler(problem)

        def sample(threshold, iterations, shots, rng):
            self.requests.append(Request("threshold", float(threshold), int(iterations), int(shots)))
            return self._wrap(inner(threshold, iterations, shots, rng), int(shots))

        return sample

    def _sample_joint(self, problem, iterations, shots, copies, rng):
        self.requests.append(Request("joint", None, int(iterations), int(shots), int(copies)))
        return self._wrap(super()._sample_joint(problem, iterations, shots, copies, rng), int(shots))

    def marked_count(self, problem, threshold: float) -> int:
        self.marked_calls.append((float(threshold), len(self.requests)))
        truth = super().marked_count(problem, threshold)
        return truth if self.lie is None else self.lie


class DuckSpy:
    """A duck-typed Grover backend (no :class:`GroverBackend` base, no ``marked_count``): the
    search reaches it through its public ``sample_threshold`` and coerces what it returns."""

    name = "duck-spy"

    def __init__(self) -> None:
        self.inner = StatevectorBackend()
        self.requests: list[Request] = []
        self.returned: list[Samples] = []

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        self.requests.append(Request("threshold", float(threshold), int(iterations), int(shots)))
        out = self.inner.sample_threshold(problem, threshold, iterations, shots, rng)
        self.returned.append(out)
        return out.indices  # a bare index array: the search coerces it into Samples


def grover_costs(problem, spy) -> dict[str, int]:
    """The ledger a Grover search owes for what ``spy`` recorded.

    Per backend call: ``oracle_queries += k * shots`` (every shot re-runs ``k`` oracle rounds),
    ``grover_iterations += k``, ``shots`` and ``circuit_executions`` as the returned Samples say.
    Model evaluations: ``m`` for the random start and ``m`` for each *distinct* setting measured
    in each round (a setting measured again in a later round is checked again).
    """
    m = problem.evaluation_cost
    return zero_except(
        oracle_queries=sum(r.iterations * s.shots for r, s in zip(spy.requests, spy.returned)),
        grover_iterations=sum(r.iterations for r in spy.requests),
        shots=sum(s.shots for s in spy.returned),
        circuit_executions=sum(s.circuit_executions for s in spy.returned),
        model_evaluations=m * (1 + sum(np.unique(s.indices).size for s in spy.returned)),
    )


def losses_of(problem, indices) -> np.ndarray:
    """True losses, read off the problem directly (the test's own check, on no ledger)."""
    return np.atleast_1d(np.asarray(problem.evaluate_indices(np.asarray(indices, dtype=np.int64)), dtype=np.float64))


def replay_grover(problem, spy, start_loss: float) -> dict[str, Any]:
    """What the search should have done with what it measured: thresholds, improvements, snapshots."""
    m = problem.evaluation_cost
    best = start_loss
    thresholds, snapshots = [], [(0, 0, 0, m, start_loss)]
    q = shots = execs = evals = 0
    queries_at_best = 0
    for r, s in zip(spy.requests, spy.returned):
        thresholds.append(best)
        q += r.iterations * s.shots
        shots += s.shots
        execs += s.circuit_executions
        evals += np.unique(s.indices).size
        low = float(losses_of(problem, s.indices).min())
        if low < best:
            best, queries_at_best = low, q
            snapshots.append((q, shots, execs, m * (1 + evals), best))
    snapshots.append((q, shots, execs, m * (1 + evals), best))
    return {"thresholds": thresholds, "snapshots": snapshots, "best_loss": best,
            "queries_at_best": queries_at_best, "improvements": len(snapshots) - 2}


def snapshots_of(history: list[dict]) -> list[tuple]:
    return [(h["oracle_queries"], h["shots"], h["circuit_executions"], h["model_evaluations"], h["best_loss"])
            for h in history]


# -- Grover adaptive search -----------------------------------------------------------------------
GROVER_RUNS = {
    "one-shot": dict(random_state=4),
    "three-shots": dict(shots=3, random_state=5),
    "truncated-budget": dict(shots=2, max_queries=9, random_state=1),
    "patience": dict(patience=2, random_state=0),
    "textbook-restart": dict(restart=True, shots=2, random_state=3),
    "warm-start": dict(init=37, shots=2, random_state=8),  # the first check is the given setting's
}


@pytest.mark.parametrize("kwargs", GROVER_RUNS.values(), ids=GROVER_RUNS.keys())
def test_grover_ledger_is_what_the_backend_ran(lines, kwargs):
    spy = SpyStatevector()
    res = GroverAdaptiveSearch(backend=spy, **kwargs).minimize(lines)
    assert spy.requests and all(r.kind == "threshold" for r in spy.requests)
    assert counted(res.ledger) == grover_costs(lines, spy)
    assert res.info["rounds"] == len(spy.requests)
    assert res.ledger.oracle_queries <= res.info["budget"]
    assert res.ledger.qpu_time_s == 0.0


def test_grover_budget_is_ceil_of_factor_sqrt_n_per_shot_and_never_overspent(lines):
    for shots in (1, 2, 5):
        spy = SpyStatevector()
        res = GroverAdaptiveSearch(backend=spy, shots=shots, random_state=7).minimize(lines)
        assert res.info["budget"] == math.ceil(4.5 * math.sqrt(2**lines.n_qubits)) * shots == 72 * shots
        assert res.ledger.oracle_queries == sum(r.iterations * shots for r in spy.requests) <= res.info["budget"]
        if res.info["stop_reason"] == "budget":  # the last round took what was left, then stopped
            assert res.info["budget"] - res.ledger.oracle_queries < shots * max(1, spy.requests[-1].iterations + 1)


def test_grover_budget_below_one_query_runs_one_uniform_round(lines):
    spy = SpyStatevector()
    with pytest.warns(UserWarning, match="cannot pay for one Grover iteration"):
        res = GroverAdaptiveSearch(backend=spy, shots=4, max_queries=3, random_state=0).minimize(lines)
    assert [(r.iterations, r.shots) for r in spy.requests] == [(0, 4)]
    assert counted(res.ledger) == zero_except(
        shots=4, circuit_executions=1,
        model_evaluations=lines.n_samples * (1 + np.unique(spy.returned[0].indices).size),
    )


def test_grover_charges_every_round_and_every_distinct_measured_setting(lines):
    """The ledger counts checks of *all* rounds, each round's *distinct* settings: not one per round,
    not one per shot, not the improving rounds only, not each setting once over the whole run."""
    spy = SpyStatevector()
    shots = 3
    res = GroverAdaptiveSearch(backend=spy, shots=shots, random_state=9).minimize(lines)
    m = lines.n_samples
    per_round = [np.unique(s.indices).size for s in spy.returned]
    improving = [i for i, (r, s) in enumerate(zip(spy.requests, spy.returned))
                 if losses_of(lines, s.indices).min() < r.threshold]
    truth = m * (1 + sum(per_round))
    assert res.ledger.model_evaluations == truth
    # the seed makes every wrong way of counting give another number (so this test can tell them apart)
    wrong = {
        "one check per round": m * (1 + len(per_round)),
        "one check per shot": m * (1 + shots * len(per_round)),
        "improving rounds only": m * (1 + sum(per_round[i] for i in improving)),
        "each setting once per run": m * (1 + np.unique(np.concatenate([s.indices for s in spy.returned])).size),
        "no initial check": m * sum(per_round),
    }
    assert all(value != truth for value in wrong.values()), wrong
    # and the queries of rounds that did not improve are paid too
    assert len(improving) < len(spy.requests)
    assert res.ledger.oracle_queries == shots * sum(r.iterations for r in spy.requests)
    assert res.ledger.oracle_queries != shots * sum(spy.requests[i].iterations for i in improving)


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_grover_thresholds_history_and_queries_at_best_follow_the_measured_losses(lines, seed):
    """Each round's threshold is the best loss measured before it (nothing else), and every history
    snapshot holds the costs paid up to that moment."""
    spy = SpyStatevector()
    res = GroverAdaptiveSearch(backend=spy, shots=2, random_state=seed).minimize(lines)
    start = res.history[0]["best_loss"]
    replay = replay_grover(lines, spy, start)
    assert [r.threshold for r in spy.requests] == replay["thresholds"]
    assert res.loss == replay["best_loss"]
    assert res.info["improvements"] == replay["improvements"]
    assert res.info["queries_at_best"] == replay["queries_at_best"]
    assert snapshots_of(res.history) == replay["snapshots"]
    assert res.history[-1]["oracle_queries"] == res.ledger.oracle_queries


def test_grover_takes_executions_and_device_time_from_the_samples_not_the_request(lines):
    spy = SpyStatevector(executions=3, device_time_s=0.25)
    res = GroverAdaptiveSearch(backend=spy, shots=2, random_state=2).minimize(lines)
    rounds = len(spy.requests)
    assert res.ledger.circuit_executions == 3 * rounds == grover_costs(lines, spy)["circuit_executions"]
    assert res.ledger.qpu_time_s == pytest.approx(0.25 * rounds)
    unknown = SpyStatevector(device_time_s=None)
    res = GroverAdaptiveSearch(backend=unknown, random_state=2).minimize(lines)
    assert res.ledger.qpu_time_s is None  # one unreported round makes the total unknown, never 0


def test_grover_ledger_on_a_duck_typed_backend_is_the_same(lines):
    """A plug-in without the base class pays the same, through the coerced public path."""
    duck, spy = DuckSpy(), SpyStatevector()
    a = GroverAdaptiveSearch(backend=duck, shots=2, random_state=9).minimize(lines)
    b = GroverAdaptiveSearch(backend=spy, shots=2, random_state=9).minimize(lines)
    assert counted(a.ledger) == grover_costs(lines, duck) == counted(b.ledger)
    assert a.index == b.index and a.info["n_marked_final"] is None


def test_grover_ledger_on_a_bare_table_charges_one_evaluation_per_check():
    table = random_table(10, 0)
    spy = SpyStatevector()
    res = GroverAdaptiveSearch(backend=spy, shots=2, random_state=1).minimize(table)
    assert counted(res.ledger) == grover_costs(as_problem(table), spy)
    assert res.ledger.model_evaluations == 1 + sum(np.unique(s.indices).size for s in spy.returned)


def test_grover_target_loss_stops_at_once_and_pays_for_the_round_that_reached_it(lines):
    optimum = ExhaustiveSearch().minimize(lines).loss
    spy = SpyStatevector()
    res = GroverAdaptiveSearch(backend=spy, target_loss=optimum, random_state=1).minimize(lines)
    assert res.info["stop_reason"] == "target_loss" and res.loss <= optimum
    # the last round measured the target: nothing after it, every round before it paid
    assert losses_of(lines, spy.returned[-1].indices).min() <= optimum
    assert all(losses_of(lines, s.indices).min() > optimum for s in spy.returned[:-1])
    assert counted(res.ledger) == grover_costs(lines, spy)
    assert res.ledger.oracle_queries == res.info["queries_at_best"]


# -- what a device cannot know --------------------------------------------------------------------
def test_grover_asks_marked_count_once_after_the_last_round_and_never_steers_on_it(lines):
    honest, liar_low, liar_high = SpyStatevector(), SpyStatevector(lie=0), SpyStatevector(lie=10**6)
    duck = DuckSpy()  # offers no marked_count at all
    runs = {}
    for name, backend in (("honest", honest), ("low", liar_low), ("high", liar_high), ("duck", duck)):
        runs[name] = GroverAdaptiveSearch(backend=backend, shots=2, random_state=6).minimize(lines)
    for spy in (honest, liar_low, liar_high):
        # asked at most once, and only when every round has run
        assert len(spy.marked_calls) == 1
        assert spy.marked_calls[0] == (runs["honest"].loss, len(spy.requests))
    # whatever it answers (or whether it can answer), the search asks for the same rounds
    asked = [(r.threshold, r.iterations, r.shots) for r in honest.requests]
    for spy in (liar_low, liar_high, duck):
        assert [(r.threshold, r.iterations, r.shots) for r in spy.requests] == asked
    assert len({run.index for run in runs.values()}) == 1
    assert len({tuple(counted(run.ledger).values()) for run in runs.values()}) == 1
    # it only reports: the truth, the lie, or "unknown"
    assert runs["honest"].info["n_marked_final"] == StatevectorBackend().marked_count(lines, runs["honest"].loss)
    assert runs["low"].info["n_marked_final"] == 0 and runs["low"].info["reached_optimum"] is True
    assert runs["high"].info["reached_optimum"] is False
    assert runs["duck"].info["n_marked_final"] is None


def test_quark_search_asks_marked_count_only_after_measuring(lines):
    honest, liar = SpyStatevector(), SpyStatevector(lie=0)
    a = QuarkSearch(backend=honest, iterations=2, shots=64, random_state=0).minimize(lines)
    b = QuarkSearch(backend=liar, iterations=2, shots=64, random_state=0).minimize(lines)
    for spy in (honest, liar):
        assert [n_before for _, n_before in spy.marked_calls] == [1]
    assert np.array_equal(honest.returned[0].indices, liar.returned[0].indices)
    assert a.index == b.index and counted(a.ledger) == counted(b.ledger)


# -- the paper's amplification --------------------------------------------------------------------
def quark_costs(problem, spy, estimate: int = 0) -> dict[str, int]:
    """One joint call: ``k`` rounds x shots oracle queries; the estimate; ``m`` per distinct setting."""
    (r,), (s,) = spy.requests, spy.returned
    return zero_except(
        oracle_queries=r.iterations * s.shots,
        grover_iterations=r.iterations,
        shots=s.shots,
        circuit_executions=s.circuit_executions,
        model_evaluations=estimate + problem.evaluation_cost * np.unique(s.indices).size,
    )


@pytest.mark.parametrize("iterations,copies", [(3, 1), (6, 2), (0, 1)])
def test_quark_search_ledger_with_given_rounds(lines, iterations, copies):
    spy = SpyStatevector(executions=2)
    res = QuarkSearch(backend=spy, iterations=iterations, shots=200, copies=copies, random_state=1).minimize(lines)
    (r,) = spy.requests
    assert (r.kind, r.iterations, r.shots, r.copies) == ("joint", iterations, 200, copies)
    assert counted(res.ledger) == quark_costs(lines, spy)
    distinct = np.unique(spy.returned[0].indices).size
    assert distinct < 200  # the distinct settings, not the shots, are checked
    assert res.info["distinct_measured"] == distinct
    assert sum(res.info["counts"].values()) == 200


@pytest.mark.parametrize("copies,estimation_shots", [(1, 300), (3, 100)])
def test_quark_search_charges_copies_per_estimation_tuple(lines, copies, estimation_shots):
    spy = SpyStatevector()
    res = QuarkSearch(backend=spy, shots=50, copies=copies, estimation_shots=estimation_shots,
                      random_state=2).minimize(lines)
    assert counted(res.ledger) == quark_costs(lines, spy, estimate=copies * estimation_shots)
    assert spy.requests[0].iterations == res.info["iterations"]
    assert res.history[-1]["model_evaluations"] == res.ledger.model_evaluations


def test_quark_search_info_is_what_was_measured(lines):
    """Counts, measured losses, the returned setting (best loss; among equals the most measured),
    the mode and the shares, all from the spy's single measurement."""
    from collections import Counter

    spy = SpyStatevector()
    res = QuarkSearch(backend=spy, iterations=2, shots=200, random_state=9).minimize(lines)
    indices = spy.returned[0].indices
    counts = Counter(indices.tolist())
    distinct = sorted(counts)
    losses = dict(zip(distinct, losses_of(lines, distinct).tolist()))
    best = min(losses.values())
    ties = [d for d in distinct if losses[d] == best]
    assert len({counts[d] for d in ties}) > 1  # the seed gives equal losses measured unequally often
    chosen = max(ties, key=lambda d: (counts[d], -d))  # the most measured, then the lowest index
    assert res.index == chosen and res.loss == best
    assert res.info["counts"] == dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    assert list(res.info["counts"]) == [d for d, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    assert res.info["measured_losses"] == losses
    assert res.info["mode"] == max(distinct, key=lambda d: (counts[d], -d))
    assert res.info["best_measured_fraction"] == counts[chosen] / 200
    assert res.info["uniform_fraction"] == 1 / 2**lines.n_qubits
    assert res.info["distinct_measured"] == len(distinct) and res.info["stop_reason"] == "measured"
    assert res.info["iterations"] == 2 and res.info["copies"] == 1 and res.info["estimated_marked_fraction"] is None
    truth = StatevectorBackend().marked_count(lines, best)
    assert res.info["n_marked_final"] == truth and res.info["reached_optimum"] is (truth == 0)
    assert truth > 0  # two rounds miss the optimum here: the report says so
    lying = QuarkSearch(backend=SpyStatevector(lie=0), iterations=2, shots=200, random_state=9).minimize(lines)
    assert lying.info["reached_optimum"] is True and lying.index == res.index


def test_quark_search_estimate_replays_the_drawn_tuples(lines):
    """The marked fraction comes from estimation_shots uniform (weight, copies x sample) tuples,
    each marked when the weight classifies all its samples right; nothing else."""
    from quark.optimizers.quark_search import choose_iterations

    seed, n_est, copies = 4, 3000, 2
    res = QuarkSearch(backend=SpyStatevector(), shots=20, copies=copies, estimation_shots=n_est,
                      random_state=seed).minimize(lines)
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 1 << lines.n_qubits, size=n_est, dtype=np.int64)
    samples = rng.integers(0, lines.n_samples, size=(n_est, copies))
    right = lines.correct_samples(w)
    hits = int(right[np.arange(n_est)[:, None], samples].all(axis=1).sum())
    assert 0 < hits < n_est
    assert res.info["estimated_marked_fraction"] == hits / n_est
    assert res.info["iterations"] == choose_iterations(hits, n_est)


def test_choose_iterations_is_pinned():
    """The rounds the amplification runs (a search decision) for a grid of estimates."""
    from quark.optimizers.quark_search import choose_iterations

    grid = [(0, 100), (0, 10**6), (1, 1000), (50, 1000), (300, 1000), (780, 1000), (39, 50), (999, 1000),
            (1000, 1000), (5, 4096), (2000, 4096)]
    assert [choose_iterations(h, t) for h, t in grid] == [68, 6074, 19, 3, 1, 6, 0, 0, 0, 21, 11]
    assert choose_iterations(0, 10**6, max_iterations=5000) == 4614  # more than one block of 4096 rounds
    assert choose_iterations(780, 1000, max_iterations=3) == 3


# -- annealing --------------------------------------------------------------------------------------
class SpySampler:
    """A dimod sampler around a real one (``child``, so sweeps are read through it), recording every
    call's options and returned sample set; optionally reporting QPU seconds as a D-Wave QPU does."""

    def __init__(self, child=None, qpu_access_us: float | None = None) -> None:
        self.child = child if child is not None else neal_sampler()
        self.qpu_access_us = qpu_access_us
        self.calls: list[tuple[dict, Any]] = []

    @property
    def parameters(self) -> dict:
        return self.child.parameters

    @property
    def properties(self) -> dict:
        return self.child.properties

    def sample(self, bqm, **kwargs):
        ss = self.child.sample(bqm, **kwargs)
        if self.qpu_access_us is not None:
            ss.info["timing"] = {**ss.info.get("timing", {}), "qpu_access_time": self.qpu_access_us}
        self.calls.append((dict(kwargs), ss))
        return ss


def anneal_reads(spy: SpySampler) -> list[int]:
    return [int(ss.record.num_occurrences.sum()) for _, ss in spy.calls]


def decoded_distinct(spy: SpySampler, n: int) -> int:
    """Distinct bit strings of the problem's own ``n`` variables over every read of every call."""
    rows = [np.array([[int(sample[i]) for i in range(n)] for sample in ss.samples()]) for _, ss in spy.calls]
    return int(np.unique(np.concatenate(rows), axis=0).shape[0])


def anneal_costs(problem, spy: SpySampler, res, *, sweeps: int, compile_evaluations: int,
                 n_verify: int | None = None, n_polish: int = 1) -> dict[str, int]:
    """The ledger an annealing search owes for what ``spy`` returned.

    Reads: the occurrences of every returned sample set (every penalty round); sweeps: reads x
    sweeps per read; model evaluations: ``m`` per distinct decoded bit string verified (at most
    ``n_verify``), and, when polished, ``n`` neighbours x ``m`` per descent step and per start
    (the last step of each start finds no better neighbour).
    """
    m, n = problem.evaluation_cost, problem.n_qubits
    reads = sum(anneal_reads(spy))
    verified = decoded_distinct(spy, n) if n_verify is None else min(n_verify, decoded_distinct(spy, n))
    polish = 0
    if "polish_steps" in res.info:
        polish = n * (res.info["polish_steps"] + min(n_polish, verified))
    return zero_except(annealer_reads=reads, annealer_sweeps=sweeps * reads, compile_evaluations=compile_evaluations,
                       model_evaluations=m * (verified + polish))


def test_annealing_ledger_on_a_reduced_landscape(lines):
    """Reads and sweeps from the returned sample sets, the loss table behind the polynomial
    (2**n x m) as compile evaluations, m per distinct decoded bit string as model evaluations."""
    spy = SpySampler()
    res = AnnealingSearch(backend=spy, shots=30, sample_options={"num_sweeps": 20}, random_state=0).minimize(lines)
    assert res.info["encoding"] == "reduced" and len(spy.calls) == len(res.info["rounds"]) >= 1
    assert "polish_steps" not in res.info  # nothing but reads and verifications
    assert all(kw["num_reads"] == 30 and kw["num_sweeps"] == 20 for kw, _ in spy.calls)
    m, n = lines.n_samples, lines.n_qubits
    assert counted(res.ledger) == zero_except(
        annealer_reads=sum(anneal_reads(spy)), annealer_sweeps=20 * sum(anneal_reads(spy)),
        compile_evaluations=(1 << n) * m, model_evaluations=m * decoded_distinct(spy, n),
    )
    assert res.ledger.total_model_evaluations == res.ledger.model_evaluations + (1 << n) * m
    assert res.info["compile_evaluations"] == (1 << n) * m
    assert [r["reads"] for r in res.info["rounds"]] == anneal_reads(spy)


def test_annealing_adaptive_penalty_pays_for_every_round(perceptron):
    """Each penalty round is a sampler call: all of their reads are charged and all verified."""
    spy = SpySampler()
    res = AnnealingSearch(backend=spy, shots=20, sample_options={"num_sweeps": 10}, random_state=0).minimize(perceptron)
    assert len(spy.calls) >= 2  # the test is about several rounds
    m, n = perceptron.n_samples, perceptron.n_qubits
    assert counted(res.ledger) == anneal_costs(perceptron, spy, res, sweeps=10, compile_evaluations=(1 << n) * m)
    assert [r["reads"] for r in res.info["rounds"]] == anneal_reads(spy)


def test_annealing_default_sweeps_and_reads(lines):
    spy = SpySampler()
    res = AnnealingSearch(backend=spy, encoding="surrogate", random_state=1).minimize(lines)
    assert anneal_reads(spy) == [100]
    assert counted(res.ledger) == anneal_costs(lines, spy, res, sweeps=1000,
                                               compile_evaluations=res.info["compile_evaluations"])
    spy = SpySampler()
    res = AnnealingSearch(backend=spy, penalty="bound", random_state=1).minimize(lines)
    assert anneal_reads(spy) == [1000]  # a reduced HUBO reads ten times more by default
    assert res.ledger.annealer_sweeps == 1000 * 1000


def test_annealing_verifies_only_n_verify(lines):
    spy = SpySampler()
    m, n = lines.n_samples, lines.n_qubits
    res = AnnealingSearch(backend=spy, shots=40, sample_options={"num_sweeps": 50}, penalty="bound", n_verify=3,
                          random_state=2).minimize(lines)
    assert decoded_distinct(spy, n) > 3 and "polish_steps" not in res.info
    assert res.ledger.model_evaluations == 3 * m and res.info["n_verified"] == 3
    assert counted(res.ledger) == anneal_costs(lines, spy, res, sweeps=50, compile_evaluations=(1 << n) * m, n_verify=3)


@pytest.mark.parametrize("n_polish", [1, 2])
def test_annealing_counts_every_polish_step(lines, n_polish):
    """Polishing checks all n single-bit flips per step from each start, the last step included."""
    spy = SpySampler()
    m, n = lines.n_samples, lines.n_qubits
    res = AnnealingSearch(backend=spy, shots=4, sample_options={"num_sweeps": 1}, penalty="bound", polish=True, n_polish=n_polish,
                          random_state=3).minimize(lines)
    assert res.info["polish_steps"] >= 1
    costs = anneal_costs(lines, spy, res, sweeps=1, compile_evaluations=(1 << n) * m, n_polish=n_polish)
    assert counted(res.ledger) == costs
    # the polish costs n x m per step: wrong if only improving steps, or one evaluation per step, counted
    assert costs["model_evaluations"] - m * decoded_distinct(spy, n) == n * m * (res.info["polish_steps"] + n_polish)


def test_annealing_compile_evaluations_by_encoding(lines):
    """A bare table is read, not evaluated (0); a quadratic model compiles symbolically (0); the
    least-squares surrogate of a table evaluates every setting once (2**n x 1)."""
    table = random_table(6, 0)
    exact = AnnealingSearch(backend="exact", random_state=0).minimize(table)
    assert exact.ledger.compile_evaluations == 0 and exact.info["encoding"] == "hubo"
    assert exact.ledger.annealer_sweeps == 0  # an enumerating solver does not sweep
    assert exact.ledger.annealer_reads == 2**6 == exact.ledger.model_evaluations
    spy = SpySampler()
    red = AnnealingSearch(backend=spy, shots=10, sample_options={"num_sweeps": 5}, penalty="bound", random_state=0).minimize(table)
    assert counted(red.ledger) == anneal_costs(as_problem(table), spy, red, sweeps=5, compile_evaluations=0)
    spy = SpySampler()
    sur = AnnealingSearch(backend=spy, encoding="surrogate", shots=10, sample_options={"num_sweeps": 5}, random_state=0).minimize(table)
    assert counted(sur.ledger) == anneal_costs(as_problem(table), spy, sur, sweeps=5, compile_evaluations=2**6)
    spy = SpySampler()
    sur = AnnealingSearch(backend=spy, encoding="surrogate", shots=10, sample_options={"num_sweeps": 5}, random_state=0).minimize(lines)
    m, n = lines.n_samples, lines.n_qubits
    assert counted(sur.ledger) == anneal_costs(lines, spy, sur, sweeps=5, compile_evaluations=(1 << n) * m)
    X, y = load_edge_detection(lines="rows")
    quadratic = LossLandscape("spin-perceptron", None, X, y, loss="squared")
    spy = SpySampler()
    qubo = AnnealingSearch(backend=spy, shots=10, sample_options={"num_sweeps": 5}, random_state=0).minimize(quadratic)
    assert qubo.info["encoding"] == "qubo"
    assert counted(qubo.ledger) == anneal_costs(quadratic, spy, qubo, sweeps=5, compile_evaluations=0)


def test_annealing_qpu_seconds_are_what_the_sampler_billed(lines):
    spy = SpySampler(qpu_access_us=1500.0)
    res = AnnealingSearch(backend=spy, shots=10, sample_options={"num_sweeps": 5}, penalty="bound", random_state=0).minimize(lines)
    assert res.ledger.qpu_time_s == pytest.approx(1500e-6 * len(spy.calls))


# -- block search -----------------------------------------------------------------------------------
def recording(cls):
    """A subclass of optimizer ``cls`` whose every result lands in its class attribute ``results``
    (BlockSearch clones its inner optimizer, so the record must live on the class)."""

    class Recording(cls):
        results: ClassVar[list] = []

        def minimize(self, problem):
            res = super().minimize(problem)
            type(self).results.append(res)
            return res

    Recording.results = []
    Recording.__name__ = Recording.__qualname__ = f"Recording{cls.__name__}"
    return Recording


def summed(results) -> dict[str, int]:
    return {name: sum(getattr(r.ledger, name) for r in results) for name in LEDGER_FIELDS}


@pytest.mark.parametrize("order,restarts", [("cyclic", 0), ("random", 1), ("impact", 0)])
def test_block_search_ledger_is_its_inner_searches_plus_its_own_checks(order, restarts):
    table = random_table(12, 4)
    inner = recording(GroverAdaptiveSearch)(shots=2)
    res = BlockSearch(inner=inner, block_size=4, order=order, restarts=restarts, max_sweeps=3,
                      random_state=0).minimize(table)
    inner_results = type(inner).results
    # every block of every sweep was searched, but those skipped as settled and unchanged
    assert len(inner_results) == res.info["block_steps"] \
        == sum(s["blocks"] - s["skipped_blocks"] for s in res.info["sweeps"])
    expected = summed(inner_results)
    # its own checks: each start, the final re-check, and (impact) n single-bit flips per sweep
    own = (1 + restarts) + 1 + (12 * len(res.info["sweeps"]) if order == "impact" else 0)
    expected["model_evaluations"] += own
    assert counted(res.ledger) == expected
    # the per-sweep report is the ledger at the end of that sweep
    assert res.info["sweeps"][-1]["oracle_queries"] <= res.ledger.oracle_queries


def test_block_search_counts_evaluation_cost_per_own_check(lines):
    inner = recording(ExhaustiveSearch)()
    res = BlockSearch(inner=inner, block_size=3, order="impact", max_sweeps=2, random_state=1).minimize(lines)
    m, n = lines.n_samples, lines.n_qubits
    blocks = [r for r in type(inner).results]
    # exhaustive inner searches over blocks of 3, 3 and 2 bits: 2**b x m each
    assert sorted({r.ledger.model_evaluations // m for r in blocks}) == [4, 8]
    own = m * (1 + 1 + n * len(res.info["sweeps"]))
    assert counted(res.ledger) == {**summed(blocks), "model_evaluations": summed(blocks)["model_evaluations"] + own}


def test_block_search_with_annealing_inside_adds_reads_and_compile_costs(lines):
    inner = recording(AnnealingSearch)(shots=5, sample_options={"num_sweeps": 5}, penalty="bound")
    res = BlockSearch(inner=inner, block_size=4, order="cyclic", max_sweeps=2, random_state=2).minimize(lines)
    blocks = type(inner).results
    m = lines.n_samples
    assert all(r.ledger.compile_evaluations == 16 * m for r in blocks)  # each block's 2**4 table
    expected = summed(blocks)
    expected["model_evaluations"] += 2 * m
    assert counted(res.ledger) == expected


# -- classical references ----------------------------------------------------------------------------
def test_exhaustive_search_pays_two_to_the_n_times_m(lines):
    res = ExhaustiveSearch().minimize(lines)
    assert counted(res.ledger) == zero_except(model_evaluations=2**lines.n_qubits * lines.n_samples)
    res = ExhaustiveSearch().minimize(random_table(7, 1))
    assert counted(res.ledger) == zero_except(model_evaluations=2**7)


def test_random_search_pays_each_draw(lines):
    res = RandomSearch(random_state=0).minimize(lines)
    assert counted(res.ledger) == zero_except(model_evaluations=16 * lines.n_samples)  # ceil(sqrt(2**8)) draws
    res = RandomSearch(max_queries=1500, random_state=0).minimize(random_table(12, 0))
    assert counted(res.ledger) == zero_except(model_evaluations=1500)  # two batches: 1024 + 476


def test_random_search_with_a_target_pays_up_to_the_first_hit_across_batches():
    table = random_table(12, 2)
    target = 1.0  # two settings reach it
    seed = 1
    # replay the draws: batches of 1024 bit strings from the same generator
    rng = np.random.default_rng(seed)
    drawn, first_hit = 0, None
    while first_hit is None:
        bits = rng.integers(0, 2, size=(1024, 12), dtype=np.uint8)
        idx = (bits.astype(np.int64) << np.arange(12)).sum(axis=1)
        hits = np.flatnonzero(table[idx] <= target)
        first_hit = drawn + int(hits[0]) + 1 if hits.size else None
        drawn += 1024
    assert first_hit > 2048  # the hit lies in the third batch: every batch counts
    res = RandomSearch(max_queries=10_000, target_loss=target, random_state=seed).minimize(table)
    assert res.info["stop_reason"] == "target_loss" and res.info["evaluations"] == first_hit
    assert counted(res.ledger) == zero_except(model_evaluations=first_hit)


# -- the ledger itself ------------------------------------------------------------------------------
def test_ledger_charge_samples_adds_each_field_once():
    led = CostLedger()
    led.charge_samples(Samples(np.zeros(5, dtype=np.int64), 5, circuit_executions=2, device_time_s=0.5), 3)
    led.charge_samples(Samples(np.zeros(2, dtype=np.int64), 2), 0)
    assert counted(led) == zero_except(oracle_queries=15, grover_iterations=3, shots=7, circuit_executions=3)
    assert led.qpu_time_s == 0.5
    assert led.latest == {"oracle_queries": 0, "grover_iterations": 0, "shots": 2, "circuit_executions": 1,
                          "qpu_time_s": 0.0}
    led.charge_samples(Samples(np.zeros(1, dtype=np.int64), 1, device_time_s=None), 1)
    assert led.qpu_time_s is None
    led.charge_samples(Samples(np.zeros(1, dtype=np.int64), 1, device_time_s=2.0), 1)
    assert led.qpu_time_s is None  # unknown stays unknown
    with pytest.raises(ValueError, match="non-negative"):
        led.charge_samples(Samples(np.zeros(1, dtype=np.int64), 1), -1)
    with pytest.raises(ValueError, match="non-negative"):
        led.charge_samples(Samples(np.zeros(1, dtype=np.int64), 1, circuit_executions=-1), 1)


def test_ledger_update_and_charge_evaluations_validate_and_add():
    led = CostLedger()
    led.update(model_evaluations=4, compile_evaluations=8.0, qpu_time_s=0.25)
    led.charge_evaluations(6)
    assert counted(led) == zero_except(model_evaluations=10, compile_evaluations=8)
    assert led.latest == {"model_evaluations": 6}
    assert led.total_model_evaluations == 18 and led.qpu_time_s == 0.25
    led.update(qpu_time_s=0.5)
    assert led.qpu_time_s == 0.75
    led.update(oracle_queries=0)
    assert led.latest == {"oracle_queries": 0}
    for bad, match in ((dict(shots=-1), "non-negative"), (dict(shots=1.5), "whole numbers"),
                       (dict(shots=None), None), (dict(queries=1), "unknown ledger field"),
                       (dict(qpu_time_s=-1.0), "non-negative")):
        with pytest.raises((ValueError, TypeError), match=match):
            led.update(**bad)
    with pytest.raises(ValueError, match="non-negative"):
        led.charge_evaluations(-2)
    assert counted(led) == zero_except(model_evaluations=10, compile_evaluations=8)
    led.update(qpu_time_s=None)
    led.update(qpu_time_s=1.0)
    assert led.qpu_time_s is None


def test_ledger_record_snapshots_totals_and_calls_back():
    seen = []
    led = CostLedger(callback=seen.append)
    led.update(shots=2, annealer_reads=3)
    snap = led.record(0.5, stage="x")
    assert snap == {**zero_except(shots=2, annealer_reads=3), "qpu_time_s": 0.0, "wall_time_s": snap["wall_time_s"],
                    "best_loss": 0.5, "stage": "x"}
    assert seen == [snap] and led.history == [snap]
    led.start()
    led.stop()
    frozen = led.wall_time_s
    assert frozen >= 0 and led.elapsed() == frozen and led.totals()["wall_time_s"] == frozen
    assert "shots=2" in repr(led)


def test_a_fresh_ledger_is_all_zero_and_empty():
    led = CostLedger()
    assert counted(led) == zero_except() and led.qpu_time_s == 0.0 and led.wall_time_s == 0.0
    assert led.latest == {} and led.history == [] and led.totals()["wall_time_s"] == 0.0


def test_ledger_accepts_zero_costs_a_backend_may_report():
    """An empty measurement (0 shots, 0 executions) and an empty check charge nothing and are valid."""
    led = CostLedger()
    led.charge_samples(Samples(np.zeros(0, dtype=np.int64), 0, circuit_executions=0), 4)
    led.charge_evaluations(0)
    assert counted(led) == zero_except(grover_iterations=4)
    assert led.latest == {"model_evaluations": 0}


def test_ledger_latest_holds_the_last_charge():
    led = CostLedger()
    led.charge_samples(Samples(np.zeros(5, dtype=np.int64), 5, circuit_executions=2, device_time_s=0.5), 3)
    assert led.latest == {"oracle_queries": 15, "grover_iterations": 3, "shots": 5, "circuit_executions": 2,
                          "qpu_time_s": 0.5}


def test_unknown_device_time_does_not_stop_the_other_counts_of_one_update():
    led = CostLedger()
    led.update(qpu_time_s=None, annealer_reads=3, annealer_sweeps=30)
    assert led.qpu_time_s is None and counted(led) == zero_except(annealer_reads=3, annealer_sweeps=30)


def test_the_wall_clock_runs_between_start_and_stop():
    import time

    led = CostLedger()
    led.start()
    time.sleep(0.01)
    running = led.elapsed()
    assert 0.005 < running < 60.0 and led.totals()["wall_time_s"] >= running
    led.stop()
    assert running <= led.wall_time_s < 60.0 and led.elapsed() == led.wall_time_s


def test_ledger_repr_prints_counts_whole_and_seconds_to_three_digits():
    led = CostLedger()
    led.update(oracle_queries=12345, qpu_time_s=0.123456)
    assert repr(led) == (
        "CostLedger(oracle_queries=12345, grover_iterations=0, shots=0, circuit_executions=0, "
        "model_evaluations=0, annealer_reads=0, annealer_sweeps=0, compile_evaluations=0, "
        "qpu_time_s=0.123, wall_time_s=0)"
    )


# -- search decisions the mutation run found untested (docs/mutation.md) ---------------------------------
def test_bbht_schedule_starts_at_zero_rounds_and_never_passes_sqrt_n():
    """confidence=None: the first round draws k from {0} (range 1), later k stay below ceil(sqrt N),
    and the range does grow to that cap over a long run."""
    table = np.random.default_rng(3).permutation(1 << 10).astype(float)
    ks = []
    for seed in range(6):
        spy = SpyStatevector()
        GroverAdaptiveSearch(backend=spy, confidence=None, max_queries=4000, random_state=seed).minimize(table)
        assert spy.requests[0].iterations == 0
        ks += [r.iterations for r in spy.requests]
    assert max(ks) <= 31  # ceil(sqrt(1024)) - 1
    assert max(ks) >= 24  # the range reached the cap's region (a smaller cap would stop far below)


def test_first_guess_is_a_uniform_setting_including_index_zero():
    table = np.array([0.0, 1.0])
    first = {GroverAdaptiveSearch(confidence=None, max_queries=1, random_state=s).minimize(table).history[0]["best_loss"]
             for s in range(20)}
    assert first == {0.0, 1.0}


def test_a_first_guess_that_is_never_improved_was_found_at_zero_queries():
    res = GroverAdaptiveSearch(random_state=0).minimize(np.full(16, 2.0))  # nothing to improve
    assert res.info["improvements"] == 0 and res.info["queries_at_best"] == 0


def test_patience_counts_rounds_without_improvement_exactly():
    spy = SpyStatevector()
    res = GroverAdaptiveSearch(backend=spy, patience=2, random_state=0).minimize(np.full(64, 1.0))
    assert res.info["stop_reason"] == "patience" and res.info["rounds"] == 2 == len(spy.requests)


def test_a_search_stopped_by_its_budget_spent_all_of_it():
    """Small budgets, many seeds: a budget stop means queries == budget (the last round is cut to fit)."""
    table = np.random.default_rng(5).permutation(64).astype(float)
    for budget in range(2, 14):
        for seed in range(4):
            for conf in (None, 0.99):
                res = GroverAdaptiveSearch(confidence=conf, max_queries=budget, random_state=seed).minimize(table)
                if res.info["stop_reason"] == "budget":
                    assert res.ledger.oracle_queries == budget, (budget, seed, conf)


def test_patience_restarts_its_count_at_every_improvement():
    """After the last improvement, exactly `patience` rounds without one: the count restarts at 0."""
    table = np.random.default_rng(11).permutation(256).astype(float)
    checked = 0
    for seed in range(8):
        res = GroverAdaptiveSearch(patience=4, confidence=None, random_state=seed).minimize(table)
        if res.info["stop_reason"] != "patience" or res.info["improvements"] == 0:
            continue
        last_improvement = max(h["circuit_executions"] for h in res.history[:-1])  # the round that improved
        assert res.info["rounds"] - last_improvement == 4
        checked += 1
    assert checked >= 2


def test_reaching_the_target_loss_never_warns_without_a_marked_count(lines):
    """A search stopped at target_loss did what it was asked: no 'may have missed' warning."""
    target = float(np.sort(lines.table())[40])  # easy to reach, far from sure that nothing is below
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = GroverAdaptiveSearch(backend=DuckSpy(), target_loss=target, random_state=0).minimize(lines)  # no count
    assert res.info["stop_reason"] == "target_loss" and res.info["p_remaining"] >= 0.01
