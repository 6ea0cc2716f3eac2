"""The settings below a threshold of a squared-loss block, enumerated without its table, are the table's."""

import numpy as np
import pytest

from quark.encoding import LossLandscape
from quark.encoding.ellipsoid import MAX_BELOW, settings_below, table_values
from quark.encoding.kernels import quadratic_table


def _convex_block(rng, n_weights: int, bits_each: int, *, signed_top: bool = False, shuffle: bool = True):
    """A block form ``c + lin.b + b'Qb`` that is a convex quadratic of its weights' values."""
    b = n_weights * bits_each
    group = np.repeat(np.arange(n_weights), bits_each)
    if shuffle:
        rng.shuffle(group)
    coef = np.empty(b)
    for w in range(n_weights):
        mine = np.flatnonzero(group == w)
        place = 2.0 ** np.arange(mine.size)
        if signed_top and mine.size > 1:
            place[-1] = -place[-1]  # two's complement's top bit
        coef[mine] = rng.uniform(0.01, 2.0) * place
    F = rng.normal(size=(60, n_weights))
    A = F.T @ F / 60 + rng.uniform(0.0, 0.3) * np.eye(n_weights)
    g = rng.normal(size=n_weights) * rng.uniform(0.1, 5.0)
    Q = coef[:, None] * coef[None, :] * A[group[:, None], group]
    return float(rng.normal()), coef * g[group], Q, group, coef


def test_table_values_are_the_tables_to_the_last_bit():
    rng = np.random.default_rng(0)
    for b in (1, 2, 5, 11):
        Q = rng.normal(size=(b, b)) * 10.0 ** rng.uniform(-3, 3)
        Q = Q + Q.T
        lin = rng.normal(size=b) * 10.0 ** rng.uniform(-3, 3)
        table = quadratic_table(0.37, lin, Q)
        np.testing.assert_array_equal(table_values(0.37, lin, Q, np.arange(table.size)), table)


@pytest.mark.parametrize("seed", range(6))
def test_the_settings_below_are_the_tables_in_index_order(seed):
    rng = np.random.default_rng(seed)
    for n_weights, bits_each in ((1, 4), (4, 4), (3, 2), (5, 3), (16, 1), (2, 8)):
        const, lin, Q, group, coef = _convex_block(rng, n_weights, bits_each, signed_top=bool(seed % 2))
        table = quadratic_table(const, lin, Q)
        ordered = np.sort(table)
        # at a table value (ties with the threshold are not below it), between values, below all of them
        last = ordered.size - 1
        for t in (ordered[0], ordered[1], ordered[7], ordered[min(40, last)] + 1e-9, ordered[0] - 1.0,
                  ordered[min(300, last)]):
            got = settings_below(const, lin, Q, group, coef, t)
            assert got is not None and got.dtype == np.int64
            np.testing.assert_array_equal(got, np.flatnonzero(table < t))


def test_many_settings_below_or_a_form_of_another_shape_give_way_to_the_table():
    rng = np.random.default_rng(3)
    const, lin, Q, group, coef = _convex_block(rng, 4, 4)
    table = quadratic_table(const, lin, Q)
    assert settings_below(const, lin, Q, group, coef, np.sort(table)[MAX_BELOW + 10]) is None  # too many below
    assert settings_below(const, lin, Q, group, coef, np.inf) is None
    assert settings_below(const, lin, Q, group, coef, np.nan) is None
    concave = (const, lin, -Q, group, coef)  # no ellipsoid: a maximum, not a minimum
    assert settings_below(*concave, np.sort(quadratic_table(const, lin, -Q))[3]) is None
    cross = Q.copy()
    cross[0, 1] = cross[1, 0] = cross[0, 1] + 0.5  # not a quadratic of the weights' values alone
    assert settings_below(const, lin, cross, group, coef, np.sort(table)[3]) is None
    zero = coef.copy()
    zero[0] = 0.0  # a bit that adds nothing to its weight
    assert settings_below(const, lin, Q, group, zero, np.sort(table)[3]) is None


def test_a_linear_landscape_block_finds_its_tables_settings_and_evaluates_as_the_table():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 5))
    y = (X[:, 0] - X[:, 2] + 0.3 * rng.normal(size=80) > 0).astype(int)
    land = LossLandscape("fixed-point-linear", None, X, y, loss="squared", alpha=0.05)
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    for free in (np.arange(4, 20), np.array([0, 3, 9, 10, 17, 22])):
        sub = land.restrict(free, base)
        table = quadratic_table(sub._q_const, sub._q_lin, sub._q_quad)
        assert sub.defer_table()  # from now on evaluations give the table's values
        idx = rng.integers(0, table.size, 50)
        np.testing.assert_array_equal(sub.evaluate_indices(idx), table[idx])
        bits = ((idx[:, None] >> np.arange(free.size)) & 1).astype(np.uint8)
        np.testing.assert_array_equal(sub.evaluate(bits), table[idx])
        for t in np.sort(table)[[0, 2, 30]]:
            np.testing.assert_array_equal(sub.settings_below(t), np.flatnonzero(table < t))
        np.testing.assert_array_equal(sub.table(), table)


def test_other_losses_keep_their_table():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    sub = LossLandscape("fixed-point-linear", None, X, y, loss="hinge").restrict(np.arange(8), np.zeros(16, np.uint8))
    assert not sub.defer_table() and sub.settings_below(0.5) is None
