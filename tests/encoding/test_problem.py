"""The problem interface: every problem type offers the same operations, restriction included."""

import dimod
import numpy as np
import pytest
from qiskit_optimization import QuadraticProgram

from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape, as_problem
from quark.encoding.bits import index_to_bits
from quark.encoding.problem import RestrictedProblem, SearchProblem


def _problems():
    rng = np.random.default_rng(0)
    X, y = load_tiny_mnist(size=2, dedupe=True)
    bqm = dimod.BinaryQuadraticModel(rng.normal(size=6), {(0, 1): 1.5, (2, 5): -0.5}, 0.25, "BINARY")
    poly = dimod.BinaryPolynomial({(0, 1, 2): 2.0, (3,): -1.0, (): 0.5, (4, 5): 0.25}, "BINARY")
    lin = LossLandscape("fixed-point-linear", None, rng.normal(size=(20, 2)), rng.integers(0, 2, 20), loss="squared")
    return {
        "table": as_problem(rng.random(64)),
        "bqm": as_problem(bqm),
        "poly": as_problem(poly),
        "perceptron": LossLandscape("perceptron", None, X, y),
        "linear-squared": lin,
    }


PROBLEMS = _problems()


@pytest.mark.parametrize("name", PROBLEMS)
def test_every_problem_offers_the_interface(name):
    p = PROBLEMS[name]
    assert isinstance(p, SearchProblem) and len(p.variables) == p.n_qubits
    table = p.table()
    idx = np.arange(1 << p.n_qubits)
    np.testing.assert_allclose(p.evaluate_indices(idx), table)
    np.testing.assert_allclose(p.evaluate(index_to_bits(idx, p.n_qubits)), table)
    poly = p.polynomial()
    energies = np.array([sum(c for t, c in poly.items() if all(b[i] for i in t)) for b in index_to_bits(idx, p.n_qubits)])
    np.testing.assert_allclose(energies, table, atol=1e-9)
    if p.is_quadratic:
        bqm = p.to_bqm()
        np.testing.assert_allclose(bqm.energies((index_to_bits(idx, p.n_qubits), range(p.n_qubits))), table, atol=1e-9)


@pytest.mark.parametrize("name", PROBLEMS)
def test_restriction_is_the_same_loss_with_the_other_bits_fixed(name):
    p = PROBLEMS[name]
    rng = np.random.default_rng(1)
    free = rng.choice(p.n_qubits, size=3, replace=False)
    base = rng.integers(0, 2, size=p.n_qubits).astype(np.uint8)
    r = p.restrict(free, base)
    assert isinstance(r, RestrictedProblem) and r.n_qubits == 3
    sub = index_to_bits(np.arange(8), 3)
    full = np.tile(base, (8, 1))
    full[:, free] = sub
    np.testing.assert_allclose(r.table(), p.evaluate(full))
    np.testing.assert_allclose(r.evaluate(sub), p.evaluate(full))
    poly = r.polynomial()  # substituted symbolically where the parent has a polynomial
    energies = np.array([sum(c for t, c in poly.items() if all(b[i] for i in t)) for b in sub])
    np.testing.assert_allclose(energies, r.table(), atol=1e-9)
    assert r.is_quadratic == p.is_quadratic and r.n_samples == p.n_samples


def test_restricted_counts_and_correct_samples_follow_the_parent():
    X, y = load_edge_detection(size=3)
    land = LossLandscape("line-detector", None, X, y)
    base = np.zeros(8, dtype=np.uint8)
    r = land.restrict([0, 1, 2], base)
    counts = r.count_table()
    np.testing.assert_allclose(r.loss_of_counts(counts), r.table())
    assert counts[0b111] == 512  # rows on: every image right
    assert r.correct_samples([0b111]).all() and r.correct_samples([0b111]).shape == (1, 512)


def test_bad_restrictions_are_refused():
    p = PROBLEMS["table"]
    with pytest.raises(ValueError, match="'free'"):
        p.restrict([0, 0], np.zeros(6))
    with pytest.raises(ValueError, match="'free'"):
        p.restrict([7], np.zeros(6))
    with pytest.raises(ValueError, match="'base'"):
        p.restrict([0], np.zeros(5))


def test_a_maximized_quadratic_program_says_so():
    from quark.optimizers import ExhaustiveSearch

    qp = QuadraticProgram()
    qp.binary_var("a")
    qp.binary_var("b")
    qp.maximize(linear={"a": 1.0, "b": 2.0}, quadratic={("a", "b"): -4.0})
    res = ExhaustiveSearch().minimize(qp)
    assert res.info["sense"] == "maximize" and res.info["objective"] == 2.0 and res.loss == -2.0
