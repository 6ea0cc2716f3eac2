"""QuarkClassifier(model="quantized-mlp"): one network for all classes, trained by the block search."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_circles
from sklearn.linear_model import LogisticRegression

from quark import QuarkClassifier


@pytest.fixture(scope="module")
def circles():
    X, y = make_circles(300, noise=0.1, factor=0.5, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def digits3():
    X, y = load_digits(n_class=3, return_X_y=True)
    return X[:150], y[:150], X[150:], y[150:]


OPTIONS = {"hidden": 16}


@pytest.mark.parametrize("start", ["ridge", "float", "random"])
def test_circles_far_above_a_linear_model(circles, start):
    Xtr, ytr, Xte, yte = circles
    linear = LogisticRegression().fit(Xtr, ytr).score(Xte, yte)
    clf = QuarkClassifier(model="quantized-mlp", model_options=OPTIONS, start=start, random_state=0).fit(Xtr, ytr)
    assert linear < 0.7
    assert clf.score(Xte, yte) >= 0.9
    info, ledger = clf.result_.info, clf.result_.ledger
    # the start is reported beside the searched result, and the search improved on it
    assert clf.result_.loss < info["start_loss"]
    assert info["train_error"] <= info["start_error"]
    assert info["block_steps"] > 0 and ledger.oracle_queries > 0 and info["reached_optimum"] is None
    # the ridge and float starts read the data (counted); the random start runs no solver
    assert (ledger.compile_evaluations > 0) == (start != "random")
    assert clf.weights_.shape == (clf.model_.n_weights(2),) and clf.decision_function(Xte).shape == (100,)


def test_float_start_is_a_trained_network_rounded(digits3):
    """start="float": the hidden layers of a float network trained by gradient descent, rounded to their
    levels — a far better start than random hidden layers, its training counted, the same fit twice."""
    Xtr, ytr, Xte, yte = digits3
    net = dict(model="quantized-mlp", model_options={"hidden": 16}, random_state=0)
    ridge = QuarkClassifier(**net, optimizer="none").fit(Xtr, ytr)
    flt = QuarkClassifier(**net, start="float", optimizer="none").fit(Xtr, ytr)
    assert flt.result_.info["start_error"] < 0.02 < 0.05 < ridge.result_.info["start_error"]
    assert flt.score(Xte, yte) > ridge.score(Xte, yte) + 0.05
    assert flt.result_.info["start"].startswith("a float network") and flt.result_.ledger.oracle_queries == 0
    trained = flt.result_.info["float_network"]
    assert trained["epochs"] > 0 and trained["train_accuracy"] > 0.95
    # every epoch read every sample, besides the ridge output layer's passes
    assert flt.result_.ledger.compile_evaluations > trained["epochs"] * len(Xtr) > ridge.result_.ledger.compile_evaluations
    searched = QuarkClassifier(**net, start="float").fit(Xtr, ytr)
    again = QuarkClassifier(**net, start="float").fit(Xtr, ytr)
    assert searched.result_.loss <= searched.result_.info["start_loss"]
    assert searched.result_.info["start_loss"] == pytest.approx(flt.result_.loss)
    np.testing.assert_array_equal(searched.bits_, again.bits_)


@pytest.mark.parametrize("options", [{"hidden": (8, 6)}, {"hidden": 8, "activation": "clip"}, {"hidden": 8, "bits": 1}])
def test_float_start_rounds_every_network_form(digits3, options):
    """Deeper networks, clipped units and 1-bit weights start from their rounded float network too."""
    Xtr, ytr, *_ = digits3
    clf = QuarkClassifier(model="quantized-mlp", model_options=options, start="float", optimizer="none",
                          random_state=0).fit(Xtr, ytr)
    assert clf.result_.info["start_error"] < 0.2
    weighted = QuarkClassifier(model="quantized-mlp", model_options=options, start="float", optimizer="none",
                               random_state=0).fit(Xtr, ytr, sample_weight=np.where(ytr == 0, 3.0, 1.0))
    assert not np.array_equal(weighted.bits_, clf.bits_)  # the float network saw the weights


def test_multiclass_is_one_network(digits3):
    Xtr, ytr, Xte, yte = digits3
    clf = QuarkClassifier(model="quantized-mlp", model_options=OPTIONS, random_state=0).fit(Xtr, ytr)
    assert clf.multi_class_ == "native" and clf.model_.n_outputs == 3 and clf.loss_ == "hinge"
    assert clf.weights_.ndim == 1  # one flat network, not one per problem
    d = clf.decision_function(Xte)
    assert d.shape == (len(Xte), 3)
    np.testing.assert_array_equal(clf.predict(Xte), clf.classes_[d.argmax(axis=1)])
    np.testing.assert_allclose(clf.predict_proba(Xte).sum(axis=1), 1.0)
    assert clf.score(Xtr, ytr) >= 0.95 and clf.score(Xte, yte) >= 0.85


def test_seeds_reproduce_the_fit(circles):
    Xtr, ytr, *_ = circles
    fit = lambda seed: QuarkClassifier(model="quantized-mlp", model_options=OPTIONS, random_state=seed).fit(Xtr, ytr)
    a, b, c = fit(3), fit(3), fit(4)
    np.testing.assert_array_equal(a.bits_, b.bits_)
    assert a.result_.ledger.oracle_queries == b.result_.ledger.oracle_queries
    assert not np.array_equal(a.bits_, c.bits_)


def test_landscape_is_the_one_fit_searches(digits3):
    Xtr, ytr, *_ = digits3
    clf = QuarkClassifier(model="quantized-mlp", model_options={"hidden": 4}, random_state=0)
    land = clf.landscape(Xtr, ytr)
    assert type(land).__name__ == "NetworkLandscape" and land.model.n_outputs == 3
    clf.fit(Xtr, ytr)
    assert land.n_qubits == clf.bits_.size
    assert land.evaluate(clf.bits_) == pytest.approx(clf.result_.loss)


def test_the_start_alone_and_an_explicit_init(circles):
    Xtr, ytr, *_ = circles
    net = dict(model="quantized-mlp", model_options={"hidden": 4}, random_state=0)
    alone = QuarkClassifier(**net, optimizer="none").fit(Xtr, ytr)
    searched = QuarkClassifier(**net).fit(Xtr, ytr)
    assert alone.result_.loss == pytest.approx(alone.result_.info["start_loss"])
    assert alone.result_.ledger.oracle_queries == 0 and searched.result_.loss < alone.result_.loss
    init = np.zeros(searched.bits_.size, dtype=np.uint8)
    given = QuarkClassifier(**net, optimizer="none", optimizer_options={"init": init}).fit(Xtr, ytr)
    np.testing.assert_array_equal(given.bits_, init)


def test_weight_bits_set_every_layer(circles):
    Xtr, ytr, *_ = circles
    clf = QuarkClassifier(model="quantized-mlp", weight_bits=1, model_options={"hidden": 8}, random_state=0).fit(Xtr, ytr)
    hidden = clf.weights_[: 8 * 3].reshape(8, 3)[:, :2]
    assert set(np.unique(hidden)) == {-1.0, 1.0} and set(np.unique(clf.weights_[24:32])) <= {-1.0, 1.0}


def test_clear_errors(circles):
    Xtr, ytr, *_ = circles
    net = dict(model="quantized-mlp", model_options={"hidden": 4})
    with pytest.raises(ValueError, match="one network for all classes"):
        QuarkClassifier(**net, multi_class="ovo").fit(Xtr, ytr)
    with pytest.raises(ValueError, match="loss='hinge' or 'zero_one'"):
        QuarkClassifier(**net, loss="squared").fit(Xtr, ytr)
    with pytest.raises(ValueError, match="'bits'.*not both"):
        QuarkClassifier(model="quantized-mlp", weight_bits=2, model_options={"bits": 1}).fit(Xtr, ytr)
    with pytest.raises(ValueError, match="'start' must be one of"):
        QuarkClassifier(**net, start="hebbian2").fit(Xtr, ytr)
    with pytest.raises(ValueError, match="starts from \\['ridge', 'float', 'random'\\]"):
        QuarkClassifier(**net, start="hebbian").fit(Xtr, ytr)
    with pytest.raises(ValueError, match="start='float' rounds a float network.*not model 'fixed-point-linear'"):
        QuarkClassifier(model="fixed-point-linear", start="float").fit(Xtr, ytr)


def test_blocks_shrink_to_fit_max_qubits_on_gate_level_backends(circles):
    """On Aer every block runs the unit oracle, whose value and loss registers count against max_qubits: the
    fit's blocks shrink until its circuits fit, and a bound no block meets is refused clearly."""
    pytest.importorskip("qiskit_aer")
    from quark.estimators.network import NETWORK_BLOCK_SIZE, network_block_size, network_landscape
    from quark.models import QuantizedMLP
    from quark.optimizers import GroverAdaptiveSearch

    X, y = circles[0][:40], circles[1][:40]
    land = network_landscape(QuantizedMLP(hidden=3), X, y, np.array([0, 1]), loss="hinge")
    base = np.random.default_rng(0).integers(0, 2, land.n_qubits)
    aer, kernel = GroverAdaptiveSearch(backend="aer"), GroverAdaptiveSearch()
    assert network_block_size(aer, land, base, None) == network_block_size(kernel, land, base, 24) == NETWORK_BLOCK_SIZE
    b = network_block_size(aer, land, base, 20)
    assert 1 <= b < NETWORK_BLOCK_SIZE
    probes = (land.encoding.units[0], land.encoding.units[-1])  # a hidden unit, the output unit
    for size, fits in ((b, True), (b + 1, False)):  # the largest block that fits
        needs = [aer.qubits_needed(land.restrict(np.arange(u[2], min(u[2] + size, u[3])), base)) for u in probes]
        assert all("unit circuit" in what for _, what in needs)
        assert (max(q for q, _ in needs) <= 20) == fits
    with pytest.raises(ValueError, match="even a one-bit block of the network needs.*max_qubits=4"):
        network_block_size(aer, land, base, 4)
