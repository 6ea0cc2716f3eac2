import numpy as np
import pytest

from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape, WeightEncoding, index_to_bits
from quark.exceptions import ProblemTooLargeError


def _plain_losses(land, bits):
    """Per-(weight, sample) reference of the three losses."""
    W = land.encoding.decode(bits)
    out = []
    for w in W:
        s = np.array([land.model.decision(w[None, :], x[None, :])[0, 0] for x in land.X])
        t = 2.0 * land.y - 1
        out.append(
            {
                "zero_one": np.mean((s > 0) != land.y),
                "squared": np.mean((s - t) ** 2),
                "hinge": np.mean(np.maximum(0, 1 - t * s)),
            }[land.loss]
        )
    return np.array(out)


@pytest.mark.parametrize("loss", ["zero_one", "squared", "hinge"])
@pytest.mark.parametrize("model", ["perceptron", "line-detector", "sign-mlp", "spin-perceptron", "fixed-point-linear"])
def test_table_evaluate_and_reference_agree(model, loss):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 2, size=(11, 4)) if model != "sign-mlp" else rng.integers(0, 2, size=(11, 3))
    y = rng.integers(0, 2, size=11)
    land = LossLandscape(model, None, X, y, loss=loss)
    table = land.table()
    assert table.shape == (2**land.n_qubits,)
    idx = rng.integers(0, 2**land.n_qubits, size=20)
    bits = index_to_bits(idx, land.n_qubits)
    np.testing.assert_allclose(table[idx], land.evaluate(bits), atol=1e-12)
    np.testing.assert_allclose(table[idx], land.evaluate_indices(idx), atol=1e-12)
    np.testing.assert_allclose(table[idx], _plain_losses(land, bits), atol=1e-9)
    assert land.evaluate(bits[0]) == pytest.approx(table[idx[0]])


def test_zero_one_counts_and_compact_table():
    X, y = load_tiny_mnist(dedupe=True)
    land = LossLandscape("perceptron", None, X, y)
    counts = land.count_table()
    assert counts.dtype == np.uint8
    np.testing.assert_allclose(1 - counts / land.n_samples, land.table(), atol=1e-12)
    np.testing.assert_array_equal(land.correct_counts([0, 5, 1023]), counts[[0, 5, 1023]])
    acc = land.accuracy(index_to_bits(np.array([0, 5]), land.n_qubits))
    np.testing.assert_allclose(acc, counts[[0, 5]] / land.n_samples)


def test_chunking_does_not_change_the_table(monkeypatch):
    X, y = load_edge_detection()
    land = LossLandscape("line-detector", None, X, y)
    full = land.table()
    import quark.encoding.landscape as mod

    monkeypatch.setattr(mod, "_CHUNK_PAIRS", 512 * 3)  # 3 weight settings per chunk
    np.testing.assert_array_equal(land.table(), full)


def test_line_detector_rows_optimum():
    X, y = load_edge_detection(lines="rows")
    land = LossLandscape("line-detector", None, X, y)
    t = land.table()
    assert t.min() == 0.0 and int(np.argmin(t)) == 0b00000111  # exactly the three row weights


def test_memory_guard_says_how_much():
    X = np.zeros((3, 30), dtype=int)
    land = LossLandscape("perceptron", None, X, [0, 1, 0])
    with pytest.raises(ProblemTooLargeError, match=r"GiB") as err:
        land.table(max_memory=1e9)
    assert isinstance(err.value, MemoryError) and isinstance(err.value, ValueError)
    assert "would need 16.0" in str(err.value)  # 2**31 float64 plus scratch


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (("perceptron", None, np.zeros(4), [0]), ValueError, "2-D"),
        (("perceptron", None, np.zeros((2, 3)), [0, 1, 1]), ValueError, "'y' must be 1-D with 2"),
        (("perceptron", None, np.array([[0, np.nan]]), [1]), ValueError, "NaN"),
        (("perceptron", None, np.array([[0, np.inf]]), [1]), ValueError, "NaN or infinity"),
        (("perceptron", None, np.array([[0, 1]]), [2]), ValueError, "0/1 labels"),
        (("perceptron", None, np.array([[0, 0.5]]), [1]), ValueError, "binary"),
        (("perceptron", None, np.array([["a", "b"]]), [1]), TypeError, "'X' must hold real numbers"),
        (("nope", None, np.array([[0, 1]]), [1]), ValueError, "'model' must be one of"),
        (("perceptron", WeightEncoding.binary(2), np.array([[0, 1]]), [1]), ValueError, "needs 3"),
        (("perceptron", WeightEncoding.spin(3), np.array([[0, 1]]), [1]), ValueError, "binary weights"),
        (("perceptron", "binary", np.array([[0, 1]]), [1]), TypeError, "WeightEncoding"),
    ],
)
def test_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        LossLandscape(*args)


def test_unknown_loss():
    with pytest.raises(ValueError, match="'loss' must be one of .*got 'l1'"):
        LossLandscape("perceptron", None, np.array([[0, 1]]), [1], loss="l1")


@pytest.mark.parametrize("loss", ["zero_one", "squared", "hinge"])
@pytest.mark.parametrize(
    "model, d, options",
    [
        ("perceptron", 7, {}),
        ("line-detector", 9, {}),
        ("line-detector", 4, {}),
        ("line-detector", 9, {"polarity": True}),
        ("line-detector", 9, {"grouping": "paper"}),
        ("line-detector", 16, {"grouping": "paper", "polarity": True}),
    ],
)
def test_bit_level_kernel_equals_generic_path(model, d, options, loss):
    from quark.models import get_model

    rng = np.random.default_rng(d)
    X = rng.integers(0, 2, size=(40, d))
    X[:5] = 1  # full lines for the detectors
    y = rng.integers(0, 2, size=40)
    land = LossLandscape(get_model(model, **options), None, X, y, loss=loss)
    assert land._or_form is not None
    fast, fast_counts = land.table(), land.count_table()
    few = np.array([0, 3, 2**land.n_qubits - 1])  # small batches take the NumPy path
    fast_few = land.evaluate_indices(few)
    land._or_form = None
    np.testing.assert_array_equal(fast, land.table())  # bit-identical, ties stay ties
    np.testing.assert_array_equal(fast_counts, land.count_table())
    np.testing.assert_array_equal(fast_few, land.evaluate_indices(few))
