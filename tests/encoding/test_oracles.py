"""Gate-level oracles mark exactly the right set (checked on Aer statevectors of small circuits).

The simulator forms of the threshold oracles too (last section): ``form="phase"`` (no ancilla),
``narrow=True`` (per-threshold register widths), ``blocks=True`` (diagonal blocks) and swap-free
inverse QFTs change the circuit, never the marked set.
"""

import math

import dimod
import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from qiskit import transpile  # noqa: E402
from qiskit_aer import AerSimulator  # noqa: E402

from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape, WeightEncoding, index_to_bits  # noqa: E402
from quark.models import LineDetector  # noqa: E402
from quark.encoding.oracles import (  # noqa: E402
    choose_threshold_oracle,
    counting_oracle,
    grover_circuit,
    integer_scaling,
    joint_oracle,
    arithmetic_oracle,
    oracle_cost,
    table_oracle,
)
from quark.encoding import as_problem  # noqa: E402

SIM = AerSimulator(method="statevector", max_parallel_threads=1)


def _statevectors(qc, bindings=None):
    c = qc.copy()
    c.save_statevector()
    tqc = transpile(c, SIM, optimization_level=1)  # level 2+ elides swaps into a final layout that save_statevector ignores
    if bindings:
        param = next(iter(tqc.parameters))
        res = SIM.run(tqc, parameter_binds=[{param: list(bindings)}]).result()
        return [np.asarray(res.get_statevector(i)) for i in range(len(bindings))]
    return [np.asarray(SIM.run(tqc).result().get_statevector())]


def _phases(oracle_circuit, n, bindings=None):
    """Oracle applied to |+>^n |0...0>: the n-qubit phase pattern, asserting the work qubits come back to 0."""
    c = oracle_circuit.copy_empty_like()
    c.h(range(n))
    c.compose(oracle_circuit, inplace=True)
    out = []
    for sv in _statevectors(c, bindings):
        np.testing.assert_allclose(np.abs(sv[1 << n :]), 0.0, atol=1e-9)
        out.append(sv[: 1 << n] * math.sqrt(1 << n))
    return out


def _thresholds(table):
    u = np.unique(table)
    return [float(u[0]) - 1.0, *map(float, u), float(u[-1]) + 1.0, float(np.mean(u[:2]))]


LANDSCAPES = {
    "edge2-lines": lambda: LossLandscape("line-detector", None, *load_edge_detection(size=2)),
    "edge3-rows-paper": lambda: LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection()),
    "mnist2-perceptron": lambda: LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True)),
    "edge2-paper-polarity": lambda: LossLandscape(
        LineDetector(grouping="paper", polarity=True), None, *load_edge_detection(size=2, lines="any")
    ),
}


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_counting_oracle_marks_exactly_loss_below_threshold(name):
    land = LANDSCAPES[name]()
    orc = counting_oracle(land)
    assert orc.n_weights == land.n_qubits
    m = land.n_samples
    assert orc.info["counter_qubits"] == m.bit_length() + 1  # holds K - 1 - count for every K in [0, m + 1]
    table = land.table()
    thresholds = _thresholds(table)
    phases = _phases(orc.circuit, orc.n_weights, [orc.threshold_value(t) for t in thresholds])
    for t, ph in zip(thresholds, phases):
        np.testing.assert_allclose(ph, np.where(table < t, -1.0, 1.0), atol=1e-9, err_msg=f"threshold {t}")


def test_counting_oracle_threshold_value_is_the_smallest_passing_count():
    land = LANDSCAPES["edge2-lines"]()
    orc = counting_oracle(land)
    assert orc.threshold_value(0.25) == 13  # (16 - c) / 16 < 0.25  <=>  c >= 13
    assert orc.threshold_value(0.0) == 17  # nothing is below 0: K = m + 1
    assert orc.threshold_value(1.0 + 1e-9) == 0  # everything


