"""One two-class problem: searches that do what their names say (exhaustive = the whole register, blocks
within max_qubits, every init honoured, never worse than the start) and the start alone (optimizer="none",
start="random")."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.datasets import load_tiny_mnist
from quark.encoding import LossLandscape
from quark.estimators.binary import STARTS, block_size_for
from quark.estimators.checks import PARAMETER_CONSTRAINTS
from quark.optimizers import ExhaustiveSearch, GroverAdaptiveSearch, SearchWarning


@pytest.fixture(scope="module")
def real():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 3))
    y = (X @ [1.0, -0.7, 0.4] + 0.3 * rng.normal(size=120) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def mnist3():
    return load_tiny_mnist(size=3, dedupe=True)


def test_exhaustive_searches_the_whole_register_of_a_linear_model(real):
    X, y = real
    clf = QuarkClassifier(optimizer="exhaustive", weight_bits=2, max_qubits=8, random_state=0).fit(X, y)  # 4 x 2 bits
    assert clf.result_.info["n_optima"] >= 1 and clf.result_.info["reached_optimum"] is True
    assert clf.result_.ledger.model_evaluations == 2**8 * len(y)        # every setting, none skipped
    # ... and it is the optimum of the landscape searched (at the ridge scale)
    land = LossLandscape(clf.model_, clf.encoding_, clf._prep.transform(X), y, "squared", alpha=clf.alpha_)
    assert clf.result_.loss == pytest.approx(ExhaustiveSearch().minimize(land).loss, abs=1e-12)


def test_exhaustive_past_max_qubits_is_refused_with_the_alternatives(mnist3):
    X, y = mnist3
    with pytest.raises(ValueError, match=r"whole register: all 2\*\*20 settings.*max_qubits=16.*Set max_qubits=20 knowingly"
                                         r".*optimizer='block' with optimizer_options=\{'inner': 'exhaustive'\}"):
        QuarkClassifier(model="fixed-point-linear", weight_bits=2, optimizer="exhaustive", max_qubits=16).fit(X, y)


def test_blocks_never_exceed_max_qubits(real):
    X, y = real
    clf = QuarkClassifier(max_qubits=8, random_state=0).fit(X, y)          # 3 features + bias, 4 bits: 16 qubits
    assert clf.encoding_.n_qubits == 16
    assert clf.result_.info["block_size"] == 8 and clf.result_.info["blocks_per_sweep"] == 2
    block = QuarkClassifier(optimizer="block", max_qubits=8, random_state=0).fit(X, y)   # by name: sized to fit
    assert block.result_.info["block_size"] == 8
    with pytest.raises(ValueError, match=r"BlockSearch\(block_size=12\).*past max_qubits=8.*set block_size=8"):
        QuarkClassifier(optimizer="block", optimizer_options={"block_size": 12}, max_qubits=8).fit(X, y)


def test_gate_level_blocks_count_their_circuit_qubits():
    pytest.importorskip("qiskit_aer")
    rng = np.random.default_rng(0)
    X = (rng.random((12, 10)) < 0.4).astype(int)
    y = X[:, [1, 4]].max(axis=1)
    land = LossLandscape("perceptron", None, X, y)                           # 11 weight qubits
    grover = GroverAdaptiveSearch(backend="aer", random_state=0)
    assert grover.qubits_needed(land)[0] > 11                                 # the whole circuit has work qubits
    # under oracle="auto" a perceptron's blocks run the counting oracle on their restrictions (never a table),
    # each block's circuit within max_qubits, work qubits counted
    zeros = np.zeros(11, np.uint8)
    b = block_size_for(grover, land, 8)
    assert 1 <= b < 8 and grover.qubits_needed(land.restrict(np.arange(b), zeros))[0] <= 8
    clf = QuarkClassifier(model="perceptron", backend="aer", max_qubits=8, random_state=0).fit(X, y)
    assert clf.result_.info["block_size"] <= b and set(clf.result_.info["oracles"]) == {"counting"}
    # asked for, the table oracle (no work qubits) takes blocks of max_qubits
    table = GroverAdaptiveSearch(backend="aer", backend_options={"oracle": "table"}, random_state=0)
    b = block_size_for(table, land, 8)
    assert table.qubits_needed(land.restrict(np.arange(b), zeros))[0] <= 8
    clf = QuarkClassifier(model="perceptron", backend="aer", max_qubits=8, random_state=0,
                          optimizer_options={"backend_options": {"oracle": "table"}}).fit(X, y)
    assert clf.result_.info["block_size"] <= b
    assert set(clf.result_.info["oracles"]) == {"table"}


def test_real_valued_squared_fits_on_aer_search_blocks_that_fit_max_qubits(real):
    pytest.importorskip("qiskit_aer")
    X, y = real[0][:, :1], real[1]                                          # 1 feature + bias, 2 bits: 4 qubits
    grover = GroverAdaptiveSearch(backend="aer", random_state=0)
    whole = QuarkClassifier(weight_bits=2, random_state=0).landscape(X, y)
    assert grover.qubits_needed(whole)[0] > 12                              # the whole register's circuit is wider
    # a squared-loss fit always descends block-wise from its ridge start, so max_qubits sizes its blocks
    # (work qubits counted) instead of refusing the fit
    clf = QuarkClassifier(weight_bits=2, backend="aer", max_qubits=12, random_state=0).fit(X, y)
    b = clf.result_.info["block_size"]
    assert 1 <= b < whole.n_qubits
    assert grover.qubits_needed(whole.restrict(np.arange(b), np.zeros(whole.n_qubits, np.uint8)))[0] <= 12
    assert set(clf.result_.info["oracles"]) == {"arithmetic"}
    assert clf.result_.loss <= clf.result_.info["start_loss"] + 1e-12


def test_hinge_on_aer_is_refused_naming_the_table_oracle_or_runs_a_coherent_one(real):
    pytest.importorskip("qiskit_aer")
    X, y = real[0][:, :1], real[1]
    # a real-valued linear model's hinge loss has no coherent oracle: refused, whole register or block-wise
    for max_qubits in (24, 4):
        with pytest.raises(ValueError, match=r"no coherent threshold oracle for the 'hinge' loss.*oracle='table'"):
            QuarkClassifier(loss="hinge", backend="aer", weight_bits=2, max_qubits=max_qubits).fit(X, y)
    # asked for, the table oracle runs and its classical losses are charged
    table = QuarkClassifier(loss="hinge", backend="aer", weight_bits=2, random_state=0,
                            optimizer_options={"backend_options": {"oracle": "table"}}).fit(X, y)
    assert table.result_.info["oracle"] == "table" and table.result_.ledger.compile_evaluations >= 2**4
    # a Boolean model's hinge loss runs the coherent counting oracle
    Xb, yb = load_tiny_mnist(size=2, dedupe=True)
    counted = QuarkClassifier(model="perceptron", loss="hinge", backend="aer", random_state=0).fit(Xb, yb)
    assert counted.result_.info["oracle"] == "counting" and counted.result_.info["oracle_error_bound"] == 0.0


@pytest.mark.parametrize("init, match", [
    ("ones", r"'init' must be one of \['zeros', 'random'\]"),
    ([0, 1, 1], "'init' must have 16 bits per string; got 3"),
    ([2] * 16, "'init' must hold only 0 and 1"),
])
def test_block_init_given_through_optimizer_options_is_validated(real, init, match):
    X, y = real
    with pytest.raises(ValueError, match=match):
        QuarkClassifier(optimizer="block", optimizer_options={"init": init}, max_qubits=8).fit(X, y)


def test_block_init_is_honoured_for_linear_models(real):
    X, y = real
    fits = {}
    for init in ("zeros", "random", None, [1, 0] * 8):
        options = {"init": init, "max_sweeps": 1, "inner": "exhaustive"} if init is not None else {"max_sweeps": 1, "inner": "exhaustive"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SearchWarning)
            clf = QuarkClassifier(optimizer="block", optimizer_options=options, max_qubits=8, random_state=0).fit(X, y)
        fits[str(init)] = clf
    assert fits["None"].result_.info["start"] == "ridge least squares, rounded"   # no init: the classifier's start
    for init in ("zeros", "random", str([1, 0] * 8)):
        assert fits[init].result_.info["start"] == "the optimizer's init"
    land_of = lambda c: LossLandscape(c.model_, c.encoding_, c._prep.transform(X), y, "squared", alpha=c.alpha_)  # noqa: E731
    z = fits["zeros"]
    assert z.result_.info["start_loss"] == pytest.approx(land_of(z).evaluate(np.zeros(16, np.uint8)))
    a = fits[str([1, 0] * 8)]
    assert a.result_.info["start_loss"] == pytest.approx(land_of(a).evaluate(np.array([1, 0] * 8, np.uint8)))
    starts = {k: f.result_.info["start_loss"] for k, f in fits.items()}
    assert len(set(starts.values())) == 4                                       # four different starts, each used


def test_none_fits_the_start_alone_with_no_oracle_query(real):
    X, y = real
    none = QuarkClassifier(optimizer="none", random_state=0).fit(X, y)
    grover = QuarkClassifier(random_state=0).fit(X, y)
    led = none.result_.ledger
    assert led.oracle_queries == led.shots == led.annealer_reads == led.grover_iterations == 0
    assert led.model_evaluations == len(y) and led.compile_evaluations == len(y)   # one check, the ridge solve
    assert none.result_.loss == pytest.approx(grover.result_.info["start_loss"])  # the search's own start
    np.testing.assert_allclose(none.weights_, grover.result_.info["start_weights"])
    assert grover.result_.loss <= none.result_.loss                              # what the search adds: >= 0
    # Boolean models: the start is all zeros (or random), with the same empty ledger
    Xb = (X > 0).astype(int)
    p = QuarkClassifier(model="perceptron", optimizer="none").fit(Xb, y)
    assert p.bits_.tolist() == [0] * p.encoding_.n_qubits and p.result_.ledger.oracle_queries == 0


def test_random_start_is_seeded_and_starts_every_search(real):
    X, y = real
    assert STARTS == ("ridge", "hebbian", "float", "random")
    with pytest.raises(ValueError, match=r"'start' must be one of \['ridge', 'hebbian', 'float', 'random'\]"):
        PARAMETER_CONSTRAINTS["start"]("start", "zeros")
    a = QuarkClassifier(optimizer="none", start="random", random_state=1).fit(X, y)
    b = QuarkClassifier(optimizer="none", start="random", random_state=1).fit(X, y)
    c = QuarkClassifier(optimizer="none", start="random", random_state=2).fit(X, y)
    assert a.result_.info["start"] == "random, scale refitted"
    np.testing.assert_array_equal(a.bits_, b.bits_)                             # seeded
    assert a.bits_.tolist() != c.bits_.tolist()
    searched = QuarkClassifier(start="random", random_state=1, max_qubits=8).fit(X, y)
    assert searched.result_.info["start_loss"] == pytest.approx(a.result_.loss)  # the search began where "none" ends
    assert searched.result_.loss < a.result_.loss
    Xb = (X > 0).astype(int)                                                     # a Boolean model's random start
    p = QuarkClassifier(model="perceptron", optimizer="none", start="random", random_state=1).fit(Xb, y)
    assert p.result_.info["start"] == "random" and p.bits_.any()


@pytest.mark.parametrize("optimizer, options", [("anneal", {"shots": 1}), ("random", {"max_queries": 1})])
def test_searches_without_a_start_never_return_worse_than_it_silently(mnist3, optimizer, options):
    X, y = mnist3
    common = dict(model="fixed-point-linear", weight_bits=2, random_state=0)
    start = QuarkClassifier(optimizer="none", **common).fit(X, y)
    with pytest.warns(SearchWarning, match=r"worse than its start \(ridge least squares, rounded"):
        clf = QuarkClassifier(optimizer=optimizer, **common, **options).fit(X, y)
    assert clf.result_.info["start_kept"] is True
    assert clf.result_.info["search_loss"] > clf.result_.loss == pytest.approx(start.result_.loss)
    np.testing.assert_array_equal(clf.bits_, start.bits_)


def test_native_multiclass_honours_the_same_names():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.5, 0.5])                  # 3 classes, 3 units x 3 weights
    common = dict(multi_class="native", weight_bits=1, model="fixed-point-linear", random_state=0)
    none = QuarkClassifier(optimizer="none", **common).fit(X, y)
    assert none.result_.ledger.oracle_queries == 0
    assert none.result_.loss == pytest.approx(none.result_.info["start_loss"])
    ex = QuarkClassifier(optimizer="exhaustive", max_qubits=9, **common).fit(X, y)          # 9 qubits: whole
    assert ex.result_.info["reached_optimum"] is True and ex.result_.loss <= none.result_.loss
    with pytest.raises(ValueError, match="whole register"):
        QuarkClassifier(optimizer="exhaustive", max_qubits=8, **common).fit(X, y)
    g = QuarkClassifier(max_qubits=4, **common).fit(X, y)
    assert g.result_.info["block_size"] == 4
    r = QuarkClassifier(optimizer="none", start="random", **common).fit(X, y)
    assert r.result_.info["start"] == "random"


def test_block_size_for_probes_the_start_as_well_as_zeros():
    # an arithmetic oracle's value register follows the restricted loss's range, which moves with the bits
    # outside the block: sized at zeros alone, the first block at the start (the ridge start on a digit pair)
    # needed one qubit past max_qubits
    pytest.importorskip("qiskit_aer")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3)) + rng.normal(size=3) * 2
    y = (X[:, 0] > X[:, 0].mean()).astype(int)
    land = LossLandscape("fixed-point-linear", None, X, y, "squared")
    n = land.n_qubits
    start = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0], dtype=np.uint8)
    grover = GroverAdaptiveSearch(backend="aer", random_state=0)
    at_zeros = grover.qubits_needed(land.restrict(np.arange(4), np.zeros(n, np.uint8)))[0]
    assert grover.qubits_needed(land.restrict(np.arange(4), start))[0] == at_zeros + 1   # the case itself
    assert block_size_for(grover, land, at_zeros, wanted=4) == 4                          # zeros alone: 4 bits
    b = block_size_for(grover, land, at_zeros, wanted=4, start=start)
    assert b < 4 and grover.qubits_needed(land.restrict(np.arange(b), start))[0] <= at_zeros
