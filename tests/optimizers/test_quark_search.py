"""QuarkSearch: the paper's amplification measures weights in proportion to the exact formula."""

import numpy as np
import pytest

from quark import QuarkClassifier
from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection, train_test_split
from quark.encoding import LossLandscape
from quark.models import LineDetector
from quark.optimizers import OPTIMIZERS, ExhaustiveSearch, QuarkSearch
from quark.optimizers.quark_search import choose_iterations
from quark.testing import total_variation


@pytest.fixture(scope="module")
def rows_paper():
    X, y = load_edge_detection(lines="rows")
    return LossLandscape(LineDetector(grouping="paper"), None, X, y)


@pytest.fixture(scope="module")
def rows_lines():
    X, y = load_edge_detection(lines="rows")
    return LossLandscape("line-detector", None, X, y)


def paper_formula(land, iterations, copies=1):
    """PAPER.md: P(w) = a(w) p / sum(a) + (1 - a(w)) (1 - p) / sum(1 - a), a = acc(w)**copies."""
    a = (land.correct_counts(np.arange(1 << land.n_qubits)) / land.n_samples) ** copies
    p = np.sin((2 * iterations + 1) * np.arcsin(np.sqrt(a.mean()))) ** 2
    return p, a * p / a.sum() + (1 - a) * (1 - p) / (1 - a).sum()


def empirical(res, size):
    out = np.zeros(size)
    for k, v in res.info["counts"].items():
        out[k] = v
    return out / out.sum()


def test_registered():
    assert OPTIMIZERS["quark"] is QuarkSearch


@pytest.mark.parametrize("copies, iterations", [(1, 6), (2, 9), (8, 1), (32, 6)])
def test_measured_distribution_follows_the_paper_formula(rows_paper, copies, iterations):
    shots = 100_000
    res = QuarkSearch(iterations=iterations, shots=shots, copies=copies, random_state=copies).minimize(rows_paper)
    _, exact = paper_formula(rows_paper, iterations, copies)
    emp = empirical(res, 8)
    assert sum(res.info["counts"].values()) == shots
    assert 0.5 * np.abs(emp - exact).sum() < 0.5 * np.sqrt(8 / shots) + 0.005
    assert res.info["mode"] == 1 == int(np.argmax(exact))  # the rows gate: the best weights


def test_paper_figures_from_shots(rows_paper):
    """6 rounds, k = 1: the best of 8 settings is measured 16% of the time (uniform: 12.5%)."""
    p, exact = paper_formula(rows_paper, 6)
    assert p == pytest.approx(0.996, abs=5e-4) and exact[1] == pytest.approx(0.16, abs=5e-3)
    res = QuarkSearch(iterations=6, shots=200_000, random_state=0).minimize(rows_paper)
    assert empirical(res, 8)[1] == pytest.approx(0.16, abs=0.005)
    res = QuarkSearch(iterations=6, shots=50_000, copies=32, random_state=0).minimize(rows_paper)
    assert empirical(res, 8)[1] == pytest.approx(paper_formula(rows_paper, 6, 32)[1][1], abs=0.01)
    assert empirical(res, 8)[1] > 0.9  # accuracy**32: near-certain


def test_explicit_backend_gives_the_same_distribution(rows_paper):
    shots = 40_000
    res = QuarkSearch(iterations=3, shots=shots, copies=2, backend_options={"method": "statevector"}, random_state=1).minimize(rows_paper)
    _, exact = paper_formula(rows_paper, 3, 2)
    counts = np.repeat(list(res.info["counts"]), list(res.info["counts"].values()))
    assert total_variation(counts, exact) < 0.5 * np.sqrt(8 / shots) + 0.005


def test_best_weights_are_checked_classically_and_counted(rows_lines):
    m = rows_lines.n_samples
    res = QuarkSearch(iterations=3, shots=500, copies=16, random_state=0).minimize(rows_lines)
    assert res.loss == ExhaustiveSearch().minimize(rows_lines).loss == 0.0
    assert res.loss == rows_lines.evaluate(res.bits)
    led = res.ledger
    assert led.model_evaluations == res.info["distinct_measured"] * m
    assert led.shots == 500 and led.circuit_executions == 1
    assert led.grover_iterations == 3 and led.oracle_queries == 3 * 500
    assert res.info["estimated_marked_fraction"] is None


