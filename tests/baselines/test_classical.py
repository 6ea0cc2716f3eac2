"""Classical baselines: model evaluations counted, STE weights binary, missing torch named."""

import numpy as np
import pytest

from quark.baselines import BinaryNetBaseline, LogisticBaseline, TorchClassifierBaseline

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 3)
y = np.array([0, 1, 1, 1] * 3)


def test_logistic_counts_iterations_times_samples():
    b = LogisticBaseline(C=100.0).fit(X, y)
    assert b.score(X, y) == 1.0
    assert b.result_.ledger.model_evaluations == b.result_.info["n_iter"] * len(y)


def test_torch_perceptron_counts_forward_passes():
    pytest.importorskip("torch")
    b = TorchClassifierBaseline(0, epochs=150, learning_rate=0.1, random_state=0).fit(X, y)
    assert b.score(X, y) == 1.0
    assert b.result_.ledger.model_evaluations == 150 * len(y)
    assert b.result_.info["backward_evaluations"] == 150 * len(y)
    assert len(b.result_.history) == 151


def test_binary_network_uses_sign_weights():
    pytest.importorskip("torch")
    b = BinaryNetBaseline(4, epochs=50, random_state=0).fit(X, y)
    w = b.result_.weights
    # first layer 4x2 and output 1x4 weight matrices are +-1; biases are real
    assert set(np.abs(w[:8]).tolist()) == {1.0}


def test_missing_torch_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake(name, *a, **k):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("no torch")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    import sys

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with pytest.raises(ImportError, match=r"quark-qml\[torch\]"):
        TorchClassifierBaseline().fit(X, y)


def test_bad_labels():
    with pytest.raises(ValueError, match="0/1"):
        LogisticBaseline().fit(X, y + 1)
