"""The counting oracle on weighted and penalised landscapes, and on every loss of a Boolean model.

Marks are checked against the closed form ``loss < t`` (the landscape's own table) on Aer
statevectors, in the hardware form (ancilla, full counter) and the simulator form (phase, narrow).
"""

import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape  # noqa: E402
from quark.encoding.oracles import choose_threshold_oracle, counting_oracle  # noqa: E402
from quark.optimizers import GroverAdaptiveSearch  # noqa: E402

FORMS = [("ancilla", False), ("phase", True)]


def _thresholds(table):
    u = np.unique(table)
    return [float(u[0]) - 1.0, *map(float, u[:5]), float(u[len(u) // 2]), float(np.mean(u[:2])), float(u[-1]) + 1.0]


def _mnist():
    return load_tiny_mnist(size=2, dedupe=True)


EXACT = {
    "integer-weights": lambda X, y: {"sample_weight": np.random.default_rng(0).integers(1, 5, len(y))},
    "balanced-fractions": lambda X, y: {  # class_weight="balanced": m / (2 m_c), fractions like 4/3
        "sample_weight": np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))},
    "ridge": lambda X, y: {"alpha": 0.05},
    "weights-and-ridge": lambda X, y: {"sample_weight": np.arange(1, len(y) + 1) % 3 + 1, "alpha": 0.03},
    "hinge-ridge": lambda X, y: {"loss": "hinge", "alpha": 0.02},
    "squared": lambda X, y: {"loss": "squared"},
}


@pytest.mark.parametrize("name", sorted(EXACT))
@pytest.mark.parametrize("form,narrow", FORMS)
def test_weighted_and_penalised_marks_are_exactly_loss_below_threshold(name, form, narrow, oracle_marks):
    X, y = _mnist()
    land = LossLandscape("perceptron", None, X, y, **EXACT[name](X, y))
    orc = counting_oracle(land, form=form, narrow=narrow)
    assert orc.info["exact"] and orc.error_bound == 0.0
    table = land.table()
    thresholds = _thresholds(table)
    for t, marked in zip(thresholds, oracle_marks(orc, thresholds)):
        np.testing.assert_array_equal(marked, table < t, err_msg=f"threshold {t}")


@pytest.mark.parametrize("form,narrow", FORMS)
def test_real_sample_weights_round_within_the_stated_bound(form, narrow, oracle_marks):
    X, y = _mnist()
    sw = np.random.default_rng(1).random(len(y)) + 0.05
    land = LossLandscape("perceptron", None, X, y, sample_weight=sw, alpha=0.01)
    orc = counting_oracle(land, form=form, narrow=narrow)
    assert not orc.info["exact"] and 0.0 < orc.error_bound < 0.01
    fine = counting_oracle(land, form=form, narrow=narrow, bits=orc.info["counter_qubits"] + 4)
    assert fine.error_bound < orc.error_bound
    table = land.table()
    thresholds = _thresholds(table)
    for t, marked in zip(thresholds, oracle_marks(orc, thresholds)):
        differ = marked != (table < t)
        assert np.all(np.abs(table[differ] - t) <= orc.error_bound + 1e-12)


def test_auto_runs_counting_for_weighted_penalised_and_hinge_landscapes():
    X, y = load_edge_detection(size=2)
    for options in ({"sample_weight": np.arange(len(y)) % 2 + 1}, {"alpha": 0.1}, {"loss": "hinge"}):
        assert choose_threshold_oracle(LossLandscape("line-detector", None, X, y, **options)).kind == "counting"


def test_grover_on_aer_reaches_the_weighted_optimum():
    X, y = _mnist()
    sw = np.random.default_rng(2).integers(1, 6, len(y))
    land = LossLandscape("perceptron", None, X, y, sample_weight=sw, alpha=0.02)
    best = land.table().min()
    hits = 0
    for seed in range(4):
        res = GroverAdaptiveSearch(backend="aer", backend_options={"aer_options": {"max_parallel_threads": 1}},
                                   random_state=seed).minimize(land)
        assert res.info["oracle"] == "counting" and res.info["oracle_error_bound"] == 0.0
        hits += abs(res.loss - best) < 1e-12
    assert hits >= 3
