"""The kernel's loss data: a falling threshold's marked positions, read off the previous threshold's, are the
ones a pass over the whole table finds (loss and count tables, ties); a first threshold at or below the
least loss marks nothing; a squared-loss block's deferred table marks, draws and checks what the built table
would, and a classifier fit is the same with tables deferred or built."""

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


def _squared_block(seed: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 6))
    y = (X[:, 0] - 0.5 * X[:, 3] + 0.4 * rng.normal(size=120) > 0).astype(int)
    land = LossLandscape("fixed-point-linear", None, X, y, loss="squared", alpha=0.05)
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    return lambda: land.restrict(np.arange(8, 24), base)  # a fresh 16-bit block each call: its own table state


def test_a_deferred_table_marks_draws_and_checks_what_the_built_table_does():
    make = _squared_block(0)
    built, deferred = LossData(make(), None), LossData(make(), None, defer=True)
    assert built.losses is not None and deferred.losses is None and deferred.nbytes == 0
    table = built.losses
    rng = np.random.default_rng(1)
    for t in [float(np.sort(table)[k]) for k in (200, 40, 39, 5, 1, 0)] + [float(table.min()) - 1.0]:
        kb, kd = built.key(t), deferred.key(t)
        assert deferred.n_marked(kd) == built.n_marked(kb) == int(np.sum(table < t))
        for marked in (True, False):
            n = built.n_marked(kb) if marked else table.size - built.n_marked(kb)
            if n:
                ranks = rng.integers(0, n, 20)
                np.testing.assert_array_equal(deferred.members(kd, ranks, marked), built.members(kb, ranks, marked))
    assert deferred.losses is None  # every threshold answered without the table
    np.testing.assert_array_equal(deferred._deferred.evaluate_indices(np.arange(table.size)), table)
    np.testing.assert_array_equal(deferred.full_mask(deferred.key(0.5)), table < 0.5)  # the whole mask: built now
    np.testing.assert_array_equal(deferred.losses, table)


def test_a_deferred_table_is_built_where_many_settings_lie_below():
    make = _squared_block(2)
    table = LossData(make(), None).losses
    deferred = LossData(make(), None, defer=True)
    t = float(np.sort(table)[30000])
    assert deferred.n_marked(deferred.key(t)) == 30000 and deferred.losses is not None
    np.testing.assert_array_equal(deferred.losses, table)


@pytest.mark.filterwarnings("ignore::quark.optimizers.base.SearchWarning")
@pytest.mark.filterwarnings("ignore::quark.estimators.preprocessing.FeatureWarning")  # blank border pixels
def test_a_classifier_fit_is_the_same_with_tables_deferred_or_built(monkeypatch):
    from sklearn.datasets import load_digits

    from quark import QuarkClassifier

    X, y = load_digits(n_class=4, return_X_y=True)
    X, y = X[:240], y[:240]
    from quark.encoding.restricted import RestrictedLinearLandscape

    fits, tables = [], []
    for defer in (True, False):
        built = []
        with monkeypatch.context() as m:
            m.setattr(StatevectorBackend, "_defer_tables", defer)
            table = RestrictedLinearLandscape.table
            m.setattr(RestrictedLinearLandscape, "table", lambda self, *a, **k: built.append(1) or table(self, *a, **k))
            for start in ("ridge", "hebbian"):  # warm thresholds; cold ones, where many lie below at first
                clf = QuarkClassifier(random_state=0, n_jobs=1, start=start).fit(X, y)
                ledgers = [{k: v for k, v in r.ledger.totals().items() if k != "wall_time_s"} for r in clf.results_]
                history = [[{k: v for k, v in h.items() if k != "wall_time_s"} for h in r.history]
                           for r in clf.results_]
                fits.append((clf.predict(X).tolist(), clf.decision_function(X).tobytes(), clf.bits_.tobytes(),
                             ledgers, history, sum(r.info["block_steps"] for r in clf.results_)))
        tables.append(len(built))
    assert fits[0] == fits[2] and fits[1] == fits[3]
    assert fits[0][5] > 6
    assert tables[1] >= fits[0][5] + fits[1][5]  # built: a table per block step
    assert tables[0] < tables[1] / 10  # deferred: hardly any
