"""Reversible-circuit forms of the Boolean models: exhaustively equal to the models' forward pass."""

import numpy as np
import pytest

from quark.encoding.bits import index_to_bits
from quark.models import BinaryPerceptron, FixedPointLinear, LineDetector, SignMLP, SpinPerceptron
from quark.models.circuits import REVERSIBLE_MODELS, evaluate_reversible, has_reversible_form, reversible_form

CASES = [
    (BinaryPerceptron(), 3),
    (BinaryPerceptron(), 4),
    (LineDetector(grouping="paper"), 4),
    (LineDetector(grouping="lines"), 4),
    (LineDetector(grouping="lines", polarity=True), 4),
    (LineDetector(grouping="paper", polarity=True), 9),
]


def _all(n):
    return index_to_bits(np.arange(1 << n), n)


@pytest.mark.parametrize("model,d", CASES, ids=lambda c: repr(c))
def test_form_predicts_like_the_model(model, d):
    form = reversible_form(model, d)
    assert form.n_weights == model.n_weights(d)
    W, X = _all(form.n_weights), _all(d)
    np.testing.assert_array_equal(form.predict(W, X), model.predict(W, X))
    # the gate features are the lead's OR-form masks (one bit per gate weight)
    masks, pol = model.or_form(X)
    u = form.gate_features(X)
    np.testing.assert_array_equal(u.astype(np.int64) @ (1 << np.arange(form.n_gates)), masks)
    assert pol == (-1 if form.polarity is None else form.polarity)


@pytest.mark.parametrize("model,d", CASES[:5], ids=lambda c: repr(c))
def test_pixel_circuit_computes_the_model_and_cleans_its_ancillas(model, d):
    form = reversible_form(model, d)
    qc = form.forward_circuit()
    W, X = _all(form.n_weights), _all(d)
    n_anc = len(form.terms)
    for out0 in (0, 1):
        inp = np.array([np.concatenate([w, x, np.zeros(n_anc, np.uint8), [out0]]) for w in W for x in X], dtype=np.uint8)
        res = evaluate_reversible(qc, inp)
        np.testing.assert_array_equal(res[:, :-1], inp[:, :-1])  # weights, pixels kept; ancillas back to 0
        np.testing.assert_array_equal(res[:, -1].reshape(len(W), len(X)) ^ out0, model.predict(W, X))


@pytest.mark.parametrize("model,d", [CASES[1], CASES[4]], ids=lambda c: repr(c))
def test_classical_and_feature_forms_agree_with_the_model(model, d):
    from qiskit import QuantumCircuit

    form = reversible_form(model, d)
    W, X = _all(form.n_weights), _all(d)
    U = form.gate_features(X)
    n, G = form.n_weights, form.n_gates
    for i, x in enumerate(X):
        qc = QuantumCircuit(n + 1)
        form.append_classical(qc, list(range(n)), U[i], n)
        res = evaluate_reversible(qc, np.hstack([W, np.zeros((len(W), 1), np.uint8)]))
        np.testing.assert_array_equal(res[:, n], model.predict(W, x[None])[:, 0])
    # features in qubits (the joint oracle's loader output): w, u, anc, target
    qc = QuantumCircuit(n + 2 * G + 1)
    form.append_features(qc, list(range(n)), list(range(n, n + G)), list(range(n + G, n + 2 * G)), n + 2 * G)
    inp = np.array([np.concatenate([w, u, np.zeros(G + 1, np.uint8)]) for w in W for u in U], dtype=np.uint8)
    res = evaluate_reversible(qc, inp)
    np.testing.assert_array_equal(res[:, : n + G], inp[:, : n + G])
    assert not res[:, n + G : n + 2 * G].any()
    np.testing.assert_array_equal(res[:, -1].reshape(len(W), len(X)), model.predict(W, X))


@pytest.mark.parametrize("model", [SpinPerceptron(), FixedPointLinear(), SignMLP(hidden=1), BinaryPerceptron(threshold=2)])
def test_models_without_a_form_raise_naming_those_with_one(model):
    assert not has_reversible_form(model, 4)
    with pytest.raises(ValueError) as err:
        reversible_form(model, 4)
    if isinstance(model, BinaryPerceptron):
        assert "threshold=1" in str(err.value)
    else:
        for name in REVERSIBLE_MODELS:
            assert repr(name) in str(err.value)


def test_evaluate_reversible_rejects_other_gates():
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(1)
    qc.h(0)
    with pytest.raises(ValueError, match="X/CX/CCX/MCX"):
        evaluate_reversible(qc, np.zeros((1, 1)))
    with pytest.raises(ValueError, match="shape"):
        evaluate_reversible(qc, np.zeros((1, 2)))
