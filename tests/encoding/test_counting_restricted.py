"""The counting oracle on restrictions of a landscape (a block search's inner problems).

Marks are checked against the closed form ``restricted loss < t`` (the restriction's own loss
table) on Aer statevectors, in the hardware form (ancilla, full counter) and the simulator form
(phase, narrow): frozen polarity 0 and 1, a free polarity, blocks of one bit, nested restrictions,
and the whole register (the unrestricted oracle's circuit).
"""

import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape  # noqa: E402
from quark.encoding.oracles import choose_threshold_oracle, counting_applies, counting_oracle  # noqa: E402
from quark.encoding.oracles._counted import counted_register  # noqa: E402

FORMS = [("ancilla", False), ("phase", True)]


def _thresholds(table):
    u = np.unique(table)
    return [float(u[0]) - 1.0, *map(float, u[:4]), float(np.mean(u[:2])), float(u[-1]), float(u[-1]) + 1.0]


@pytest.fixture(scope="module")
def weighted():
    """Tiny-MNIST 3x3 (39 distinct images, 10 weight qubits), integer sample weights and a ridge penalty."""
    X, y = load_tiny_mnist(size=3, dedupe=True)
    sw = np.random.default_rng(0).integers(1, 4, len(y))
    return LossLandscape("perceptron", None, X, y, sample_weight=sw, alpha=0.05)


def _check(sub, form, narrow, oracle_marks):
    orc = counting_oracle(sub, form=form, narrow=narrow)
    assert orc.n_weights == sub.n_qubits and orc.info["weight_qubits"] == sub.n_qubits
    assert orc.info["exact"] and orc.error_bound == 0.0
    table = sub.table()
    thresholds = _thresholds(table)
    for t, marked in zip(thresholds, oracle_marks(orc, thresholds)):
        np.testing.assert_array_equal(marked, table < t, err_msg=f"threshold {t}")
    return orc


# the polarity is weight 9: frozen at 0, at 1, or free; blocks in the middle, of one bit, out of order
BLOCKS = {"middle": [3, 4, 5, 6], "with-polarity": [7, 8, 9], "one-gate": [4], "polarity-only": [9],
          "unordered": [6, 2, 9, 0]}


@pytest.mark.parametrize("block", sorted(BLOCKS))
@pytest.mark.parametrize("form,narrow", FORMS)
def test_restricted_marks_are_exactly_restricted_loss_below_threshold(weighted, block, form, narrow, oracle_marks):
    rng = np.random.default_rng(len(block) * 7 + 1)
    for polarity in (0, 1):
        base = rng.integers(0, 2, weighted.n_qubits).astype(np.uint8)
        base[9] = polarity
        orc = _check(weighted.restrict(BLOCKS[block], base), form, narrow, oracle_marks)
        assert orc.info["frozen_qubits"] == weighted.n_qubits - len(BLOCKS[block])


def test_frozen_weights_force_samples_and_the_penalty_keeps_its_constant(weighted):
    base = np.zeros(weighted.n_qubits, dtype=np.uint8)
    base[[0, 8]] = 1
    reg = counted_register(weighted.restrict([3, 4, 5, 6], base))
    u = np.asarray(weighted.X)[:, [0, 8]].any(axis=1)
    assert reg.forced == int(u.sum()) > 0 and reg.u.shape == (len(u) - reg.forced, 4)  # frozen polarity 0
    assert reg.form.polarity is None and reg.qubits == (0, 1, 2, 3)
    # (T / f) * alpha * (w_0 + w_8): the frozen weights' ridge terms are a constant of the register
    assert reg.penalty[()] == pytest.approx(reg.total * 0.05 * 2)


@pytest.mark.parametrize("form,narrow", FORMS)
def test_every_bit_free_is_the_unrestricted_oracle(weighted, form, narrow):
    base = np.random.default_rng(3).integers(0, 2, weighted.n_qubits)
    whole = counting_oracle(weighted, form=form, narrow=narrow)
    sub = counting_oracle(weighted.restrict(np.arange(weighted.n_qubits), base), form=form, narrow=narrow)
    table = weighted.table()
    for t in _thresholds(table):
        assert sub.threshold_value(t) == whole.threshold_value(t)
        assert sub.bound(t) == whole.bound(t)  # the same gates on the same qubits