def test_counting_oracle_refuses_models_without_a_reversible_form():
    X, y = load_edge_detection(size=2)
    with pytest.raises(ValueError, match="'line-detector'.*'perceptron'"):
        counting_oracle(LossLandscape("sign-mlp", None, X, y))
    with pytest.raises(TypeError, match="LossLandscape"):
        counting_oracle(np.zeros(4))


def _random_bqm(n, seed):
    rng = np.random.default_rng(seed)
    lin = {i: rng.integers(-6, 7) / 4 for i in range(n)}
    quad = {(i, j): rng.integers(-4, 5) / 2 for i in range(n) for j in range(i + 1, n) if rng.random() < 0.7}
    return dimod.BinaryQuadraticModel(lin, quad, 0.75, "BINARY")


@pytest.mark.parametrize(
    "problem",
    [
        _random_bqm(5, 0),
        dimod.BinaryPolynomial({(0, 1, 2): 1.5, (1,): -1.0, (0, 3): 2.0, (2, 3, 1): -0.5, (): 0.5}, "BINARY"),
        dimod.BinaryQuadraticModel({"a": -1.0, "b": 1 / 3}, {("a", "b"): 2 / 3}, 0.0, "SPIN"),
    ],
    ids=["bqm", "hubo", "spin-thirds"],
)
def test_arithmetic_oracle_marks_exactly_energy_below_threshold(problem):
    orc = arithmetic_oracle(problem)
    assert orc.kind == "arithmetic" and orc.info["exact"] and orc.error_bound == 0.0
    table = as_problem(problem).table()
    lb, ub = orc.info["bounds"]
    s = orc.info["scale"]
    assert lb <= round(table.min() * s) and round(table.max() * s) <= ub
    thresholds = _thresholds(table)
    phases = _phases(orc.circuit, orc.n_weights, [orc.threshold_value(t) for t in thresholds])
    for t, ph in zip(thresholds, phases):
        np.testing.assert_allclose(ph, np.where(table < t, -1.0, 1.0), atol=1e-9, err_msg=f"threshold {t}")


def test_arithmetic_oracle_of_a_quadratic_landscape_with_exact_fractions():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, size=(5, 1)) / 2
    y = rng.integers(0, 2, size=5)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(2, bits=2), X, y, loss="squared")
    orc = arithmetic_oracle(land)
    table = land.table()
    s = orc.info["scale"]
    exact = np.round(table * s)  # the integer energies the circuit adds up
    np.testing.assert_allclose(exact, table * s, atol=1e-9)
    levels = np.unique(exact) / s
    # midway between attainable losses the float and exact views agree; at a tie the loss itself is not marked
    thresholds = [*((levels[:-1] + levels[1:]) / 2)[:3], float(table[7])]
    assert orc.threshold_value(float(table[7])) == exact[7]
    for t, ph in zip(thresholds, _phases(orc.circuit, 4, [orc.threshold_value(t) for t in thresholds])):
        np.testing.assert_allclose(ph, np.where(exact < orc.threshold_value(t), -1.0, 1.0), atol=1e-9)
        if t != table[7]:
            np.testing.assert_allclose(ph, np.where(table < t, -1.0, 1.0), atol=1e-9)
    with pytest.raises(ValueError, match="polynomial of the bits.*oracle='table'"):
        arithmetic_oracle(LANDSCAPES["edge2-lines"]())


