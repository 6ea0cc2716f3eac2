"""Restrictions of linear-model landscapes: the block's exact losses from the fixed part's pre-activations."""

import numpy as np
import pytest

from quark.encoding import LossLandscape
from quark.encoding.restricted import RestrictedLinearLandscape


def _all_settings(b):
    return ((np.arange(1 << b)[:, None] >> np.arange(b)) & 1).astype(np.uint8)


@pytest.mark.parametrize("loss", ["squared", "hinge", "zero_one"])
@pytest.mark.parametrize("alpha", [0.0, 0.05])
@pytest.mark.parametrize("weighted", [False, True])
def test_restricted_table_equals_the_parents_losses(loss, alpha, weighted):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 5))
    y = (X[:, 0] - X[:, 3] > 0).astype(np.uint8)
    sw = rng.random(50) if weighted else None
    land = LossLandscape("fixed-point-linear", None, X, y, loss=loss, alpha=alpha, sample_weight=sw)
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    free = np.sort(rng.choice(land.n_qubits, size=7, replace=False))
    r = land.restrict(free, base)
    assert isinstance(r, RestrictedLinearLandscape)
    expect = land.evaluate(r.embed(_all_settings(7)))
    np.testing.assert_allclose(r.table(), expect, rtol=1e-10, atol=1e-12)
    some = rng.integers(0, 2, size=(10, 7)).astype(np.uint8)
    idx = (some.astype(np.int64) << np.arange(7)).sum(axis=1)
    if loss == "squared":  # the table built by doubling is read by every later evaluation: equal to the bit
        np.testing.assert_array_equal(r.evaluate(some), r.table()[idx])
    else:
        np.testing.assert_allclose(r.evaluate(some), r.table()[idx], rtol=1e-12)


def test_restriction_is_independent_of_the_free_bits_of_the_base():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = rng.integers(0, 2, 30).astype(np.uint8)
    land = LossLandscape("fixed-point-linear", None, X, y, loss="squared")
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    free = [1, 4, 6]
    flipped = base.copy()
    flipped[free] ^= 1
    np.testing.assert_allclose(land.restrict(free, base).table(), land.restrict(free, flipped).table())


def test_ternary_and_bias_free_models_restrict_exactly():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 4))
    y = (X.sum(axis=1) > 0).astype(np.uint8)
    for model in ("ternary-linear", "spin-perceptron"):
        land = LossLandscape(model, None, X, y, loss="squared")
        base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
        free = np.arange(min(6, land.n_qubits))
        r = land.restrict(free, base)
        np.testing.assert_allclose(r.table(), land.evaluate(r.embed(_all_settings(len(free)))), rtol=1e-10)


def _doubling_reference(const, lin, Q):
    """The squared loss's table by doubling, one setting at a time: ``f(x + e_j) = f(x) + lin_j + Q_jj +
    cross(x)``, ``cross(x) = cross(x less its lowest set bit i) + 2 Q_ij`` — the order of additions the
    compiled kernel must keep, so that a block's table (and every threshold read from it) stays the same."""
    b = lin.size
    out = np.empty(1 << b)
    out[0] = const
    for j in range(b):
        h, step = 1 << j, lin[j] + Q[j, j]
        cross = [0.0] * h
        out[h] = out[0] + step
        for x in range(1, h):
            low = x & (x - 1)
            cross[x] = cross[low] + 2.0 * Q[(x ^ low).bit_length() - 1, j]
            out[h + x] = out[x] + step + cross[x]
    return out


@pytest.mark.parametrize("b", [0, 1, 2, 5, 10])
def test_quadratic_table_is_the_doubling_to_the_bit(b):
    from quark.encoding.kernels import quadratic_table

    rng = np.random.default_rng(b)
    A = rng.normal(size=(b, b)) * 10.0 ** rng.uniform(-3, 3, size=(b, b))
    Q, lin, const = (A + A.T) / 2, rng.normal(size=b), float(rng.normal())
    got = quadratic_table(const, lin, Q)
    assert got.tobytes() == _doubling_reference(const, lin, Q).tobytes()
    x = (np.arange(1 << b)[:, None] >> np.arange(b)) & 1
    np.testing.assert_allclose(got, const + x @ lin + np.einsum("ki,ij,kj->k", x, Q, x), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("loss", ["squared", "hinge"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_a_block_searchs_checked_restriction_is_the_constructors_to_the_bit(loss, alpha):
    """What a block search restricts without checking its own blocks again is the very problem the checked
    constructor makes: every array it derives, every loss of its table."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 5))
    y = (X[:, 0] > 0).astype(int)
    land = LossLandscape("fixed-point-linear", None, X, y, loss=loss, alpha=alpha)
    bits = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    block = np.sort(rng.permutation(land.n_qubits)[:7])
    public, checked = land.restrict(block, bits), land._restrict_block(block, bits)
    assert type(checked) is type(public)
    for name, value in vars(public).items():
        other = vars(checked)[name]
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and value.tobytes() == other.tobytes(), name
        elif isinstance(value, float):
            assert value.hex() == other.hex(), name
        else:
            assert value == other or value is other, name
    assert public.table().tobytes() == checked.table().tobytes()
    bits[block] ^= 1                       # the search goes on changing its bits: the restriction kept its own
    assert not np.array_equal(checked.base, bits) and not checked.base.flags.writeable