@pytest.mark.parametrize("form,narrow", FORMS)
def test_no_polarity_hinge_and_nested_restrictions(form, narrow, oracle_marks):
    X, y = load_edge_detection(size=3)
    land = LossLandscape("line-detector", None, X[::8], y[::8], loss="hinge", alpha=0.05)  # 8 weights, no polarity
    base = np.array([1, 0, 1, 0, 0, 1, 0, 1], dtype=np.uint8)
    _check(land.restrict([1, 3, 4, 6], base), form, narrow, oracle_marks)
    outer = land.restrict([0, 1, 3, 4, 6, 7], base)
    inner = outer.restrict([4, 1, 2], np.array([1, 1, 0, 1, 0, 0], dtype=np.uint8))  # bits 6, 1, 3 of the landscape
    _check(inner, form, narrow, oracle_marks)


@pytest.mark.parametrize("compact", [False, True])
def test_every_block_of_a_landscape_has_the_same_qubits(compact):
    # the widest shape is the landscape's counter: a classifier sizes its blocks from one of them
    # (max_qubits), so none may need more; balanced weights' fractions scale differently per block
    X, y = load_tiny_mnist(size=3, dedupe=True)
    balanced = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    rng = np.random.default_rng(4)
    for options in ({}, {"sample_weight": balanced, "alpha": 0.05}):
        land = LossLandscape("perceptron", None, X, y, **options)
        whole = choose_threshold_oracle(land, compact=compact).info["counter_qubits"]
        for _ in range(12):
            sub = land.restrict(rng.choice(10, 3, replace=False), rng.integers(0, 2, 10))
            orc = choose_threshold_oracle(sub, compact=compact)
            assert orc.info["exact"] and orc.info["counter_qubits"] == whole
            assert all(orc.at(t)[0].num_qubits <= orc.circuit.num_qubits for t in _thresholds(sub.table()))


def test_real_sample_weights_round_within_the_stated_bound(oracle_marks):
    X, y = load_tiny_mnist(size=3, dedupe=True)
    land = LossLandscape("perceptron", None, X, y, sample_weight=np.random.default_rng(1).random(len(y)) + 0.05)
    sub = land.restrict([2, 5, 9], np.random.default_rng(2).integers(0, 2, land.n_qubits))
    orc = counting_oracle(sub, form="phase", narrow=True)
    assert not orc.info["exact"] and 0.0 < orc.error_bound < 0.01
    table = sub.table()
    thresholds = _thresholds(table)
    for t, marked in zip(thresholds, oracle_marks(orc, thresholds)):
        differ = marked != (table < t)
        assert np.all(np.abs(table[differ] - t) <= orc.error_bound + 1e-12)


def test_auto_chooses_counting_for_restrictions(weighted):
    sub = weighted.restrict([3, 4, 5, 6], np.zeros(weighted.n_qubits, dtype=np.uint8))
    assert counting_applies(sub) and counting_applies(sub.restrict([0, 1], np.zeros(4, dtype=np.uint8)))
    for compact, form in ((False, "ancilla"), (True, "phase")):
        orc = choose_threshold_oracle(sub, "auto", compact=compact)
        assert orc.kind == "counting" and orc.info["form"] == form and orc.n_weights == 4
    # a restriction of a model without a reversible form is still refused, naming the table oracle
    X, y = load_edge_detection(size=2)
    mlp = LossLandscape("sign-mlp", None, X[:, :2], y)
    assert not counting_applies(mlp.restrict([0, 1], np.zeros(mlp.n_qubits, dtype=np.uint8)))
    with pytest.raises(ValueError, match="restriction of.*oracle='table'"):
        choose_threshold_oracle(mlp.restrict([0, 1], np.zeros(mlp.n_qubits, dtype=np.uint8)))