def test_value_register_matches_qiskit_quadratic_form_gate():
    """Our energy computation equals qiskit's QuadraticFormGate on a QUBO (threshold 0)."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import QuadraticFormGate

    bqm = dimod.BinaryQuadraticModel({0: 3.0, 1: -2.0, 2: 1.0}, {(0, 1): -4.0, (1, 2): 2.0}, 1.0, "BINARY")
    orc = arithmetic_oracle(bqm)
    b = orc.info["value_qubits"]
    compute = orc.circuit.data[: len(orc.circuit.data) // 2]  # U (before the sign flip)
    ours = QuantumCircuit(orc.circuit.num_qubits)
    ours.h(range(3))
    for inst in compute:
        ours.append(inst.operation, [orc.circuit.find_bit(q).index for q in inst.qubits])
    ref = QuantumCircuit(3 + b)
    ref.h(range(3))
    A = [[0, -4, 0], [0, 0, 2], [0, 0, 0]]
    ref.append(QuadraticFormGate(b, quadratic=A, linear=[3, -2, 1], offset=1), range(3 + b))
    sv_ours = _statevectors(ours.assign_parameters({next(iter(ours.parameters)): 0}))[0]
    sv_ref = _statevectors(ref)[0]
    np.testing.assert_allclose(np.abs(sv_ours - sv_ref), 0.0, atol=1e-9)


def test_arithmetic_oracle_rounds_inexact_coefficients_and_the_old_name_still_works():
    with pytest.raises(ValueError, match="exact integers"):
        integer_scaling([math.sqrt(2)])
    assert integer_scaling([0.5, -0.25, 3.0]) == 4
    orc = arithmetic_oracle(dimod.BinaryQuadraticModel({0: math.sqrt(2)}, {}, 0.0, "BINARY"))
    assert not orc.info["exact"] and 0.0 < orc.error_bound <= math.sqrt(2) * 2.0**-8
    with pytest.raises(ValueError, match="max_value_qubits"):
        arithmetic_oracle(dimod.BinaryQuadraticModel({0: 1 / 4099, 1: 1000.0}, {}, 0.0, "BINARY"), bits=20,
                          max_value_qubits=8)
    with pytest.raises(ValueError, match="'oracle' must be one of"):
        choose_threshold_oracle(_random_bqm(3, 0), "qubo")   # the pre-release name is gone


def test_table_oracle_is_the_diagonal_of_marks():
    table = np.array([0.5, 0.1, 0.9, 0.1, 0.3, 0.7, 0.2, 0.0])
    orc = table_oracle(table)
    for t in (0.0, 0.15, 0.5, 2.0):
        ph = _phases(orc.bound(t), 3)[0]
        np.testing.assert_allclose(ph, np.where(table < t, -1.0, 1.0), atol=1e-9)
    with pytest.raises(ValueError, match="power-of-two"):
        table_oracle(np.zeros(6))
    with pytest.raises(ValueError, match="at most 2 weight qubits"):
        table_oracle(table, max_qubits=2)


def _joint_distribution(land, r, k, entries):
    """PAPER.md's closed form over ``entries`` index values per copy (padding, if any, never marked)."""
    c = land.correct_counts(np.arange(1 << land.n_qubits)).astype(np.float64) ** k
    M, N = c.sum(), (1 << land.n_qubits) * float(entries) ** k
    theta = math.asin(math.sqrt(M / N))
    return c * math.sin((2 * r + 1) * theta) ** 2 / M + (entries**k - c) * math.cos((2 * r + 1) * theta) ** 2 / (N - M)


def _three_samples():
    return LossLandscape("perceptron", None, np.array([[0, 1], [1, 0], [1, 1]]), np.array([1, 0, 1]))


def _edge2_paper():
    return LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection(size=2))


JOINT_CASES = [
    ("edge2-paper", _edge2_paper, 1, "features", "uniform"),
    ("edge2-paper-pixels", _edge2_paper, 1, "pixels", "uniform"),
    ("3-samples-k2-uniform", _three_samples, 2, "features", "uniform"),
    ("3-samples-k2-padded", _three_samples, 2, "features", "padded"),
    ("3-samples-pixels-padded", _three_samples, 1, "pixels", "padded"),
]


