import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quark.encoding import mobius_transform, walsh_hadamard_transform


def _naive_mobius(f):
    n = f.size.bit_length() - 1
    return np.array([sum((-1) ** bin(S ^ T).count("1") * f[T] for T in range(f.size) if T & S == T) for S in range(f.size)])


@given(st.integers(0, 6).flatmap(lambda n: arrays(np.float64, 2**n, elements=st.floats(-10, 10))))
def test_mobius_matches_definition_and_reconstructs(f):
    c = mobius_transform(f)
    np.testing.assert_allclose(c, _naive_mobius(f), atol=1e-9)
    # f(k) = sum over subsets S of k of c[S]
    recon = [sum(c[S] for S in range(f.size) if S & k == S) for k in range(f.size)]
    np.testing.assert_allclose(recon, f, atol=1e-9)


@given(st.integers(0, 6).flatmap(lambda n: arrays(np.float64, 2**n, elements=st.floats(-10, 10))))
def test_walsh_hadamard_reconstructs(f):
    c = walsh_hadamard_transform(f)
    recon = [sum(c[S] * (-1) ** bin(S & k).count("1") for S in range(f.size)) for k in range(f.size)]
    np.testing.assert_allclose(recon, f, atol=1e-9)


def test_transforms_reject_non_power_of_two():
    for bad in (np.zeros(3), np.zeros((2, 2)), np.zeros(0)):
        for fn in (mobius_transform, walsh_hadamard_transform):
            try:
                fn(bad)
            except ValueError as e:
                assert "power-of-two" in str(e)
            else:  # pragma: no cover
                raise AssertionError("no error")


def test_mobius_of_product_is_single_monomial():
    n = 4
    f = np.array([float(all((k >> i) & 1 for i in (0, 2))) for k in range(2**n)])  # b0 * b2
    c = mobius_transform(f)
    assert np.flatnonzero(np.abs(c) > 1e-12).tolist() == [0b0101]
    assert list(itertools.islice(c, 0, 1)) == [0.0]
