"""The simulator forms of the threshold oracles mark exactly the same sets (Aer statevectors).

``form="phase"`` (no ancilla), ``narrow=True`` (per-threshold register widths), ``blocks=True``
(diagonal blocks) and swap-free inverse QFTs change the circuit, never the marked set.
"""

import math

import dimod
import numpy as np
import pytest

pytest.importorskip("qiskit_aer")

from qiskit import transpile  # noqa: E402
from qiskit_aer import AerSimulator  # noqa: E402

from quark.datasets import load_edge_detection, load_tiny_mnist  # noqa: E402
from quark.encoding import LossLandscape, as_problem  # noqa: E402
from quark.encoding.oracles import (  # noqa: E402
    choose_threshold_oracle,
    counting_oracle,
    oracle_cost,
    qubo_oracle,
    table_oracle,
)
from quark.models import LineDetector  # noqa: E402

SIM = AerSimulator(method="statevector", max_parallel_threads=1)

LANDSCAPES = {
    "edge2-lines": lambda: LossLandscape("line-detector", None, *load_edge_detection(size=2)),
    "edge3-rows-paper": lambda: LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection()),
    "mnist2-perceptron": lambda: LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True)),
    "edge2-paper-polarity": lambda: LossLandscape(
        LineDetector(grouping="paper", polarity=True), None, *load_edge_detection(size=2, lines="any")
    ),
}


def _phases(oracle_circuit, n, bindings=None):
    """Oracle applied to |+>^n |0...0>: the n-qubit phase pattern, asserting the work qubits come back to 0."""
    c = oracle_circuit.copy_empty_like()
    c.h(range(n))
    c.compose(oracle_circuit, inplace=True)
    c.save_statevector()
    tqc = transpile(c, SIM, optimization_level=1)
    if bindings:
        res = SIM.run(tqc, parameter_binds=[{next(iter(tqc.parameters)): list(bindings)}]).result()
        svs = [np.asarray(res.get_statevector(i)) for i in range(len(bindings))]
    else:
        svs = [np.asarray(SIM.run(tqc).result().get_statevector())]
    out = []
    for sv in svs:
        np.testing.assert_allclose(np.abs(sv[1 << n :]), 0.0, atol=1e-9)
        out.append(sv[: 1 << n] * math.sqrt(1 << n))
    return out


def _thresholds(table):
    u = np.unique(table)
    return [float(u[0]) - 1.0, *map(float, u), float(u[-1]) + 1.0, float(np.mean(u[:2]))]


def _random_bqm(n, seed):
    rng = np.random.default_rng(seed)
    lin = {i: rng.integers(-6, 7) / 4 for i in range(n)}
    quad = {(i, j): rng.integers(-4, 5) / 2 for i in range(n) for j in range(i + 1, n) if rng.random() < 0.7}
    return dimod.BinaryQuadraticModel(lin, quad, 0.75, "BINARY")


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
def test_qubo_oracle_forms_mark_exactly_energy_below_threshold(problem, narrow, swaps, blocks):
    orc = qubo_oracle(problem, narrow=narrow, swaps=swaps, blocks=blocks)
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
    assert choose_threshold_oracle(sparse, "cheapest").kind == "qubo"
    small = choose_threshold_oracle(_random_bqm(4, 2), "cheapest")
    assert small.kind == "table"
    _marks_exactly(small, as_problem(_random_bqm(4, 2)).table())


def test_compact_forms_of_the_paper_line_detector():
    land = LossLandscape(LineDetector(grouping="paper", polarity=True), None, *load_edge_detection(size=2, lines="any"))
    orc = choose_threshold_oracle(land, "auto", compact=True)
    assert orc.kind == "counting" and orc.info["form"] == "phase"
    _marks_exactly(orc, land.table())