@pytest.mark.parametrize("name,make,copies,loader,index_state", JOINT_CASES, ids=[c[0] for c in JOINT_CASES])
def test_joint_oracle_marks_correct_pairs_and_amplifies_as_the_paper_formula(name, make, copies, loader, index_state):
    land = make()
    jo = joint_oracle(land, copies, loader=loader, index_state=index_state)
    n, a, m = land.n_qubits, jo.n_index, land.n_samples
    entries = jo.info["index_entries"]
    assert entries == (m if index_state == "uniform" else 1 << a)
    prep = jo.state_preparation
    start = jo.circuit.copy_empty_like()
    if prep is None:
        start.h(jo.search_qubits)
    else:
        start.compose(prep, inplace=True)
    marked = start.copy()
    marked.compose(jo.circuit, inplace=True)
    sv0, sv1 = _statevectors(start)[0], _statevectors(marked)[0]
    np.testing.assert_allclose(np.abs(sv1), np.abs(sv0), atol=1e-9)  # a pure phase: work qubits back to |0>
    support = np.flatnonzero(np.abs(sv0) > 1e-9)
    assert support.size == (1 << n) * entries**copies
    sign = (sv1[support] / sv0[support]).real
    np.testing.assert_allclose(np.abs(sign), 1.0, atol=1e-9)
    # expected: -1 where every copy's index is a real sample classified correctly by w
    W = np.arange(1 << n)
    correct = land.model.predict(land.decode(index_to_bits(W, n)), land.X) == land.y  # (2**n, m)
    w_of = support & ((1 << n) - 1)
    want = np.ones(support.size, dtype=bool)
    for q in range(copies):
        qubits = [jo.search_qubits[n + q * a + t] for t in range(a)]
        i_of = sum(((support >> qb) & 1) << t for t, qb in enumerate(qubits))
        real = i_of < m
        want &= real & correct[w_of, np.minimum(i_of, m - 1)]
    np.testing.assert_array_equal(sign < 0, want)
    # after r rounds the weight marginal is the paper's closed form
    for r in (1, 2):
        qc = grover_circuit(jo.circuit, jo.search_qubits, list(range(n)), r, measure=False, state_preparation=prep)
        p = np.abs(_statevectors(qc)[0]) ** 2
        p_w = p.reshape(-1, 1 << n).sum(axis=0)
        np.testing.assert_allclose(p_w, _joint_distribution(land, r, copies, entries), atol=1e-9)


def test_joint_oracle_bad_input():
    land = LANDSCAPES["edge2-lines"]()
    with pytest.raises(ValueError, match="'copies'"):
        joint_oracle(land, 0)
    with pytest.raises(ValueError, match="'loader'"):
        joint_oracle(land, 1, loader="qram")
    with pytest.raises(ValueError, match="'index_state'"):
        joint_oracle(land, 1, index_state="hadamard")
    with pytest.raises(ValueError, match="reversible"):
        joint_oracle(LossLandscape("sign-mlp", None, *load_edge_detection(size=2)), 1)


def test_grover_circuit_finds_the_single_marked_state():
    qc = grover_circuit(table_oracle(np.r_[np.ones(5), 0.0, 1.0, 1.0]).bound(0.5), [0, 1, 2], [0, 1, 2], 2, measure=False)
    p = np.abs(_statevectors(qc)[0]) ** 2
    assert p.argmax() == 5 and p[5] > 0.94
    with pytest.raises(ValueError, match="'iterations'"):
        grover_circuit(qc, [0], [0], -1)


# -- the simulator forms (AerBackend(compact=True)) ----------------------------------------------------
def _marks_exactly(orc, table):
    """Every threshold: the circuit ``at`` returns flips exactly the settings below it (one run per shape)."""
    by_shape = {}
    for t in _thresholds(table):
        qc, binding, key = orc.at(t)
        entry = by_shape.setdefault(key, (qc, [], []))
        entry[1].extend(binding.values())
        entry[2].append(t)
    for key, (qc, values, thresholds) in by_shape.items():
        phases = _phases(qc, orc.n_weights, values or None) if values else _phases(qc, orc.n_weights) * len(thresholds)
        for t, ph in zip(thresholds, phases):
            np.testing.assert_allclose(ph, np.where(table < t, -1.0, 1.0), atol=1e-9, err_msg=f"threshold {t}, {key}")
    return set(by_shape)


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
@pytest.mark.parametrize("form,narrow,blocks", [("phase", False, False), ("ancilla", True, False), ("phase", True, True)])
def test_counting_oracle_forms_mark_exactly_loss_below_threshold(name, form, narrow, blocks):
    land = LANDSCAPES[name]()
    orc = counting_oracle(land, form=form, narrow=narrow, blocks=blocks)
    ref = counting_oracle(land)
    assert orc.info["ancillas"] == int(form == "ancilla")
    assert orc.circuit.num_qubits == ref.circuit.num_qubits - int(form == "phase") - (ref.info["counter_qubits"] - orc.info["counter_qubits"])
    shapes = _marks_exactly(orc, land.table())
    assert len(shapes) <= 2  # narrow: two register widths at most, each parametric in K
    cmin, cmax = orc.info["count_bounds"]
    counts = np.rint((1.0 - land.table()) * land.n_samples)
    assert (not narrow) or (cmin <= counts.min() and counts.max() <= cmax)


