"""The vectorized forward passes equal plain per-sample references written from the definitions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quark.encoding import weight_encoding
from quark.models import (
    MODELS,
    BinaryPerceptron,
    FixedPointLinear,
    LineDetector,
    SignMLP,
    SpinPerceptron,
    get_model,
    image_lines,
)


def ref_perceptron(w, x, threshold=1):
    d = len(x)
    fire = sum(w[j] * x[j] for j in range(d)) >= threshold
    return 1 if fire != bool(w[d]) else 0


def ref_linear(w, x, bias):
    s = sum(wj * xj for wj, xj in zip(w, x)) + (w[len(x)] if bias else 0.0)
    return 1 if s > 0 else 0


def ref_line_detector(w, x, grouping, polarity):
    size = int(round(len(x) ** 0.5))
    names, pixels = image_lines(size)
    out = False
    for li, p in enumerate(pixels):
        full = all(x[q] for q in p)
        if grouping == "lines":
            gate = w[li]
        else:
            gate = w[0] if li < size else w[1] if li < 2 * size else w[2]
        out = out or (full and gate)
    if polarity:
        out = out != bool(w[-1])
    return int(out)


def ref_sign_mlp(w, x, hidden):
    d = len(x)
    xc = [2 * v - 1 for v in x]
    h = []
    for i in range(hidden):
        pre = sum(w[i * d + j] * xc[j] for j in range(d))
        h.append(1 if pre >= 0 else -1)
    s = sum(w[hidden * d + i] * h[i] for i in range(hidden))
    return 1 if s > 0 else 0


def _check(model, ref, d, data, real_x=False):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    enc = weight_encoding(model, d, 2 if model.weight_kind == "fixed" else None)
    bits = rng.integers(0, 2, size=(6, enc.n_qubits))
    W = enc.decode(bits)
    X = rng.normal(size=(5, d)) if real_x else rng.integers(0, 2, size=(5, d))
    pred = model.predict(W, X)
    assert pred.shape == (6, 5)
    expected = [[ref(list(w), list(x)) for x in X] for w in W]
    np.testing.assert_array_equal(pred, expected)


@given(st.integers(1, 7), st.integers(1, 3), st.data())
def test_binary_perceptron_matches_reference(d, threshold, data):
    _check(BinaryPerceptron(threshold), lambda w, x: ref_perceptron(w, x, threshold), d, data)


@given(st.integers(1, 6), st.booleans(), st.data())
def test_spin_perceptron_matches_reference(d, bias, data):
    _check(SpinPerceptron(bias), lambda w, x: ref_linear(w, x, bias), d, data, real_x=True)


@given(st.integers(1, 5), st.booleans(), st.data())
def test_fixed_point_linear_matches_reference(d, bias, data):
    _check(FixedPointLinear(bias), lambda w, x: ref_linear(w, x, bias), d, data, real_x=True)


@given(st.sampled_from([4, 9, 16]), st.sampled_from(["lines", "paper"]), st.booleans(), st.data())
def test_line_detector_matches_reference(d, grouping, polarity, data):
    _check(LineDetector(grouping, polarity), lambda w, x: ref_line_detector(w, x, grouping, polarity), d, data)


@given(st.integers(1, 5), st.integers(1, 3), st.data())
def test_sign_mlp_matches_reference(d, hidden, data):
    _check(SignMLP(hidden), lambda w, x: ref_sign_mlp(w, x, hidden), d, data)


def test_line_detector_on_full_lines():
    m = LineDetector()
    X = np.zeros((8, 9), dtype=int)
    _, pixels = image_lines(3)
    for i, p in enumerate(pixels):
        X[i, p] = 1
    W = np.eye(8, dtype=int)  # each weight enables exactly one line
    np.testing.assert_array_equal(m.predict(W, X), np.eye(8, dtype=int))
    assert m.n_weights(9) == 8 and LineDetector("paper").n_weights(9) == 3


def test_linear_models_expose_their_features():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    m = FixedPointLinear()
    W = np.array([[0.5, -1.0, 0.25]])
    np.testing.assert_allclose(m.decision(W, X)[0], m.features(X) @ W[0])


def test_registry_and_names():
    assert set(MODELS) == {"perceptron", "spin-perceptron", "fixed-point-linear", "line-detector", "sign-mlp", "quantized-mlp",
                           "ternary-linear", "stumps"}
    assert get_model("perceptron") == BinaryPerceptron()
    assert get_model("sign-mlp", hidden=5).n_weights(4) == 25
    with pytest.raises(ValueError, match="'model' must be one of .* got 'cnn'"):
        get_model("cnn")
    with pytest.raises(ValueError, match="square images"):
        LineDetector().n_weights(6)
    with pytest.raises(ValueError, match="weight_bits"):
        weight_encoding(BinaryPerceptron(), 3, weight_bits=2)
    with pytest.raises(ValueError, match="binary"):
        BinaryPerceptron().check_features(np.array([[0.5, 1.0]]))
    assert BinaryPerceptron().weight_names(2) == ["pixel0", "pixel1", "polarity"]
