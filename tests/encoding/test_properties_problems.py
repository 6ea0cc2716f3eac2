"""Hostile-input properties of problems (issue 13): tables, dimod models, bit strings, indices, landscapes.

Every refused input raises a ``ValueError``/``TypeError`` naming what was wrong; every accepted one
evaluates to the problem's own numbers, and a landscape never sees later changes to the caller's data.
"""

from __future__ import annotations

import dimod
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quark.datasets import load_edge_detection
from quark.encoding import LossLandscape, as_problem
from quark.encoding.bits import index_to_bits
from quark.exceptions import ProblemTooLargeError

_X, _Y = load_edge_detection(size=2)


def _good_table(n: int = 3) -> np.ndarray:
    return np.random.default_rng(n).random(1 << n)


def _problems():
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": -2.0, "c": 0.5}, {("a", "b"): 1.5}, 0.25, "BINARY")
    poly = dimod.BinaryPolynomial({("a", "b", "c"): 2.0, ("a",): -1.0}, "BINARY")
    return {"table": as_problem(_good_table()), "bqm": as_problem(bqm), "poly": as_problem(poly),
            "landscape": LossLandscape("perceptron", None, _X, _Y)}


PROBLEMS = _problems()


# -- loss tables ------------------------------------------------------------------------------------------
@given(n=st.integers(1, 6), where=st.integers(0, 63), bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_table_with_nan_or_infinity_is_refused(hostile, n, where, bad):
    t = _good_table(n)
    t[where % t.size] = bad
    hostile.named_error(lambda: as_problem(t), "table")


@given(values=st.one_of(
    st.lists(st.text(max_size=3), min_size=2, max_size=8),                       # strings, even "1"
    st.lists(st.complex_numbers(allow_nan=False, allow_infinity=False), min_size=2, max_size=8).filter(
        lambda v: any(complex(c).imag for c in v)).map(lambda v: np.asarray(v, dtype=complex)),
    st.lists(st.one_of(st.none(), st.just({})), min_size=2, max_size=4).map(lambda v: np.asarray(v, dtype=object))))
def test_a_table_of_non_real_values_is_refused(hostile, values):
    hostile.named_error(lambda: as_problem(values), "table")


@given(length=st.integers(0, 70).filter(lambda k: k < 2 or k & (k - 1)))
def test_a_table_whose_length_is_not_a_power_of_two_is_refused(hostile, length):
    hostile.named_error(lambda: as_problem(np.zeros(length)), "table")


@pytest.mark.parametrize("table", [np.zeros((2, 2)), [[0.0, 1.0], [2.0]], np.zeros((4, 1))])
def test_a_table_that_is_not_one_dimensional_is_refused(hostile, table):
    hostile.named_error(lambda: as_problem(table), "table")


@given(values=st.lists(st.integers(-(2**40), 2**40), min_size=8, max_size=8), booleans=st.booleans())
def test_integer_and_boolean_tables_are_exact_and_copied(values, booleans):
    raw = (np.asarray(values) > 0) if booleans else np.asarray(values)
    p = as_problem(raw)
    expected = raw.astype(np.float64)
    raw[0] = not raw[0] if booleans else raw[0] + 1  # a later change to the caller's array does not leak in
    np.testing.assert_array_equal(p.table(), expected)
    assert p.evaluate_indices([0])[0] == expected[0]


# -- dimod models -------------------------------------------------------------------------------------------
@given(n=st.integers(1, 5), where=st.sampled_from(["linear", "quadratic", "offset"]),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]), vartype=st.sampled_from(["BINARY", "SPIN"]))
def test_a_bqm_with_a_nan_or_infinite_coefficient_is_refused(hostile, n, where, bad, vartype):
    assume(not (where == "quadratic" and n < 2))
    lin = {i: 1.0 for i in range(n)}
    quad = {(0, 1): 0.5} if n >= 2 else {}
    if where == "linear":
        lin[n - 1] = bad
    elif where == "quadratic":
        quad[(0, 1)] = bad
    bqm = dimod.BinaryQuadraticModel(lin, quad, bad if where == "offset" else 0.0, vartype)
    exc = hostile.named_error(lambda: as_problem(bqm), "model")
    assert "NaN or infinite" in str(exc)


@given(degree=st.integers(1, 4), bad=st.sampled_from([np.nan, np.inf]))
def test_a_polynomial_with_a_nan_coefficient_is_refused(hostile, degree, bad):
    poly = dimod.BinaryPolynomial({tuple(range(degree)): bad, (degree,): 1.0}, "BINARY")
    hostile.named_error(lambda: as_problem(poly), "model")


def test_a_model_without_variables_is_refused(hostile):
    hostile.named_error(lambda: as_problem(dimod.BinaryQuadraticModel("BINARY")), "model")


@pytest.mark.parametrize("thing", [None, 3.0, {0: 1.0}, "0101", object()])
def test_anything_else_is_not_a_problem(hostile, thing):
    hostile.named_error(lambda: as_problem(thing), "problem")


# -- bit strings and indices ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=15)
@given(data=st.data())
def test_bits_of_the_wrong_length_or_values_are_refused(hostile, name, data):
    p = PROBLEMS[name]
    n = p.n_qubits
    bad = data.draw(st.one_of(
        st.lists(st.integers(0, 1), min_size=0, max_size=8).filter(lambda b: len(b) != n),        # wrong length
        st.lists(st.integers(0, 1), min_size=n, max_size=n).flatmap(                              # one value not 0/1
            lambda b: st.tuples(st.integers(0, n - 1), st.sampled_from([2, -1, 0.5, np.nan, 7])).map(
                lambda iv: [iv[1] if i == iv[0] else v for i, v in enumerate(b)])),
        st.just([[0] * n, [1] * (n - 1)]),                                                          # ragged batch
        st.sampled_from([None, 1, "0" * n, {0: 1}]),                                                # no array
    ), label="bits")
    hostile.named_error(lambda: p.evaluate(bad), "bits")


