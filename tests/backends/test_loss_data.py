"""The kernel's loss data: a falling threshold's marked positions, read off the previous threshold's, are the
ones a pass over the whole table finds (loss and count tables, ties); a first threshold at or below the
least loss marks nothing."""

import numpy as np
import pytest

from quark.backends._loss_data import LossData
from quark.backends.statevector import StatevectorBackend
from quark.encoding import LossLandscape, TableProblem


def _full_pass(data, key):
    return np.flatnonzero(data.mask(key, 0, data.size))


def _thresholds(values, rng, k=12):
    """A falling sequence of thresholds drawn from the table's own values (ties included), with a rise."""
    picked = np.sort(rng.choice(values, size=k))[::-1].astype(np.float64)
    return list(picked[:6]) + [float(picked[0]) + 1.0] + list(picked[6:])


def test_falling_thresholds_of_a_loss_table_mark_what_a_full_pass_marks():
    rng = np.random.default_rng(0)
    table = np.round(rng.normal(size=1 << 10), 1)    # many ties
    data = LossData(TableProblem(table), None)
    for t in _thresholds(table, rng):
        key = data.key(t)
        assert np.array_equal(data._small(key)[1], _full_pass(data, key))
        assert data.n_marked(key) == int(np.sum(table < t))


def test_falling_thresholds_of_a_count_table_mark_what_a_full_pass_marks():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    land = LossLandscape("fixed-point-linear", None, X, y, loss="zero_one")
    data = LossData(land, None)
    assert data.counts is not None
    losses = land.table()
    for t in _thresholds(losses, rng):
        key = data.key(t)
        assert np.array_equal(data._small(key)[1], _full_pass(data, key))
        assert data.n_marked(key) == int(np.sum(losses < t))


def test_a_first_threshold_at_the_least_loss_marks_nothing_without_a_pass():
    table = np.random.default_rng(2).normal(size=256)
    data = LossData(TableProblem(table), None)
    key = data.key(float(table.min()))
    marked = data._small(key)[1]
    assert marked.size == 0 and marked.dtype == np.int64
    assert np.array_equal(data.members(key, np.arange(256), False), np.arange(256))  # every setting unmarked


def test_the_kernel_checks_its_parameters_again_once_they_change():
    """The backend checks its parameters once per set of values: a value changed after a search is checked."""
    backend = StatevectorBackend()
    table = TableProblem(np.arange(16.0))
    assert backend.marked_count(table, 3.5) == 4
    backend.method = "bogus"
    with pytest.raises(ValueError, match="method"):
        backend.marked_count(table, 3.5)
    backend.method = "auto"
    backend.dtype = np.int32
    with pytest.raises(ValueError, match="dtype"):
        backend.marked_count(table, 3.5)