def test_narrow_counter_of_tiny_mnist_3x3_is_one_qubit_smaller_mid_range():
    land = LossLandscape("perceptron", None, *load_tiny_mnist(size=3, dedupe=True))
    orc = counting_oracle(land, form="phase", narrow=True, blocks=True)
    assert orc.info["counter_qubits"] == land.n_samples.bit_length() + 1  # widest shape: every K
    m = land.n_samples
    qc, _, key = orc.at((m - m // 2) / m + 1e-9)  # K near the middle of [0, m]
    assert key == ("counting", orc.info["counter_qubits"] - 1)
    assert qc.num_qubits == land.n_qubits + orc.info["counter_qubits"] - 1  # no ancilla either
    assert orc.info["diagonal_blocks"] >= 1 and "diagonal" in qc.count_ops()


@pytest.mark.parametrize("problem", [_random_bqm(5, 0), _random_bqm(6, 1),
                                     dimod.BinaryPolynomial({(0, 1, 2): 1.5, (1,): -1.0, (0, 3): 2.0, (): 0.5}, "BINARY")],
                         ids=["bqm5", "bqm6", "hubo"])
@pytest.mark.parametrize("narrow,swaps,blocks", [(True, True, False), (False, False, False), (True, False, True)])
def test_arithmetic_oracle_forms_mark_exactly_energy_below_threshold(problem, narrow, swaps, blocks):
    orc = arithmetic_oracle(problem, narrow=narrow, swaps=swaps, blocks=blocks)
    assert len(_marks_exactly(orc, as_problem(problem).table())) <= 2
    if not swaps:
        assert "swap" not in orc.circuit.decompose().count_ops()


def test_oracle_cost_and_the_cheapest_choice():
    land = LossLandscape("perceptron", None, *load_tiny_mnist(size=3, dedupe=True))  # 10 weights
    table = table_oracle(land)
    assert oracle_cost(table) == (1 << 10) - 2  # DiagonalGate synthesis: 2**n - 2 CX
    counting = choose_threshold_oracle(land, "auto")
    assert counting.kind == "counting" and oracle_cost(counting) > oracle_cost(table)
    cheap = choose_threshold_oracle(land, "cheapest", compact=True)
    assert cheap.kind == "table" and cheap.info["instead_of"]["kind"] == "counting"
    assert choose_threshold_oracle(land, "cheapest", max_table_qubits=8).kind == "counting"  # table not allowed
    # a sparse QUBO on 12 variables: 4094 CX of table against a few hundred of arithmetic
    sparse = dimod.BinaryQuadraticModel({i: (-1) ** i for i in range(12)}, {(0, 1): 2.0, (5, 7): -1.0}, 0.0, "BINARY")
    assert choose_threshold_oracle(sparse, "cheapest").kind == "arithmetic"
    small = choose_threshold_oracle(_random_bqm(4, 2), "cheapest")
    assert small.kind == "table"
    _marks_exactly(small, as_problem(_random_bqm(4, 2)).table())


def test_compact_forms_of_the_paper_line_detector():
    land = LossLandscape(LineDetector(grouping="paper", polarity=True), None, *load_edge_detection(size=2, lines="any"))
    orc = choose_threshold_oracle(land, "auto", compact=True)
    assert orc.kind == "counting" and orc.info["form"] == "phase"
    _marks_exactly(orc, land.table())
