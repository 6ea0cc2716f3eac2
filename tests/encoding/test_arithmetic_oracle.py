"""The arithmetic oracle on real coefficients: marks are ``rounded energy < t``, within the stated bound.

Checked on Aer statevectors of the oracle applied to the uniform superposition, against the
closed form: the problem's polynomial with every coefficient rounded to the oracle's grid.
"""

import dimod
import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from quark.datasets import load_edge_detection  # noqa: E402
from quark.encoding import LossLandscape, WeightEncoding, as_problem, index_to_bits  # noqa: E402
from quark.encoding.oracles import arithmetic_oracle, choose_threshold_oracle, fixed_point_grid  # noqa: E402



def _rounded_table(problem, grid: float) -> np.ndarray:
    """Closed form: every coefficient on the grid, the offset exact."""
    p = as_problem(problem)
    terms = p.polynomial()
    bits = index_to_bits(np.arange(1 << p.n_qubits), p.n_qubits).astype(bool)
    out = np.full(1 << p.n_qubits, float(terms.get((), 0.0)))
    for t, c in terms.items():
        if t:
            out += grid * np.rint(c / grid) * bits[:, list(t)].all(axis=1)
    return out


def _random_real_polynomial(n, degree, seed):
    rng = np.random.default_rng(seed)
    terms = {(): float(rng.normal())}
    for i in range(n):
        terms[(i,)] = float(rng.normal() * 2)
    for _ in range(2 * n):
        t = tuple(sorted(rng.choice(n, size=int(rng.integers(2, degree + 1)), replace=False).tolist()))
        terms[t] = float(rng.normal())
    if degree == 2:
        lin = {v[0]: c for v, c in terms.items() if len(v) == 1}
        quad = {v: c for v, c in terms.items() if len(v) == 2}
        return dimod.BinaryQuadraticModel(lin, quad, terms[()], "BINARY")
    return dimod.BinaryPolynomial(terms, "BINARY")


def _real_landscape(seed=0, alpha=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=25) > 0).astype(int)
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=2), X, y, loss="squared", alpha=alpha)


def _thresholds(table):
    return [*np.quantile(table, [0.0, 0.02, 0.1, 0.3, 0.6]), float(table.min()) - 1, float(table.max()) + 1]


PROBLEMS = {
    "qubo5": lambda: _random_real_polynomial(5, 2, 0),
    "hubo5": lambda: _random_real_polynomial(5, 3, 1),
    "landscape6": lambda: _real_landscape(0, alpha=0.02),
}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("bits", [None, 7])
@pytest.mark.parametrize("compact", [False, True], ids=["hardware", "compact"])
def test_marks_are_the_rounded_energy_below_threshold_within_the_bound(name, bits, compact, oracle_marks):
    problem = as_problem(PROBLEMS[name]())
    orc = arithmetic_oracle(problem, bits=bits, narrow=compact, swaps=not compact, blocks=compact)
    assert orc.kind == "arithmetic" and not orc.info["exact"]
    if bits is not None:
        assert orc.info["value_qubits"] <= bits
    exact = problem.table()
    rounded = _rounded_table(problem, orc.info["grid"])
    # the stated bound holds for every setting
    assert np.abs(rounded - exact).max() <= orc.error_bound + 1e-12
    thresholds = _thresholds(exact)
    marks = oracle_marks(orc, thresholds)
    for t, m in zip(thresholds, marks):
        np.testing.assert_array_equal(m, rounded < t, err_msg=f"threshold {t}")
        differ = m != (exact < t)
        assert np.all(np.abs(exact[differ] - t) <= orc.error_bound + 1e-12)


def test_more_bits_a_tighter_bound_and_the_default_from_the_spread():
    problem = as_problem(_real_landscape(1))
    coarse, fine = arithmetic_oracle(problem, bits=6), arithmetic_oracle(problem, bits=12)
    assert coarse.info["value_qubits"] <= 6 < fine.info["value_qubits"] <= 12
    assert fine.error_bound < coarse.error_bound / 8
    default = arithmetic_oracle(problem)
    spread = sum(abs(c) for t, c in problem.polynomial().items() if t)
    assert default.error_bound <= spread * 2.0**-8
    assert fixed_point_grid([0.3, -1.7, 2.2], bits=6) == -2


def test_exact_fractions_stay_exact_and_a_threshold_at_an_attained_loss_excludes_it(oracle_marks):
    bqm = dimod.BinaryQuadraticModel({0: 0.5, 1: -0.75}, {(0, 1): 1.25}, 0.1, "BINARY")
    orc = arithmetic_oracle(bqm)
    assert orc.info["exact"] and orc.error_bound == 0.0
    table = as_problem(bqm).table()
    marks = oracle_marks(orc, [float(table[2]), float(table[3])])
    np.testing.assert_array_equal(marks, [table < table[2], table < table[3]])


def test_auto_picks_a_coherent_oracle_and_never_the_table():
    land = _real_landscape(2)
    assert choose_threshold_oracle(land).kind == "arithmetic"
    assert choose_threshold_oracle(land.restrict([0, 2, 5], np.zeros(land.n_qubits, dtype=np.uint8))).kind == "arithmetic"
    X, y = load_edge_detection(size=2)
    for refused in (LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(5, bits=1), X, y, loss="hinge"),
                    LossLandscape("sign-mlp", None, X[:, :2], y)):
        with pytest.raises(ValueError, match="no coherent threshold oracle.*oracle='table'.*compile_evaluations"):
            choose_threshold_oracle(refused)
        table = choose_threshold_oracle(refused, "table")  # only when asked, its classical cost stated
        assert table.kind == "table"
        assert table.compile_evaluations == (1 << refused.n_qubits) * refused.n_samples
    # a loss table handed in is its own oracle: nothing is computed for it
    given = choose_threshold_oracle(np.arange(8.0))
    assert given.kind == "table" and given.compile_evaluations == 0
