import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quark.encoding import WeightEncoding, bits_to_index, index_to_bits


@given(st.integers(1, 20), st.data())
def test_index_bits_roundtrip_and_order(n, data):
    k = data.draw(st.integers(0, 2**n - 1))
    bits = index_to_bits(k, n)
    assert all(bits[i] == (k >> i) & 1 for i in range(n))  # bit i = (k >> i) & 1
    assert int(bits_to_index(bits)) == k


def test_index_to_bits_batch_shape():
    assert index_to_bits(np.arange(8).reshape(2, 4), 3).shape == (2, 4, 3)


@pytest.mark.parametrize(
    "enc, levels",
    [
        (WeightEncoding.spin(3), [-1, 1]),
        (WeightEncoding.binary(3), [0, 1]),
        (WeightEncoding.fixed_point(3, bits=2), [-1, -1 / 3, 1 / 3, 1]),
        (WeightEncoding.fixed_point(2, bits=3, scale=0.5, offset=-2), [-2 + 0.5 * i for i in range(8)]),
    ],
)
def test_levels_and_roundtrip(enc, levels):
    np.testing.assert_allclose(enc.levels, levels)
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(50, enc.n_qubits)).astype(np.uint8)
    vals = enc.decode(bits)
    assert vals.shape == (50, enc.n_weights)
    assert np.isin(np.round(vals, 9), np.round(levels, 9)).all()
    np.testing.assert_array_equal(enc.encode(vals), bits)
    # single bit string in, single weight vector out
    np.testing.assert_array_equal(enc.encode(enc.decode(bits[0])), bits[0])


def test_fixed_point_is_affine_in_bits():
    enc = WeightEncoding.fixed_point(3, bits=3, scale=0.25, offset=-1)
    w0, G = enc.affine_map()
    bits = index_to_bits(np.arange(2**enc.n_qubits), enc.n_qubits)
    np.testing.assert_allclose(enc.decode(bits), w0 + bits @ G.T)


def test_spin_matches_dimod_convention():
    # bit 1 -> +1 (dimod: spin = 2*x - 1)
    assert WeightEncoding.spin(2).decode([1, 0]).tolist() == [1, -1]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_weights=0), "n_weights"),
        (dict(n_weights=2, kind="quaternary"), "kind"),
        (dict(n_weights=2, kind="ternary"), "ternary weights use 2 bits"),
        (dict(n_weights=2, kind="ternary", bits_per_weight=2, offset=0.5), "offset"),
        (dict(n_weights=2, kind="fixed", bits_per_weight=0), "weight_bits"),
        (dict(n_weights=2, kind="spin", bits_per_weight=2), "1 bit"),
        (dict(n_weights=2, kind="fixed", bits_per_weight=2, scale=-1.0), "scale"),
        (dict(n_weights=2, kind="binary", scale=2.0), "fixed-point"),
    ],
)
def test_bad_encodings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WeightEncoding(**kwargs)


def test_decode_and_encode_reject_bad_input():
    enc = WeightEncoding.fixed_point(2, bits=2)
    with pytest.raises(ValueError, match="4 bits"):
        enc.decode([0, 1, 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        enc.decode([0, 2, 1, 0])
    with pytest.raises(ValueError, match="levels"):
        enc.encode([5.0, 0.0])
    with pytest.raises(ValueError, match="finite"):
        enc.encode([np.nan, 0.0])
    with pytest.raises(ValueError, match="levels"):
        WeightEncoding.spin(2).encode([0.0, 1.0])