@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=15)
@given(data=st.data())
def test_indices_that_are_floats_or_out_of_range_are_refused(hostile, name, data):
    p = PROBLEMS[name]
    n = p.n_qubits
    bad = data.draw(st.one_of(
        st.lists(st.floats(0, (1 << n) - 1), min_size=1, max_size=4),                             # floats, even 1.0
        st.lists(st.integers(1 << n, 2**62), min_size=1, max_size=3),                             # too large
        st.lists(st.integers(-(2**62), -1), min_size=1, max_size=3),                              # negative
        st.sampled_from([[True], ["1"], [[0, 1]], [2**70], [None]]),                               # not int64 indices
    ), label="indices")
    hostile.named_error(lambda: p.evaluate_indices(bad), "indices")


@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=10)
@given(data=st.data())
def test_accepted_bits_and_indices_agree_with_the_table(name, data):
    p = PROBLEMS[name]
    idx = data.draw(st.lists(st.integers(0, (1 << p.n_qubits) - 1), min_size=1, max_size=6), label="indices")
    table = p.table()
    bits = index_to_bits(np.asarray(idx), p.n_qubits)
    np.testing.assert_allclose(p.evaluate_indices(idx), table[idx], rtol=1e-12)
    np.testing.assert_allclose(p.evaluate(bits), table[idx], rtol=1e-12)
    np.testing.assert_allclose(p.evaluate(bits.astype(bool)), table[idx], rtol=1e-12)
    assert p.evaluate(bits[None]).shape == (1, len(idx))  # a batch of batches keeps its shape


@pytest.mark.parametrize("kwargs, name", [
    ({"max_terms": "5"}, "max_terms"), ({"max_terms": -1}, "max_terms"), ({"max_terms": 2.5}, "max_terms"),
    ({"max_qubits": "5"}, "max_qubits"), ({"max_qubits": 0}, "max_qubits"), ({"basis": "bogus"}, "basis"),
])
@pytest.mark.parametrize("problem", ["table", "landscape"])
def test_polynomial_limits_are_checked_by_name(hostile, kwargs, name, problem):
    hostile.named_error(lambda: PROBLEMS[problem].polynomial(**kwargs), name)


def test_a_polynomial_over_its_limit_advises_the_limit_that_would_do():
    with pytest.raises(ProblemTooLargeError, match=r"more than max_terms=2; set max_terms=\d+") as info:
        PROBLEMS["table"].polynomial(max_terms=2)
    needed = info.value.alternatives[0]["max_terms"]
    assert len(PROBLEMS["table"].polynomial(max_terms=needed)) == needed


# -- landscapes ---------------------------------------------------------------------------------------------
def _land(**changes):
    args = {"model": "perceptron", "encoding": None, "X": _X, "y": _Y, "loss": "zero_one"}
    kw = {k: changes.pop(k) for k in ("alpha", "sample_weight") if k in changes}
    args.update(changes)
    return lambda: LossLandscape(args["model"], args["encoding"], args["X"], args["y"], args["loss"], **kw)


_m = len(_Y)


@pytest.mark.parametrize("changes, name", [
    ({"X": np.where(_X == 1, np.nan, _X)}, "X"),
    ({"X": np.where(_X == 1, np.inf, _X).astype(float)}, "X"),
    ({"X": _X[:, 0]}, "X"),
    ({"X": _X[:0]}, "X"),
    ({"X": _X.astype(str)}, "X"),
    ({"X": _X + 0j}, "X"),
    ({"X": _X * 2}, "X"),                       # a 0/1 model on other values
    ({"y": _Y * 2}, "y"),
    ({"y": _Y.astype(str)}, "y"),
    ({"y": _Y[:-1]}, "y"),
    ({"y": np.where(_Y == 1, np.nan, 0.0)}, "y"),
    ({"loss": "bogus"}, "loss"),
    ({"model": "bogus"}, "model"),
    ({"model": 5}, "model"),
    ({"encoding": 5}, "encoding"),
    ({"alpha": np.nan}, "alpha"), ({"alpha": -1.0}, "alpha"), ({"alpha": "a"}, "alpha"),
    ({"sample_weight": -np.ones(_m)}, "sample_weight"),
    ({"sample_weight": np.full(_m, np.nan)}, "sample_weight"),
    ({"sample_weight": np.ones(3)}, "sample_weight"),
    ({"sample_weight": np.zeros(_m)}, "sample_weight"),
    ({"sample_weight": ["a"] * _m}, "sample_weight"),
    ({"sample_weight": np.ones(_m, dtype=bool)}, "sample_weight"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_landscape_refuses_bad_data_by_name(hostile, changes, name):
    hostile.named_error(_land(**changes), name)


@given(row=st.integers(0, _m - 1), col=st.integers(0, _X.shape[1] - 1))
def test_a_landscape_keeps_read_only_copies_of_its_data(row, col):
    X, y = _X.copy(), _Y.copy()
    land = LossLandscape("perceptron", None, X, y)
    before = land.table().copy()
    X[row, col] ^= 1
    y[row] ^= 1
    np.testing.assert_array_equal(land.table(), before)
    assert not land.X.flags.writeable and not land.y.flags.writeable
    with pytest.raises(ValueError):
        land.X[0, 0] = 1
