"""The unit oracle of a network block: marks are ``loss < t`` against RestrictedUnit's own table, wherever no
sample's step lies within its stated rounding bound and the loss not within the loss-step bound of ``t``."""

import warnings

import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.encoding import index_to_bits  # noqa: E402
from quark.encoding.network import NetworkLandscape  # noqa: E402
from quark.encoding.oracles import choose_threshold_oracle, unit_oracle  # noqa: E402
from quark.models import QuantizedMLP  # noqa: E402
from quark.models.quantized_mlp import TIE  # noqa: E402


def _landscape(loss="hinge", m=10, seed=0, **model):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    opts = {"hidden": 2, "n_outputs": 1, "bits": 2, "bias_bits": 2, **model}
    return NetworkLandscape(QuantizedMLP(**opts), X, y, loss), rng


def _block(land, rng, unit, size):
    """``size`` bits of ``unit`` (its bias bits first: they reach every sample) at a random base."""
    q0, q1 = land.encoding.units[unit][2:4]
    free = np.arange(q1 - size, q1)
    return land.restrict(free, rng.integers(0, 2, land.n_qubits))


def _steps(r):
    """Per setting and sample, the quantity whose sign decides the sample's loss."""
    bits = index_to_bits(np.arange(1 << r.n_qubits), r.n_qubits).astype(np.float64)
    a = r._a0[None, :] + bits @ r._G.T
    if r._mode == 0:
        return a + TIE
    return -(2.0 * r.parent.y - 1.0)[None, :] * a  # one output, 0-1 loss: an error where -margin >= 0


def _thresholds(table, bound):
    """Midpoints between distinct losses further than ``bound`` from both, and both ends."""
    u = np.unique(table)
    mids = (u[1:] + u[:-1]) / 2
    mids = mids[np.diff(u) / 2 > bound + 1e-12]
    return np.r_[u[0] - 1.0, mids, u[-1] + 1.0]


def _check(orc, r, oracle_marks, *, expect_certain=0.5):
    """Marks agree with ``table < t`` on every setting whose steps are certain; returns the uncertain ones."""
    table = r.table()
    ts = _thresholds(table, orc.error_bound)
    uncertain = (np.abs(_steps(r)) <= orc.info["sign_error_bounds"][None, :]).any(axis=1)
    assert uncertain.mean() <= 1 - expect_certain
    marks = oracle_marks(orc, ts)
    ref = table[None, :] < ts[:, None]
    np.testing.assert_array_equal(marks[:, ~uncertain], ref[:, ~uncertain])
    return marks, ref, uncertain


@pytest.mark.parametrize("loss", ["zero_one", "hinge"])
def test_hidden_block_hardware_form_marks_the_losses_below_the_threshold(loss, oracle_marks):
    land, rng = _landscape(loss, m=8, seed=2)
    r = _block(land, rng, unit=0, size=3)
    orc = unit_oracle(r, value_bits=8, bits=6)
    assert orc.kind == "unit" and orc.info["form"] == "hardware"
    assert orc.info["coherent_samples"] >= 3
    assert orc.circuit.num_qubits == 3 + 8 + orc.info["accumulator_qubits"] <= 17
    assert orc.info["exact"] == (loss == "zero_one") and (orc.error_bound == 0.0) == (loss == "zero_one")
    _check(orc, r, oracle_marks)


@pytest.mark.parametrize("loss", ["zero_one", "hinge"])
def test_hidden_block_compact_form_marks_as_the_hardware_form(loss, oracle_marks):
    land, rng = _landscape(loss, m=24, seed=1, hidden=(3, 2))
    for unit in (0, 4):  # the first layer (real inputs), the second (±1 inputs)
        r = _block(land, rng, unit=unit, size=4)
        orc = choose_threshold_oracle(r, compact=True)
        assert orc.kind == "unit" and orc.info["form"] == "compact" and orc.info["value_qubits"] == 0
        _check(orc, r, oracle_marks, expect_certain=0.9)
    small = _block(land, rng, unit=0, size=2)
    hard, compact = unit_oracle(small, value_bits=5, bits=6), unit_oracle(small, value_bits=5, bits=6, compact=True)
    ts = _thresholds(small.table(), 0.0)
    np.testing.assert_array_equal(oracle_marks(hard, ts), oracle_marks(compact, ts))


def test_coarse_pre_activations_differ_only_within_the_stated_bound(oracle_marks):
    land, rng = _landscape("zero_one", m=24, seed=2)
    r = _block(land, rng, unit=1, size=4)
    orc = unit_oracle(r, value_bits=3, compact=True)  # a grid of a few steps per sample
    marks, ref, uncertain = _check(orc, r, oracle_marks, expect_certain=0.0)
    assert uncertain.any()  # the bound is exercised: some settings have a sample within it of its step
    assert orc.info["sign_error_bound"] == orc.info["sign_error_bounds"].max() > 0


