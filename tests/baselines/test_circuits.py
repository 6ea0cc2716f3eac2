"""The exact simulator against Aer, the degeneracy check, the barren-plateau measurement."""

import numpy as np
import pytest

from quark.baselines.circuits import (
    RealCircuitSimulator,
    basis_feature_map,
    degeneracy_bound,
    vqc_ansatz,
    vqc_circuit,
)
from quark.baselines.plateau import gradient_variance


def _sim(n, reps, ent="reverse_linear"):
    return RealCircuitSimulator(vqc_circuit(n, reps, ent), basis_feature_map(n).parameters,
                                vqc_ansatz(n, reps, ent).parameters)


@pytest.mark.parametrize("reps,ent", [(1, "reverse_linear"), (2, "full")])
def test_simulator_matches_qiskit_statevector(reps, ent):
    from qiskit.quantum_info import Statevector

    rng = np.random.default_rng(0)
    n = 3
    qc = vqc_circuit(n, reps, ent)
    sim = _sim(n, reps, ent)
    x = np.array([1, 0, 1])
    w = rng.uniform(0, 2 * np.pi, len(sim.weight_params))
    binding = {p: v for p, v in zip(basis_feature_map(n).parameters, x)}
    names = {p.name: p for p in qc.parameters}
    bound = qc.assign_parameters({names[p.name]: v for p, v in binding.items()}
                                 | {names[p.name]: v for p, v in zip(sim.weight_params, w)})
    ref = Statevector(bound).probabilities()
    np.testing.assert_allclose(sim.probabilities(x[None], w[None])[0, 0], ref, atol=1e-12)


def test_exact_parameter_shift_matches_finite_difference():
    sim = _sim(3, 2)
    X = np.array([[0, 1, 1], [1, 1, 0]])
    w = np.random.default_rng(1).uniform(0, 2 * np.pi, len(sim.weight_params))
    f = lambda W: sim.class_one_probability(X, W).sum(axis=1)  # noqa: E731
    g = sim.parameter_shift_gradient(f, w[None])[0]
    eps = 1e-6
    fd = np.array([(f((w + eps * e)[None]) - f((w - eps * e)[None]))[0] / (2 * eps) for e in np.eye(w.size)])
    np.testing.assert_allclose(g, fd, atol=1e-6)


def test_issue_counterexample_one_layer_depends_on_pixel0_and_parity_only():
    # RY(pi x) + one-layer real_amplitudes + qubit-0 readout: 4 classes of inputs, nothing else
    from quark.datasets import load_edge_detection

    X, y = load_edge_detection()
    d = degeneracy_bound(_sim(9, 1), X, y, "qubit0", rng=0)
    assert d["n_groups"] == 4
    key = X[:, 0] * 2 + (X[:, 1:].sum(axis=1) % 2)
    for g in range(4):
        assert len(set(key[d["groups"] == g])) == 1
    assert d["max_accuracy"] == pytest.approx(1 - y.mean())   # no better than "no line"
    assert degeneracy_bound(_sim(9, 2), X, y, "qubit0", rng=0)["n_groups"] == 512


def test_gradient_variance_shrinks_with_depth_and_width():
    small = gradient_variance(2, reps=2, n_inits=300, random_state=0)["variance"]
    large = gradient_variance(10, reps=10, n_inits=300, random_state=0)["variance"]
    assert large < small / 10
    with pytest.raises(ValueError, match="readout"):
        gradient_variance(3, readout="nope")
