"""Exact ledgers of the baselines: circuits, shots, model evaluations and annealer reads, to the unit.

The sampled variational baselines are checked against a spy *inside* the counting sampler (what
the simulator actually ran), the noiseless ceiling against an independent count of its loss and
gradient evaluations, the classical baselines against their own iteration counts, and QBoost
against a spy on its annealer.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.primitives import BaseSamplerV2, PrimitiveJob, StatevectorSampler
from qiskit.primitives.containers.sampler_pub import SamplerPub

from quark.baselines import LogisticBaseline, QBoostClassifier, TorchClassifierBaseline, VQCBaseline
from quark.baselines import vqc as vqc_module
from quark.baselines.counting import CountingSampler, make_aer_sampler
from quark.optimizers import LEDGER_FIELDS, CostLedger

X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y4 = np.array([0, 0, 1, 1])


def counted(ledger: CostLedger) -> dict[str, int]:
    return {name: getattr(ledger, name) for name in LEDGER_FIELDS}


def zero_except(**fields: int) -> dict[str, int]:
    return {name: fields.get(name, 0) for name in LEDGER_FIELDS}


# -- a spy inside the counting sampler ---------------------------------------------------------------
def bindings(pub: SamplerPub) -> int:
    """Parameter bindings of a pub: one circuit execution each."""
    return int(np.prod(pub.parameter_values.shape, dtype=np.int64))


class SpyInnerSampler(BaseSamplerV2):
    """The sampler that really runs the circuits, recording every pub it ran.

    ``shot_cap`` runs at most that many shots per pub whatever was asked (as a device with a
    shot limit would): the ledger must count what ran, not what was requested.
    """

    def __init__(self, inner: BaseSamplerV2 | None = None, shot_cap: int | None = None) -> None:
        self.inner = inner if inner is not None else StatevectorSampler(seed=0)
        self.shot_cap = shot_cap
        self.ran: list[SamplerPub] = []
        self.calls = 0

    def run(self, pubs, *, shots: int | None = None):
        coerced = [SamplerPub.coerce(p, shots) for p in pubs]
        if self.shot_cap is not None:
            coerced = [SamplerPub(p.circuit, p.parameter_values, min(p.shots, self.shot_cap)) for p in coerced]
        self.calls += 1
        self.ran.extend(coerced)
        return self.inner.run(coerced)

    def executions(self) -> int:
        return sum(bindings(p) for p in self.ran)

    def shots(self) -> int:
        return sum(bindings(p) * p.shots for p in self.ran)


def _circuit(n_qubits: int = 2, name: str = "c") -> QuantumCircuit:
    t = Parameter("t")
    qc = QuantumCircuit(n_qubits, name=name)
    qc.ry(t, 0)
    for q in range(1, n_qubits):
        qc.cx(0, q)
    qc.measure_all()
    return qc


@pytest.mark.parametrize("merge", [True, False])
def test_counting_sampler_counts_every_binding_and_shot_that_ran(merge):
    a, b = _circuit(2, "a"), _circuit(3, "b")
    spy = SpyInnerSampler()
    s = CountingSampler(spy, default_shots=50, merge=merge)
    s.run([(a, [0.3]), (a, np.zeros((2, 3, 1))), (a, [1.0], 7), (b, np.ones((4, 1))), (b, [0.0], 7)]).result()
    s.run([(a, np.zeros((5, 1))), (b, [0.2])], shots=11).result()
    # the caller's pubs: 1 + 6 + 1 + 4 + 1 bindings, then 5 + 1 at 11 shots
    assert counted(s.ledger) == zero_except(circuit_executions=1 + 6 + 1 + 4 + 1 + 5 + 1,
                                            shots=50 + 6 * 50 + 7 + 4 * 50 + 7 + 6 * 11)
    assert counted(s.ledger) == zero_except(circuit_executions=spy.executions(), shots=spy.shots())
    assert (s.pubs, s.jobs, spy.calls) == (7, 2, 2)
    # merging packs pubs of one circuit and one shot count into one: fewer pubs, the same executions
    assert len(spy.ran) == (4 + 2 if merge else 7)  # groups (a, 50) (a, 7) (b, 50) (b, 7); (a, 11) (b, 11)


def test_counting_sampler_counts_the_shots_that_ran_not_those_asked():
    spy = SpyInnerSampler(shot_cap=5)
    s = CountingSampler(spy, default_shots=50)
    res = s.run([(_circuit(), np.zeros((3, 1)))]).result()
    assert res[0].data.meas.num_shots == 5
    assert counted(s.ledger) == zero_except(circuit_executions=3, shots=15)


def test_counting_sampler_adds_to_a_given_ledger():
    led = CostLedger()
    led.update(oracle_queries=4, shots=1)
    s = CountingSampler(SpyInnerSampler(), ledger=led, default_shots=10)
    s.run([(_circuit(), [0.0])]).result()
    assert s.ledger is led and counted(led) == zero_except(oracle_queries=4, shots=11, circuit_executions=1)


# -- VQC ----------------------------------------------------------------------------------------------
@pytest.fixture
def vqc_spies(monkeypatch) -> list[SpyInnerSampler]:
    """Every CountingSampler the VQC baseline builds runs its circuits on a recording Aer sampler."""
    spies: list[SpyInnerSampler] = []

    def spied(sampler=None, **kwargs: Any) -> CountingSampler:
        spy = SpyInnerSampler(make_aer_sampler(kwargs["default_shots"], kwargs.get("seed")))
        spies.append(spy)
        return CountingSampler(spy, **kwargs)

    monkeypatch.setattr(vqc_module, "CountingSampler", spied)
    return spies


def n_params(reps: int, n_features: int) -> int:
    """real_amplitudes: one RY per qubit per layer, reps + 1 layers."""
    return n_features * (reps + 1)


@pytest.mark.parametrize("maxiter", [1, 3])
def test_vqc_adam_pays_a_forward_pass_and_two_shifts_per_weight_per_sample_per_step(vqc_spies, maxiter):
    pytest.importorskip("qiskit_machine_learning")
    m, P, shots = len(y4), n_params(1, 2), 8
    b = VQCBaseline("adam", reps=1, maxiter=maxiter, shots=shots, random_state=1).fit(X4, y4)
    (spy,) = vqc_spies
    led = b.result_.ledger
    assert counted(led) == zero_except(circuit_executions=spy.executions(), shots=spy.shots())
    # qiskit-machine-learning's ADAM: a gradient per step (forward m + parameter shifts 2 P m), then
    # the final loss (m)
    assert led.circuit_executions == maxiter * (m + 2 * P * m) + m
    assert led.shots == shots * led.circuit_executions


@pytest.mark.parametrize("trainer", ["spsa", "cobyla"])
def test_vqc_gradient_free_trainers_pay_m_circuits_per_loss_evaluation(vqc_spies, trainer):
    pytest.importorskip("qiskit_machine_learning")
    m, shots = len(y4), 8
    b = VQCBaseline(trainer, reps=1, maxiter=3, shots=shots, random_state=1).fit(X4, y4)
    (spy,) = vqc_spies
    led = b.result_.ledger
    assert counted(led) == zero_except(circuit_executions=spy.executions(), shots=spy.shots())
    evaluations = 2 * 3 + 1 if trainer == "spsa" else b.result_.info["nfev"]  # SPSA: two per step + final
    assert led.circuit_executions == evaluations * m and led.shots == shots * evaluations * m


class CountedExact(VQCBaseline):
    """The noiseless ceiling with its loss-and-gradient calls counted independently."""

    calls: ClassVar[list[int]] = []

    def _exact_loss_grad(self, X, y, w):
        type(self).calls.append(int(X.shape[0]))
        return super()._exact_loss_grad(X, y, w)


@pytest.mark.parametrize("reps,X,y", [(1, X4, y4), (2, np.array([[0, 0, 1], [1, 1, 0], [1, 0, 1]]), np.array([0, 1, 1]))])
def test_vqc_exact_ceiling_pays_2p_plus_1_circuits_per_sample_per_evaluation(reps, X, y):
    CountedExact.calls = []
    b = CountedExact("exact", reps=reps, maxiter=5, random_state=0).fit(X, y)
    m, P = len(y), n_params(reps, X.shape[1])
    assert b.ansatz_.num_parameters == P
    evaluations = len(CountedExact.calls)
    assert evaluations == b.result_.info["nfev"] >= 2
    # the unshifted circuit and two shifts per weight, on every sample, per evaluation; no shots
    assert counted(b.result_.ledger) == zero_except(circuit_executions=evaluations * (2 * P + 1) * m)


# -- classical baselines ---------------------------------------------------------------------------
def test_logistic_pays_iterations_times_samples():
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 3, dtype=float)
    y = np.array([0, 1, 1, 1] * 3)
    b = LogisticBaseline(C=100.0, max_iter=200).fit(X, y)
    n_iter = int(LogisticRegression(C=100.0, max_iter=200).fit(X.astype(np.float32), y).n_iter_.max())
    assert n_iter > 1
    assert counted(b.result_.ledger) == zero_except(model_evaluations=n_iter * len(y))


def test_torch_pays_epochs_times_samples():
    pytest.importorskip("torch")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 3)
    y = np.array([0, 1, 1, 1] * 3)
    b = TorchClassifierBaseline(0, epochs=7, random_state=0).fit(X, y)
    assert counted(b.result_.ledger) == zero_except(model_evaluations=7 * len(y))
    assert [h["model_evaluations"] for h in b.result_.history] == [len(y) * e for e in range(8)]


# -- QBoost ---------------------------------------------------------------------------------------
@pytest.fixture
def annealer_calls(monkeypatch) -> list[tuple[dict, Any]]:
    """Every simulated-annealing call QBoost makes, with its keyword arguments and sample set."""
    import dwave.samplers

    calls: list[tuple[dict, Any]] = []
    real = dwave.samplers.SimulatedAnnealingSampler

    class Spy(real):
        def sample(self, bqm, **kwargs):
            ss = super().sample(bqm, **kwargs)
            calls.append((dict(kwargs), ss))
            return ss

    monkeypatch.setattr(dwave.samplers, "SimulatedAnnealingSampler", Spy)
    return calls


@pytest.mark.parametrize("multi_class,classes,problems", [("ovr", (0, 1), 1), ("ovr", (0, 1, 2), 3),
                                                           ("ovo", (0, 1, 2, 3), 6)])
def test_qboost_pays_reads_per_penalty_per_problem(annealer_calls, multi_class, classes, problems):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, classes)
    X, y = X[keep][:150], y[keep][:150]
    lambdas, reads = [0.0, 0.01, 0.05], 6
    clf = QBoostClassifier(multi_class=multi_class, reads=reads, lambdas=lambdas).fit(X, y)
    assert len(clf.models_) == problems
    assert len(annealer_calls) == problems * len(lambdas)
    assert all(kw["num_reads"] == reads for kw, _ in annealer_calls)
    ran = [int(ss.record.num_occurrences.sum()) for _, ss in annealer_calls]
    assert ran == [reads] * len(annealer_calls)
    # per problem: the 60/40 split; each QUBO is built from the training part (one pass over it),
    # the stumps answer every sample once, and each penalty's selection is scored on the held-out part
    C = np.unique(y)
    if len(C) == 2:
        rows = [np.ones(len(y), bool)]
    elif multi_class == "ovr":
        rows = [np.ones(len(y), bool)] * len(C)
    else:
        rows = [np.isin(y, [C[i], C[j]]) for i in range(len(C)) for j in range(i + 1, len(C))]
    sizes = [train_test_split(np.arange(r.sum()), test_size=0.4, random_state=0) for r in rows]
    train = sum(len(a) for a, _ in sizes)
    held = sum(len(v) for _, v in sizes)
    assert counted(clf.ledger_) == zero_except(
        annealer_reads=reads * len(lambdas) * problems,
        annealer_sweeps=1000 * reads * len(lambdas) * problems,  # dwave-samplers' default 1000 sweeps a read
        compile_evaluations=len(lambdas) * train,
        model_evaluations=train + held + len(lambdas) * held,
    )
