"""Every Hamiltonian export's energy equals the landscape's loss on every bit string."""

import dimod
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quark.encoding import LossLandscape, WeightEncoding, index_to_bits
from quark.exceptions import ProblemTooLargeError


def _all_bits(n):
    return index_to_bits(np.arange(2**n), n)


@st.composite
def quadratic_landscapes(draw):
    m = draw(st.integers(1, 8))
    d = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, d)).round(3)
    y = rng.integers(0, 2, size=m)
    if draw(st.booleans()):
        bits = draw(st.integers(1, 3))
        scale = draw(st.sampled_from([None, 0.5, 0.1]))
        enc = WeightEncoding.fixed_point(d + 1, bits=bits, scale=scale, offset=None if scale is None else -0.3)
        return LossLandscape("fixed-point-linear", enc, X, y, loss="squared")
    return LossLandscape("spin-perceptron", None, X, y, loss="squared")


@st.composite
def any_landscapes(draw):
    model = draw(st.sampled_from(["perceptron", "line-detector", "sign-mlp", "spin-perceptron"]))
    loss = draw(st.sampled_from(["zero_one", "squared", "hinge"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    m = draw(st.integers(1, 12))
    d = {"perceptron": draw(st.integers(1, 6)), "line-detector": 4, "sign-mlp": draw(st.integers(1, 2)), "spin-perceptron": draw(st.integers(1, 5))}[model]
    X = rng.integers(0, 2, size=(m, d))
    y = rng.integers(0, 2, size=m)
    return LossLandscape(model, None, X, y, loss=loss)


@given(quadratic_landscapes())
def test_qubo_is_exact_and_symbolic(land):
    assert land.is_quadratic
    bqm = land.to_bqm()
    assert bqm.vartype is dimod.BINARY and list(bqm.variables) == list(range(land.n_qubits))
    B = _all_bits(land.n_qubits)
    np.testing.assert_allclose(bqm.energies((B, range(land.n_qubits))), land.table(), atol=1e-9)


@given(quadratic_landscapes())
def test_quadratic_program_is_exact(land):
    qp = land.to_quadratic_program()
    assert [v.name for v in qp.variables] == [f"x{i}" for i in range(land.n_qubits)]
    B = _all_bits(land.n_qubits)
    sel = np.random.default_rng(0).choice(len(B), size=min(len(B), 32), replace=False)
    np.testing.assert_allclose([qp.objective.evaluate(B[k]) for k in sel], land.table()[sel], atol=1e-9)


@given(st.one_of(any_landscapes(), quadratic_landscapes()))
def test_polynomial_is_exact(land):
    poly = land.to_polynomial()
    assert poly.vartype is dimod.BINARY
    B = _all_bits(land.n_qubits)
    np.testing.assert_allclose(poly.energies((B, range(land.n_qubits))), land.table(), atol=1e-9)


@given(st.one_of(any_landscapes(), quadratic_landscapes()))
def test_pauli_diagonal_is_the_table(land):
    op = land.to_pauli()
    assert op.num_qubits == land.n_qubits
    assert all(set(label) <= {"I", "Z"} for label in op.paulis.to_labels())
    diag = op.to_matrix(sparse=True).diagonal()
    np.testing.assert_allclose(diag.real, land.table(), atol=1e-9)
    np.testing.assert_allclose(diag.imag, 0, atol=1e-12)


def test_qubo_refused_for_non_quadratic_loss():
    land = LossLandscape("perceptron", None, np.array([[0, 1], [1, 1]]), [0, 1])
    with pytest.raises(ValueError, match="no exact QUBO"):
        land.to_bqm()
    with pytest.raises(ValueError, match="no exact QUBO"):
        land.to_quadratic_program()


def test_polynomial_size_limits_are_clear():
    rng = np.random.default_rng(0)
    land = LossLandscape("sign-mlp", None, rng.integers(0, 2, (9, 3)), rng.integers(0, 2, 9))
    with pytest.raises(ProblemTooLargeError, match="max_terms=10"):
        land.to_polynomial(max_terms=10)
    with pytest.raises(ProblemTooLargeError, match="max_qubits=8"):
        land.to_pauli(max_qubits=8)


def test_qubo_scales_past_table_sizes():
    """The QUBO is derived from the data, so 64 bits cost nothing."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 15))
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(16, bits=4), X, rng.integers(0, 2, 50), "squared")
    bqm = land.to_bqm()
    assert bqm.num_variables == 64
    bits = rng.integers(0, 2, size=(5, 64))
    np.testing.assert_allclose(bqm.energies((bits, range(64))), land.evaluate(bits), atol=1e-9)
    pauli = land.to_pauli()
    assert pauli.num_qubits == 64
