import dimod
import numpy as np
import pytest

from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape, index_to_bits
from quark.optimizers import CostLedger, ExhaustiveSearch, RandomSearch, as_problem


def test_exhaustive_finds_the_table_minimum_and_counts_evaluations():
    X, y = load_tiny_mnist(dedupe=True)
    land = LossLandscape("perceptron", None, X, y)
    res = ExhaustiveSearch().minimize(land)
    table = land.table()
    assert res.loss == table.min() and res.index == int(np.argmin(table))
    assert res.ledger.model_evaluations == 2**land.n_qubits * land.n_samples
    assert res.ledger.oracle_queries == 0 and res.ledger.shots == 0
    np.testing.assert_array_equal(res.weights, land.decode(res.bits))
    assert res.history[-1]["best_loss"] == res.loss


def test_every_problem_form_gives_the_same_optimum():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    land = LossLandscape("fixed-point-linear", None, X, rng.integers(0, 2, 20), loss="squared")
    ref = ExhaustiveSearch().minimize(land)
    for form in (land.to_bqm(), land.to_polynomial(), land.to_quadratic_program(), land.table()):
        res = ExhaustiveSearch().minimize(form)
        assert res.loss == pytest.approx(ref.loss, abs=1e-9)
        np.testing.assert_array_equal(res.bits, ref.bits)


def test_problem_variable_order_and_spin_models():
    bqm = dimod.BinaryQuadraticModel({"b": 1.0, "a": -2.0}, {("a", "b"): 0.5}, 0.25, dimod.SPIN)
    prob = as_problem(bqm)
    assert prob.variables == list(bqm.variables)  # bit i is the model's i-th variable
    res = ExhaustiveSearch().minimize(bqm)
    assert res.loss == pytest.approx(dimod.ExactSolver().sample(bqm).first.energy)
    assert bqm.energy({v: 2 * s - 1 for v, s in res.sample.items()}) == pytest.approx(res.loss)


def test_quadratic_program_maximize_and_constraints():
    from qiskit_optimization import QuadraticProgram

    qp = QuadraticProgram()
    qp.binary_var("x")
    qp.binary_var("y")
    qp.maximize(linear={"x": 1, "y": 2}, quadratic={("x", "y"): -4})
    res = ExhaustiveSearch().minimize(qp)
    assert res.loss == -2 and res.bits.tolist() == [0, 1]
    qp.linear_constraint({"x": 1}, "<=", 0)
    with pytest.raises(ValueError, match="QuadraticProgramToQubo"):
        ExhaustiveSearch().minimize(qp)


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        ([1.0, 2.0, 3.0], ValueError, "power-of-two"),
        ([1.0, np.nan], ValueError, "NaN"),
        ("table", TypeError, "LossLandscape"),
    ],
)
def test_bad_problems(bad, exc, match):
    with pytest.raises(exc, match=match):
        ExhaustiveSearch().minimize(bad)


def test_random_search_is_seeded_and_respects_budget():
    X, y = load_edge_detection()
    land = LossLandscape("line-detector", None, X, y)
    a = RandomSearch(max_queries=10, random_state=5).minimize(land)
    b = RandomSearch(max_queries=10, random_state=5).minimize(land)
    assert a.index == b.index and a.loss == b.loss
    assert a.ledger.model_evaluations == 10 * 512
    assert a.loss == land.evaluate(index_to_bits(a.index, 8))
    hit = RandomSearch(max_queries=1_000, target_loss=0.0, random_state=1).minimize(land)
    assert hit.loss == 0.0 and hit.info["stop_reason"] == "target_loss"
    assert hit.ledger.model_evaluations == hit.info["evaluations"] * 512 < 1_000 * 512
    with pytest.raises(ValueError, match="'max_queries' must be a positive integer"):
        RandomSearch(max_queries=0).minimize(land)


def test_ledger_tracks_totals_history_and_callback():
    seen = []
    led = CostLedger(callback=seen.append)
    led.start()
    led.update(oracle_queries=4, grover_iterations=4, shots=1, circuit_executions=1)
    led.update(model_evaluations=10)
    snap = led.record(0.5, round=1)
    led.stop()
    assert (led.oracle_queries, led.shots, led.model_evaluations) == (4, 1, 10)
    assert snap["best_loss"] == 0.5 and snap["round"] == 1 and seen == [snap]
    assert led.latest == {"model_evaluations": 10} and led.wall_time_s >= 0
    with pytest.raises(ValueError, match="unknown ledger field"):
        led.update(qubits=3)
    with pytest.raises(ValueError, match="non-negative"):
        led.update(shots=-1)


def test_callback_and_seed_validation():
    calls = []
    ExhaustiveSearch(callback=calls.append).minimize([1.0, 0.0])
    assert calls and calls[0]["best_loss"] == 0.0
    with pytest.raises(TypeError, match="random_state"):
        RandomSearch(random_state="seed").minimize([1.0, 0.0])


def test_polynomial_bit_order_does_not_depend_on_hash_seed():
    import subprocess
    import sys

    code = (
        "import dimod; from quark.optimizers import as_problem;"
        "p = dimod.BinaryPolynomial({('w', 'b', 'a'): 1.0, ('z',): 2.0, ('m', 'c'): -1.0}, 'BINARY');"
        "print(as_problem(p).variables)"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], env={**__import__("os").environ, "PYTHONHASHSEED": str(s)}, capture_output=True, text=True, check=True).stdout
        for s in (1, 2, 3)
    }
    assert outs == {"['a', 'b', 'c', 'm', 'w', 'z']\n"}


def test_integer_biases_of_either_sign():
    poly = dimod.BinaryPolynomial({(0, 1): -3, (2,): 2, (): 1}, "BINARY")
    np.testing.assert_array_equal(as_problem(poly).table(), [1, 1, 1, -2, 3, 3, 3, 0])
    res = ExhaustiveSearch().minimize(poly)
    assert res.loss == -2 and res.sample == {0: 1, 1: 1, 2: 0}