def test_output_unit_under_the_zero_one_loss(oracle_marks):
    land, rng = _landscape("zero_one", m=16, seed=4)
    r = _block(land, rng, unit=2, size=3)  # the output unit: 2 inputs x 2 bits + 2 bias bits
    assert r._mode == 1
    orc = choose_threshold_oracle(r, compact=True)
    assert orc.kind == "unit" and orc.info["coherent_samples"] > 0 and orc.info["exact"]
    _check(orc, r, oracle_marks)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_output_unit_under_the_hinge_loss_within_its_bound(n_outputs, oracle_marks):
    """The hinge is continuous at its kink: a misjudged sign moves the loss by at most its bound, so marks are
    exactly ``loss < t`` wherever the loss lies further than ``error_bound`` from ``t``, sign or not."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(18, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5) * (n_outputs > 1)
    land = NetworkLandscape(QuantizedMLP(hidden=2, n_outputs=n_outputs, bits=2, bias_bits=2), X, y, "hinge")
    assert land.encoding.units[2][0] == 1  # the first output unit (of class 0 where there are three)
    r = _block(land, rng, unit=2, size=3)
    assert r._mode == 1
    orc = choose_threshold_oracle(r, compact=True)
    assert orc.kind == "unit" and orc.info["coherent_samples"] > 0 and not orc.info["exact"]
    assert orc.error_bound < 0.05 and not orc.info["sign_error_bounds"].any()
    table = r.table()
    ts = _thresholds(table, orc.error_bound)
    assert ts.size >= 4
    np.testing.assert_array_equal(oracle_marks(orc, ts), table[None, :] < ts[:, None])
    small = _block(land, rng, unit=2, size=2)
    hard = unit_oracle(small, value_bits=5, bits=6)
    ts = _thresholds(small.table(), hard.error_bound)
    np.testing.assert_array_equal(oracle_marks(hard, ts), small.table()[None, :] < ts[:, None])


def test_refusals_name_what_is_not_covered():
    land, rng = _landscape("hinge", m=10)
    clip, rng = _landscape("zero_one", m=10, activation="clip")
    with pytest.raises(ValueError, match="no coherent threshold oracle.*activation='clip'.*oracle='table'"):
        choose_threshold_oracle(_block(clip, rng, unit=0, size=3))
    with pytest.raises(ValueError, match="activation='clip'"):
        choose_threshold_oracle(_block(clip, rng, unit=0, size=3), "unit")
    assert choose_threshold_oracle(_block(clip, rng, unit=2, size=3)).kind == "unit"  # its output unit is linear
    mixed = land.restrict([0, 1, 8], rng.integers(0, 2, land.n_qubits))  # bits of two units
    with pytest.raises(ValueError, match="within one unit"):
        choose_threshold_oracle(mixed)
    with pytest.raises(ValueError, match="RestrictedUnit"):
        unit_oracle(mixed)
    assert choose_threshold_oracle(_block(clip, rng, unit=0, size=3), "table").kind == "table"  # asked for


@pytest.mark.parametrize("loss", ["zero_one", "hinge"])
def test_block_fit_on_aer_runs_the_unit_oracle_on_every_block(loss):
    from quark.optimizers import BlockSearch, GroverAdaptiveSearch, SearchWarning

    land, _ = _landscape(loss, m=12, seed=5, hidden=1, bits=1, bias_bits=2)
    inner = GroverAdaptiveSearch(backend="aer", random_state=0,
                                 backend_options={"aer_options": {"max_parallel_threads": 1}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SearchWarning)
        res = BlockSearch(inner=inner, block_size=3, order="structured", max_sweeps=2, random_state=0).minimize(land)
    assert res.info["oracles"] == {"unit": res.info["block_steps"]} and res.info["block_steps"] >= 2
    assert res.ledger.compile_evaluations == 0  # nothing tabulated
    assert res.loss == pytest.approx(float(land.evaluate(res.bits)))
    clip, _ = _landscape("hinge", m=12, seed=5, hidden=1, bits=1, bias_bits=2, activation="clip")
    with pytest.raises(ValueError, match="activation='clip'"):  # refused, never a silent table
        BlockSearch(inner=inner, block_size=3, order="structured", max_sweeps=1, random_state=0).minimize(clip)


def test_a_block_that_moves_no_sample_is_a_constant(oracle_marks):
    land, rng = _landscape("zero_one", m=8, seed=3)
    r = _block(land, rng, unit=0, size=3)
    orc = unit_oracle(r, compact=True)
    const = float(r.table()[0])
    assert orc.info["coherent_samples"] == 0 and orc.info["constant"] == const and np.all(r.table() == const)
    marks = oracle_marks(orc, [const - 0.1, const, const + 0.1])
    assert marks.tolist() == [[False] * 8, [False] * 8, [True] * 8]
