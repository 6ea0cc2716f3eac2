"""VQCBaseline: shots counted from Aer, exact ceiling, validation."""

import numpy as np
import pytest

from quark.baselines import VQCBaseline

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y = np.array([0, 0, 1, 1])


def test_exact_ceiling_learns_a_separable_task_without_shots():
    b = VQCBaseline("exact", reps=1, maxiter=100, random_state=0).fit(X, y)
    assert b.score(X, y) == 1.0
    assert b.result_.ledger.shots == 0 and b.result_.ledger.circuit_executions > 0
    assert b.result_.weights.shape == (4,)


@pytest.mark.parametrize("trainer", ["adam", "spsa", "cobyla"])
def test_sampled_trainers_count_every_shot(trainer):
    pytest.importorskip("qiskit_machine_learning")
    b = VQCBaseline(trainer, reps=1, maxiter=3, shots=32, random_state=1).fit(X, y)
    led = b.result_.ledger
    assert led.circuit_executions > 0
    assert led.shots == 32 * led.circuit_executions       # every execution ran 32 shots
    if trainer == "adam":
        # per gradient: forward (m) + two shifts per weight per sample (2 * 4 * m), m = 4
        assert led.circuit_executions >= 3 * (4 + 2 * 4 * 4)
    costs = [h["shots"] for h in b.result_.history]
    assert costs == sorted(costs) and "accuracy" in b.result_.history[-1]
    assert 0.0 <= b.result_.info["start_accuracy"] <= 1.0


def test_same_seed_same_run():
    pytest.importorskip("qiskit_machine_learning")
    a = VQCBaseline("spsa", reps=1, maxiter=3, shots=16, random_state=4).fit(X, y).result_
    b = VQCBaseline("spsa", reps=1, maxiter=3, shots=16, random_state=4).fit(X, y).result_
    np.testing.assert_allclose(a.weights, b.weights)


def test_initializations():
    b = VQCBaseline("exact", init="library", maxiter=1, random_state=0).fit(X, y)
    w0 = b.result_.info["initial_point"]
    assert ((0 <= w0) & (w0 < 1)).all()
    w0 = VQCBaseline("exact", init="uniform", maxiter=1, random_state=0).fit(X, y).result_.info["initial_point"]
    assert w0.max() > 1.0 and ((0 <= w0) & (w0 < 2 * np.pi)).all()


@pytest.mark.parametrize("kw,match", [({"trainer": "sgd"}, "trainer"), ({"readout": "all"}, "readout"),
                                      ({"shots": 0}, "shots"), ({"init": "zeros"}, "init")])
def test_bad_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        VQCBaseline(**kw).fit(X, y)


def test_non_binary_features_rejected():
    with pytest.raises(ValueError, match="0/1"):
        VQCBaseline("exact").fit(X * 0.5, y)