def test_automatic_rounds_come_from_an_estimate_not_the_true_accuracy(rows_paper):
    """iterations=None estimates the marked fraction from uniform (weight, sample) draws (counted)."""
    p_best = []
    for seed in range(10):
        res = QuarkSearch(shots=1000, estimation_shots=4096, random_state=seed).minimize(rows_paper)
        est, r = res.info["estimated_marked_fraction"], res.info["iterations"]
        assert abs(est - 3195 / 4096) < 0.04  # mean accuracy 0.78
        assert res.ledger.model_evaluations == 4096 + res.info["distinct_measured"] * 512
        p_best.append(paper_formula(rows_paper, r)[0])
    # the chosen rounds put most of the mass on marked pairs (PAPER.md: 1 round would give 0.011)
    assert np.mean(p_best) > 0.8


def test_choose_iterations_peaks_where_theory_says():
    # a small marked fraction: the first peak pi / (4 theta) - 1/2
    a = 0.01
    r = choose_iterations(int(a * 100_000), 100_000)
    assert r == round(np.pi / (4 * np.arcsin(np.sqrt(a))) - 0.5)
    # the rows task's 0.78 with a sharp estimate: the aliased 6-round peak; a vague one: 0 rounds
    assert choose_iterations(7800, 10_000) == 6 and choose_iterations(39, 50) == 0
    assert choose_iterations(5, 10, max_iterations=0) == 0


def test_copies_sharpen_the_bias(rows_paper):
    few = QuarkSearch(iterations=1, shots=20_000, copies=1, random_state=0).minimize(rows_paper)
    many = QuarkSearch(iterations=1, shots=20_000, copies=8, random_state=0).minimize(rows_paper)
    assert empirical(many, 8)[1] > 2 * empirical(few, 8)[1]


def test_seeds_are_reproducible(rows_paper):
    a = QuarkSearch(shots=300, random_state=5).minimize(rows_paper)
    b = QuarkSearch(shots=300, random_state=5).minimize(rows_paper)
    assert a.info == b.info and a.index == b.index


def test_classifier_passes_backend_shots_and_copies():
    X, y = load_edge_detection()
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    clf = QuarkClassifier(model="line-detector", optimizer="quark", shots=256, copies=4, backend="statevector",
                          random_state=0).fit(Xtr, ytr)
    assert clf.result_.ledger.shots == 256 and clf.result_.info["copies"] == 4
    assert clf.score(Xte, yte) >= 0.9


def test_needs_a_landscape():
    with pytest.raises(TypeError, match="LossLandscape"):
        QuarkSearch(iterations=1).minimize(np.arange(8.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"shots": 0}, "'shots' must be a positive integer; got 0"),
        ({"copies": 0}, "'copies' must be a positive integer; got 0"),
        ({"iterations": -1}, "'iterations'"),
        ({"estimation_shots": 0}, "'estimation_shots'"),
        ({"backend": "nope"}, "'backend' of QuarkSearch must be one of .*got 'nope'"),
    ],
)
def test_bad_input(kwargs, match):
    opt = QuarkSearch(**kwargs)  # __init__ only stores; the search checks
    with pytest.raises(ValueError, match=match):
        opt.minimize(np.arange(8.0))


def test_unknown_names_are_refused_where_they_are_written():
    with pytest.raises(TypeError, match="'shot' \\(did you mean 'shots'\\?\\)"):
        QuarkSearch(shot=5)
    with pytest.raises(TypeError, match="backend 'statevector'.*'methd' \\(did you mean 'method'\\?\\)"):
        QuarkSearch(backend_options={"methd": "auto"})


def test_a_backend_without_the_joint_oracle_is_refused():
    class ThresholdOnly:
        def sample_threshold(self, *a):  # pragma: no cover - never called
            raise AssertionError

    with pytest.raises(TypeError, match="sample_joint"):
        QuarkSearch(backend=ThresholdOnly()).minimize(np.arange(8.0))
